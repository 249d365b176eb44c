//! The example provider the crate's tests run, and the CLIs they drive it
//! with.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use tfplugin::testing::cli;
use tfplugin::testing::wire::tfplugin6 as pb;
use tfplugin::{Attribute, Mode, Schema, Type};

/// `examples/hello.rs`, which `cargo test` builds beside the tests.
pub fn hello() -> PathBuf {
    example("hello")
}

/// The example `examples/<name>.rs`, which `cargo test` builds beside the
/// tests.
pub fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/<test> → target/<profile>/examples/<name>
    let path = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples")
        .join(name);
    assert!(
        path.is_file(),
        "{} is missing: cargo test builds it (cargo build -p tfplugin --example {name})",
        path.display()
    );
    path
}

/// The tools `scripts/install-test-tools.sh` installs, at the repository's
/// top level.
pub fn tools() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools")
}

pub fn terraforms() -> Vec<PathBuf> {
    cli::terraforms(&tools())
}

/// A workspace whose dev_overrides point `example/hello` at the example,
/// under the name the CLIs look for (`terraform-provider-hello`).
pub fn workspace(terraform: &Path, main_tf: &str) -> (cli::Workspace, tempfile::TempDir) {
    workspace_of("hello", terraform, main_tf)
}

/// A workspace whose dev_overrides point `example/<name>` at the example
/// `<name>`, under the name the CLIs look for.
pub fn workspace_of(
    name: &str,
    terraform: &Path,
    main_tf: &str,
) -> (cli::Workspace, tempfile::TempDir) {
    let bin_dir = tempfile::tempdir().unwrap();
    let linked = bin_dir.path().join(format!("terraform-provider-{name}"));
    std::os::unix::fs::symlink(example(name), linked).unwrap();
    let source = format!("example/{name}");
    let workspace = cli::Workspace::new(terraform, main_tf, &[(&source, bin_dir.path())]);
    (workspace, bin_dir)
}

/// The example's data source schema, as its tests expect it.
pub fn greeting_schema() -> Schema {
    Schema::new(
        "",
        vec![
            Attribute::new("name", Type::String, Mode::Required, ""),
            Attribute::new("message", Type::String, Mode::Computed, ""),
        ],
    )
}

pub fn greeting_request(name: &str) -> pb::read_data_source::Request {
    tfplugin::testing::client::read_request_of(
        &greeting_schema(),
        "hello_greeting",
        &[("name", name)],
    )
}

/// ConfigureProvider with an empty `provider "hello"` block.
pub fn configure_request() -> pb::configure_provider::Request {
    let schema = Schema::new("", vec![]);
    let config = tfplugin::testing::client::config_of(&schema, &[]);
    pb::configure_provider::Request {
        terraform_version: "1.11.4".into(),
        config: Some(tfplugin::testing::client::dynamic_value(&config, &schema)),
    }
}
