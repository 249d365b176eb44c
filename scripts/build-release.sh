#!/usr/bin/env bash
# Builds the release binary of terraform-provider-dli for each platform named
# (`<os>_<arch>` as registries spell it), and copies it to
#   target/platforms/<os>_<arch>/terraform-provider-dli
# printing that path, one line per platform.
#
# What builds each platform:
#   this machine's own platform     the Rust toolchain on PATH (rustup's)
#   linux_arm64 on linux_amd64      Debian's second toolchain (rustc-web,
#                                   cargo-web: /usr/bin/rustc, /usr/bin/cargo)
#                                   with its arm64 std (libstd-rust-web-dev:arm64)
#                                   and gcc-aarch64-linux-gnu, which
#                                   scripts/install-test-tools.sh installs
#   darwin_amd64, darwin_arm64      on a macOS runner: rustup's toolchain with
#                                   both targets added (see README, Releasing)
# Anything else is refused: windows_amd64 needs go-plugin's TCP transport,
# and the plugin serves unix sockets only.
# Usage: scripts/build-release.sh PLATFORM...
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -gt 0 ] || { echo "usage: $0 PLATFORM..." >&2; exit 2; }

case "$(uname -s)" in Linux) host_os=linux ;; Darwin) host_os=darwin ;; *) host_os=unknown ;; esac
case "$(uname -m)" in x86_64|amd64) host_arch=amd64 ;; aarch64|arm64) host_arch=arm64 ;; *) host_arch=unknown ;; esac
host="${host_os}_${host_arch}"

triple_of() {
  case "$1" in
    linux_amd64) echo x86_64-unknown-linux-gnu ;;
    linux_arm64) echo aarch64-unknown-linux-gnu ;;
    darwin_amd64) echo x86_64-apple-darwin ;;
    darwin_arm64) echo aarch64-apple-darwin ;;
    windows_*) echo "error: $1 needs go-plugin's TCP transport; the plugin serves unix sockets only" >&2; return 1 ;;
    *) echo "error: unknown platform $1 (expected <os>_<arch>, e.g. linux_arm64)" >&2; return 1 ;;
  esac
}

need() { # command, what provides it
  command -v "$1" >/dev/null || [ -x "$1" ] || {
    echo "error: building $platform needs $1 ($2): run scripts/install-test-tools.sh" >&2
    exit 1
  }
}

for platform in "$@"; do
  triple=$(triple_of "$platform")
  dest="target/platforms/$platform/terraform-provider-dli"
  if [ "$platform" = "$host" ]; then
    cargo build --quiet --locked --release --bin terraform-provider-dli >&2
    built=target/release/terraform-provider-dli
  elif [ "$host" = linux_amd64 ] && [ "$platform" = linux_arm64 ]; then
    need /usr/bin/cargo "Debian's cargo-web"
    need /usr/bin/rustc "Debian's rustc-web"
    need aarch64-linux-gnu-gcc "Debian's gcc-aarch64-linux-gnu"
    # Its own target directory: the two toolchains' artefacts must not mix.
    RUSTC=/usr/bin/rustc \
      CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
      CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc \
      AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar \
      /usr/bin/cargo build --quiet --locked --release --bin terraform-provider-dli \
      --target "$triple" --target-dir target/debian-cross >&2
    built="target/debian-cross/$triple/release/terraform-provider-dli"
  elif [ "$host_os" = darwin ] && [ "${platform%%_*}" = darwin ]; then
    cargo build --quiet --locked --release --bin terraform-provider-dli --target "$triple" >&2
    built="target/$triple/release/terraform-provider-dli"
  else
    echo "error: this script cannot build $platform on $host" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$dest")"
  install -m 0755 "$built" "$dest"
  echo "$dest"
done
