//! Releases installed the way registries serve them: `terraform init` (and
//! `tofu init`, with GPG validation enforced) talks
//! the provider registry protocol (and, separately, the network mirror
//! protocol) to a registry on 127.0.0.1 over HTTPS, checks the GPG-signed
//! checksums, and the installed provider then reads from the fake DLI API.
//! The release has every platform `make test` builds (linux_amd64 and the
//! cross-built linux_arm64, windows_amd64 and darwin_arm64): `init` picks
//! this machine's, and `providers lock` fetches and authenticates the others.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use dli_fake::registry::{Release, RunningRegistry};
use serde_json::json;
use support::*;

const VERSION: &str = RELEASE_VERSION;

/// A throwaway GPG home with one signing key; returns its fingerprint.
fn new_key(home: &Path, who: &str) -> String {
    let gpg = |args: &[&str]| {
        let out = Command::new("gpg")
            .env("GNUPGHOME", home)
            .args(["--batch", "--no-tty"])
            .args(args)
            .output()
            .expect("gpg is installed by scripts/install-test-tools.sh");
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    gpg(&[
        "--passphrase",
        "",
        "--quick-gen-key",
        &format!("{who} <{who}@example.invalid>"),
        "rsa2048",
        "sign",
        "never",
    ]);
    let listing = gpg(&["--with-colons", "--list-secret-keys", who]);
    listing
        .lines()
        .find_map(|l| {
            l.strip_prefix("fpr:")
                .map(|rest| rest.trim_matches(':').to_owned())
        })
        .expect("a fingerprint")
}

fn private_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn copy_dir(from: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.path().join(entry.file_name())).unwrap();
    }
    to
}

async fn registry(
    dir: &Path,
    platforms: &[&str],
    key_id: &str,
    armor: &str,
) -> (RunningRegistry, PathBuf, tempfile::TempDir) {
    let registry = RunningRegistry::start(Release {
        dir: dir.to_owned(),
        namespace: "dli-community".into(),
        name: "dli".into(),
        version: VERSION.into(),
        platforms: platforms
            .iter()
            .map(|p| {
                let (os, arch) = p.split_once('_').unwrap();
                (os.into(), arch.into())
            })
            .collect(),
        key_id: key_id.into(),
        ascii_armor: armor.into(),
    })
    .await
    .unwrap();
    let ca_dir = tempfile::tempdir().unwrap();
    let ca = ca_dir.path().join("ca.pem");
    std::fs::write(&ca, &registry.ca_pem).unwrap();
    (registry, ca, ca_dir)
}

/// A workspace that installs providers as a user's does: no dev_overrides.
/// OpenTofu is told to refuse anything unsigned.
fn workspace(tf: &Path, source: &str, installation: &str, ca: &Path, fake_url: &str) -> Workspace {
    let mut ws = Workspace::new(tf, &release_main_tf(source))
        .env_config(fake_url)
        .env("SSL_CERT_FILE", ca.to_str().unwrap());
    if is_tofu(tf) {
        ws = ws.env("OPENTOFU_ENFORCE_GPG_VALIDATION", "true");
    }
    std::fs::write(
        ws.dir.path().join("cli.tfrc"),
        format!("provider_installation {{\n{installation}\n}}\n"),
    )
    .unwrap();
    ws
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terraform_init_installs_the_signed_release_from_a_registry_and_a_mirror() {
    let (home_a, home_b) = (private_dir(), private_dir());
    let fingerprint = new_key(home_a.path(), "release");
    let stranger = new_key(home_b.path(), "stranger");
    let key_id = &fingerprint[fingerprint.len() - 16..];

    // Without the cross builds (skipped by request) the release has one
    // platform, and the checks of the others below are left out.
    let cross: Vec<(&str, PathBuf)> = match cross_skipped("cross-built") {
        true => vec![],
        false => CROSS_PLATFORMS
            .iter()
            .map(|p| (*p, release_binary(p)))
            .collect(),
    };
    let mut platforms = vec![("linux_amd64", Path::new(support::plugin::BIN))];
    platforms.extend(cross.iter().map(|(p, bin)| (*p, bin.as_path())));
    let names: Vec<&str> = platforms.iter().map(|(p, _)| *p).collect();
    let (dist, _) = package_release(Some((home_a.path(), &fingerprint)), &platforms);
    let prefix = format!("terraform-provider-dli_{VERSION}");
    let sums = dist.path().join(format!("{prefix}_SHA256SUMS"));
    let sig = dist.path().join(format!("{prefix}_SHA256SUMS.sig"));
    let armor =
        std::fs::read_to_string(dist.path().join(format!("{prefix}_signing-key.asc"))).unwrap();
    assert!(armor.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    let listed = std::fs::read_to_string(&sums).unwrap();
    for (platform, _) in &platforms {
        let file = format!("{prefix}_{platform}.zip");
        assert!(listed.contains(&format!("  {file}\n")), "{listed}");
    }
    assert!(
        listed.contains(&format!("  {prefix}_manifest.json\n")),
        "{listed}"
    );
    let other_sums: Vec<(&str, String)> = cross
        .iter()
        .map(|(platform, _)| {
            let sum = listed
                .lines()
                .find_map(|l| l.strip_suffix(&format!("  {prefix}_{platform}.zip")))
                .unwrap()
                .to_owned();
            (*platform, sum)
        })
        .collect();
    let lock_others: Vec<String> = cross
        .iter()
        .map(|(platform, _)| format!("-platform={platform}"))
        .collect();
    let lock_others = || {
        let mut args = vec!["providers", "lock", "-no-color"];
        args.extend(lock_others.iter().map(String::as_str));
        args
    };
    // What a user does by hand: check the signature with the published key.
    let verified = Command::new("gpg")
        .env("GNUPGHOME", home_a.path())
        .args(["--batch", "--verify"])
        .args([&sig, &sums])
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );

    // The same release with its zip tampered with, and one whose checksums
    // are signed by a key the registry does not advertise.
    let (os, arch) = os_arch();
    let zip = format!("{prefix}_{os}_{arch}.zip");
    let tampered = copy_dir(dist.path());
    let mut bytes = std::fs::read(tampered.path().join(&zip)).unwrap();
    bytes.push(0);
    std::fs::write(tampered.path().join(&zip), bytes).unwrap();
    let other_signer = copy_dir(dist.path());
    let resigned = Command::new("gpg")
        .env("GNUPGHOME", home_b.path())
        .args([
            "--batch",
            "--yes",
            "--local-user",
            &stranger,
            "--detach-sign",
            "--output",
        ])
        .arg(other_signer.path().join(format!("{prefix}_SHA256SUMS.sig")))
        .arg(other_signer.path().join(format!("{prefix}_SHA256SUMS")))
        .status()
        .unwrap();
    assert!(resigned.success());

    let fake = start_fake(json!({})).await;
    let (good, good_ca, _g) = registry(dist.path(), &names, key_id, &armor).await;
    let (bad_zip, bad_zip_ca, _t) = registry(tampered.path(), &names, key_id, &armor).await;
    let (bad_sig, bad_sig_ca, _s) = registry(other_signer.path(), &names, key_id, &armor).await;
    let direct = "  direct {}";
    for tf in terraforms() {
        let source = format!("{}/dli-community/dli", good.host);
        let ws = workspace(&tf, &source, direct, &good_ca, &fake.url());
        let init = ws
            .run(&["init", "-no-color", "-input=false"])
            .await
            .success();
        // Terraform calls a key from the registry's answer "self-signed";
        // OpenTofu, which checks it just the same, "signed".
        let trust = if is_tofu(&tf) {
            "signed"
        } else {
            "self-signed"
        };
        let expected = format!("Installed {source} v{VERSION} ({trust}, key ID {key_id})");
        assert!(init.text().contains(&expected), "{}", init.text());
        let installed = ws.dir.path().join(format!(
            ".terraform/providers/{source}/{VERSION}/linux_amd64"
        ));
        assert!(installed.is_dir(), "{} missing", installed.display());
        let out = ws.apply_outputs().await;
        assert_eq!(out["vpc_id"], json!("22094d8f-c310-4621-913d-4c4d655d8495"));

        // The other platforms' packages: downloaded, their checksums and
        // signature checked, and their hashes recorded in the lock file.
        if !other_sums.is_empty() {
            let lock = ws.run(&lock_others()).await.success();
            let lock_file =
                std::fs::read_to_string(ws.dir.path().join(".terraform.lock.hcl")).unwrap();
            for (platform, sum) in &other_sums {
                assert!(
                    lock.text()
                        .contains(&format!("Obtained {source} checksums for {platform}")),
                    "{}",
                    lock.text()
                );
                assert!(lock_file.contains(&format!("\"zh:{sum}\"")), "{lock_file}");
            }
        }

        let source = format!("{}/dli-community/dli", bad_zip.host);
        let ws = workspace(&tf, &source, direct, &bad_zip_ca, &fake.url());
        let text = ws
            .run(&["init", "-no-color", "-input=false"])
            .await
            .failure()
            .text();
        assert!(text.contains("archive has incorrect checksum"), "{text}");

        let source = format!("{}/dli-community/dli", bad_sig.host);
        let ws = workspace(&tf, &source, direct, &bad_sig_ca, &fake.url());
        let text = ws
            .run(&["init", "-no-color", "-input=false"])
            .await
            .failure()
            .text();
        assert!(
            text.contains("authentication signature from unknown issuer"),
            "{text}"
        );
        // The other platforms' packages are held to the same signature.
        if !other_sums.is_empty() {
            let text = ws.run(&lock_others()).await.failure().text();
            assert!(
                text.contains("authentication signature from unknown issuer"),
                "{text}"
            );
        }

        // As a network mirror: the default source address, served by the mirror.
        let mirror = format!(
            "  network_mirror {{\n    url = \"{}\"\n  }}",
            good.mirror_url()
        );
        let ws = workspace(&tf, "dli-community/dli", &mirror, &good_ca, &fake.url());
        let init = ws
            .run(&["init", "-no-color", "-input=false"])
            .await
            .success();
        assert!(
            init.text()
                .contains(&format!("Installed dli-community/dli v{VERSION}")),
            "{}",
            init.text()
        );
        let out = ws.apply_outputs().await;
        assert_eq!(out["vpc_id"], json!("22094d8f-c310-4621-913d-4c4d655d8495"));
    }
    // The keyrings' agents would outlive their deleted homes otherwise.
    for home in [home_a.path(), home_b.path()] {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", home)
            .args(["--kill", "all"])
            .status();
    }
}
