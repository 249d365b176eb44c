# Every queue, of both types (type defaults to "all"), by name with its CIDR.
data "dli_queues" "all" {}

output "queue_cidrs" {
  value = { for q in data.dli_queues.all.queues : q.name => q.cidr_in_vpc }
}
