//! `scripts/install-test-tools.sh` on machines other than CI's: the demo
//! needs no OpenTofu (so no Go), and off Debian bookworm amd64 the system's
//! packages are left alone and the switch that skips the cross-built
//! platforms' tests is named. Each run gets a tools directory of its own whose already
//! installed tools are links to the real ones, so nothing is downloaded.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::*;

/// A tools directory holding links to the real `.tools/` entries named.
fn tools_with(entries: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in entries {
        let real = repo_root().join(".tools").join(entry);
        assert!(
            real.exists(),
            "{} is missing: make test installs it",
            real.display()
        );
        let link = dir.path().join(entry);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
    }
    dir
}

fn install(tools: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(repo_root().join("scripts/install-test-tools.sh"));
    command
        .args(args)
        .env("TOOLS_DIR", tools)
        .env_remove("SKIP_CROSS")
        .env_remove("SKIP_AMD64_BINARIES");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_demo_installs_no_opentofu_and_needs_no_go() {
    let tools = tools_with(&["terraform-1.0.3", "null-provider"]);
    let cache = tempfile::tempdir().unwrap();
    // No Go on PATH and an empty cache: building OpenTofu would fail.
    let output = install(
        tools.path(),
        &["--demo"],
        &[
            ("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            ("XDG_CACHE_HOME", &cache.path().display().to_string()),
        ],
    );
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("Terraform v1.0.3"), "{said}");
    assert!(!said.contains("OpenTofu"), "{said}");
    let entries: Vec<_> = std::fs::read_dir(tools.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        !entries.iter().any(|e| e.starts_with("tofu")),
        "{entries:?}"
    );
}

#[test]
fn off_debian_bookworm_it_names_the_switch_and_leaves_the_packages_alone() {
    let os_release = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        os_release.path(),
        "ID=ubuntu\nVERSION_CODENAME=noble\nPRETTY_NAME=\"Ubuntu 24.04\"\n",
    )
    .unwrap();
    let tools = tools_with(&[
        "terraform-1.0.3",
        "null-provider",
        &format!("tofu-{TOFU_VERSION}"),
        "venv",
    ]);
    let ubuntu = ("OS_RELEASE_FILE", os_release.path().to_str().unwrap());
    let output = install(tools.path(), &[], &[ubuntu]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("not Debian bookworm amd64"), "{said}");
    assert!(said.contains("SKIP_CROSS=1 make test"), "{said}");
    for deb in [
        "rustc-web",
        "qemu-user-static",
        "rust-web-src",
        "gcc-mingw-w64-x86-64",
        "wine",
    ] {
        assert!(said.contains(deb), "{said}");
    }
    assert!(!said.contains("added the arm64 architecture"), "{said}");

    // With the switch, everything else is installed as usual.
    let output = install(tools.path(), &[], &[ubuntu, ("SKIP_CROSS", "1")]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains(&format!("OpenTofu v{TOFU_VERSION}")),
        "{said}"
    );
    assert!(!said.contains("installed rustc-web"), "{said}");
}
