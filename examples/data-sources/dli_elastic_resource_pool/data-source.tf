# Follow a connection to the pool bound to it: the pool's CIDR is what
# security-group and SNAT rules need.
data "dli_enhanced_connection" "lake" {
  name = "lakehouse-prod"
}

data "dli_elastic_resource_pool" "pool" {
  name = data.dli_enhanced_connection.lake.elastic_resource_pools[0].name
}

output "pool_cidr" {
  value = data.dli_elastic_resource_pool.pool.cidr_in_vpc
}
