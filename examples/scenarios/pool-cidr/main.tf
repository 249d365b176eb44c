# Follow a connection to the elastic resource pool bound to it, and stop the
# plan when the pool's CIDR overlaps the subnet the connection reaches: DLI
# refuses such a pool. Provider functions need Terraform 1.8 (OpenTofu has
# them from 1.7; one constraint covers both CLIs from 1.8).
terraform {
  required_version = ">= 1.8"
  required_providers {
    dli = { source = "dli-community/dli" }
  }
}

provider "dli" {}

variable "subnet_cidr" {
  description = "CIDR of the subnet the connection reaches (its subnet_id)."
  type        = string
  default     = "192.168.0.0/24"
}

data "dli_enhanced_connection" "lakehouse" {
  name = "lakehouse-prod"
}

data "dli_elastic_resource_pool" "pool" {
  name = data.dli_enhanced_connection.lakehouse.elastic_resource_pools[0].name
}

output "pool_cidr" {
  value = data.dli_elastic_resource_pool.pool.cidr_in_vpc

  precondition {
    condition = !provider::dli::cidrs_overlap(
      data.dli_elastic_resource_pool.pool.cidr_in_vpc, var.subnet_cidr
    )
    error_message = "Pool ${data.dli_elastic_resource_pool.pool.name} (${data.dli_elastic_resource_pool.pool.cidr_in_vpc}) overlaps the connection's subnet ${var.subnet_cidr}."
  }
}
