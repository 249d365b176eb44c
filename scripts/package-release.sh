#!/usr/bin/env bash
# Builds the release binary and packages it the way provider registries and
# mirrors expect:
#   terraform-provider-dli_<version>_<os>_<arch>.zip  (holding terraform-provider-dli_v<version>)
#   terraform-provider-dli_<version>_manifest.json     (plugin protocol 6.0)
#   terraform-provider-dli_<version>_SHA256SUMS        (both of the above)
#   terraform-provider-dli_<version>_SHA256SUMS.sig    (detached binary GPG signature)
#   terraform-provider-dli_<version>_signing-key.asc   (the signer's public key, ASCII armour)
# The last two only when GPG_FINGERPRINT names a secret key in the keyring
# (GNUPGHOME is honoured); without it the release is unsigned, and says so.
# Usage: scripts/package-release.sh [--binary PATH] [--out DIR]
#   --binary packages an already built binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."

binary="" out="dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "unsupported OS" >&2; exit 1 ;; esac
case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) echo "unsupported arch" >&2; exit 1 ;; esac

if [ -z "$binary" ]; then
  cargo build --locked --release --bin terraform-provider-dli
  binary=target/release/terraform-provider-dli
fi

name="terraform-provider-dli_${version}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -m 0755 "$binary" "$stage/terraform-provider-dli_v${version}"
rm -f "$out/${name}_${os}_${arch}.zip"
(cd "$stage" && zip -q -X "$out/${name}_${os}_${arch}.zip" "terraform-provider-dli_v${version}")
printf '{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["6.0"]\n  }\n}\n' \
  > "$out/${name}_manifest.json"
(cd "$out" && sha256sum "${name}_${os}_${arch}.zip" "${name}_manifest.json" > "${name}_SHA256SUMS")

rm -f "$out/${name}_SHA256SUMS.sig" "$out/${name}_signing-key.asc"
if [ -n "${GPG_FINGERPRINT:-}" ]; then
  if ! gpg --batch --list-secret-keys "$GPG_FINGERPRINT" >/dev/null 2>&1; then
    echo "GPG_FINGERPRINT=$GPG_FINGERPRINT names no secret key in the keyring${GNUPGHOME:+ $GNUPGHOME}" >&2
    exit 1
  fi
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
