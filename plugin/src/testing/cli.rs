//! Driving the real Terraform and OpenTofu CLIs against a provider under
//! test: which CLIs to run, and a working directory whose CLI config points
//! dev_overrides at the providers' binaries.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value as Json;

/// The OpenTofu release the tests run on.
pub const TOFU_VERSION: &str = "1.12.6";

/// The oldest Terraform the tests run on.
pub const OLDEST_TERRAFORM: &str = "1.0.3";

/// The switch that leaves out the tests' linux-amd64 binaries (Terraform
/// [`OLDEST_TERRAFORM`] and the null provider) on a machine that cannot run
/// them.
pub const SKIP_AMD64_BINARIES: &str = "SKIP_AMD64_BINARIES";

/// Whether the user asked, with `switch=1`, to skip `what`; says so on
/// stderr when skipping. CI never skips: a switch set there is an error.
pub fn skipped_by_request(switch: &str, what: &str) -> bool {
    if std::env::var(switch).as_deref() != Ok("1") {
        return false;
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{switch}=1 is set in CI, which runs every test"
    );
    eprintln!("skipped by request ({switch}=1): {what}");
    true
}

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

/// The `(major, minor)` version of `cli`, from `version -json` (OpenTofu
/// keeps Terraform's key).
pub fn version(cli: &Path) -> (u32, u32) {
    let out = std::process::Command::new(cli)
        .args(["version", "-json"])
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .unwrap_or_else(|e| panic!("{} version: {e}", cli.display()));
    let json: Json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{} version -json: {e}", cli.display()));
    let text = json["terraform_version"].as_str().unwrap_or_default();
    let mut parts = text.split('.').map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Whether `cli` calls provider-defined functions: Terraform 1.8 and
/// OpenTofu 1.7 onwards.
pub fn has_functions(cli: &Path) -> bool {
    let since = if is_tofu(cli) { (1, 7) } else { (1, 8) };
    version(cli) >= since
}

/// `relative` under `tools`, which must exist.
pub fn installed(tools: &Path, relative: &str) -> PathBuf {
    let path = tools.join(relative);
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-test-tools.sh (make test does this)",
        path.display()
    );
    path
}

/// The CLIs to test with: the Terraform on PATH (required when `CI=true`),
/// and from `tools` (where `scripts/install-test-tools.sh` puts them)
/// Terraform [`OLDEST_TERRAFORM`] and OpenTofu [`TOFU_VERSION`].
pub fn terraforms(tools: &Path) -> Vec<PathBuf> {
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
        None => eprintln!("note: no terraform on PATH; testing Terraform {OLDEST_TERRAFORM} only"),
    }
    if !skipped_by_request(
        SKIP_AMD64_BINARIES,
        &format!("Terraform {OLDEST_TERRAFORM}, a linux-amd64 binary"),
    ) {
        found.push(installed(
            tools,
            &format!("terraform-{OLDEST_TERRAFORM}/terraform"),
        ));
    }
    found.push(installed(tools, &format!("tofu-{TOFU_VERSION}/tofu")));
    found
}

/// A working directory with `main.tf` and a CLI config of its own.
pub struct Workspace {
    /// The directory; removed on drop.
    pub dir: tempfile::TempDir,
    /// The CLI this workspace runs.
    pub terraform: PathBuf,
    env: Vec<(String, String)>,
    /// Prefixes of inherited variables the commands do not see.
    cleared: Vec<String>,
}

impl Workspace {
    /// A workspace for `terraform` whose dev_overrides map each
    /// `namespace/name` of `overrides` to the directory holding its
    /// `terraform-provider-<name>` binary, on both CLIs' registry hosts.
    pub fn new(terraform: &Path, main_tf: &str, overrides: &[(&str, &Path)]) -> Workspace {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut lines = String::new();
        for host in ["registry.terraform.io", "registry.opentofu.org"] {
            for (source, binary_dir) in overrides {
                lines.push_str(&format!(
                    "    \"{host}/{source}\" = \"{}\"\n",
                    binary_dir.display()
                ));
            }
        }
        let config = format!(
            "provider_installation {{\n  dev_overrides {{\n{lines}  }}\n  direct {{}}\n}}\n"
        );
        std::fs::write(dir.path().join("cli.tfrc"), config).expect("the CLI config is written");
        std::fs::write(dir.path().join("main.tf"), main_tf).expect("main.tf is written");
        Workspace {
            dir,
            terraform: terraform.to_owned(),
            env: Vec::new(),
            cleared: ["TF_", "TOFU_", "OPENTOFU_", "CHECKPOINT", "TFPLUGIN_"]
                .map(String::from)
                .into(),
        }
    }

    /// Keeps inherited variables whose names start with `prefix` (in any
    /// case) from the commands, as for a provider's own `HW_*` settings.
    pub fn clear_env_prefix(mut self, prefix: &str) -> Self {
        self.cleared.push(prefix.to_ascii_uppercase());
        self
    }

    /// Sets an environment variable for every command.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// The CLI with `args`, in this directory, with a clean environment:
    /// nothing inherited from `TF_*`, `TOFU_*`, `OPENTOFU_*`, proxy
    /// variables or the prefixes of [`Workspace::clear_env_prefix`].
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.terraform);
        cmd.args(args).current_dir(self.dir.path());
        for (name, _) in std::env::vars() {
            let upper = name.to_ascii_uppercase();
            if self.cleared.iter().any(|p| upper.starts_with(p.as_str()))
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

    /// Runs the CLI with `args`.
    pub async fn run(&self, args: &[&str]) -> TfRun {
        let output = self
            .command(args)
            .output()
            .await
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.terraform.display()));
        TfRun::from(output, &self.terraform, args)
    }

    /// `plan`, which must succeed.
    pub async fn plan(&self) -> TfRun {
        self.run(&["plan", "-no-color", "-input=false"])
            .await
            .success()
    }

    /// `plan`, which must fail: what the user reads, unwrapped.
    pub async fn plan_error(&self) -> String {
        self.run(&["plan", "-no-color", "-input=false"])
            .await
            .failure()
            .text()
    }

    /// `apply -auto-approve` then `output -json`: each output's value.
    pub async fn apply_outputs(&self) -> Json {
        self.run(&["apply", "-auto-approve", "-no-color", "-input=false"])
            .await
            .success();
        let out = self.run(&["output", "-json"]).await.success();
        let outputs: Json = serde_json::from_str(&out.stdout).expect("outputs are JSON");
        let mut values = serde_json::Map::new();
        for (name, output) in outputs.as_object().expect("outputs are an object") {
            values.insert(name.clone(), output["value"].clone());
        }
        Json::Object(values)
    }
}

/// One run of a CLI.
pub struct TfRun {
    /// Its exit code.
    pub code: Option<i32>,
    /// What it printed on stdout.
    pub stdout: String,
    /// What it printed on stderr.
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

    /// Asserts that the run succeeded.
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

    /// Asserts that the run failed with exit code 1.
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

    /// stdout and stderr together, with the CLI's line wrapping undone.
    pub fn text(&self) -> String {
        let all = format!("{}\n{}", self.stdout, self.stderr);
        all.lines()
            .map(|l| l.trim_start_matches(['│', '╷', '╵', ' ']).trim_end())
            .collect::<Vec<_>>()
            .join(" ")
    }
}
