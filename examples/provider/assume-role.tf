# The key from HW_ACCESS_KEY / HW_SECRET_KEY (or a profile, or ECS metadata)
# asks IAM once for temporary credentials of an agency in another account;
# every read is signed with those. No project_id: it is looked up in IAM.
provider "dli" {
  region = "cn-north-4"

  assume_role {
    agency_name = "dli-readers"
    domain_name = "data-platform"
    duration    = 3600
  }
}
