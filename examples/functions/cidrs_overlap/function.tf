# DLI refuses a queue or pool whose CIDR overlaps the subnet it connects
# to: say so at plan time instead.
variable "pool_cidr" {
  type    = string
  default = "172.16.0.0/18"
}

variable "subnet_cidr" {
  type    = string
  default = "192.168.0.0/24"
}

output "pool_overlaps_subnet" {
  value = provider::dli::cidrs_overlap(var.pool_cidr, var.subnet_cidr)
}
