terraform {
  required_providers {
    dli = {
      source = "dli-community/dli"
    }
  }
}

# Credentials come from HW_ACCESS_KEY and HW_SECRET_KEY (and HW_SECURITY_TOKEN
# for temporary credentials), so no secret sits in the configuration.
provider "dli" {
  region     = "cn-north-4"
  project_id = "0123456789abcdef0123456789abcdef"
}
