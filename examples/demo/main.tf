# The README demo: read two enhanced connections from the fake DLI API and
# chain what they hold into another provider's resource.
terraform {
  required_providers {
    dli  = { source = "dli-community/dli" }
    null = { source = "hashicorp/null" }
  }
}

# endpoint, region and credentials come from HW_* environment variables set
# by scripts/demo.sh; the project is looked up in (the fake's) IAM.
provider "dli" {}

data "dli_enhanced_connection" "seed" {
  connection_id = "4c693ecc-bab8-4113-a838-129cedc9a563"
}

data "dli_enhanced_connection" "lakehouse" {
  connection_id = "7f1c2a9e-5b3d-4e8f-9a61-0c2d3e4f5a6b"
}

locals {
  lakehouse_hosts = { for h in data.dli_enhanced_connection.lakehouse.hosts : h.name => h.ip }
  inactive_queues = [for q in data.dli_enhanced_connection.lakehouse.queues : q.name if q.status != "ACTIVE"]
}

# Stands in for a firewall rule, a DNS zone, a peering: anything that needs the
# connection's network.
resource "null_resource" "network_wiring" {
  triggers = {
    vpc_id    = data.dli_enhanced_connection.lakehouse.vpc_id
    subnet_id = data.dli_enhanced_connection.lakehouse.subnet_id
    hosts     = jsonencode(local.lakehouse_hosts)
  }
}

output "seed_connection" {
  value = {
    name       = data.dli_enhanced_connection.seed.name
    status     = data.dli_enhanced_connection.seed.status
    vpc_id     = data.dli_enhanced_connection.seed.vpc_id
    subnet_id  = data.dli_enhanced_connection.seed.subnet_id
    created_at = data.dli_enhanced_connection.seed.created_at
    queues     = data.dli_enhanced_connection.seed.queues
    hosts      = data.dli_enhanced_connection.seed.hosts
  }
}

output "lakehouse_hosts" {
  value = local.lakehouse_hosts
}

output "lakehouse_queue_names" {
  value = [for q in data.dli_enhanced_connection.lakehouse.queues : q.name]
}

output "inactive_queues" {
  value = local.inactive_queues
}

output "wired_network" {
  value = null_resource.network_wiring.triggers
}
