//! The schema the CLIs read stays what users' configurations and states were
//! made with: for every attribute of the provider and of each data source,
//! the type it implies (a nested attribute counts as the object type it
//! stands for), its mode and its sensitivity, compared on every CLI with
//! `tests/fixtures/schema-golden.json`, captured from the provider before
//! nested attributes were declared; and the values in them index as lists
//! on every CLI (Terraform 1.0 mis-types the protocol's `nested_type`, so
//! tfplugin sends the type nested attributes imply).
//!
//! `WRITE_SCHEMA_GOLDEN=1` rewrites the golden file from the first CLI
//! (only when the schema is meant to change).

mod support;

use std::collections::BTreeMap;

use serde_json::{Value, json};
use support::*;

const GOLDEN: &str = "tests/fixtures/schema-golden.json";

/// The type an attribute implies: its `type`, or the object its
/// `nested_type` stands for, wrapped by its nesting mode.
fn implied_type(attribute: &Value) -> Value {
    if let Some(ty) = attribute.get("type") {
        return ty.clone();
    }
    let nested = &attribute["nested_type"];
    let object: serde_json::Map<String, Value> = nested["attributes"]
        .as_object()
        .unwrap_or_else(|| panic!("neither type nor nested_type: {attribute}"))
        .iter()
        .map(|(name, inner)| (name.clone(), implied_type(inner)))
        .collect();
    let object = json!(["object", object]);
    match nested["nesting_mode"].as_str() {
        Some("single") => object,
        Some(mode @ ("list" | "set" | "map")) => json!([mode, object]),
        other => panic!("nesting mode {other:?} in {attribute}"),
    }
}

fn mode(attribute: &Value) -> &'static str {
    let flag = |name: &str| attribute[name].as_bool().unwrap_or(false);
    match (flag("required"), flag("optional"), flag("computed")) {
        (true, _, _) => "required",
        (false, true, true) => "optional+computed",
        (false, true, false) => "optional",
        (false, false, true) => "computed",
        _ => panic!("no mode: {attribute}"),
    }
}

/// Every attribute of `block` (and of its nested blocks, as
/// `block.attribute`) with what it implies.
fn implied(block: &Value, prefix: &str, out: &mut BTreeMap<String, Value>) {
    for (name, attribute) in block["attributes"].as_object().into_iter().flatten() {
        out.insert(
            format!("{prefix}{name}"),
            json!({
                "type": implied_type(attribute),
                "mode": mode(attribute),
                "sensitive": attribute["sensitive"].as_bool().unwrap_or(false),
            }),
        );
    }
    for (name, nested) in block["block_types"].as_object().into_iter().flatten() {
        out.insert(
            format!("{prefix}{name}"),
            json!({"block": nested["nesting_mode"]}),
        );
        implied(&nested["block"], &format!("{prefix}{name}."), out);
    }
}

/// Attributes without a description, as `data_source.attribute` (and
/// `.field` for those nested in a `nested_type`).
fn undescribed(block: &Value, prefix: &str, out: &mut Vec<String>) {
    for (name, attribute) in block["attributes"].as_object().into_iter().flatten() {
        let path = format!("{prefix}{name}");
        if attribute["description"].as_str().unwrap_or_default().len() < 5 {
            out.push(path.clone());
        }
        if attribute.get("nested_type").is_some() {
            undescribed(&attribute["nested_type"], &format!("{path}."), out);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cli_reads_the_schema_users_have_and_every_attribute_is_described() {
    let config = format!("{REQUIRED_PROVIDERS}\nprovider \"dli\" {{}}\n");
    let golden_path = repo_root().join(GOLDEN);
    for tf in terraforms() {
        let ws = Workspace::new(&tf, &config);
        let run = ws.run(&["providers", "schema", "-json"]).await.success();
        let schema: Value = serde_json::from_str(&run.stdout).unwrap();
        let address = format!("{}/dli-community/dli", default_registry(&tf));
        let ours = &schema["provider_schemas"][address.as_str()];
        let mut got = BTreeMap::new();
        let mut bare = Vec::new();
        implied(&ours["provider"]["block"], "provider.", &mut got);
        for (name, data_source) in ours["data_source_schemas"].as_object().unwrap() {
            implied(&data_source["block"], &format!("{name}."), &mut got);
            undescribed(&data_source["block"], &format!("{name}."), &mut bare);
        }
        let got = serde_json::to_value(&got).unwrap();
        if std::env::var("WRITE_SCHEMA_GOLDEN").as_deref() == Ok("1") {
            let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
            std::fs::write(&golden_path, text).unwrap();
        }
        let golden: Value =
            serde_json::from_str(&std::fs::read_to_string(&golden_path).unwrap()).unwrap();
        assert_eq!(got, golden, "{}: the implied schema changed", tf.display());
        assert!(bare.is_empty(), "{}: undescribed: {bare:?}", tf.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_attributes_index_as_lists_on_every_cli() {
    let fake = start_fake(serde_json::json!({})).await;
    let config = format!(
        r#"{REQUIRED_PROVIDERS}{provider}
data "dli_enhanced_connection" "seed" {{
  connection_id = "{SEED_ID}"
}}
data "dli_enhanced_connections" "all" {{}}
output "host" {{ value = data.dli_enhanced_connection.seed.hosts[0].ip }}
output "queue" {{ value = data.dli_enhanced_connection.seed.queues[0].name }}
output "listed_host" {{ value = data.dli_enhanced_connections.all.connections[0].hosts[0].ip }}
"#,
        provider = provider_block(&fake.url())
    );
    for tf in terraforms() {
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(out["host"], out["listed_host"], "{}", tf.display());
        assert!(
            out["host"].as_str().is_some_and(|ip| ip.contains('.')),
            "{out}"
        );
        assert!(
            out["queue"].as_str().is_some_and(|q| !q.is_empty()),
            "{out}"
        );
    }
}
