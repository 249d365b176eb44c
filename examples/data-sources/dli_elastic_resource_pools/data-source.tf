# Every production pool, by name, with its CIDR.
data "dli_elastic_resource_pools" "prod" {
  tags = {
    env = "prod"
  }
}

output "pool_cidrs" {
  value = { for p in data.dli_elastic_resource_pools.prod.pools : p.name => p.cidr_in_vpc }
}
