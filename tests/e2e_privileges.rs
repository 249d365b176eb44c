//! `dli_enhanced_connection_privileges` under every CLI: by id and by name,
//! an empty grant list, both names of the project field, not found, a 403
//! for the missing `dli::listAuth`, an entry without a project, and
//! `projects` chained into a `null_resource` precondition where the CLI
//! has preconditions.

mod support;

use std::path::Path;

use serde_json::{Value, json};
use support::*;
use tfplugin::testing::cli::OLDEST_TERRAFORM;

const SHARED: &str = "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const LONELY: &str = "6b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
const DENIED: &str = "7c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f";
const NAMELESS_GRANT: &str = "8d4e5f6a-7b8c-4d9e-9f0a-2b3c4d5e6f7a";
const MISSING: &str = "9e5f6a7b-8c9d-4e0f-8a1b-3c4d5e6f7a8b";
const CONSUMER: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const OTHER: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn connection(id: &str, name: &str) -> Value {
    json!({"is_success": true, "message": "", "id": id, "name": name, "status": "ACTIVE",
           "create_time": 1_700_000_000_000_i64})
}

async fn fake() -> dli_fake::RunningFake {
    let object = format!("edsconnections.{SHARED}");
    start_fake(json!({
        SHARED: {
            "response": connection(SHARED, "shared-lake"),
            "privileges": [
                {"object": object, "applicant_project_id": CONSUMER, "privileges": ["BIND_QUEUE"]},
                {"object": object, "project_id": OTHER, "privileges": ["BIND_QUEUE"]},
                {"object": object, "applicant_project_id": CONSUMER, "project_id": OTHER,
                 "privileges": ["BIND_QUEUE", "USE"]}
            ]
        },
        LONELY: {"response": connection(LONELY, "lonely")},
        DENIED: {
            "response": connection(DENIED, "guarded"),
            "privilege_faults": {"statuses": [403], "repeat": true}
        },
        NAMELESS_GRANT: {
            "response": connection(NAMELESS_GRANT, "odd"),
            "privileges": [{"object": "edsconnections.x", "privileges": ["BIND_QUEUE"]}]
        }
    }))
    .await
}

fn with_provider(url: &str, body: &str) -> String {
    format!("{REQUIRED_PROVIDERS}{}{body}", provider_block(url))
}

/// Whether `cli` has `precondition` blocks (Terraform 1.2 and later, and
/// OpenTofu): of the CLIs the tests run, all but the oldest Terraform.
fn has_preconditions(cli: &Path) -> bool {
    !cli.ends_with(format!("terraform-{OLDEST_TERRAFORM}/terraform"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_read_by_id_and_by_name_with_both_field_names_and_none() {
    let fake = fake().await;
    let main_tf = with_provider(
        &fake.url(),
        &format!(
            r#"
data "dli_enhanced_connection_privileges" "by_id" {{
  connection_id = "{SHARED}"
}}
data "dli_enhanced_connection_privileges" "by_name" {{
  name = "shared-lake"
}}
data "dli_enhanced_connection_privileges" "none" {{
  name = "lonely"
}}
output "by_id" {{ value = data.dli_enhanced_connection_privileges.by_id }}
output "by_name_projects" {{ value = data.dli_enhanced_connection_privileges.by_name.projects }}
output "by_name_id" {{ value = data.dli_enhanced_connection_privileges.by_name.connection_id }}
output "none" {{ value = data.dli_enhanced_connection_privileges.none }}
output "consumer_may_bind" {{
  value = contains(lookup(data.dli_enhanced_connection_privileges.by_id.projects, "{CONSUMER}", []), "BIND_QUEUE")
}}
"#
        ),
    );
    let object = format!("edsconnections.{SHARED}");
    for tf in terraforms() {
        let out = Workspace::new(&tf, &main_tf).apply_outputs().await;
        let shown = tf.display();
        assert_eq!(
            out["by_id"],
            json!({
                "id": SHARED,
                "connection_id": SHARED,
                "name": null,
                "region": null,
                "project_id": PROJECT,
                "privileges": [
                    {"project_id": CONSUMER, "privileges": ["BIND_QUEUE"], "object": object},
                    {"project_id": OTHER, "privileges": ["BIND_QUEUE"], "object": object},
                    {"project_id": CONSUMER, "privileges": ["BIND_QUEUE", "USE"], "object": object}
                ],
                "projects": {CONSUMER: ["BIND_QUEUE", "USE"], OTHER: ["BIND_QUEUE"]}
            }),
            "{shown}"
        );
        assert_eq!(out["by_name_projects"], out["by_id"]["projects"], "{shown}");
        assert_eq!(out["by_name_id"], json!(SHARED), "{shown}");
        assert_eq!(out["none"]["privileges"], json!([]), "{shown}");
        assert_eq!(out["none"]["projects"], json!({}), "{shown}");
        assert_eq!(out["none"]["id"], json!(LONELY), "{shown}");
        assert_eq!(out["consumer_may_bind"], json!(true), "{shown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_forbidden_and_an_entry_without_a_project_are_clear_errors() {
    let fake = fake().await;
    let plan_error = |tf: &Path, connection_id: &str| {
        let main_tf = with_provider(
            &fake.url(),
            &format!(
                "data \"dli_enhanced_connection_privileges\" \"c\" {{\n  connection_id = \"{connection_id}\"\n}}\n"
            ),
        );
        let ws = Workspace::new(tf, &main_tf);
        async move { ws.plan_error().await }
    };
    for tf in terraforms() {
        let text = plan_error(&tf, MISSING).await;
        assert!(
            text.contains(&format!(
                "Enhanced connection {MISSING} not found in project {PROJECT}"
            )),
            "{text}"
        );
        assert!(text.contains("DLI.0001"), "{text}");

        let text = plan_error(&tf, DENIED).await;
        assert!(
            text.contains(&format!(
                "DLI refused the request for enhanced connection {DENIED}"
            )),
            "{text}"
        );
        assert!(
            text.contains("needs the permission dli::listAuth"),
            "{text}"
        );
        assert!(text.contains("HTTP 403, DLI.0013"), "{text}");

        let text = plan_error(&tf, NAMELESS_GRANT).await;
        assert!(
            text.contains(&format!(
                "A privilege on enhanced connection {NAMELESS_GRANT} names no project"
            )),
            "{text}"
        );
        assert!(
            text.contains(r#"{"object":"edsconnections.x","privileges":["BIND_QUEUE"]}"#),
            "{text}"
        );
    }
    // The 403 is final: one request per CLI, never retried.
    let denied = fake
        .state
        .requests()
        .iter()
        .filter(|r| r.path.contains(DENIED))
        .count();
    assert_eq!(denied, terraforms().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_precondition_on_projects_passes_or_stops_the_plan() {
    if null_provider_skipped() {
        return;
    }
    let fake = fake().await;
    let config = |project: &str| {
        with_provider(
            &fake.url(),
            &format!(
                r#"
data "dli_enhanced_connection_privileges" "shared" {{
  name = "shared-lake"
}}
resource "null_resource" "binding" {{
  lifecycle {{
    precondition {{
      condition     = contains(lookup(data.dli_enhanced_connection_privileges.shared.projects, "{project}", []), "BIND_QUEUE")
      error_message = "Project {project} may not bind queues to shared-lake."
    }}
  }}
}}
"#
            ),
        )
    };
    let mut ran = 0;
    for tf in terraforms().into_iter().filter(|tf| has_preconditions(tf)) {
        Workspace::new(&tf, &config(CONSUMER)).plan().await;
        let text = Workspace::new(&tf, &config(PROJECT)).plan_error().await;
        assert!(
            text.contains(&format!(
                "Project {PROJECT} may not bind queues to shared-lake."
            )),
            "{}: {text}",
            tf.display()
        );
        ran += 1;
    }
    // Terraform on PATH and OpenTofu; 1.0.3 has no preconditions, and the
    // data the condition reads is checked on it above.
    assert_eq!(ran, terraforms().len() - 1);
}
