//! `scripts/install-test-tools.sh` on machines other than CI's: the demo
//! needs no OpenTofu (so no Go), and off Debian bookworm amd64 the system's
//! packages are left alone and the switch that skips the cross-built
//! platforms' tests is named; on Debian it never removes a package nor
//! leaves an architecture it added for nothing (apt-get and dpkg stood in
//! for by scripts that record their calls); every download is pinned by
//! hash. Each run gets a tools directory of its own whose already
//! installed tools are links to the real ones, so nothing is downloaded.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use support::*;

/// The linux-amd64 binaries' entries in `.tools/`, which
/// `SKIP_AMD64_BINARIES=1` leaves out.
const AMD64_ENTRIES: [&str; 2] = ["terraform-1.0.3", "null-provider"];

fn amd64_binaries_skipped() -> bool {
    std::env::var(SKIP_AMD64_BINARIES).as_deref() == Ok("1")
}

/// A tools directory holding links to the real `.tools/` entries named
/// (but the linux-amd64 binaries where they are left out by request).
fn tools_with(entries: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in entries
        .iter()
        .filter(|e| !(amd64_binaries_skipped() && AMD64_ENTRIES.contains(e)))
    {
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

/// Runs the script with `args` into `tools`; the switch that leaves out
/// the linux-amd64 binaries passes through (a machine that needs it
/// cannot run them), `SKIP_CROSS` only when `env` sets it.
fn install(tools: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(repo_root().join("scripts/install-test-tools.sh"));
    command
        .args(args)
        .env("TOOLS_DIR", tools)
        .env_remove("SKIP_CROSS");
    output_with(command, env)
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
    assert_eq!(
        said.contains("Terraform v1.0.3"),
        !amd64_binaries_skipped(),
        "{said}"
    );
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

#[test]
fn an_unknown_argument_is_refused_before_anything_is_done() {
    let tools = tempfile::tempdir().unwrap();
    let output = install(tools.path(), &["--releas"], &[]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(
        said.contains("usage:") && said.contains("--releas"),
        "{said}"
    );
    assert_eq!(std::fs::read_dir(tools.path()).unwrap().count(), 0);
}

#[test]
fn a_killed_runs_scratch_folder_is_removed_by_the_next_run_and_a_live_ones_kept() {
    let tools = tools_with(&["terraform-1.0.3", "null-provider"]);
    // As a killed OpenTofu build leaves it (its process long gone):
    // read-only files of a module copy.
    let killed = tools.path().join(".scratch.4194303");
    let left = killed.join("opentofu/internal");
    std::fs::create_dir_all(&left).unwrap();
    std::fs::write(left.join("main.go"), "package main\n").unwrap();
    std::fs::set_permissions(&left, std::fs::Permissions::from_mode(0o555)).unwrap();
    // A run still going (this test's own process stands for it).
    let live = tools
        .path()
        .join(format!(".scratch.{}", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    let output = install(tools.path(), &["--demo"], &[]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(!killed.exists());
    assert!(live.is_dir());
    let scratch: Vec<_> = std::fs::read_dir(tools.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(".scratch"))
        .collect();
    assert_eq!(scratch, [format!(".scratch.{}", std::process::id())]);
}

/// A Debian bookworm amd64 machine as the script sees it: `apt-get`,
/// `dpkg`, `dpkg-query` and `sudo` are scripts that record each call in
/// `calls`, with no package installed and no foreign architecture; `apt-get
/// -s install` prints `plan`, and `apt-get install` runs `install` (shell).
struct StubDebian {
    dir: tempfile::TempDir,
    os_release: std::path::PathBuf,
}

impl StubDebian {
    fn new(plan: &str, install: &str) -> StubDebian {
        let dir = tempfile::tempdir().unwrap();
        let calls = dir.path().join("calls");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        std::fs::write(dir.path().join("plan"), plan).unwrap();
        let record = format!("echo \"$(basename \"$0\") $*\" >> '{}'", calls.display());
        let scripts = [
            (
                "sudo",
                format!("{record}\n[ \"$1\" != -n ] || shift\nexec \"$@\""),
            ),
            ("dpkg-query", format!("{record}\nexit 1")),
            (
                "dpkg",
                format!("{record}\ncase \"$1\" in --print-architecture) echo amd64 ;; esac"),
            ),
            (
                "apt-get",
                format!(
                    "{record}\ncase \"$*\" in\n  update*) ;;\n  -s\\ install*) cat '{}' ;;\n  *install*) {install} ;;\nesac",
                    dir.path().join("plan").display()
                ),
            ),
        ];
        for (name, body) in scripts {
            let path = bin.join(name);
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let os_release = dir.path().join("os-release");
        std::fs::write(&os_release, "ID=debian\nVERSION_CODENAME=bookworm\n").unwrap();
        StubDebian { dir, os_release }
    }

    /// The script run on this machine, wanting every cross-built platform.
    fn install(&self, tools: &Path) -> Output {
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap()
        );
        install(
            tools,
            &[],
            &[
                ("PATH", &path),
                ("OS_RELEASE_FILE", self.os_release.to_str().unwrap()),
            ],
        )
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("calls")).unwrap_or_default()
    }
}

/// What `apt-get -s install rustc-web cargo-web …` says on a machine with
/// Debian's rustc and cargo.
const PLAN_REMOVING_RUSTC: &str = "\
NOTE: This is only a simulation!
Remv cargo [0.66.0+ds1-1]
Remv rustc [1.63.0+dfsg1-2]
Inst rustc-web (1.96.0+dfsg1-1~deb12u2 Debian:12.13/stable [amd64])
Inst cargo-web (1.96.0+dfsg1-1~deb12u2 Debian:12.13/stable [amd64])
";

#[test]
fn a_package_install_that_would_remove_a_package_stops_and_names_the_choice() {
    let debian = StubDebian::new(PLAN_REMOVING_RUSTC, "exit 0");
    let tools = tempfile::tempdir().unwrap();
    let output = debian.install(tools.path());
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("would remove cargo rustc"), "{said}");
    assert!(
        said.contains("No package was installed or removed"),
        "{said}"
    );
    assert!(said.contains("Debian's rustc and cargo conflict"), "{said}");
    assert!(said.contains("apt-get remove cargo rustc"), "{said}");
    assert!(said.contains("SKIP_CROSS=1 make test"), "{said}");
    let calls = debian.calls();
    assert!(calls.contains("apt-get -s install"), "{calls}");
    assert!(
        !calls.lines().any(|l| l.starts_with("apt-get install")),
        "{calls}"
    );
    // The architecture added for the arm64 packages is taken away again.
    assert!(calls.contains("dpkg --add-architecture arm64"), "{calls}");
    assert!(
        calls.contains("dpkg --remove-architecture arm64"),
        "{calls}"
    );
    assert!(said.contains("removed the arm64 architecture"), "{said}");
}

#[test]
fn a_failed_install_takes_the_added_architecture_away() {
    let debian = StubDebian::new(
        "Inst rustc-web (1.96.0 Debian:12.13/stable [amd64])\n",
        "exit 100",
    );
    let tools = tempfile::tempdir().unwrap();
    let output = debian.install(tools.path());
    let said = text(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("could not install"), "{said}");
    let calls = debian.calls();
    let install = calls
        .lines()
        .find(|l| l.starts_with("apt-get install"))
        .unwrap_or_else(|| panic!("{calls}"));
    assert!(install.contains("--no-remove"), "{install}");
    assert!(install.contains("libstd-rust-web-dev:arm64"), "{install}");
    assert!(
        calls.contains("dpkg --remove-architecture arm64"),
        "{calls}"
    );
}

#[test]
fn packages_install_without_removing_anything_and_upgrades_are_said() {
    let plan = "Inst liblzma5 [5.4.1-1] (5.4.1-1+deb12u2 Debian:12.13/stable [amd64])\n\
                Inst rustc-web (1.96.0+dfsg1-1~deb12u2 Debian:12.13/stable [amd64])\n";
    let debian = StubDebian::new(plan, "exit 0");
    let tools = tools_with(&[
        "terraform-1.0.3",
        "null-provider",
        &format!("tofu-{TOFU_VERSION}"),
        "venv",
    ]);
    zig_stand_in(tools.path());
    let output = debian.install(tools.path());
    let said = text(&output);
    assert!(said.contains("installed cargo-web"), "{said}");
    assert!(
        said.contains("apt-get upgraded liblzma5 for them"),
        "{said}"
    );
    let calls = debian.calls();
    assert!(
        calls
            .lines()
            .any(|l| l.starts_with("apt-get install") && l.contains("--no-remove")),
        "{calls}"
    );
    assert!(!calls.contains("--remove-architecture"), "{calls}");
}

/// Each `pip install` or `pip download` of a script, and the requirements
/// files they read: exact versions, each with its SHA-256.
#[test]
fn every_download_of_the_tools_is_pinned_by_hash() {
    let scripts = repo_root().join("scripts");
    let mut pip_calls = 0;
    for entry in std::fs::read_dir(&scripts).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "sh") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        // Joined continuation lines, so that a call's flags are one line.
        let joined = source.replace("\\\n", " ");
        for line in joined.lines().filter(|l| !l.trim_start().starts_with('#')) {
            if line.contains("pip install") || line.contains("pip download") {
                pip_calls += 1;
                assert!(
                    line.contains("--require-hashes -r \""),
                    "{}: {line}",
                    path.display()
                );
            }
        }
    }
    assert!(pip_calls >= 2, "found {pip_calls} pip calls");
    let mut pinned = 0;
    for entry in std::fs::read_dir(scripts.join("requirements")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let joined = text.replace("\\\n", " ");
        for line in joined
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let (spec, hashes) = line.split_once(' ').unwrap_or((line, ""));
            assert!(spec.contains("=="), "{}: {line}", path.display());
            assert!(
                hashes.split_whitespace().count() >= 1
                    && hashes.split_whitespace().all(|h| {
                        h.strip_prefix("--hash=sha256:").is_some_and(|hex| {
                            hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
                        })
                    }),
                "{}: {line}",
                path.display()
            );
            pinned += 1;
        }
    }
    assert!(pinned >= 19, "{pinned} pinned packages");
}

/// A zig venv as the script leaves it (its python, the requirements it
/// holds), for runs that want the darwin platforms where no zig is
/// installed (`SKIP_CROSS=1` machines install none).
fn zig_stand_in(tools: &Path) {
    let zig = tools.join("zig");
    std::fs::create_dir_all(zig.join("bin")).unwrap();
    let python = zig.join("bin/python");
    std::fs::write(&python, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::copy(
        repo_root().join("scripts/requirements/zig.txt"),
        zig.join("requirements.txt"),
    )
    .unwrap();
}

#[test]
fn an_install_interrupted_takes_the_added_architecture_away() {
    // apt-get is interrupted (as by Ctrl-C in a terminal, or a kill).
    let debian = StubDebian::new(
        "Inst rustc-web (1.96.0 Debian:12.13/stable [amd64])\n",
        "kill -TERM $PPID; sleep 1; exit 0",
    );
    let tools = tempfile::tempdir().unwrap();
    let output = debian.install(tools.path());
    let said = text(&output);
    assert_eq!(output.status.code(), Some(143), "{said}");
    let calls = debian.calls();
    assert!(calls.contains("dpkg --add-architecture arm64"), "{calls}");
    assert!(
        calls.contains("dpkg --remove-architecture arm64"),
        "{calls}"
    );
    assert!(!said.contains("installed cargo-web"), "{said}");
}
