# A Flink or jar job needs a dedicated general queue that is not restarting
# (`is_restarting` is null when DLI does not say: `!= true` reads it as not).
data "dli_queue" "etl" {
  name = "etl_general"
}

output "etl_ready" {
  value = (data.dli_queue.etl.type == "general" && data.dli_queue.etl.resource_mode == 1
  && data.dli_queue.etl.is_restarting != true)
}
