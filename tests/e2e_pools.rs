//! `dli_elastic_resource_pool` and `dli_elastic_resource_pools` end to end on
//! every CLI (Terraform 1.0.3 included): a pool followed from a connection
//! in one plan, its attributes, a missing name with its near matches, the
//! list's filters, and a refusal that names the IAM permission.

mod support;

use serde_json::{Value, json};
use support::*;

const BOUND_ID: &str = "7b0f6a4e-64b9-4c1c-9c39-8f1f3d3a2b10";

/// A connection bound to the pool `lakehouse`.
fn bound_connection() -> Value {
    json!({ BOUND_ID: {"response": {
        "is_success": true, "message": "", "id": BOUND_ID, "name": "to-lake",
        "status": "ACTIVE", "dest_vpc_id": "vpc-1", "dest_network_id": "subnet-1",
        "available_queue_info": [],
        "elastic_resource_pools": [{"name": "lakehouse", "peer_id": "p-1", "status": "ACTIVE",
                                    "err_msg": "", "update_time": 1700000000000u64}],
        "hosts": [], "routes": [], "create_time": 1700000000000u64
    }}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_is_followed_to_its_pool_in_one_plan() {
    let fake = start_fake(bound_connection()).await;
    let config = main_tf(
        &fake.url(),
        &format!(
            r#"
data "dli_enhanced_connection" "lake" {{
  connection_id = "{BOUND_ID}"
}}
data "dli_elastic_resource_pool" "pool" {{
  name = data.dli_enhanced_connection.lake.elastic_resource_pools[0].name
}}
output "pool" {{ value = data.dli_elastic_resource_pool.pool }}
"#
        ),
    );
    for tf in terraforms() {
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(
            out["pool"],
            json!({
                "name": "lakehouse",
                "id": "lakehouse",
                "region": null,
                "project_id": PROJECT,
                "status": "AVAILABLE",
                "description": "ETL and SQL for the lake",
                "owner": "data-team",
                "cidr_in_vpc": "172.16.0.0/18",
                "ipv6_cidr_in_subnet": null,
                "ipv6_enabled": false,
                "min_cu": 64,
                "max_cu": 256,
                "current_cu": 64,
                "actual_cu": 64,
                "prepay_cu": 0,
                "queues": ["etl_general", "bi_sql"],
                "fail_reason": null,
                "resource_id": "c7e1a9b0-3d3f-4a6e-9c55-2f0c2a1b9e01",
                "enterprise_project_id": "0",
                "charging_mode": 1,
                "manager": "DLI",
                "labels": {"spec": "standard"},
                "created_at": "2023-11-14T22:13:20.123Z",
                "updated_at": "2023-11-14T22:15:00.000Z"
            }),
            "{}",
            tf.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_pool_names_itself_the_project_and_the_near_matches() {
    let fake = start_fake(json!({})).await;
    let config = main_tf(
        &fake.url(),
        r#"
data "dli_elastic_resource_pool" "pool" {
  name = "lake"
}
"#,
    );
    for tf in terraforms() {
        let error = Workspace::new(&tf, &config).plan_error().await;
        let shown = tf.display();
        assert!(
            error.contains(r#"No elastic resource pool named "lake""#),
            "{shown}: {error}"
        );
        assert!(error.contains(PROJECT), "{shown}: {error}");
        assert!(
            error.contains("Similar names: lakehouse, lakehouse_dev."),
            "{shown}: {error}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_filters_by_name_status_and_tags() {
    let fake = start_fake(json!({})).await;
    let config = main_tf(
        &fake.url(),
        r#"
data "dli_elastic_resource_pools" "all" {}
data "dli_elastic_resource_pools" "prod" {
  tags = { env = "prod" }
}
data "dli_elastic_resource_pools" "scaling" {
  name   = "LAKE"
  status = "SCALING"
}
output "all"     { value = data.dli_elastic_resource_pools.all.names }
output "prod"    { value = data.dli_elastic_resource_pools.prod.names }
output "scaling" { value = data.dli_elastic_resource_pools.scaling.pools[*].current_cu }
output "stable"  { value = data.dli_elastic_resource_pools.all.id != data.dli_elastic_resource_pools.prod.id }
"#,
    );
    for tf in terraforms() {
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(
            out,
            json!({
                "all": ["lakehouse", "lakehouse_dev"],
                "prod": ["lakehouse"],
                "scaling": [32],
                "stable": true
            }),
            "{}",
            tf.display()
        );
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
data "dli_elastic_resource_pools" "all" {}
"#,
    );
    let tf = &terraforms()[0];
    let error = Workspace::new(tf, &config).plan_error().await;
    assert!(
        error.contains("dli:elasticresourcepool:list"),
        "{}: {error}",
        tf.display()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_is_found_in_any_case_and_its_state_holds_dlis_name() {
    // DLI lower-cases pool names when it creates them: the lookup compares
    // without case, asks the list with the lowercase name, and keeps
    // DLI's name in the state.
    let fake = start_fake(json!({})).await;
    let config = main_tf(
        &fake.url(),
        r#"
data "dli_elastic_resource_pool" "upper" {
  name = "LAKEHOUSE"
}
data "dli_elastic_resource_pool" "mixed" {
  name = "LakeHouse_Dev"
}
output "names" {
  value = [data.dli_elastic_resource_pool.upper.name, data.dli_elastic_resource_pool.mixed.name]
}
"#,
    );
    for tf in terraforms() {
        let out = Workspace::new(&tf, &config).apply_outputs().await;
        assert_eq!(
            out["names"],
            json!(["lakehouse", "lakehouse_dev"]),
            "{}",
            tf.display()
        );
    }
    let asked: Vec<_> = fake
        .state
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/elastic-resource-pools"))
        .map(|r| r.query)
        .collect();
    assert!(!asked.is_empty());
    assert!(
        asked.iter().all(|q| q.contains("name=lakehouse")),
        "the filter is sent in DLI's case: {asked:?}"
    );
}
