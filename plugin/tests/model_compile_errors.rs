//! Mistakes in a model are compile errors that say what is wrong. Each case
//! is a few lines compiled by rustc against the tfplugin this test was
//! built with (found beside the test binary), so no crate is rebuilt: about
//! a second a case.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The newest `lib{name}-*.{ext}` in `dir`.
fn newest(dir: &Path, name: &str, ext: &str) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            file.starts_with(&format!("lib{name}-")) && file.ends_with(ext)
        })
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .unwrap_or_else(|| panic!("no lib{name}-*{ext} in {}", dir.display()))
}

/// Compiles `source` as a library using tfplugin; returns rustc's stderr
/// and whether it compiled.
fn compile(source: &str) -> (bool, String) {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_owned();
    let tfplugin = newest(&deps, "tfplugin", ".rlib");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("case.rs");
    std::fs::write(&file, format!("use tfplugin::{{Known, Model}};\n{source}")).unwrap();
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(rustc)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--emit",
            "metadata",
        ])
        .arg("--out-dir")
        .arg(dir.path())
        .arg("--extern")
        .arg(format!("tfplugin={}", tfplugin.display()))
        .arg("-L")
        .arg(format!("dependency={}", deps.display()))
        .arg(&file)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn fails_with(source: &str, message: &str) {
    let (compiled, stderr) = compile(source);
    assert!(!compiled, "compiled:\n{source}");
    assert!(stderr.contains(message), "wanted {message:?} in:\n{stderr}");
}

#[test]
fn a_correct_model_compiles() {
    // The harness itself works: a good model compiles.
    let (compiled, stderr) = compile(
        "#[derive(Model)]\npub struct Ok_ {\n    /// Its name.\n    #[tf(required)]\n    \
         pub name: String,\n    /// Its size.\n    #[tf(optional)]\n    pub size: Known<i64>,\n}\n",
    );
    assert!(compiled, "{stderr}");
}

#[test]
fn a_field_without_a_mode_or_doc_or_with_an_unknown_option_is_refused() {
    fails_with(
        "#[derive(Model)]\npub struct M {\n    /// Its name.\n    pub name: String,\n}\n",
        "give the field one mode",
    );
    fails_with(
        "#[derive(Model)]\npub struct M {\n    /// Its name.\n    #[tf(required, computed)]\n    \
         pub name: String,\n}\n",
        "give the field one mode",
    );
    fails_with(
        "#[derive(Model)]\npub struct M {\n    #[tf(required)]\n    pub name: String,\n}\n",
        "document the field",
    );
    fails_with(
        "#[derive(Model)]\npub struct M {\n    /// Its name.\n    #[tf(requird)]\n    \
         pub name: String,\n}\n",
        "unknown option",
    );
}

#[test]
fn a_type_terraform_has_not_is_refused() {
    fails_with(
        "#[derive(Model)]\npub struct M {\n    /// Its size.\n    #[tf(required)]\n    \
         pub size: u8,\n}\n",
        "`u8` is not a Terraform attribute type",
    );
}

#[test]
fn two_attributes_with_one_name_are_refused_through_flatten_too() {
    let location = "#[derive(Model)]\npub struct Location {\n    /// Region.\n    \
                    #[tf(optional)]\n    pub region: Option<String>,\n}\n";
    fails_with(
        &format!(
            "{location}#[derive(Model)]\npub struct M {{\n    /// Also a region.\n    \
             #[tf(required)]\n    pub region: String,\n    #[tf(flatten)]\n    \
             pub location: Location,\n}}\n"
        ),
        "two attributes of `M` have one name",
    );
    fails_with(
        "#[derive(Model)]\npub struct M {\n    /// One.\n    #[tf(required)]\n    pub a: String,\n    \
         /// Two.\n    #[tf(required, rename = \"a\")]\n    pub b: String,\n}\n",
        "two attributes of `M` have one name",
    );
}
