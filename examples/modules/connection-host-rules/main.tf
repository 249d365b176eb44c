# A module built on dli_enhanced_connection: the security-group rules that
# let a connection's DLI queues reach its hosts, one rule per host and port,
# for the caller to feed into its cloud's security-group rule resource
# (for example huaweicloud_networking_secgroup_rule, with for_each).
# tests/ tests it without a cloud: `terraform test` with mock_provider.
terraform {
  required_providers {
    dli = { source = "dli-community/dli" }
  }
}

variable "connection_name" {
  type        = string
  description = "Exact name of the enhanced connection."
}

variable "ports" {
  type        = list(number)
  description = "TCP ports the queues reach on every host."
  default     = [9092]
}

data "dli_enhanced_connection" "this" {
  name = var.connection_name
}

locals {
  # Keyed by host and port, so for_each keeps a rule when others change.
  rules = {
    for pair in setproduct(data.dli_enhanced_connection.this.hosts, var.ports) :
    "${pair[0].name}:${pair[1]}" => {
      description      = "DLI connection ${var.connection_name} to ${pair[0].name}"
      remote_ip_prefix = "${pair[0].ip}/32"
      port             = pair[1]
    }
  }
}

output "vpc_id" {
  description = "The VPC the rules belong in."
  value       = data.dli_enhanced_connection.this.vpc_id
}

output "ingress_rules" {
  description = "One rule per host and port, keyed \"host:port\"."
  value       = local.rules
}
