//! Models nested in models (`examples/search.rs`) under the real CLIs:
//! inputs written as blocks, each field keeping its own mode on every CLI
//! the tests run (Terraform 1.0 makes every attribute of an object-typed
//! argument required, so an optional field left out would fail there);
//! outputs two collections deep, indexed and hidden where sensitive.

mod support;

use serde_json::json;

use support::*;

const REQUIRED: &str = r#"
terraform {
  required_providers {
    search = { source = "example/search" }
  }
}
"#;

fn config(body: &str) -> String {
    format!(
        "{REQUIRED}\ndata \"search_items\" \"s\" {{\n{body}\n}}\n\
         output \"summary\" {{ value = data.search_items.s.summary }}\n"
    )
}

/// A search with one rule (field `a`), and an output `name` of `value`.
fn one_rule_and_output(name: &str, value: &str) -> String {
    format!(
        "{REQUIRED}\ndata \"search_items\" \"s\" {{\n  rule {{ field = \"a\" }}\n}}\n\
         output \"{name}\" {{ value = {value} }}\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_optional_field_of_a_nested_input_may_be_left_out_or_set_on_every_cli() {
    let cases = [
        (r#"filter { name = "n" }"#, "name n tag -"),
        (
            "filter {\n  name = \"n\"\n  tag  = \"t\"\n}",
            "name n tag t",
        ),
        ("", "no filter"),
        (
            r#"rule { field = "a" }
rule {
  field  = "b"
  values = ["x", "y"]
}"#,
            "no filter; a any; b in [x,y]",
        ),
    ];
    for terraform in terraforms() {
        let shown = terraform.display();
        for (body, summary) in cases {
            let (workspace, _bin) = workspace_of("search", &terraform, &config(body));
            let outputs = workspace.apply_outputs().await;
            assert_eq!(outputs, json!({ "summary": summary }), "{shown}: {body}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_required_field_of_a_nested_input_is_required_by_every_cli() {
    for terraform in terraforms() {
        let shown = terraform.display();
        let (workspace, _bin) =
            workspace_of("search", &terraform, &config(r#"filter { tag = "t" }"#));
        let error = workspace.plan_error().await;
        assert!(
            error.contains("Missing required argument") && error.contains("\"name\""),
            "{shown}: {error}"
        );
        // Written as an attribute, the CLI says to write a block.
        let (workspace, _bin) =
            workspace_of("search", &terraform, &config(r#"filter = { name = "n" }"#));
        let error = workspace.plan_error().await;
        assert!(error.contains("block"), "{shown}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sensitive_field_two_collections_deep_is_hidden_by_every_cli() {
    let main_tf = one_rule_and_output("matches", "data.search_items.s.matches");
    for terraform in terraforms() {
        let shown = terraform.display();
        // The CLI's own schema: the deep attribute hidden, the blocks'
        // fields with their own modes.
        let (workspace, _bin) = workspace_of("search", &terraform, &main_tf);
        let schema = workspace
            .run(&["providers", "schema", "-json"])
            .await
            .success();
        let schema: serde_json::Value = serde_json::from_str(&schema.stdout).unwrap();
        let block = schema["provider_schemas"]
            .as_object()
            .and_then(|providers| providers.values().next())
            .map(|provider| &provider["data_source_schemas"]["search_items"]["block"])
            .unwrap_or_else(|| panic!("{shown}: {schema}"));
        assert_eq!(
            block["attributes"]["matches"]["sensitive"],
            json!(true),
            "{shown}"
        );
        let filter = &block["block_types"]["filter"];
        assert_eq!(filter["nesting_mode"], json!("single"), "{shown}: {filter}");
        assert_eq!(
            filter["block"]["attributes"]["tag"]["optional"],
            json!(true),
            "{shown}"
        );
        // An output of it must say it is sensitive, as for any secret.
        let error = workspace.plan_error().await;
        assert!(
            error.contains("Output refers to sensitive values"),
            "{shown}: {error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_outputs_are_indexed_on_every_cli() {
    // Terraform 1.0 types a list `nested_type` as one object, so `[0]`
    // would fail there ("This value does not have any indices"). The
    // attribute is sensitive as a whole (a token inside is).
    let main_tf = one_rule_and_output(
        "first",
        "nonsensitive(data.search_items.s.matches[\"a\"][0].item)",
    );
    for terraform in terraforms() {
        let (workspace, _bin) = workspace_of("search", &terraform, &main_tf);
        let outputs = workspace.apply_outputs().await;
        assert_eq!(outputs, json!({"first": "a-1"}), "{}", terraform.display());
    }
}
