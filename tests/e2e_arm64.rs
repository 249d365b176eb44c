//! The linux_arm64 release: an aarch64 ELF, stripped, under 8 MB, and, run
//! under qemu-user behind a wrapper in dev_overrides, it plans and applies
//! on every CLI with the same state as this machine's build.

mod support;

use std::path::{Path, PathBuf};

use serde_json::json;
use support::bytes::{le16, le32, le64};
use support::*;

/// e_machine of an ELF for AArch64.
const EM_AARCH64: u16 = 183;
/// sh_type of a symbol table, which `strip` removes.
const SHT_SYMTAB: u32 = 2;

#[test]
fn the_arm64_binary_is_a_stripped_aarch64_elf_under_8_mb() {
    if cross_skipped("linux_arm64") {
        return;
    }
    let bytes = std::fs::read(release_binary("linux_arm64")).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF");
    assert_eq!(bytes[4], 2, "not a 64-bit ELF");
    assert_eq!(bytes[5], 1, "not little-endian");
    assert_eq!(le16(&bytes, 18), EM_AARCH64, "not an AArch64 binary");
    let (table, entry_size, entries) = (
        le64(&bytes, 0x28),
        usize::from(le16(&bytes, 0x3a)),
        usize::from(le16(&bytes, 0x3c)),
    );
    let symbol_tables = (0..entries)
        .filter(|i| le32(&bytes, table + i * entry_size + 4) == SHT_SYMTAB)
        .count();
    assert_eq!(symbol_tables, 0, "the binary is not stripped");
    assert!(bytes.len() < 8_000_000, "{} bytes: over 8 MB", bytes.len());
}

/// A [`wrapper_provider_dir`] whose wrapper runs the arm64 binary under
/// qemu-user.
fn qemu_provider_dir() -> (tempfile::TempDir, PathBuf) {
    let qemu = Path::new("/usr/bin/qemu-aarch64-static");
    assert!(
        qemu.is_file(),
        "{} is missing: scripts/install-test-tools.sh installs qemu-user-static",
        qemu.display()
    );
    // No -L: the arm64 libc from Debian's multiarch packages is where the
    // binary's loader expects it (see ../shared/notes/testing.md).
    wrapper_provider_dir(&format!(
        "exec '{}' '{}' \"$@\"",
        qemu.display(),
        release_binary("linux_arm64").display()
    ))
}

fn body(_: &Path) -> String {
    format!(
        r#"
data "dli_enhanced_connection" "seed" {{
  connection_id = "{SEED_ID}"
}}
data "dli_enhanced_connections" "all" {{}}
output "seed" {{ value = data.dli_enhanced_connection.seed }}
output "all" {{ value = data.dli_enhanced_connections.all }}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_qemu_it_plans_and_applies_the_same_state_on_every_cli() {
    if cross_skipped("linux_arm64") {
        return;
    }
    let fake = start_fake(json!({})).await;
    let (qemu_dir, ran) = qemu_provider_dir();
    assert_same_state_as_native(&fake.url(), body, (qemu_dir.path(), &ran), "linux_arm64").await;
}
