//! The example provider the crate's tests run, and the CLIs they drive it
//! with.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use tfplugin::testing::cli;
use tfplugin::testing::wire::tfplugin6 as pb;
use tfplugin::{Attribute, Mode, Schema, Type};

/// `examples/hello.rs`, which `cargo test` builds beside the tests.
pub fn hello() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/<test> → target/<profile>/examples/hello
    let path = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples/hello");
    assert!(
        path.is_file(),
        "{} is missing: cargo test builds it (cargo build -p tfplugin --example hello)",
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
    let bin_dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(hello(), bin_dir.path().join("terraform-provider-hello")).unwrap();
    let workspace = cli::Workspace::new(terraform, main_tf, &[("example/hello", bin_dir.path())]);
    (workspace, bin_dir)
}

/// The example's data source schema, as its tests expect it.
pub fn greeting_schema() -> Schema {
    let letter = Type::object([("char", Type::String), ("position", Type::Number)]);
    Schema::new(
        "",
        vec![
            Attribute::new("name", Type::String, Mode::Required, ""),
            Attribute::new("message", Type::String, Mode::Computed, ""),
            Attribute::new("letters", Type::list(letter), Mode::Computed, ""),
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
