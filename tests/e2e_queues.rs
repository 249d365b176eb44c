//! `dli_queue` and `dli_queues` end to end on every CLI (Terraform 1.0.3
//! included): a general queue found by name (DLI's list defaults to `sql`),
//! the list's `type` defaulting to `all`, a missing name with its near
//! matches, and a pool's queues followed in one plan.

mod support;

use serde_json::json;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_general_queue_is_found_by_name_and_followed_from_its_pool() {
    let fake = start_fake(json!({})).await;
    let config = main_tf(
        &fake.url(),
        r#"
data "dli_elastic_resource_pool" "pool" {
  name = "lakehouse"
}
data "dli_queue" "etl" {
  name = data.dli_elastic_resource_pool.pool.queues[0]
}
output "etl" { value = data.dli_queue.etl }
"#,
    );
    for tf in terraforms() {
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(
            out["etl"],
            json!({
                "name": "etl_general",
                "id": "etl_general",
                "region": null,
                "project_id": PROJECT,
                "type": "general",
                "cu_count": 16,
                "resource_mode": 1,
                "elastic_resource_pool_name": "lakehouse",
                "cidr_in_vpc": "172.16.0.0/18",
                "cidr_in_subnet": "172.24.0.0/18",
                "cidr_in_mgntsubnet": "172.24.128.0/18",
                "is_restarting": false,
                "owner": "data-team",
                "description": "Flink and Spark jobs",
                "engine": "spark",
                "charging_mode": 1,
                "cu_spec": 16,
                "cu_scale_out_limit": 64,
                "cu_scale_in_limit": 16,
                "resource_id": "5a1f1f7e-8c39-4df0-a5a8-0c8cf1b0e101",
                "enterprise_project_id": "0",
                "spark_versions": ["2.4.5", "3.3.1"],
                "default_spark_version": "3.3.1",
                "created_at": "2023-11-14T22:20:00.000Z"
            }),
            "{}",
            tf.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_type_defaults_to_all_and_filters_by_type_and_tags() {
    let fake = start_fake(json!({})).await;
    let config = main_tf(
        &fake.url(),
        r#"
data "dli_queues" "all" {}
data "dli_queues" "sql" {
  type = "sql"
}
data "dli_queues" "dev" {
  tags = { env = "dev" }
}
data "dli_queues" "general" {
  type = "general"
}
output "all"      { value = data.dli_queues.all.names }
output "all_type" { value = data.dli_queues.all.type }
output "sql"      { value = data.dli_queues.sql.names }
output "dev"      { value = data.dli_queues.dev.names }
output "general"  { value = data.dli_queues.general.names }
"#,
    );
    for tf in terraforms() {
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(
            out,
            json!({
                "all": ["etl_general", "bi_sql"],
                "all_type": "all",
                "sql": ["bi_sql"],
                "dev": [],
                "general": ["etl_general"]
            }),
            "{}",
            tf.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_queue_and_a_bad_type_are_errors_at_their_lines() {
    let fake = start_fake(json!({})).await;
    let config = main_tf(
        &fake.url(),
        r#"
data "dli_queue" "q" {
  name = "etl"
}
"#,
    );
    let bad_type = main_tf(
        &fake.url(),
        r#"
data "dli_queues" "q" {
  type = "spark"
}
"#,
    );
    for tf in terraforms() {
        let shown = tf.display();
        let error = Workspace::new(&tf, &config).plan_error().await;
        assert!(
            error.contains(r#"No queue named "etl""#),
            "{shown}: {error}"
        );
        assert!(
            error.contains("Similar names: etl_general."),
            "{shown}: {error}"
        );
        let error = Workspace::new(&tf, &bad_type).plan_error().await;
        assert!(
            error.contains(r#""spark" is not a queue type"#),
            "{shown}: {error}"
        );
        assert!(error.contains(r#"type = "spark""#), "{shown}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_names_the_iam_permission() {
    let mut fixture = fixture(json!({}));
    fixture.first_statuses = vec![403];
    let fake = dli_fake::RunningFake::start(fixture).await.unwrap();
    let config = main_tf(
        &fake.url(),
        r#"
data "dli_queue" "q" {
  name = "etl_general"
}
"#,
    );
    let tf = &terraforms()[0];
    let error = Workspace::new(tf, &config).plan_error().await;
    assert!(
        error.contains("dli:queue:list"),
        "{}: {error}",
        tf.display()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_is_found_in_any_case_and_its_state_holds_dlis_name() {
    // DLI lower-cases queue names when it creates them, and compares them
    // without case: so does the lookup, and the state holds DLI's name.
    let fake = start_fake(json!({})).await;
    let config = main_tf(
        &fake.url(),
        r#"
data "dli_queue" "upper" {
  name = "ETL_GENERAL"
}
data "dli_queue" "mixed" {
  name = "Etl_General"
}
output "upper" { value = [data.dli_queue.upper.name, data.dli_queue.upper.id] }
output "mixed" { value = data.dli_queue.mixed.name }
"#,
    );
    let missing = main_tf(
        &fake.url(),
        r#"
data "dli_queue" "q" {
  name = "ETL"
}
"#,
    );
    for tf in terraforms() {
        let shown = tf.display();
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(
            out["upper"],
            json!(["etl_general", "etl_general"]),
            "{shown}"
        );
        assert_eq!(out["mixed"], json!("etl_general"), "{shown}");
        let error = Workspace::new(&tf, &missing).plan_error().await;
        assert!(
            error.contains(r#"is named "ETL", in any case (DLI lower-cases queue names"#),
            "{shown}: {error}"
        );
        assert!(
            error.contains("Similar names: etl_general."),
            "{shown}: {error}"
        );
    }
}
