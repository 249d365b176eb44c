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

/// The platform's empty file: no CLI configuration.
const NULL_DEVICE: &str = if cfg!(windows) { "NUL" } else { "/dev/null" };

/// The `(major, minor)` version of `cli`, from `version -json` (OpenTofu
/// keeps Terraform's key).
pub fn version(cli: &Path) -> (u32, u32) {
    let run = || {
        std::process::Command::new(cli)
            .args(["version", "-json"])
            .env("TF_CLI_CONFIG_FILE", NULL_DEVICE)
            .output()
    };
    // A CLI just written (a test's stand-in) can be busy for a moment while
    // another thread's child still holds it open for writing.
    let mut out = run();
    for _ in 0..50 {
        match &out {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(20));
                out = run();
            }
            _ => break,
        }
    }
    let out = out.unwrap_or_else(|e| panic!("{} version: {e}", cli.display()));
    let json: Json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{} version -json: {e}", cli.display()));
    let text = json["terraform_version"].as_str().unwrap_or_default();
    let mut parts = text.split('.').map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// Whether `cli` calls provider-defined functions: Terraform 1.8 and
/// OpenTofu 1.7 onwards.
pub fn has_functions(cli: &Path) -> bool {
    at_least(cli, (1, 8), (1, 7))
}

/// Whether `cli` runs `terraform test` with `mock_provider`: Terraform 1.7
/// and OpenTofu 1.8 onwards.
pub fn has_mock_provider(cli: &Path) -> bool {
    at_least(cli, (1, 7), (1, 8))
}

/// Whether `cli` is at least `terraform`'s version, or `tofu`'s for
/// OpenTofu.
fn at_least(cli: &Path, terraform: (u32, u32), tofu: (u32, u32)) -> bool {
    version(cli) >= if is_tofu(cli) { tofu } else { terraform }
}

/// `relative` under `tools`, which must exist.
pub fn installed(tools: &Path, relative: &str) -> PathBuf {
    must_be_installed(tools.join(relative))
}

fn must_be_installed(path: PathBuf) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-test-tools.sh (make test does this)",
        path.display()
    );
    path
}

/// What decides which CLIs the tests run on: the `PATH` searched for the
/// newest Terraform, whether this is CI (`CI=true`, which must test it),
/// and whether the linux-amd64 binaries are left out by request.
#[derive(Clone, Debug)]
pub struct CliSelection {
    /// The search path for `terraform`.
    pub path: Option<std::ffi::OsString>,
    /// `CI=true`: a missing `terraform` on `path` is an error.
    pub ci: bool,
    /// [`SKIP_AMD64_BINARIES`]`=1`: no Terraform [`OLDEST_TERRAFORM`].
    pub skip_amd64_binaries: bool,
}

impl CliSelection {
    /// The selection this process's environment makes.
    pub fn from_env() -> CliSelection {
        CliSelection {
            path: std::env::var_os("PATH"),
            ci: std::env::var("CI").is_ok_and(|v| v == "true"),
            skip_amd64_binaries: std::env::var(SKIP_AMD64_BINARIES).as_deref() == Ok("1"),
        }
    }

    /// The CLIs to test with: the `terraform` on the path (required in CI),
    /// and from `tools` (where `scripts/install-test-tools.sh` puts them)
    /// Terraform [`OLDEST_TERRAFORM`] unless left out, and OpenTofu
    /// [`TOFU_VERSION`]. Each CLI left out is said in the notes.
    pub fn select(&self, tools: &Path) -> Result<Selected, String> {
        let mut selected = Selected::default();
        let on_path = self.path.as_ref().and_then(|paths| {
            std::env::split_paths(paths)
                .map(|dir| dir.join("terraform"))
                .find(|p| p.is_file())
        });
        match on_path {
            Some(path) => selected.clis.push(path),
            None if self.ci => {
                return Err("CI must test the newest Terraform, but none is on PATH".into());
            }
            None => selected
                .notes
                .push("no terraform on PATH: not testing the newest Terraform".into()),
        }
        let oldest = format!("terraform-{OLDEST_TERRAFORM}/terraform");
        if self.skip_amd64_binaries {
            selected.notes.push(format!(
                "skipped by request ({SKIP_AMD64_BINARIES}=1): Terraform {OLDEST_TERRAFORM}, a linux-amd64 binary"
            ));
        } else {
            selected.clis.push(tools.join(oldest));
        }
        selected
            .clis
            .push(tools.join(format!("tofu-{TOFU_VERSION}/tofu")));
        Ok(selected)
    }
}

/// The CLIs a [`CliSelection`] chose, and what it left out.
#[derive(Clone, Debug, Default)]
pub struct Selected {
    /// The CLIs, newest Terraform first.
    pub clis: Vec<PathBuf>,
    /// One line for each CLI left out, and why.
    pub notes: Vec<String>,
}

/// The CLIs to test with, as [`CliSelection::from_env`] selects them; each
/// must be installed. Says on stderr what was left out.
pub fn terraforms(tools: &Path) -> Vec<PathBuf> {
    let selection = CliSelection::from_env();
    let selected = selection.select(tools).unwrap_or_else(|e| panic!("{e}"));
    if selection.ci {
        assert!(
            !selection.skip_amd64_binaries,
            "{SKIP_AMD64_BINARIES}=1 is set in CI, which runs every test"
        );
    }
    for note in &selected.notes {
        eprintln!("note: {note}");
    }
    selected.clis.into_iter().map(must_be_installed).collect()
}

/// Those of `clis` that have `feature` (`has` tells), at least one: says on
/// stderr which ran and which were left out, and fails when none has it.
pub fn clis_having(clis: Vec<PathBuf>, feature: &str, has: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let (with, without): (Vec<_>, Vec<_>) = clis.into_iter().partition(|cli| has(cli));
    let names = |clis: &[PathBuf]| {
        clis.iter()
            .map(|cli| cli.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    assert!(
        !with.is_empty(),
        "no CLI here has {feature} (those tested: {}): install a newer terraform on PATH",
        names(&without)
    );
    eprintln!("{feature}: testing on {}", names(&with));
    if !without.is_empty() {
        eprintln!("{feature}: not on {}, which lack it", names(&without));
    }
    with
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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A stand-in CLI at `dir/relative` that reports `version`.
    fn stub_cli(dir: &Path, relative: &str, version: &str) -> PathBuf {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let script = format!("#!/bin/sh\necho '{{\"terraform_version\": \"{version}\"}}'\n");
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// A tools directory with Terraform 1.0.3 and OpenTofu, and a PATH
    /// directory with no terraform in it.
    fn machine() -> (tempfile::TempDir, tempfile::TempDir) {
        let tools = tempfile::tempdir().unwrap();
        stub_cli(
            tools.path(),
            &format!("terraform-{OLDEST_TERRAFORM}/terraform"),
            OLDEST_TERRAFORM,
        );
        stub_cli(
            tools.path(),
            &format!("tofu-{TOFU_VERSION}/tofu"),
            TOFU_VERSION,
        );
        (tools, tempfile::tempdir().unwrap())
    }

    fn selection(path: &Path, ci: bool, skip_amd64_binaries: bool) -> CliSelection {
        CliSelection {
            path: Some(path.as_os_str().to_owned()),
            ci,
            skip_amd64_binaries,
        }
    }

    #[test]
    fn without_terraform_on_path_the_tests_run_on_the_other_two_and_functions_on_opentofu() {
        let (tools, empty_path) = machine();
        let selected = selection(empty_path.path(), false, false)
            .select(tools.path())
            .unwrap();
        let tofu = tools.path().join(format!("tofu-{TOFU_VERSION}/tofu"));
        let oldest = tools
            .path()
            .join(format!("terraform-{OLDEST_TERRAFORM}/terraform"));
        assert_eq!(selected.clis, [oldest.clone(), tofu.clone()]);
        assert!(
            selected.notes[0].contains("no terraform on PATH"),
            "{:?}",
            selected.notes
        );
        assert_eq!(
            clis_having(selected.clis.clone(), "functions", has_functions),
            std::slice::from_ref(&tofu)
        );
        assert_eq!(
            clis_having(selected.clis, "mock_provider", has_mock_provider),
            [tofu]
        );
    }

    #[test]
    fn with_the_amd64_binaries_left_out_and_no_terraform_opentofu_alone_runs() {
        let (tools, empty_path) = machine();
        let selected = selection(empty_path.path(), false, true)
            .select(tools.path())
            .unwrap();
        assert_eq!(
            selected.clis,
            [tools.path().join(format!("tofu-{TOFU_VERSION}/tofu"))]
        );
        assert_eq!(selected.notes.len(), 2, "{:?}", selected.notes);
    }

    #[test]
    fn ci_must_have_a_terraform_on_path() {
        let (tools, empty_path) = machine();
        let err = selection(empty_path.path(), true, false)
            .select(tools.path())
            .unwrap_err();
        assert!(err.contains("none is on PATH"), "{err}");
    }

    #[test]
    fn the_terraform_on_path_comes_first_and_every_new_cli_has_both_features() {
        let (tools, path_dir) = machine();
        let newest = stub_cli(path_dir.path(), "terraform", "1.11.4");
        let selected = selection(path_dir.path(), true, false)
            .select(tools.path())
            .unwrap();
        assert_eq!(selected.clis[0], newest);
        assert_eq!(selected.clis.len(), 3);
        assert!(selected.notes.is_empty(), "{:?}", selected.notes);
        let with_functions = clis_having(selected.clis.clone(), "functions", has_functions);
        assert_eq!(with_functions.len(), 2);
        let with_mocks = clis_having(selected.clis, "mock_provider", has_mock_provider);
        assert_eq!(with_mocks[0], newest);
        assert_eq!(with_mocks.len(), 2);
    }

    #[test]
    #[should_panic(expected = "no CLI here has functions")]
    fn no_cli_with_the_feature_fails_loudly() {
        let (tools, empty_path) = machine();
        let selected = selection(empty_path.path(), false, false)
            .select(tools.path())
            .unwrap();
        let old_only: Vec<_> = selected
            .clis
            .into_iter()
            .filter(|cli| !is_tofu(cli))
            .collect();
        clis_having(old_only, "functions", has_functions);
    }
}
