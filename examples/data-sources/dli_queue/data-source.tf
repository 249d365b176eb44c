# A Flink or jar job needs a dedicated general queue that is not restarting.
data "dli_queue" "etl" {
  name = "etl_general"
}

output "etl_ready" {
  value = (data.dli_queue.etl.type == "general" && data.dli_queue.etl.resource_mode == 1
  && !data.dli_queue.etl.is_restarting)
}
