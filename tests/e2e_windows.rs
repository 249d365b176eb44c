//! The windows_amd64 release: a stripped PE32+ console program for x86-64
//! that imports only DLLs every Windows has, and, run under wine behind a
//! wrapper in dev_overrides (serving on TCP, go-plugin's Windows transport,
//! with AutoMTLS), it plans and applies on every CLI with the same state as
//! this machine's build.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;
use support::bytes::{le16, le32};
use support::*;
use tfplugin::testing::cli::has_functions;

const PLATFORM: &str = "windows_amd64";

/// IMAGE_FILE_MACHINE_AMD64.
const MACHINE_AMD64: u16 = 0x8664;
/// The optional header's magic of a PE32+ (64-bit) image.
const PE32_PLUS: u16 = 0x20b;
/// IMAGE_SUBSYSTEM_WINDOWS_CUI: a console program (Terraform reads its
/// stdout).
const SUBSYSTEM_CONSOLE: u16 = 3;

/// The DLLs the binary may import: Windows' own (including the API set
/// std uses for WaitOnAddress). MinGW's runtime DLLs (libwinpthread-1,
/// libgcc_s_seh-1) are not among them: a real Windows lacks them.
const SYSTEM_DLLS: [&str; 11] = [
    "advapi32.dll",
    "api-ms-win-core-synch-l1-2-0.dll",
    "bcrypt.dll",
    "bcryptprimitives.dll",
    "crypt32.dll",
    "kernel32.dll",
    "msvcrt.dll",
    "ntdll.dll",
    "secur32.dll",
    "userenv.dll",
    "ws2_32.dll",
];

#[test]
fn the_windows_binary_is_a_stripped_pe32_plus_console_program_under_8_mb() {
    if cross_skipped(PLATFORM) {
        return;
    }
    let bytes = std::fs::read(release_binary(PLATFORM)).unwrap();
    assert_eq!(&bytes[..2], b"MZ");
    let pe = le32(&bytes, 0x3c) as usize;
    assert_eq!(&bytes[pe..pe + 4], b"PE\0\0");
    let coff = pe + 4;
    assert_eq!(le16(&bytes, coff), MACHINE_AMD64, "not an x86-64 image");
    // A COFF symbol table is what strip removes.
    assert_eq!(le32(&bytes, coff + 8), 0, "the binary is not stripped");
    assert_eq!(le32(&bytes, coff + 12), 0, "the binary has symbols");
    let optional = coff + 20;
    assert_eq!(le16(&bytes, optional), PE32_PLUS, "not a PE32+ image");
    assert_eq!(le16(&bytes, optional + 68), SUBSYSTEM_CONSOLE);
    assert!(bytes.len() < 8_000_000, "{} bytes: over 8 MB", bytes.len());
}

#[test]
fn the_windows_binary_imports_only_dlls_every_windows_has() {
    if cross_skipped(PLATFORM) {
        return;
    }
    let dump = Command::new("x86_64-w64-mingw32-objdump")
        .arg("-p")
        .arg(release_binary(PLATFORM))
        .output()
        .expect("x86_64-w64-mingw32-objdump (scripts/install-test-tools.sh installs mingw)");
    assert!(dump.status.success());
    let dump = String::from_utf8_lossy(&dump.stdout);
    let imported: Vec<String> = dump
        .lines()
        .filter_map(|line| line.trim().strip_prefix("DLL Name: "))
        .map(str::to_ascii_lowercase)
        .collect();
    assert!(
        imported.contains(&"kernel32.dll".to_owned()),
        "{imported:?}"
    );
    let foreign: Vec<&String> = imported
        .iter()
        .filter(|dll| !SYSTEM_DLLS.contains(&dll.as_str()))
        .collect();
    assert!(
        foreign.is_empty(),
        "imports DLLs Windows lacks: {foreign:?}"
    );
}

/// A running wine: its prefix (C: drive and registry) in the build tree,
/// and a wineserver with its services started here with no stdio, for as
/// long as this lives. Started by the provider's first launch instead, they
/// would hold Terraform's stderr pipe open, and go-plugin would wait on them
/// after every Shutdown until it killed the provider.
struct Wine {
    prefix: PathBuf,
}

impl Wine {
    fn start() -> Wine {
        let prefix = repo_root().join("target/wine-prefix");
        // wineserver refuses a prefix that does not exist yet.
        std::fs::create_dir_all(&prefix).unwrap();
        let wine = Wine { prefix };
        // One left by a run that was killed holds the prefix's lock.
        let _ = wine.command("wineserver").arg("--kill").status();
        // Persistent until killed: it must outlive every provider launch.
        wine.run("wineserver", &["--persistent"]);
        wine.run("wineboot", &["--init"]);
        wine
    }

    /// `program` with wine's environment: the prefix, no debug chatter, and
    /// no first-boot download of Mono or Gecko.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    }

    fn run(&self, program: &str, args: &[&str]) {
        let status = self
            .command(program)
            .args(args)
            .status()
            .unwrap_or_else(|e| {
                panic!("{program}: {e} (scripts/install-test-tools.sh installs Debian's wine)")
            });
        assert!(status.success(), "{program} {args:?}: {status}");
    }
}

impl Drop for Wine {
    fn drop(&mut self) {
        let _ = self.command("wineserver").arg("--kill").status();
    }
}

/// A copy of the Windows binary with, beside it, the test-only stand-in for
/// `ProcessPrng` that wine 8.0 lacks; a [`wrapper_provider_dir`] that runs
/// it under wine; and the wrapper's `ran` file.
fn wine_provider_dir(wine: &Wine) -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let prefix = &wine.prefix;
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("terraform-provider-dli.exe");
    std::fs::copy(release_binary(PLATFORM), &exe).unwrap();
    let shim = repo_root().join("tests/wine");
    let built = Command::new("x86_64-w64-mingw32-gcc")
        .args(["-shared", "-O2", "-s", "-o"])
        .arg(dir.path().join("bcryptprimitives.dll"))
        .arg(shim.join("bcryptprimitives.c"))
        .arg(shim.join("bcryptprimitives.def"))
        .arg("-ladvapi32")
        .status()
        .expect("x86_64-w64-mingw32-gcc (scripts/install-test-tools.sh installs mingw)");
    assert!(built.success(), "building the ProcessPrng stand-in failed");
    let (wrapper_dir, ran) = wrapper_provider_dir(&format!(
        "export WINEPREFIX='{prefix}' WINEDEBUG=-all WINEDLLOVERRIDES='mscoree,mshtml='\n\
         exec wine '{exe}' \"$@\"",
        prefix = prefix.display(),
        exe = exe.display(),
    ));
    (dir, wrapper_dir, ran)
}

/// Reads of every kind, and the provider's function on the CLIs that
/// have functions.
fn body(cli: &Path) -> String {
    let function = match has_functions(cli) {
        true => {
            r#"output "overlap" { value = provider::dli::cidrs_overlap("172.16.0.0/12", "172.16.8.0/24") }"#
        }
        false => "",
    };
    format!(
        r#"
data "dli_enhanced_connection" "seed" {{
  connection_id = "{SEED_ID}"
}}
data "dli_enhanced_connections" "all" {{}}
data "dli_elastic_resource_pools" "all" {{}}
data "dli_queues" "all" {{}}
output "seed" {{ value = data.dli_enhanced_connection.seed }}
output "all" {{ value = data.dli_enhanced_connections.all }}
output "pools" {{ value = data.dli_elastic_resource_pools.all }}
output "queues" {{ value = data.dli_queues.all }}
{function}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_wine_it_plans_and_applies_the_same_state_on_every_cli() {
    if cross_skipped(PLATFORM) {
        return;
    }
    let fake = start_fake(json!({})).await;
    let wine = Wine::start();
    let (_exe_dir, wine_dir, ran) = wine_provider_dir(&wine);
    let outputs =
        assert_same_state_as_native(&fake.url(), body, (wine_dir.path(), &ran), PLATFORM).await;
    for (tf, output) in outputs {
        if has_functions(&tf) {
            assert_eq!(output["overlap"], json!(true), "{}", tf.display());
        }
    }
}

#[test]
fn the_windows_zip_holds_the_binary_as_an_exe() {
    if cross_skipped(PLATFORM) {
        return;
    }
    let binary = release_binary(PLATFORM);
    let (dist, _) = package_release(None, &[(PLATFORM, &binary)]);
    let zip = dist.path().join(format!(
        "terraform-provider-dli_{RELEASE_VERSION}_{PLATFORM}.zip"
    ));
    let listing = Command::new("unzip").arg("-Z1").arg(&zip).output().unwrap();
    assert!(listing.status.success());
    assert_eq!(
        String::from_utf8_lossy(&listing.stdout),
        format!("terraform-provider-dli_v{RELEASE_VERSION}.exe\n")
    );
}
