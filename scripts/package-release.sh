#!/usr/bin/env bash
# Builds the release binaries and packages them the way provider registries
# and mirrors expect:
#   terraform-provider-dli_<version>_<os>_<arch>.zip  (one per platform, holding
#                                                      terraform-provider-dli_v<version>,
#                                                      on Windows with .exe)
#   terraform-provider-dli_<version>_manifest.json     (plugin protocol 6.0)
#   terraform-provider-dli_<version>_SHA256SUMS        (every zip and the manifest)
#   terraform-provider-dli_<version>_SHA256SUMS.sig    (detached binary GPG signature)
#   terraform-provider-dli_<version>_signing-key.asc   (the signer's public key, ASCII armour)
# The last two only when GPG_FINGERPRINT names a secret key in the keyring
# (GNUPGHOME is honoured); without it the release is unsigned, and says so.
#
# RELEASE_TARGETS lists the platforms, by default all this host can build
# (`scripts/build-release.sh --host-targets`: all five on linux_amd64, both
# darwin ones on a Mac); scripts/build-release.sh builds each (and says what
# it needs for which).
# Usage: scripts/package-release.sh [--binary [PLATFORM=]PATH]... [--out DIR]
#   --binary packages an already built binary for PLATFORM (this machine's
#   platform when none is named) instead of building one.
set -euo pipefail
# Relative --binary and --out paths are the caller's, not the repository's.
caller=$PWD
cd "$(dirname "$0")/.."
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$caller/$1" ;; esac; }

case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "unsupported OS" >&2; exit 1 ;; esac
case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) echo "unsupported arch" >&2; exit 1 ;; esac

# --binary PLATFORM=PATH pairs, as two lists (bash 3.2, a Mac's, has no
# associative arrays).
given_platforms=()
given_paths=()
out="dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary|--out) [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; } ;;
  esac
  case "$1" in
    --binary)
      case "$2" in
        *=*) given_platforms+=("${2%%=*}"); given_paths+=("$(absolute "${2#*=}")") ;;
        *) given_platforms+=("${os}_${arch}"); given_paths+=("$(absolute "$2")") ;;
      esac
      shift 2 ;;
    --out) out=$(absolute "$2"); shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
read -r -a platforms <<< "${RELEASE_TARGETS:-$(scripts/build-release.sh --host-targets)}"
[ ${#platforms[@]} -gt 0 ] || { echo "RELEASE_TARGETS names no platform" >&2; exit 2; }
for platform in ${given_platforms[@]+"${given_platforms[@]}"}; do
  case " ${platforms[*]} " in *" $platform "*) ;; *)
    echo "--binary names $platform, which RELEASE_TARGETS (${platforms[*]}) does not" >&2; exit 2 ;;
  esac
done
# A wrong key fails the release before anything is built or removed.
if [ -n "${GPG_FINGERPRINT:-}" ] && ! gpg --batch --list-secret-keys "$GPG_FINGERPRINT" >/dev/null 2>&1; then
  echo "GPG_FINGERPRINT=$GPG_FINGERPRINT names no secret key in the keyring${GNUPGHOME:+ $GNUPGHOME}" >&2
  exit 1
fi
# The binary of each platform, in the order of platforms: given, or built.
binaries=()
for platform in "${platforms[@]}"; do
  binary=""
  for i in ${given_platforms[@]+"${!given_platforms[@]}"}; do
    [ "${given_platforms[$i]}" != "$platform" ] || binary=${given_paths[$i]}
  done
  [ -n "$binary" ] || binary=$(scripts/build-release.sh "$platform")
  binaries+=("$binary")
done

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
name="terraform-provider-dli_${version}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
# The files this script writes for this version, from an earlier run, go:
# SHA256SUMS must list every zip beside it (an earlier run may have packed
# other platforms). Nothing else in the folder is touched.
earlier=0
for file in "$out/${name}"_*_*.zip "$out/${name}_manifest.json" "$out/${name}_SHA256SUMS" \
  "$out/${name}_SHA256SUMS.sig" "$out/${name}_signing-key.asc"; do
  [ -f "$file" ] || continue
  rm -f "$file"
  earlier=$((earlier + 1))
done
[ "$earlier" -eq 0 ] || echo "removed $earlier files of an earlier $name packaging from $out" >&2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
# GNU coreutils' sha256sum, or the shasum a Mac has; the same output.
sha256() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
zips=()
for i in "${!platforms[@]}"; do
  platform=${platforms[$i]}
  # Terraform runs the file in the zip as it is named: Windows needs .exe.
  packed="terraform-provider-dli_v${version}"
  [ "${platform%%_*}" != windows ] || packed="$packed.exe"
  mkdir -p "$stage/$platform"
  install -m 0755 "${binaries[$i]}" "$stage/$platform/$packed"
  (cd "$stage/$platform" && zip -q -X "$out/${name}_${platform}.zip" "$packed")
  zips+=("${name}_${platform}.zip")
done
printf '{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["6.0"]\n  }\n}\n' \
  > "$out/${name}_manifest.json"
(cd "$out" && sha256 "${zips[@]}" "${name}_manifest.json" > "${name}_SHA256SUMS")

if [ -n "${GPG_FINGERPRINT:-}" ]; then
  gpg --batch --yes --local-user "$GPG_FINGERPRINT" --detach-sign \
    --output "$out/${name}_SHA256SUMS.sig" "$out/${name}_SHA256SUMS"
  gpg --batch --armor --export "$GPG_FINGERPRINT" > "$out/${name}_signing-key.asc"
  echo "signed ${name}_SHA256SUMS with key $GPG_FINGERPRINT"
else
  echo "WARNING: GPG_FINGERPRINT is not set: this release is UNSIGNED (no ${name}_SHA256SUMS.sig)." >&2
  echo "         Registries need the signature: set GPG_FINGERPRINT to publish." >&2
fi
echo "packaged into $out:"
ls -1 "$out"
