# The module tested without a cloud or credentials: mock_provider serves the
# dli provider's real schema with made-up values (Terraform 1.7+, OpenTofu
# 1.8+). Run it with `terraform test` in the module's folder.
mock_provider "dli" {
  mock_data "dli_enhanced_connection" {
    defaults = {
      vpc_id = "vpc-0001"
      hosts = [
        { name = "kafka-1", ip = "10.0.1.11" },
        { name = "kafka-2", ip = "10.0.1.12" },
      ]
    }
  }
}

variables {
  connection_name = "lakehouse"
}

run "one_rule_per_host_and_port" {
  command = plan

  variables {
    ports = [9092, 9093]
  }

  assert {
    condition     = length(output.ingress_rules) == 4
    error_message = "Two hosts and two ports make four rules."
  }

  assert {
    condition     = output.ingress_rules["kafka-2:9093"].remote_ip_prefix == "10.0.1.12/32"
    error_message = "A rule opens its host's address alone."
  }

  assert {
    condition     = output.vpc_id == "vpc-0001"
    error_message = "The rules belong in the connection's VPC."
  }
}

run "a_connection_without_hosts_needs_no_rules" {
  command = plan

  override_data {
    target = data.dli_enhanced_connection.this
    values = {
      hosts = []
    }
  }

  assert {
    condition     = length(output.ingress_rules) == 0
    error_message = "No host, no rule."
  }
}
