//! Shared by the end-to-end tests: the tools `make test` installs, a fake DLI
//! API per test, and a Terraform working directory with its own CLI config.
#![allow(dead_code)]

pub mod plugin;
pub mod wire;

use std::path::{Path, PathBuf};
use std::process::Output;

use dli_fake::{Fixture, RunningFake};
use serde_json::{Value, json};

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

fn installed(relative: &str) -> PathBuf {
    let path = repo_root().join(".tools").join(relative);
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-test-tools.sh (make test does this)",
        path.display()
    );
    path
}

/// The Huawei SDK's Python, installed by `scripts/install-test-tools.sh`.
pub fn sdk_python() -> PathBuf {
    installed("venv/bin/python")
}

/// The OpenTofu the tests run on, built by `scripts/install-test-tools.sh`.
pub const TOFU_VERSION: &str = "1.12.6";

/// Whether `cli` is OpenTofu (which addresses providers on its own
/// registry host and words a few messages its own way).
pub fn is_tofu(cli: &Path) -> bool {
    cli.file_name().is_some_and(|n| n == "tofu")
}

/// The registry host `cli` resolves `namespace/name` sources on.
pub fn default_registry(cli: &Path) -> &'static str {
    if is_tofu(cli) {
        "registry.opentofu.org"
    } else {
        "registry.terraform.io"
    }
}

/// The CLIs to test with: the newest Terraform on PATH, Terraform 1.0.3,
/// and OpenTofu.
pub fn terraforms() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("terraform"))
            .find(|p| p.is_file())
    });
    match on_path {
        Some(path) => found.push(path),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI must test the newest Terraform, but none is on PATH")
        }
        None => eprintln!("note: no terraform on PATH; testing Terraform 1.0.3 only"),
    }
    found.push(installed("terraform-1.0.3/terraform"));
    found.push(installed(&format!("tofu-{TOFU_VERSION}/tofu")));
    found
}

/// The fixture the e2e tests serve: the seed connection, a richer one, and
/// extra connections from `extra` (id → {response, faults}).
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
    Fixture::from_json(&fixture.to_string()).unwrap()
}

pub async fn start_fake(extra: Value) -> RunningFake {
    RunningFake::start(fixture(extra)).await.unwrap()
}

/// A Terraform working directory with a CLI config whose dev_overrides point
/// at our freshly built provider and the installed null provider.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub terraform: PathBuf,
    env: Vec<(String, String)>,
}

impl Workspace {
    pub fn new(terraform: &Path, main_tf: &str) -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let provider_dir = Path::new(env!("CARGO_BIN_EXE_terraform-provider-dli"))
            .parent()
            .unwrap()
            .to_owned();
        let null_dir = installed("null-provider");
        // Both CLIs' registry hosts: Terraform's and OpenTofu's.
        let mut overrides = String::new();
        for host in ["registry.terraform.io", "registry.opentofu.org"] {
            overrides.push_str(&format!(
                "    \"{host}/dli-community/dli\" = \"{}\"\n    \
                 \"{host}/hashicorp/null\" = \"{}\"\n",
                provider_dir.display(),
                null_dir.display()
            ));
        }
        let config = format!(
            "provider_installation {{\n  dev_overrides {{\n{overrides}  }}\n  direct {{}}\n}}\n"
        );
        std::fs::write(dir.path().join("cli.tfrc"), config).unwrap();
        std::fs::write(dir.path().join("main.tf"), main_tf).unwrap();
        Workspace {
            dir,
            terraform: terraform.to_owned(),
            env: Vec::new(),
        }
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Configures the provider through environment variables only: the fake
    /// at `url` as endpoint, its project and static credentials.
    pub fn env_config(self, url: &str) -> Self {
        self.env("HW_DLI_ENDPOINT", url)
            .env("HW_PROJECT_ID", PROJECT)
            .env("HW_ACCESS_KEY", AK)
            .env("HW_SECRET_KEY", SK)
    }

    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.terraform);
        cmd.args(args).current_dir(self.dir.path());
        // A clean environment: nothing inherited from TF_*, HW_* or proxy
        // variables leaks in; tests set what they need.
        for (name, _) in std::env::vars() {
            let upper = name.to_ascii_uppercase();
            if upper.starts_with("TF_")
                || upper.starts_with("TOFU_")
                || upper.starts_with("OPENTOFU_")
                || upper.starts_with("HW_")
                || upper.starts_with("CHECKPOINT")
                || upper.ends_with("_PROXY")
            {
                cmd.env_remove(name);
            }
        }
        cmd.env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.kill_on_drop(true);
        cmd
    }

    pub async fn run(&self, args: &[&str]) -> TfRun {
        let output = self.command(args).output().await.unwrap();
        TfRun::from(output, &self.terraform, args)
    }

    /// `terraform plan`, which must succeed.
    pub async fn plan(&self) -> TfRun {
        self.run(&["plan", "-no-color", "-input=false"])
            .await
            .success()
    }

    /// `terraform plan`, which must fail: what the user reads, unwrapped.
    pub async fn plan_error(&self) -> String {
        self.run(&["plan", "-no-color", "-input=false"])
            .await
            .failure()
            .text()
    }

    /// `terraform apply -auto-approve` then `terraform output -json`.
    pub async fn apply_outputs(&self) -> Value {
        self.run(&["apply", "-auto-approve", "-no-color", "-input=false"])
            .await
            .success();
        let out = self.run(&["output", "-json"]).await.success();
        let outputs: Value = serde_json::from_str(&out.stdout).unwrap();
        let mut values = serde_json::Map::new();
        for (name, output) in outputs.as_object().unwrap() {
            values.insert(name.clone(), output["value"].clone());
        }
        Value::Object(values)
    }
}

pub struct TfRun {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    what: String,
}

impl TfRun {
    fn from(output: Output, terraform: &Path, args: &[&str]) -> TfRun {
        TfRun {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            what: format!("{} {}", terraform.display(), args.join(" ")),
        }
    }

    pub fn success(self) -> TfRun {
        assert_eq!(
            self.code,
            Some(0),
            "{} failed\n--- stdout\n{}\n--- stderr\n{}",
            self.what,
            self.stdout,
            self.stderr
        );
        self
    }

    pub fn failure(self) -> TfRun {
        assert_eq!(
            self.code,
            Some(1),
            "{} should fail\n--- stdout\n{}\n--- stderr\n{}",
            self.what,
            self.stdout,
            self.stderr
        );
        self
    }

    /// stdout and stderr together, with Terraform's line wrapping undone.
    pub fn text(&self) -> String {
        let all = format!("{}\n{}", self.stdout, self.stderr);
        all.lines()
            .map(|l| l.trim_start_matches(['│', '╷', '╵', ' ']).trim_end())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The provider block for the fake at `url`, with static credentials.
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

pub const REQUIRED_PROVIDERS: &str = r#"
terraform {
  required_providers {
    dli  = { source = "dli-community/dli" }
    null = { source = "hashicorp/null" }
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

/// Runs `scripts/package-release.sh` on the test build of the provider into
/// a fresh directory; signs with `signer` (GNUPGHOME, fingerprint) if given.
/// Returns the directory and what the script wrote on stderr.
pub fn package_release(signer: Option<(&Path, &str)>) -> (tempfile::TempDir, String) {
    let dist = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(repo_root().join("scripts/package-release.sh"));
    command
        .args([
            "--binary",
            env!("CARGO_BIN_EXE_terraform-provider-dli"),
            "--out",
        ])
        .arg(dist.path())
        .env_remove("GPG_FINGERPRINT");
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
