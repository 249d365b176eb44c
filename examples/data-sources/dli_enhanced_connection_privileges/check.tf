# Terraform >= 1.5: a check block warns on every plan and apply instead of
# stopping the plan (with the data source and variable of the example above).
check "bind_queue_granted" {
  assert {
    condition = contains(
      lookup(data.dli_enhanced_connection_privileges.shared.projects, var.consumer_project_id, []),
      "BIND_QUEUE",
    )
    error_message = "Project ${var.consumer_project_id} lacks BIND_QUEUE on connection withvpc."
  }
}
