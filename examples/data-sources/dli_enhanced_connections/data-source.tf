# Every live connection whose name contains "lake" and that is tagged for
# production.
data "dli_enhanced_connections" "lakes" {
  name = "lake"
  tags = {
    env = "prod"
  }
}

output "lake_subnets" {
  value = { for c in data.dli_enhanced_connections.lakes.connections : c.name => c.subnet_id }
}
