# On an ECS instance (a CI runner, say) with an agency attached: temporary
# credentials of that agency, from the instance's metadata service, renewed
# before they expire. The service is contacted only because this says so.
provider "dli" {
  region           = "cn-north-4"
  use_ecs_metadata = true
}
