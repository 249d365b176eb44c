//! Release packaging, installed the way users install providers: from a
//! filesystem mirror with `terraform init`, no dev_overrides.

mod support;

use std::process::Command;

use serde_json::json;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packaged_zip_installs_from_a_filesystem_mirror() {
    let (platform, binary) = this_platform_binary();
    let (dist, said) = package_release(None, &[(&platform, binary)]);
    assert!(said.contains("this release is UNSIGNED"), "{said}");
    let version = RELEASE_VERSION;
    let (os, arch) = os_arch();
    let zip = format!("terraform-provider-dli_{version}_{os}_{arch}.zip");
    let manifest_file = format!("terraform-provider-dli_{version}_manifest.json");
    for file in [
        zip.as_str(),
        &format!("terraform-provider-dli_{version}_SHA256SUMS"),
        &manifest_file,
    ] {
        assert!(dist.path().join(file).is_file(), "{file} missing");
    }
    let sig = format!("terraform-provider-dli_{version}_SHA256SUMS.sig");
    assert!(
        !dist.path().join(sig).exists(),
        "an unsigned release has no .sig"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.path().join(&manifest_file)).unwrap()).unwrap();
    assert_eq!(
        manifest,
        json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );
    assert_eq!(
        checked_sums(
            dist.path(),
            &format!("terraform-provider-dli_{version}_SHA256SUMS")
        ),
        2
    );
    let listing = Command::new("unzip")
        .arg("-l")
        .arg(dist.path().join(&zip))
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&listing.stdout)
            .contains(&format!("terraform-provider-dli_v{version}"))
    );

    let fake = start_fake(json!({})).await;
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &release_main_tf("dli-community/dli")).env_config(&fake.url());
        // The mirror is laid out by the registry host the CLI resolves on.
        let mirror = ws.dir.path().join(format!(
            "mirror/{}/dli-community/dli",
            default_registry(&tf)
        ));
        std::fs::create_dir_all(&mirror).unwrap();
        std::fs::copy(dist.path().join(&zip), mirror.join(&zip)).unwrap();
        std::fs::write(
            ws.dir.path().join("cli.tfrc"),
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
                ws.dir.path().join("mirror").display()
            ),
        )
        .unwrap();
        let init = ws
            .run(&["init", "-no-color", "-input=false"])
            .await
            .success();
        assert!(
            init.stdout
                .contains(&format!("Installed dli-community/dli v{version}")),
            "{}",
            init.stdout
        );
        let out = ws.apply_outputs().await;
        assert_eq!(out["vpc_id"], json!("22094d8f-c310-4621-913d-4c4d655d8495"));
    }
}

#[test]
fn package_release_takes_relative_paths_from_the_callers_directory() {
    let caller = tempfile::tempdir().unwrap();
    let (platform, binary) = this_platform_binary();
    std::fs::copy(binary, caller.path().join("provider")).unwrap();
    let script = repo_root().join("scripts/package-release.sh");
    let packaged = Command::new(&script)
        .current_dir(caller.path())
        .env("RELEASE_TARGETS", &platform)
        .env_remove("GPG_FINGERPRINT")
        .args(["--binary", &format!("{platform}=provider"), "--out", "dist"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&packaged.stderr);
    assert!(packaged.status.success(), "{stderr}");
    let zip = format!("terraform-provider-dli_{RELEASE_VERSION}_{platform}.zip");
    assert!(caller.path().join("dist").join(&zip).is_file(), "{stderr}");

    // A value missing after the last flag is a clear usage error.
    for flag in ["--binary", "--out"] {
        let missing = Command::new(&script)
            .current_dir(caller.path())
            .env("RELEASE_TARGETS", &platform)
            .arg(flag)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&missing.stderr);
        assert_eq!(missing.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("{flag} needs a value")),
            "{stderr}"
        );
        assert!(!stderr.contains("unbound variable"), "{stderr}");
    }
}

/// Checks each line of `sums` (in `dir`) against its file's SHA-256 as
/// `sha256sum --check --strict` would, here in the test (a Mac has no
/// sha256sum); returns how many files it lists.
fn checked_sums(dir: &std::path::Path, sums: &str) -> usize {
    use sha2::{Digest, Sha256};
    let text = std::fs::read_to_string(dir.join(sums)).unwrap();
    for line in text.lines() {
        let (digest, file) = line
            .split_once("  ")
            .unwrap_or_else(|| panic!("not a sha256sum line: {line:?}"));
        let actual = Sha256::digest(std::fs::read(dir.join(file)).unwrap());
        let actual: String = actual.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(digest, actual, "{file}");
    }
    text.lines().count()
}

/// A folder of links to every command on PATH but `sha256sum` and
/// `shasum`, with a `shasum` of its own that records its arguments in
/// `shasum-calls` and answers as `shasum -a 256` does: a Mac's commands.
fn path_without_sha256sum() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var_os("PATH").unwrap();
    for bin_dir in std::env::split_paths(&path) {
        let Ok(entries) = std::fs::read_dir(&bin_dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let link = dir.path().join(entry.file_name());
            let name = entry.file_name();
            if name != "sha256sum" && name != "shasum" && !link.exists() {
                let _ = std::os::unix::fs::symlink(entry.path(), link);
            }
        }
    }
    let calls = dir.path().join("shasum-calls");
    let shasum = dir.path().join("shasum");
    std::fs::write(
        &shasum,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\n[ \"$1 $2\" = \"-a 256\" ] || exit 2\nshift 2\n\
             exec python3 -c 'import hashlib, sys\nfor f in sys.argv[1:]: print(hashlib.sha256(open(f, \"rb\").read()).hexdigest() + \"  \" + f)' \"$@\"\n",
            calls.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&shasum, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn packaging_without_sha256sum_uses_shasum_and_an_earlier_runs_zips_go() {
    let (platform, binary) = this_platform_binary();
    let out = tempfile::tempdir().unwrap();
    let bin = path_without_sha256sum();
    let package = |platforms: &[&str]| {
        let mut command = Command::new(repo_root().join("scripts/package-release.sh"));
        command
            .env("PATH", bin.path())
            .env("RELEASE_TARGETS", platforms.join(" "))
            .env_remove("GPG_FINGERPRINT")
            .arg("--out")
            .arg(out.path());
        for p in platforms {
            command
                .arg("--binary")
                .arg(format!("{p}={}", binary.display()));
        }
        let packaged = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&packaged.stderr).into_owned();
        assert!(packaged.status.success(), "{stderr}");
        stderr
    };
    let name = format!("terraform-provider-dli_{RELEASE_VERSION}");
    let other = if platform == "linux_arm64" {
        "linux_amd64"
    } else {
        "linux_arm64"
    };
    package(&[&platform, other]);
    assert!(out.path().join(format!("{name}_{other}.zip")).is_file());

    // Packed again for this platform alone: the other zip goes, and the
    // checksums list exactly what is there, as sha256sum would write them.
    // The user's own files beside the release are not the script's.
    let notes = out.path().join(format!("{name}_release-notes.md"));
    let unpacked = out.path().join(format!("{name}_unpacked"));
    std::fs::write(&notes, "notes").unwrap();
    std::fs::create_dir(&unpacked).unwrap();
    let said = package(&[&platform]);
    assert!(
        said.contains(&format!("removed 4 files of an earlier {name} packaging")),
        "{said}"
    );
    assert!(notes.is_file() && unpacked.is_dir(), "{said}");
    std::fs::remove_file(&notes).unwrap();
    std::fs::remove_dir(&unpacked).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            format!("{name}_SHA256SUMS"),
            format!("{name}_{platform}.zip"),
            format!("{name}_manifest.json"),
        ]
    );
    assert_eq!(checked_sums(out.path(), &format!("{name}_SHA256SUMS")), 2);
    let calls = std::fs::read_to_string(bin.path().join("shasum-calls")).unwrap();
    assert_eq!(calls.lines().count(), 2, "{calls}");
    assert!(calls.lines().all(|l| l.starts_with("-a 256 ")), "{calls}");
}

#[test]
fn a_wrong_signing_key_fails_before_an_earlier_release_is_touched() {
    let (platform, binary) = this_platform_binary();
    let out = tempfile::tempdir().unwrap();
    let earlier = out.path().join(format!(
        "terraform-provider-dli_{RELEASE_VERSION}_{platform}.zip"
    ));
    std::fs::write(&earlier, "an earlier release").unwrap();
    let gnupg = tempfile::tempdir().unwrap();
    let packaged = Command::new(repo_root().join("scripts/package-release.sh"))
        .env("RELEASE_TARGETS", &platform)
        .env("GNUPGHOME", gnupg.path())
        .env(
            "GPG_FINGERPRINT",
            "0123456789ABCDEF0123456789ABCDEF01234567",
        )
        .arg("--binary")
        .arg(format!("{platform}={}", binary.display()))
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&packaged.stderr);
    assert_eq!(packaged.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("names no secret key in the keyring"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&earlier).unwrap(),
        "an earlier release"
    );
}
