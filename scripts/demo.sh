#!/usr/bin/env bash
# The README demo: builds the provider, starts the fake DLI API with its
# default fixture, and runs terraform plan, apply and output on
# examples/demo/main.tf. Uses the newest terraform on PATH, or installs one.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work="$root/demo/.work"

./scripts/install-test-tools.sh --demo >/dev/null
terraform_bin=$(command -v terraform || echo "$root/.tools/terraform-1.0.3/terraform")
version=$(CHECKPOINT_DISABLE=1 "$terraform_bin" version)
echo "==> using ${version%%$'\n'*}"

echo "==> building the provider and the fake DLI API"
cargo build --quiet --bins

rm -rf "$work" && mkdir -p "$work"
cp examples/demo/main.tf "$work/main.tf"
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/dli-community/dli" = "$root/target/debug"
    "registry.terraform.io/hashicorp/null"    = "$root/.tools/null-provider"
  }
  direct {}
}
CFG

echo "==> starting the fake DLI API"
target/debug/dli-fake --port-file "$work/port" 2>"$work/fake.log" >/dev/null &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")

# Only the demo's own settings: the fake accepts the fixture's demo key. No
# project ID: the provider asks the fake's IAM for the project of the region.
run_terraform() {
  env -u TF_LOG -u TF_CLI_CONFIG_FILE \
    TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 \
    HW_DLI_ENDPOINT="http://127.0.0.1:$port" HW_AUTH_URL="http://127.0.0.1:$port/v3" \
    HW_REGION_NAME=cn-north-4 \
    HW_ACCESS_KEY=DEMOACCESSKEY0000001 HW_SECRET_KEY=demo-secret-key-not-a-real-one \
    "$terraform_bin" -chdir="$work" "$@"
}

echo "==> terraform plan"
run_terraform plan -input=false
echo "==> terraform apply"
run_terraform apply -input=false -auto-approve
echo "==> terraform output"
run_terraform output
echo "==> requests the fake DLI API answered:"
cat "$work/fake.log"
