# Feed a connection's network into other resources: its VPC, subnet and host
# entries become the inputs of whatever opens the path to the data (here a
# null_resource stands in for a security group rule or a DNS zone).
terraform {
  required_providers {
    dli  = { source = "dli-community/dli" }
    null = { source = "hashicorp/null" }
  }
}

provider "dli" {}

data "dli_enhanced_connection" "lakehouse" {
  connection_id = "7f1c2a9e-5b3d-4e8f-9a61-0c2d3e4f5a6b"
}

locals {
  connection = data.dli_enhanced_connection.lakehouse
  host_ips   = sort([for h in local.connection.hosts : h.ip])
  queues     = { for q in local.connection.queues : q.name => q.status }
}

resource "null_resource" "allow_dli_to_hosts" {
  triggers = {
    vpc_id    = local.connection.vpc_id
    subnet_id = local.connection.subnet_id
    host_ips  = join(",", local.host_ips)
    routes    = join(",", [for r in local.connection.routes : r.cidr])
  }
}

output "queues" {
  value = local.queues
}

output "host_ips" {
  value = local.host_ips
}
