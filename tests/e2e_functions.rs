//! `provider::dli::cidrs_overlap` on every CLI that has provider-defined
//! functions (Terraform 1.8+, OpenTofu 1.7+), called before the provider is
//! configured, with its errors at the argument; and Terraform 1.0.3, which
//! has none, still plans with the provider that declares it.

mod support;

use serde_json::json;
use support::*;
use tfplugin::testing::cli::{clis_having, has_functions};

/// The CLIs here that call provider-defined functions (at least one; with
/// no terraform on PATH, OpenTofu alone), said on stderr.
fn clis_with_functions() -> Vec<std::path::PathBuf> {
    clis_having(terraforms(), "provider-defined functions", has_functions)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cidrs_overlap_answers_on_every_cli_that_has_functions() {
    let fake = start_fake(json!({})).await;
    let config = main_tf(
        &fake.url(),
        &format!(
            r#"
data "dli_enhanced_connection" "seed" {{
  connection_id = "{SEED_ID}"
}}
locals {{
  host = data.dli_enhanced_connection.seed.hosts[0].ip
}}
output "nested" {{ value = provider::dli::cidrs_overlap("10.0.0.0/16", "10.0.3.0/24") }}
output "apart"  {{ value = provider::dli::cidrs_overlap("10.0.0.0/24", "10.0.1.0/24") }}
output "family" {{ value = provider::dli::cidrs_overlap("10.0.0.0/8", "fd00::/8") }}
output "host"   {{ value = provider::dli::cidrs_overlap("192.168.0.0/24", "${{local.host}}/32") }}
"#
        ),
    );
    for tf in clis_with_functions() {
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(
            out,
            json!({"nested": true, "apart": false, "family": false, "host": true}),
            "{}",
            tf.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_cidr_is_an_error_naming_the_argument_and_value() {
    // No provider block and no credentials: functions need neither.
    let config = format!(
        r#"{REQUIRED_PROVIDERS}
output "bad" {{ value = provider::dli::cidrs_overlap("10.0.0.0/8", "10.0.0.0/33") }}
"#
    );
    for tf in clis_with_functions() {
        let error = Workspace::new(&tf, &config).plan_error().await;
        let shown = tf.display();
        assert!(
            error.contains(r#"b = "10.0.0.0/33" is not a CIDR block"#),
            "{shown}: {error}"
        );
        assert!(error.contains("from 0 to 32"), "{shown}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cli_without_functions_still_plans_with_the_provider() {
    let fake = start_fake(json!({})).await;
    let config = main_tf(
        &fake.url(),
        &format!(
            r#"
data "dli_enhanced_connection" "seed" {{
  connection_id = "{SEED_ID}"
}}
output "name" {{ value = data.dli_enhanced_connection.seed.name }}
"#
        ),
    );
    let mut without = 0;
    for tf in terraforms() {
        if has_functions(&tf) {
            continue;
        }
        without += 1;
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(out, json!({"name": "withvpc"}), "{}", tf.display());
    }
    let skipped = tfplugin::testing::cli::skipped_by_request(
        tfplugin::testing::cli::SKIP_AMD64_BINARIES,
        "Terraform 1.0.3, which has no functions",
    );
    assert!(without >= 1 || skipped, "Terraform 1.0.3 was tested");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_example_applies() {
    let example = include_str!("../examples/functions/cidrs_overlap/function.tf");
    let config = format!("{REQUIRED_PROVIDERS}{example}");
    for tf in clis_with_functions() {
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(
            out,
            json!({"pool_overlaps_subnet": false}),
            "{}",
            tf.display()
        );
    }
}
