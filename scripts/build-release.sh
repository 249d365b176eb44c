#!/usr/bin/env bash
# Builds the release binary of terraform-provider-dli for each platform named
# (`<os>_<arch>` as registries spell it), and copies it to
#   target/platforms/<os>_<arch>/terraform-provider-dli[.exe]
# printing that path, one line per platform.
#
# What builds each platform (scripts/install-test-tools.sh installs every
# tool named here on Debian bookworm amd64):
#   this machine's own platform     the Rust toolchain on PATH (rustup's)
#   linux_arm64 on linux_amd64      Debian's second toolchain (rustc-web,
#                                   cargo-web: /usr/bin/rustc, /usr/bin/cargo)
#                                   with its arm64 std (libstd-rust-web-dev:arm64),
#                                   linked by gcc-aarch64-linux-gnu
#   windows_amd64 on linux_amd64    the same toolchain building std from its
#                                   sources (rust-web-src, -Zbuild-std), linked
#                                   by MinGW-w64 (gcc-mingw-w64-x86-64)
#   darwin_* on linux_amd64         the same, linked by zig (PyPI ziglang and
#                                   cargo-zigbuild in .tools/zig) against link
#                                   stubs of the Apple frameworks it uses
#                                   (scripts/darwin-stubs.py), then signed
#                                   ad hoc by the linker
#   darwin_* on a Mac               rustup's toolchain with the target added
# Usage: scripts/build-release.sh PLATFORM...
#        scripts/build-release.sh --host-targets   (what this host builds:
#                                                  RELEASE_TARGETS' default)
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -gt 0 ] || { echo "usage: $0 PLATFORM... | --host-targets" >&2; exit 2; }

case "$(uname -s)" in Linux) host_os=linux ;; Darwin) host_os=darwin ;; *) host_os=unknown ;; esac
case "$(uname -m)" in x86_64|amd64) host_arch=amd64 ;; aarch64|arm64) host_arch=arm64 ;; *) host_arch=unknown ;; esac
host="${host_os}_${host_arch}"
if [ "$1" = --host-targets ]; then
  case "$host" in
    linux_amd64) echo "linux_amd64 linux_arm64 windows_amd64 darwin_amd64 darwin_arm64" ;;
    darwin_*) echo "darwin_amd64 darwin_arm64" ;;
    *) echo "$host" ;;
  esac
  exit 0
fi

# The oldest macOS the darwin binaries are stamped for, and whose SDK their
# framework symbols are checked against (tests/e2e_darwin.rs).
MACOS_MINIMUM=11.0

triple_of() {
  case "$1" in
    linux_amd64) echo x86_64-unknown-linux-gnu ;;
    linux_arm64) echo aarch64-unknown-linux-gnu ;;
    darwin_amd64) echo x86_64-apple-darwin ;;
    darwin_arm64) echo aarch64-apple-darwin ;;
    windows_amd64) echo x86_64-pc-windows-gnu ;;
    *) echo "error: unknown platform $1 (expected <os>_<arch>, e.g. linux_arm64)" >&2; return 1 ;;
  esac
}

need() { # command, what provides it
  command -v "$1" >/dev/null || [ -x "$1" ] || {
    echo "error: building $platform needs $1 ($2): run scripts/install-test-tools.sh" >&2
    exit 1
  }
}

# Debian's second toolchain (rustc-web 1.96), building for $triple into its
# own target directory: the two toolchains' artefacts must not mix.
debian_cargo() { # the cargo command, then arguments of its own
  need /usr/bin/cargo "Debian's cargo-web"
  need /usr/bin/rustc "Debian's rustc-web"
  RUSTC=/usr/bin/rustc "$@" --quiet --locked --release --bin terraform-provider-dli \
    --target "$triple" --target-dir target/debian-cross >&2
}

# The same for a target Debian ships no std for: std built from its sources
# (rust-web-src), with nightly flags on the stable compiler, as its own
# build does.
debian_cargo_building_std() {
  [ -d /usr/lib/rustlib/src/rust/library/std ] || need rust-web-src "Debian's rust-web-src"
  RUSTC_BOOTSTRAP=1 debian_cargo "$@" -Zbuild-std=std,panic_abort
}

for platform in "$@"; do
  triple=$(triple_of "$platform")
  exe=terraform-provider-dli
  [ "${platform%%_*}" != windows ] || exe=terraform-provider-dli.exe
  dest="target/platforms/$platform/$exe"
  if [ "$platform" = "$host" ]; then
    cargo build --quiet --locked --release --bin terraform-provider-dli >&2
    built=target/release/terraform-provider-dli
  elif [ "$host" = linux_amd64 ] && [ "$platform" = linux_arm64 ]; then
    need aarch64-linux-gnu-gcc "Debian's gcc-aarch64-linux-gnu"
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
      CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc \
      AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar \
      debian_cargo /usr/bin/cargo build
    built="target/debian-cross/$triple/release/$exe"
  elif [ "$host" = linux_amd64 ] && [ "$platform" = windows_amd64 ]; then
    need x86_64-w64-mingw32-gcc "Debian's gcc-mingw-w64-x86-64"
    CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc \
      CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc \
      AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar \
      debian_cargo_building_std /usr/bin/cargo build
    built="target/debian-cross/$triple/release/$exe"
  elif [ "$host" = linux_amd64 ] && [ "${platform%%_*}" = darwin ]; then
    zig_bin="$PWD/.tools/zig/bin"
    need "$zig_bin/cargo-zigbuild" "PyPI's cargo-zigbuild"
    stubs=$(python3 scripts/darwin-stubs.py target/darwin-stubs)
    # cargo-zigbuild runs the first cargo on PATH, and zig from its venv.
    # The minimum macOS is stamped from MACOSX_DEPLOYMENT_TARGET (zig
    # would stamp its own newest otherwise); -F finds the stub frameworks.
    (
      export "CARGO_TARGET_$(echo "$triple" | tr 'a-z-' 'A-Z_')_RUSTFLAGS=-C link-arg=-F$stubs"
      PATH="$zig_bin:/usr/bin:$PATH" MACOSX_DEPLOYMENT_TARGET="$MACOS_MINIMUM" \
        debian_cargo_building_std "$zig_bin/cargo-zigbuild" build
    )
    built="target/debian-cross/$triple/release/$exe"
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
