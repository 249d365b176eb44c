# Who may bind queues to the shared connection "withvpc", and a plan that
# stops early when the consuming project may not (Terraform >= 1.2).
variable "consumer_project_id" {
  type        = string
  description = "The project whose queues will use the shared connection."
}

data "dli_enhanced_connection_privileges" "shared" {
  name = "withvpc"
}

resource "null_resource" "queue_binding" {
  triggers = {
    connection_id = data.dli_enhanced_connection_privileges.shared.id
  }

  lifecycle {
    precondition {
      condition = contains(
        lookup(data.dli_enhanced_connection_privileges.shared.projects, var.consumer_project_id, []),
        "BIND_QUEUE",
      )
      error_message = "Project ${var.consumer_project_id} may not bind queues to connection withvpc: ask its owner to grant BIND_QUEUE."
    }
  }
}
