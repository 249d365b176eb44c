# Credentials, region and project from an hcloud (KooCLI) profile, as the
# hcloud CLI stores them (unencrypted) in ~/.hcloud/config.json.
provider "dli" {
  profile = "ci"
}
