# By name: the same module works in every environment.
data "dli_enhanced_connection" "warehouse" {
  name = "withvpc"
}

# Or by ID, as the console shows it.
data "dli_enhanced_connection" "by_id" {
  connection_id = "4c693ecc-bab8-4113-a838-129cedc9a563"
}

output "warehouse_network" {
  value = {
    vpc_id    = data.dli_enhanced_connection.warehouse.vpc_id
    subnet_id = data.dli_enhanced_connection.warehouse.subnet_id
    hosts     = { for h in data.dli_enhanced_connection.warehouse.hosts : h.name => h.ip }
  }
}
