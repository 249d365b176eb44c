//! Mistakes in a model are compile errors that say what is wrong. Each case
//! is a few lines compiled by rustc against the tfplugin this test was
//! built with (found beside the test binary), so no crate is rebuilt: about
//! a second a case.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `libtfplugin-*.rlib` files beside this test, newest first.
fn candidates(deps: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(deps)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            file.starts_with("libtfplugin-") && file.ends_with(".rlib")
        })
        .collect();
    found.sort_by_key(|p| std::cmp::Reverse(p.metadata().and_then(|m| m.modified()).ok()));
    found
}

const GOOD: &str = "#[derive(Model)]\npub struct Ok_ {\n    /// Its name.\n    #[tf(required)]\n    \
                    pub name: String,\n    /// Its size.\n    #[tf(optional)]\n    \
                    pub size: Known<i64>,\n}\n";

/// The tfplugin to compile against: the newest that compiles a correct
/// model with this toolchain (a stale or other-toolchain build does not).
fn tfplugin() -> &'static PathBuf {
    static FOUND: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    FOUND.get_or_init(|| {
        let deps = std::env::current_exe()
            .unwrap()
            .parent()
            .unwrap()
            .to_owned();
        candidates(&deps)
            .into_iter()
            .find(|rlib| compile_with(rlib, GOOD).0)
            .unwrap_or_else(|| {
                panic!(
                    "no tfplugin rlib in {} compiles a correct model",
                    deps.display()
                )
            })
    })
}

/// Compiles `source` as a library using tfplugin; returns whether it
/// compiled, and rustc's stderr.
fn compile(source: &str) -> (bool, String) {
    compile_with(tfplugin(), source)
}

fn compile_with(tfplugin: &Path, source: &str) -> (bool, String) {
    let deps = tfplugin.parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("case.rs");
    std::fs::write(&file, format!("use tfplugin::{{Known, Model}};\n{source}")).unwrap();
    let output = Command::new("rustc")
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
fn a_correct_model_compiles_even_with_fields_named_like_the_decoders_locals() {
    let (compiled, stderr) = compile(GOOD);
    assert!(compiled, "{stderr}");
    let (compiled, stderr) = compile(
        "#[derive(Model)]\npub struct Env {\n    /// A value.\n    #[tf(required)]\n    \
         pub value: String,\n    /// A path.\n    #[tf(optional)]\n    pub path: Option<String>,\n    \
         /// Problems.\n    #[tf(computed)]\n    pub problems: Vec<String>,\n    /// A name.\n    \
         #[tf(required)]\n    pub name: String,\n}\n",
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
    fails_with(
        "#[derive(Model)]\n#[tf(sensitive)]\npub struct M {\n    /// Its name.\n    \
         pub name: String,\n}\n",
        "on a struct, #[tf(...)] takes only a mode",
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

#[test]
fn a_name_terraform_refuses_is_a_compile_error_that_suggests_one() {
    for (field, hint) in [
        (
            "#[tf(required, rename = \"Type\")]\n    pub kind: String",
            "rename = \"type\"",
        ),
        (
            "#[tf(required, rename = \"a-b\")]\n    pub a: String",
            "rename = \"a_b\"",
        ),
        (
            "#[tf(required)]\n    #[allow(non_snake_case)]\n    pub projectId: String",
            "rename = \"project_id\"",
        ),
    ] {
        let source =
            format!("#[derive(Model)]\npub struct M {{\n    /// A field.\n    {field},\n}}\n");
        fails_with(&source, "is no Terraform attribute name");
        fails_with(&source, hint);
    }
}

#[test]
fn a_doubled_rename_is_refused_and_a_doc_from_an_expression_counts() {
    fails_with(
        "#[derive(Model)]\npub struct M {\n    /// A field.\n    \
         #[tf(required, rename = \"a\", rename = \"b\")]\n    pub x: String,\n}\n",
        "this option is given twice",
    );
    let (compiled, stderr) = compile(
        "#[derive(Model)]\npub struct M {\n    #[doc = concat!(\"Its \", \"name.\")]\n    \
         #[tf(required)]\n    pub name: String,\n}\n",
    );
    assert!(compiled, "{stderr}");
}

const INNER: &str = "#[derive(Model)]\npub struct Inner {\n    /// A name.\n    #[tf(required)]\n    \
                     pub name: String,\n}\n";

#[test]
fn a_nested_input_no_cli_can_take_is_refused_saying_what_to_write() {
    let field = |options: &str, ty: &str| {
        format!(
            "{INNER}#[derive(Model)]\npub struct Outer {{\n    /// Objects.\n    \
             #[tf({options})]\n    pub inner: {ty},\n}}\n"
        )
    };
    fails_with(
        &field("optional", "std::collections::BTreeMap<String, Inner>"),
        "use a Vec of models with a key attribute",
    );
    fails_with(
        &field("required", "Vec<Vec<Inner>>"),
        "wrap the inner collection in a model of its own",
    );
    fails_with(
        &field("optional, computed", "Option<Inner>"),
        "make it #[tf(optional)] or #[tf(computed)]",
    );
    // What every CLI takes: one block or a list of them, written by the
    // user; and any nesting the provider sets.
    for (options, ty) in [
        ("optional", "Option<Inner>"),
        ("required", "Vec<Inner>"),
        ("computed", "std::collections::BTreeMap<String, Vec<Inner>>"),
    ] {
        let source = field(options, ty);
        let (compiled, stderr) = compile(&source);
        assert!(compiled, "{source}\n{stderr}");
    }
}

#[test]
fn parameters_take_no_mode_and_go_on_the_struct() {
    fails_with(
        "#[derive(Model)]\n#[tf(parameters, required)]\npub struct P {\n    /// A.\n    pub a: String,\n}\n",
        "#[tf(parameters)] takes no mode",
    );
    fails_with(
        "#[derive(Model)]\npub struct P {\n    /// A.\n    #[tf(parameters)]\n    pub a: String,\n}\n",
        "parameters goes on the struct",
    );
    fails_with(
        "#[derive(Model)]\n#[tf(parameters)]\npub struct P {\n    /// A.\n    #[tf(optional)]\n    pub a: Option<String>,\n}\n",
        "a function's parameter takes no mode",
    );
}
