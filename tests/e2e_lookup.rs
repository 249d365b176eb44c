//! Finding connections by name and listing them, through the real
//! `terraform` against the fake's list API.

mod support;

use dli_fake::{Fixture, Generated, RunningFake};
use serde_json::{Value, json};
use support::*;

const ORDERS: &str = "a0000000-0000-4000-8000-000000000001";
const ORDERS_UPPER: &str = "a0000000-0000-4000-8000-000000000002";
const ORDERS_ARCHIVE: &str = "a0000000-0000-4000-8000-000000000003";
const ORDERS_DELETED: &str = "a0000000-0000-4000-8000-000000000004";
const DUP_1: &str = "a0000000-0000-4000-8000-000000000005";
const DUP_2: &str = "a0000000-0000-4000-8000-000000000006";

fn connection(id: &str, name: &str, status: &str, created: i64, tags: Value) -> Value {
    let mut response: Value =
        serde_json::from_str(include_str!("fixtures/seed-example-response.json")).unwrap();
    response["id"] = json!(id);
    response["name"] = json!(name);
    response["status"] = json!(status);
    response["create_time"] = json!(created);
    json!({ "response": response, "tags": tags })
}

/// Named connections (two of them share a name) and `generated` more.
async fn start(generated: usize) -> RunningFake {
    let fixture = json!({
        "project_id": PROJECT,
        "credentials": [{"access_key": AK, "secret_key": SK}],
        "connections": {
            ORDERS: connection(ORDERS, "orders", "ACTIVE", 1, json!({"env": "prod"})),
            ORDERS_UPPER: connection(ORDERS_UPPER, "Orders", "ACTIVE", 2, json!({"env": "dev"})),
            ORDERS_ARCHIVE: connection(ORDERS_ARCHIVE, "orders-archive", "ACTIVE", 3, json!({"env": "prod"})),
            ORDERS_DELETED: connection(ORDERS_DELETED, "orders", "DELETED", 4, json!({})),
            DUP_1: connection(DUP_1, "dup", "ACTIVE", 5, json!({})),
            DUP_2: connection(DUP_2, "dup", "ACTIVE", 6, json!({})),
        },
        "generate": {"count": generated, "name_prefix": "bulk", "tags": {"team": "bulk"}},
    });
    RunningFake::start(Fixture::from_json(&fixture.to_string()).unwrap())
        .await
        .unwrap()
}

fn config(fake: &RunningFake, body: &str) -> String {
    format!("{REQUIRED_PROVIDERS}{}{body}", provider_block(&fake.url()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_name_finds_the_exact_live_match_and_reads_it_like_by_id() {
    let fake = start(0).await;
    let body = format!(
        r#"
data "dli_enhanced_connection" "by_name" {{
  name = "orders"
}}
data "dli_enhanced_connection" "by_id" {{
  connection_id = "{ORDERS}"
}}
output "by_name" {{ value = data.dli_enhanced_connection.by_name }}
output "by_id" {{ value = data.dli_enhanced_connection.by_id }}
"#
    );
    for tf in terraforms() {
        let out = Workspace::new(&tf, &config(&fake, &body))
            .apply_outputs()
            .await;
        assert_eq!(out["by_name"]["connection_id"], json!(ORDERS));
        assert_eq!(out["by_name"], out["by_id"], "the same state either way");
    }
    let lists: Vec<_> = fake
        .state
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/enhanced-connections"))
        .collect();
    assert!(!lists.is_empty());
    assert!(
        lists.iter().all(|r| r.query.contains("name=orders")),
        "{lists:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ambiguous_and_missing_names_are_errors_at_the_name_line() {
    let fake = start(0).await;
    let body = r#"
data "dli_enhanced_connection" "ambiguous" {
  name = "dup"
}
data "dli_enhanced_connection" "missing" {
  name = "order"
}
"#;
    for tf in terraforms() {
        let text = Workspace::new(&tf, &config(&fake, body)).plan_error().await;
        for part in [
            "Error: 2 enhanced connections are named \"dup\"".to_owned(),
            format!("\"{DUP_1}\", \"{DUP_2}\""),
            "Set connection_id".to_owned(),
            "name = \"dup\"".to_owned(),
            "Error: No enhanced connection named \"order\"".to_owned(),
            format!("project {PROJECT}"),
            "Similar names: \"orders\", \"Orders\", \"orders-archive\"".to_owned(),
            "name = \"order\"".to_owned(),
        ] {
            assert!(text.contains(&part), "missing {part:?} in\n{text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_one_of_connection_id_and_name_and_unknown_names_wait_for_apply() {
    if null_provider_skipped() {
        return;
    }
    let fake = start(0).await;
    let both = format!(
        "data \"dli_enhanced_connection\" \"both\" {{\n  connection_id = \"{ORDERS}\"\n  name = \"orders\"\n}}\n"
    );
    let neither = "data \"dli_enhanced_connection\" \"neither\" {}\n";
    let later = r#"
resource "null_resource" "later" {}
data "dli_enhanced_connection" "later" {
  name = replace(null_resource.later.id, "/^.*$/", "orders")
}
output "later_id" { value = data.dli_enhanced_connection.later.connection_id }
"#;
    for tf in terraforms() {
        let text = Workspace::new(&tf, &config(&fake, &both))
            .plan_error()
            .await;
        assert!(
            text.contains("Error: Both connection_id and name are set"),
            "{text}"
        );
        assert!(text.contains("name = \"orders\""), "{text}");
        let text = Workspace::new(&tf, &config(&fake, neither))
            .plan_error()
            .await;
        assert!(
            text.contains("Error: Neither connection_id nor name is set"),
            "{text}"
        );

        let ws = Workspace::new(&tf, &config(&fake, later));
        let plan = ws.plan().await;
        assert!(
            plan.text().contains("will be read during apply"),
            "{}",
            plan.text()
        );
        assert_eq!(ws.apply_outputs().await["later_id"], json!(ORDERS));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_filters_pages_and_keeps_a_stable_id() {
    let fake = start(250).await;
    let body = r#"
data "dli_enhanced_connections" "all" {}
data "dli_enhanced_connections" "orders" {
  name = "ORDERS"
}
data "dli_enhanced_connections" "prod" {
  tags = { env = "prod" }
}
data "dli_enhanced_connections" "deleted" {
  status = "DELETED"
}
data "dli_enhanced_connections" "none" {
  name = "no-such-connection"
}
output "all_count" { value = length(data.dli_enhanced_connections.all.ids) }
output "all_first_last" {
  value = [data.dli_enhanced_connections.all.ids[0], data.dli_enhanced_connections.all.connections[254].name]
}
output "orders" { value = data.dli_enhanced_connections.orders.connections[*].name }
output "prod" { value = data.dli_enhanced_connections.prod.ids }
output "deleted" { value = data.dli_enhanced_connections.deleted.ids }
output "none" { value = data.dli_enhanced_connections.none.connections }
output "id" { value = data.dli_enhanced_connections.orders.id }
output "created_at" { value = data.dli_enhanced_connections.orders.connections[0].created_at }
"#;
    let mut ids = Vec::new();
    for tf in terraforms() {
        let out = Workspace::new(&tf, &config(&fake, body))
            .apply_outputs()
            .await;
        // 6 named (one deleted, left out) and 250 generated.
        assert_eq!(out["all_count"], json!(255));
        assert_eq!(
            out["all_first_last"],
            json!([ORDERS, "bulk-00249"]),
            "creation order across pages"
        );
        assert_eq!(out["orders"], json!(["orders", "Orders", "orders-archive"]));
        assert_eq!(out["prod"], json!([ORDERS, ORDERS_ARCHIVE]));
        assert_eq!(out["deleted"], json!([ORDERS_DELETED]));
        assert_eq!(out["none"], json!([]));
        assert_eq!(out["created_at"], json!("1970-01-01T00:00:00.001Z"));
        ids.push(out["id"].clone());
    }
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    assert_ne!(ids[0], json!(""));
    // More than two pages of 100 for the unfiltered list, each after the
    // first starting on the last row already read.
    let offsets: Vec<String> = fake
        .state
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/enhanced-connections") && !r.query.contains("name="))
        .filter(|r| !r.query.contains("tags=") && !r.query.contains("status="))
        .map(|r| r.query)
        .collect();
    for offset in ["offset=0", "offset=99", "offset=198"] {
        assert!(offsets.iter().any(|q| q.contains(offset)), "{offsets:?}");
    }
}

#[test]
fn generated_ids_are_uuids() {
    assert_eq!(Generated::id(255), "9e000000-0000-4000-8000-0000000000ff");
}

/// `count` generated connections behind a list API with `list_faults`.
async fn start_listing(count: usize, list_faults: Value) -> RunningFake {
    let fixture = json!({
        "project_id": PROJECT,
        "credentials": [{"access_key": AK, "secret_key": SK}],
        "generate": {"count": count},
        "list_faults": list_faults,
    });
    RunningFake::start(Fixture::from_json(&fixture.to_string()).unwrap())
        .await
        .unwrap()
}

const ALL_IDS: &str = r#"
data "dli_enhanced_connections" "all" {}
output "ids" { value = data.dli_enhanced_connections.all.ids }
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_that_changes_while_paged_is_read_again_never_missing_a_connection() {
    for tf in terraforms() {
        // The oldest connection is deleted just before the second page:
        // read by plain offsets, the 101st would go silently missing.
        let fake = start_listing(250, json!({"delete_on_request": 2})).await;
        let out = Workspace::new(&tf, &config(&fake, ALL_IDS))
            .apply_outputs()
            .await;
        let expected: Vec<String> = (1..250).map(Generated::id).collect();
        assert_eq!(out["ids"], json!(expected), "{}", tf.display());
        let firsts = fake
            .state
            .requests()
            .iter()
            .filter(|r| r.query.contains("offset=0"))
            .count();
        assert!(firsts >= 3, "read again from the first page: {firsts}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_ignores_offset_is_a_clear_error_with_or_without_a_count() {
    for tf in terraforms() {
        for faults in [
            json!({"ignore_offset": true}),
            json!({"ignore_offset": true, "omit_count": true}),
        ] {
            let fake = start_listing(250, faults).await;
            let text = Workspace::new(&tf, &config(&fake, ALL_IDS))
                .plan_error()
                .await;
            assert!(
                text.contains("Error: Inconsistent answers listing")
                    && text.contains("it ignores offset"),
                "{text}"
            );
            assert_eq!(fake.state.requests().len(), 2, "two pages and no more");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_connections_by_name_take_twenty_requests() {
    // The filtered list is whole in its first page: the row found is the
    // answer, with no read by id after it.
    let fake = start(20).await;
    let mut body = String::new();
    for i in 0..20 {
        body.push_str(&format!(
            "data \"dli_enhanced_connection\" \"c{i}\" {{\n  name = \"bulk-{i:05}\"\n}}\n"
        ));
    }
    for tf in terraforms() {
        let before = fake.state.requests().len();
        Workspace::new(&tf, &config(&fake, &body)).plan().await;
        let requests = fake.state.requests();
        let sent: Vec<_> = requests[before..]
            .iter()
            .filter(|r| r.path.starts_with("/v2.0/"))
            .collect();
        assert_eq!(sent.len(), 20, "{}: {sent:#?}", tf.display());
        assert!(
            sent.iter()
                .all(|r| r.path.ends_with("/enhanced-connections")),
            "no read by id: {sent:#?}"
        );
    }
}

/// Live connections with these ids, names and creation times, and
/// `generated` more named `bulk-NNNNN`.
async fn start_with(named: &[(&str, &str, i64)], generated: usize) -> RunningFake {
    let connections: serde_json::Map<String, Value> = named
        .iter()
        .map(|(id, name, created)| {
            (
                id.to_string(),
                connection(id, name, "ACTIVE", *created, json!({})),
            )
        })
        .collect();
    let fixture = json!({
        "project_id": PROJECT,
        "credentials": [{"access_key": AK, "secret_key": SK}],
        "connections": connections,
        "generate": {"count": generated, "name_prefix": "bulk"},
    });
    RunningFake::start(Fixture::from_json(&fixture.to_string()).unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_name_matches_only_in_its_own_case_and_the_other_case_is_suggested_first() {
    // DLI states no case rule for connection names and keeps them as
    // created: "orders" and "Orders" are two connections.
    let fake = start_with(
        &[
            (ORDERS_ARCHIVE, "orders_old", 1),
            (ORDERS, "orders", 2),
            (ORDERS_UPPER, "Orders", 3),
        ],
        0,
    )
    .await;
    let found = r#"
data "dli_enhanced_connection" "mixed" {
  name = "Orders"
}
data "dli_enhanced_connection" "lower" {
  name = "orders"
}
output "ids" {
  value = [data.dli_enhanced_connection.mixed.connection_id, data.dli_enhanced_connection.lower.connection_id]
}
"#;
    let missing = r#"
data "dli_enhanced_connection" "c" {
  name = "ORDERS"
}
"#;
    for tf in terraforms() {
        let out = Workspace::new(&tf, &config(&fake, found))
            .apply_outputs()
            .await;
        assert_eq!(
            out["ids"],
            json!([ORDERS_UPPER, ORDERS]),
            "{}",
            tf.display()
        );
        let text = Workspace::new(&tf, &config(&fake, missing))
            .plan_error()
            .await;
        for part in [
            "Error: No enhanced connection named \"ORDERS\"",
            "match only in the same case",
            // DLI lists "orders_old" first; the names that differ only in
            // case come before it.
            "Similar names: \"orders\", \"Orders\", \"orders_old\"",
        ] {
            assert!(text.contains(part), "missing {part:?} in\n{text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_among_more_matches_than_a_page_is_then_read_by_id() {
    // 151 connections contain "bulk": the list takes more than a page, so
    // the one named exactly so is read by id after it.
    const BULK: &str = "b0000000-0000-4000-8000-000000000001";
    let fake = start_with(&[(BULK, "bulk", 0)], 150).await;
    let body = r#"
data "dli_enhanced_connection" "c" {
  name = "bulk"
}
"#;
    for tf in terraforms() {
        let before = fake.state.requests().len();
        Workspace::new(&tf, &config(&fake, body)).plan().await;
        let requests = fake.state.requests();
        let by_id: Vec<_> = requests[before..]
            .iter()
            .filter(|r| r.path.ends_with(&format!("/enhanced-connections/{BULK}")))
            .collect();
        assert_eq!(
            by_id.len(),
            1,
            "{}: {:#?}",
            tf.display(),
            &requests[before..]
        );
    }
}
