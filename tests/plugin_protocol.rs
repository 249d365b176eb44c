//! The DLI provider binary over the plugin protocol: its schema over
//! AutoMTLS, SIGINT and StopProvider with a read stuck at the API,
//! concurrent reads, and a CA bundle that would block. The protocol itself
//! (cookie, handshake, AutoMTLS, socket, signals, Shutdown, unserved RPCs)
//! is tested in the tfplugin crate against its example provider.

mod support;

use std::time::Duration;

use serde_json::json;
use tfplugin::Value;
use tfplugin::testing::wire::tfplugin6 as pb;

use support::plugin::*;
use support::*;

#[tokio::test]
async fn the_schema_is_served_over_automtls_with_every_attribute_described() {
    let (mut plugin, mut provider, channel) = launch_connected(bin(), false).await;
    let schema = provider
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(
        schema
            .data_source_schemas
            .contains_key("dli_enhanced_connection")
    );
    for (name, data_source) in &schema.data_source_schemas {
        let attrs = &data_source.block.as_ref().unwrap().attributes;
        assert!(attrs.iter().all(|a| !a.description.is_empty()), "{name}");
    }
    shutdown(channel, &mut plugin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_is_ignored_and_stop_provider_cancels_in_flight_reads() {
    let hang_id = "a1a1a1a1-0000-4000-8000-000000000001";
    let fake = start_fake(json!({ hang_id: {"response": {}, "faults": {"hang": true}} })).await;
    let (mut plugin, mut provider, channel) = configured(&fake.url(), true).await;

    let mut reader = provider.clone();
    let read = tokio::spawn(async move { reader.read_data_source(read_request(hang_id)).await });
    // Wait until the request is hanging at the fake.
    for _ in 0..100 {
        if !fake.state.requests().is_empty() || fake.state.connections_accepted() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        fake.state.connections_accepted() > 0,
        "the read never reached the fake"
    );

    ctrl_c_survived(&mut plugin).await;
    assert!(!read.is_finished(), "SIGINT alone must not end the read");

    provider
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();
    let response = tokio::time::timeout(Duration::from_secs(2), read)
        .await
        .expect("StopProvider did not end the read promptly")
        .unwrap()
        .unwrap()
        .into_inner();
    assert!(response.state.is_none());
    assert_eq!(response.diagnostics.len(), 1);
    assert!(
        response.diagnostics[0].summary.contains("cancelled"),
        "{:?}",
        response.diagnostics
    );

    // The process still serves reads after a stop.
    let schema = tfplugin::DataSource::schema(
        &terraform_provider_dli::data_source::enhanced_connection::EnhancedConnection,
    );
    let state = read_state(&mut provider, read_request(SEED_ID), &schema).await;
    assert_eq!(state.attr("name"), &Value::String("withvpc".into()));

    shutdown(channel, &mut plugin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_are_served_concurrently() {
    let slow_id = "b2b2b2b2-0000-4000-8000-000000000002";
    let seed: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/seed-example-response.json")).unwrap();
    let fake =
        start_fake(json!({ slow_id: {"response": seed, "faults": {"latency_ms": 1000}} })).await;
    let (mut plugin, provider, channel) = configured(&fake.url(), false).await;

    let reads: Vec<_> = (0..10)
        .map(|_| {
            let mut client = provider.clone();
            tokio::spawn(async move { client.read_data_source(read_request(slow_id)).await })
        })
        .collect();
    for read in reads {
        let response = read.await.unwrap().unwrap().into_inner();
        assert!(
            response.diagnostics.is_empty(),
            "{:?}",
            response.diagnostics
        );
    }
    // Each answer takes a second. The first request proves the key (the
    // credential gate holds the others for that one round trip); had the
    // rest run one after another, the last would have arrived seconds after
    // the second.
    let requests = fake.state.requests();
    assert_eq!(requests.len(), 10);
    let mut arrivals: Vec<_> = requests.iter().map(|r| r.at).collect();
    arrivals.sort();
    let (second, last) = (arrivals[1], arrivals[9]);
    assert!(
        last - second < Duration::from_millis(900),
        "reads were serialised: {:?}",
        last - second
    );

    shutdown(channel, &mut plugin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_as_cacert_file_is_refused_at_once_and_shutdown_stays_prompt() {
    // A CA bundle that is a FIFO nobody writes to: reading it would never
    // end. (That the runtime's shutdown is bounded even with a blocking task
    // stuck is tested in plugin/src/serve.rs.)
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("ca.pem");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);

    let (mut plugin, mut provider, channel) = launch_connected(bin(), false).await;
    let config = provider_config_with(
        "http://127.0.0.1:9",
        &[("cacert_file", fifo.to_str().unwrap())],
    );
    let configured = tokio::time::timeout(
        Duration::from_secs(5),
        provider.configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.4".into(),
            config: Some(config),
        }),
    )
    .await
    .expect("ConfigureProvider must not hang on a FIFO")
    .unwrap()
    .into_inner();
    assert!(
        configured
            .diagnostics
            .iter()
            .any(|d| d.detail.contains("not a regular file")),
        "{:?}",
        configured.diagnostics
    );

    let took = shutdown(channel, &mut plugin).await;
    // One second, plus a little for this machine's scheduling.
    assert!(took < Duration::from_millis(1250), "exit took {took:?}");
}
