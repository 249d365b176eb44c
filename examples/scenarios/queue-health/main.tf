# Stop a plan early when a queue bound to the connection is not ACTIVE, with a
# message naming the queues and their errors. Preconditions need Terraform 1.2.
terraform {
  required_version = ">= 1.2"
  required_providers {
    dli = { source = "dli-community/dli" }
  }
}

provider "dli" {}

data "dli_enhanced_connection" "lakehouse" {
  connection_id = "7f1c2a9e-5b3d-4e8f-9a61-0c2d3e4f5a6b"
}

locals {
  broken_queues = [
    for q in data.dli_enhanced_connection.lakehouse.queues :
    "${q.name} (${q.status}: ${q.error_msg})" if q.status != "ACTIVE"
  ]
}

output "connection_ready" {
  value = data.dli_enhanced_connection.lakehouse.status == "ACTIVE"

  precondition {
    condition     = length(local.broken_queues) == 0
    error_message = "Queues not ready on the connection: ${join(", ", local.broken_queues)}."
  }
}
