//! Shared by the end-to-end tests: the tools `make test` installs, a fake DLI
//! API per test, and a Terraform working directory with its own CLI config.
#![allow(dead_code)]

pub mod bytes;
pub mod plugin;

use std::path::{Path, PathBuf};

use dli_fake::{Fixture, RunningFake};
use serde_json::{Value, json};
use tfplugin::testing::cli;
#[allow(unused_imports)]
pub use tfplugin::testing::cli::{
    SKIP_AMD64_BINARIES, TOFU_VERSION, TfRun, default_registry, is_tofu, skipped_by_request,
};

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const SEED_ID: &str = "4c693ecc-bab8-4113-a838-129cedc9a563";
pub const AK: &str = "E2EACCESSKEY00000001";
pub const SK: &str = "e2e-secret-key-value-7f3a";
pub const TMP_AK: &str = "E2ETEMPKEY0000000002";
pub const TMP_SK: &str = "e2e-temp-secret-9c1d";
pub const TOKEN: &str = "e2e-security-token-5b2e";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tools() -> PathBuf {
    repo_root().join(".tools")
}

fn installed(relative: &str) -> PathBuf {
    cli::installed(&tools(), relative)
}

/// The Huawei SDK's Python, installed by `scripts/install-test-tools.sh`.
pub fn sdk_python() -> PathBuf {
    installed("venv/bin/python")
}

/// The CLIs to test with: the newest Terraform on PATH, Terraform 1.0.3,
/// and OpenTofu.
pub fn terraforms() -> Vec<PathBuf> {
    cli::terraforms(&tools())
}

/// The fixture the e2e tests serve: the seed connection, extra connections
/// from `extra` (id → {response, faults}), and the pools and queues of
/// `fixtures/pools-and-queues.json`.
pub fn fixture(extra: Value) -> Fixture {
    let seed: Value =
        serde_json::from_str(include_str!("../fixtures/seed-example-response.json")).unwrap();
    let mut fixture = json!({
        "project_id": PROJECT,
        "credentials": [
            {"access_key": AK, "secret_key": SK},
            {"access_key": TMP_AK, "secret_key": TMP_SK, "security_token": TOKEN}
        ],
        "connections": { SEED_ID: {"response": seed} }
    });
    for (id, conn) in extra.as_object().unwrap() {
        fixture["connections"][id] = conn.clone();
    }
    let network: Value =
        serde_json::from_str(include_str!("../fixtures/pools-and-queues.json")).unwrap();
    fixture["pools"] = network["pools"].clone();
    fixture["queues"] = network["queues"].clone();
    Fixture::from_json(&fixture.to_string()).unwrap()
}

pub async fn start_fake(extra: Value) -> RunningFake {
    RunningFake::start(fixture(extra)).await.unwrap()
}

/// A Terraform working directory with a CLI config whose dev_overrides point
/// at our freshly built provider and the installed null provider.
pub struct Workspace(cli::Workspace);

impl Workspace {
    pub fn new(terraform: &Path, main_tf: &str) -> Workspace {
        let provider_dir = Path::new(env!("CARGO_BIN_EXE_terraform-provider-dli"))
            .parent()
            .unwrap()
            .to_owned();
        Self::with_provider_dir(terraform, main_tf, &provider_dir)
    }

    /// A workspace whose `terraform-provider-dli` is the one in
    /// `provider_dir`.
    pub fn with_provider_dir(terraform: &Path, main_tf: &str, provider_dir: &Path) -> Workspace {
        // The null provider is a linux-amd64 binary, left out by request
        // elsewhere (the tests that need it say so and do not run).
        let null_dir = (std::env::var(SKIP_AMD64_BINARIES).as_deref() != Ok("1"))
            .then(|| installed("null-provider"));
        let mut overrides = vec![("dli-community/dli", provider_dir)];
        if let Some(null_dir) = &null_dir {
            overrides.push(("hashicorp/null", null_dir));
        }
        // The provider's own settings never leak in from the environment.
        Workspace(cli::Workspace::new(terraform, main_tf, &overrides).clear_env_prefix("HW_"))
    }

    pub fn env(self, name: &str, value: &str) -> Self {
        Workspace(self.0.env(name, value))
    }

    /// Configures the provider through environment variables only: the fake
    /// at `url` as endpoint, its project and static credentials.
    pub fn env_config(self, url: &str) -> Self {
        self.env("HW_DLI_ENDPOINT", url)
            .env("HW_PROJECT_ID", PROJECT)
            .env("HW_ACCESS_KEY", AK)
            .env("HW_SECRET_KEY", SK)
    }
}

impl std::ops::Deref for Workspace {
    type Target = cli::Workspace;

    fn deref(&self) -> &cli::Workspace {
        &self.0
    }
}

/// The provider block for the fake at `url`, with static credentials.
/// A `main.tf` of the required providers, a `dli` provider for the fake at
/// `url`, and `body`.
pub fn main_tf(url: &str, body: &str) -> String {
    format!("{REQUIRED_PROVIDERS}{}{body}", provider_block(url))
}

pub fn provider_block(url: &str) -> String {
    format!(
        r#"
provider "dli" {{
  endpoint   = "{url}"
  project_id = "{PROJECT}"
  access_key = "{AK}"
  secret_key = "{SK}"
}}
"#
    )
}

/// The `dli` provider's source. A test that chains into `null_resource`
/// needs no line for it: its provider is implied as `hashicorp/null`, which
/// the workspace's dev_overrides serve where the null provider is installed
/// (a requirement of it would fail every other test where it is not).
pub const REQUIRED_PROVIDERS: &str = r#"
terraform {
  required_providers {
    dli = { source = "dli-community/dli" }
  }
}
"#;

/// Reads the seed connection with an empty provider block, for tests that
/// configure the provider through the environment.
pub const SEED_FROM_ENV: &str = r#"
terraform {
  required_providers {
    dli = { source = "dli-community/dli" }
  }
}
provider "dli" {}
data "dli_enhanced_connection" "seed" {
  connection_id = "4c693ecc-bab8-4113-a838-129cedc9a563"
}
output "name" { value = data.dli_enhanced_connection.seed.name }
output "region" { value = data.dli_enhanced_connection.seed.region }
"#;

/// Runs `command` (a script of the repository's, say) with `env` added,
/// to its end.
pub fn output_with(
    mut command: std::process::Command,
    env: &[(&str, &str)],
) -> std::process::Output {
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

/// What a command printed, its standard output then its standard error.
pub fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The version `make release` packages.
pub const RELEASE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Release file names' `<os>` and `<arch>` for this machine.
pub fn os_arch() -> (String, String) {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    (std::env::consts::OS.to_owned(), arch.to_owned())
}

/// A configuration that needs the released provider from `source` and
/// reads the seed connection's VPC.
pub fn release_main_tf(source: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    dli = {{ source = "{source}", version = "{RELEASE_VERSION}" }}
  }}
}}
provider "dli" {{}}
data "dli_enhanced_connection" "seed" {{
  connection_id = "{SEED_ID}"
}}
output "vpc_id" {{ value = data.dli_enhanced_connection.seed.vpc_id }}
"#
    )
}

/// Whether a test that needs the null provider (a linux-amd64 binary) is
/// skipped by request on this machine; says so when it is.
pub fn null_provider_skipped() -> bool {
    skipped_by_request(
        SKIP_AMD64_BINARIES,
        "a test that chains into hashicorp/null (a linux-amd64 binary)",
    )
}

/// The switch that skips the cross-built platforms' tests (off Debian
/// bookworm amd64, which alone has their toolchains and emulators).
pub const SKIP_CROSS: &str = "SKIP_CROSS";

/// The platforms `make test` builds on linux_amd64 with other toolchains
/// (the Makefile's `CROSS_PLATFORMS`). darwin_amd64, built the same way as
/// darwin_arm64, is left to `make release`, which inspects it: CI's time
/// does not stretch to a third cold build of std and every dependency.
pub const CROSS_PLATFORMS: [&str; 3] = ["linux_arm64", "windows_amd64", "darwin_arm64"];

/// Whether the tests of the cross-built `platform` (one of
/// [`CROSS_PLATFORMS`], or words for several) are skipped by request
/// (`SKIP_CROSS=1`); says so when they are.
pub fn cross_skipped(platform: &str) -> bool {
    skipped_by_request(SKIP_CROSS, &format!("a test of the {platform} release"))
}

/// The release binary of `platform` (`<os>_<arch>`), which `make test`
/// builds with `scripts/build-release.sh` before the tests run.
pub fn release_binary(platform: &str) -> PathBuf {
    let name = match platform.starts_with("windows_") {
        true => "terraform-provider-dli.exe",
        false => "terraform-provider-dli",
    };
    let path = repo_root()
        .join("target/platforms")
        .join(platform)
        .join(name);
    assert!(
        path.is_file(),
        "{} is missing: run scripts/build-release.sh {platform} (make test does this)",
        path.display()
    );
    path
}

/// A folder whose `terraform-provider-dli` is a shell script that records
/// each launch in the returned `ran` file, then runs `exec_line` (which
/// starts the cross-built binary under its emulator).
pub fn wrapper_provider_dir(exec_line: &str) -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ran = dir.path().join("ran");
    let wrapper = dir.path().join("terraform-provider-dli");
    let script = format!(
        "#!/bin/sh\necho \"$$\" >> '{}'\n{exec_line}\n",
        ran.display()
    );
    std::fs::write(&wrapper, script).unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, ran)
}

/// On every CLI, plans and applies `body(cli)` against the fake at `url`
/// with this machine's build, then with the provider of `emulated_dir` (a
/// [`wrapper_provider_dir`]), and asserts the same outputs and that the
/// wrapper was what ran. Returns each CLI's outputs.
pub async fn assert_same_state_as_native(
    url: &str,
    body: impl Fn(&Path) -> String,
    (emulated_dir, ran): (&Path, &Path),
    platform: &str,
) -> Vec<(PathBuf, Value)> {
    let mut outputs = Vec::new();
    for tf in terraforms() {
        let config = main_tf(url, &body(&tf));
        let native = Workspace::new(&tf, &config);
        native.plan().await;
        let expected = native.apply_outputs().await;
        assert_eq!(
            expected["seed"]["vpc_id"],
            json!("22094d8f-c310-4621-913d-4c4d655d8495")
        );

        let _ = std::fs::remove_file(ran);
        let emulated = Workspace::with_provider_dir(&tf, &config, emulated_dir);
        emulated.plan().await;
        let got = emulated.apply_outputs().await;
        assert_eq!(got, expected, "{platform} on {}", tf.display());
        let launches = std::fs::read_to_string(ran).unwrap_or_default();
        assert!(
            launches.lines().count() >= 2,
            "{}: the {platform} provider was not the one launched: {launches:?}",
            tf.display()
        );
        outputs.push((tf, expected));
    }
    outputs
}

/// Runs `scripts/package-release.sh` on the given binaries (platform,
/// path) into a fresh directory, with `RELEASE_TARGETS` naming exactly
/// those platforms; signs with `signer` (GNUPGHOME, fingerprint) if given.
/// Returns the directory and what the script wrote on stderr.
pub fn package_release(
    signer: Option<(&Path, &str)>,
    binaries: &[(&str, &Path)],
) -> (tempfile::TempDir, String) {
    let dist = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(repo_root().join("scripts/package-release.sh"));
    let platforms: Vec<&str> = binaries.iter().map(|(platform, _)| *platform).collect();
    command
        .env("RELEASE_TARGETS", platforms.join(" "))
        .env_remove("GPG_FINGERPRINT");
    for (platform, binary) in binaries {
        command
            .arg("--binary")
            .arg(format!("{platform}={}", binary.display()));
    }
    command.arg("--out").arg(dist.path());
    if let Some((home, fingerprint)) = signer {
        command
            .env("GNUPGHOME", home)
            .env("GPG_FINGERPRINT", fingerprint);
    }
    let packaged = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&packaged.stderr).into_owned();
    assert!(packaged.status.success(), "{stderr}");
    (dist, stderr)
}

/// The test build of the provider, as the release of this machine's
/// platform.
pub fn this_platform_binary() -> (String, &'static Path) {
    let (os, arch) = os_arch();
    (
        format!("{os}_{arch}"),
        Path::new(env!("CARGO_BIN_EXE_terraform-provider-dli")),
    )
}
