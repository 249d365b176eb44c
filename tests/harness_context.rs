//! The project and region a read uses, decided in `data_source::context`
//! from the provider's arguments (known, unknown until apply, or unset) and
//! the data source's own: each branch through the in-process harness
//! against the fake, in milliseconds.

mod support;

use serde_json::json;
use support::*;
use terraform_provider_dli::provider::DliProvider;
use tfplugin::testing::Harness;
use tfplugin::{Diagnostics, Value};

const DS: &str = "dli_enhanced_connection";

fn harness() -> Harness<DliProvider> {
    // No HW_* variable of this process reaches the provider.
    Harness::new(DliProvider::with_env(|_| None))
}

fn keys(mut attributes: Vec<(&'static str, Value)>) -> Value {
    attributes.push(("access_key", AK.into()));
    attributes.push(("secret_key", SK.into()));
    Value::object(attributes)
}

fn read_seed(extra: Vec<(&'static str, Value)>) -> Value {
    let mut attributes = vec![("connection_id", Value::from(SEED_ID))];
    attributes.extend(extra);
    Value::object(attributes)
}

fn summaries(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics.iter().map(|d| d.summary.clone()).collect()
}

#[tokio::test]
async fn a_project_unknown_until_apply_holds_up_only_reads_without_their_own() {
    let fake = start_fake(json!({})).await;
    let h = harness();
    let configured = h
        .configure(&keys(vec![
            ("endpoint", fake.url().into()),
            ("project_id", Value::Unknown),
        ]))
        .await;
    assert!(configured.is_empty(), "{configured:?}");
    let own = h
        .read(DS, &read_seed(vec![("project_id", PROJECT.into())]))
        .await
        .unwrap();
    assert_eq!(own.attr("project_id"), &Value::from(PROJECT));
    let waiting = h.read(DS, &read_seed(vec![])).await.unwrap_err();
    assert_eq!(
        summaries(&waiting),
        ["Provider argument \"project_id\" not known yet"]
    );
}

#[tokio::test]
async fn an_endpoint_unknown_until_apply_holds_up_every_read_and_a_region_beside_it_is_an_error() {
    let fake = start_fake(json!({})).await;
    let h = harness();
    h.configure(&keys(vec![
        ("endpoint", Value::Unknown),
        ("project_id", PROJECT.into()),
    ]))
    .await;
    let waiting = h.read(DS, &read_seed(vec![])).await.unwrap_err();
    assert_eq!(
        summaries(&waiting),
        ["Provider argument \"endpoint\" not known yet"]
    );

    let h = harness();
    h.configure(&keys(vec![
        ("endpoint", fake.url().into()),
        ("project_id", PROJECT.into()),
    ]))
    .await;
    let refused = h
        .read(DS, &read_seed(vec![("region", "cn-north-4".into())]))
        .await
        .unwrap_err();
    assert_eq!(
        summaries(&refused),
        ["region has no effect with an endpoint"]
    );
    let at = refused.iter().next().unwrap().attribute.as_ref().unwrap();
    assert_eq!(at.to_string(), "region");
}

#[tokio::test]
async fn without_a_project_id_the_region_names_the_project_unless_its_name_is_unknown() {
    let fake = dli_fake::RunningFake::start({
        let mut fixture = fixture(json!({}));
        fixture.projects = vec![dli_fake::fixture::FixtureProject {
            id: PROJECT.into(),
            name: "cn-north-4".into(),
        }];
        fixture
    })
    .await
    .unwrap();
    let provider = |project_name: Value| {
        keys(vec![
            ("endpoint", fake.url().into()),
            ("auth_url", format!("{}/v3", fake.url()).into()),
            ("region", "cn-north-4".into()),
            ("project_name", project_name),
        ])
    };
    let h = harness();
    h.configure(&provider(Value::Null)).await;
    let state = h.read(DS, &read_seed(vec![])).await.unwrap();
    assert_eq!(state.attr("project_id"), &Value::from(PROJECT));
    assert_eq!(state.attr("region"), &Value::from("cn-north-4"));

    let h = harness();
    h.configure(&provider(Value::Unknown)).await;
    let waiting = h.read(DS, &read_seed(vec![])).await.unwrap_err();
    assert_eq!(
        summaries(&waiting),
        ["Provider argument \"project_name\" not known yet"]
    );
}

#[tokio::test]
async fn a_region_unknown_until_apply_is_replaced_by_the_data_sources_own() {
    let h = harness();
    h.configure(&keys(vec![
        ("region", Value::Unknown),
        ("project_id", PROJECT.into()),
        ("cloud", Value::Unknown),
    ]))
    .await;
    // Without its own region the read cannot tell where DLI is.
    let waiting = h.read(DS, &read_seed(vec![])).await.unwrap_err();
    assert_eq!(
        summaries(&waiting),
        ["Provider argument \"region\" not known yet"]
    );
    // With its own, the cloud (unknown too) is what it still waits for:
    // never taken for the region's default.
    let waiting = h
        .read(DS, &read_seed(vec![("region", "cn-north-4".into())]))
        .await
        .unwrap_err();
    assert_eq!(
        summaries(&waiting),
        ["Provider argument \"cloud\" not known yet"]
    );
}

#[tokio::test]
async fn validation_sees_unknown_values_and_lets_them_pass() {
    let h = harness();
    let problems = h.validate(
        DS,
        &Value::object([
            ("connection_id", Value::Unknown),
            ("region", Value::Unknown),
        ]),
    );
    assert!(problems.is_empty(), "{problems:?}");
    let problems = h.validate(DS, &read_seed(vec![("project_id", "../other".into())]));
    assert_eq!(summaries(&problems), ["Invalid project_id"]);
}
