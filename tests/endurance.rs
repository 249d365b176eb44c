//! Long runs and large results, driven over gRPC straight to one provider
//! process (no Terraform in between): memory and file descriptors stay flat
//! over 50,000 reads, and a 5,000-connection list stays small.

mod support;

use dli_fake::{Fixture, RunningFake};
use serde_json::json;
use support::plugin::*;
use support::*;

const CONCURRENCY: usize = 10;

/// `total` reads, `CONCURRENCY` at a time; every one must succeed.
async fn read_many(provider: &ProviderClient, total: usize) {
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..CONCURRENCY {
        let mut provider = provider.clone();
        let schema = tfplugin::DataSource::schema(
            &terraform_provider_dli::data_source::enhanced_connection::EnhancedConnection,
        );
        let share = total / CONCURRENCY + usize::from(worker < total % CONCURRENCY);
        workers.spawn(async move {
            for _ in 0..share {
                let state = read_state(&mut provider, read_request(SEED_ID), &schema).await;
                assert!(!state.is_null());
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_reads_keep_memory_and_descriptors_flat() {
    let fake = start_fake(json!({})).await;
    let (mut plugin, provider, channel) = configured(&fake.url(), false).await;
    let pid = plugin.child.id().unwrap();
    read_many(&provider, 1_000).await;
    let rss_1k = status_kb(pid, "VmRSS");
    read_many(&provider, 9_000).await;
    let (rss_10k, fds_10k) = (status_kb(pid, "VmRSS"), open_fds(pid));
    read_many(&provider, 40_000).await;
    let (rss_50k, fds_50k) = (status_kb(pid, "VmRSS"), open_fds(pid));
    eprintln!(
        "RSS: {rss_1k} kB at 1k, {rss_10k} kB at 10k, {rss_50k} kB at 50k; fds {fds_10k} → {fds_50k}"
    );
    assert!(
        rss_50k <= rss_10k + 512,
        "resident memory grew by {} kB from read 10,000 to 50,000",
        rss_50k.saturating_sub(rss_10k)
    );
    assert!(
        fds_50k <= fds_10k + 2,
        "file descriptors grew: {fds_10k} → {fds_50k}"
    );
    assert_eq!(
        fake.state
            .requests()
            .iter()
            .filter(|r| r.status == 200)
            .count(),
        50_000
    );
    shutdown(channel, &mut plugin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_five_thousand_connection_list_stays_under_48_mb() {
    let fixture = json!({
        "project_id": PROJECT,
        "credentials": [{"access_key": AK, "secret_key": SK}],
        "generate": {"count": 5000, "name_prefix": "bulk"},
    });
    let fake = RunningFake::start(Fixture::from_json(&fixture.to_string()).unwrap())
        .await
        .unwrap();
    let (mut plugin, mut provider, channel) = configured(&fake.url(), false).await;
    let pid = plugin.child.id().unwrap();
    let schema = tfplugin::DataSource::schema(
        &terraform_provider_dli::data_source::enhanced_connections::EnhancedConnections,
    );
    let started = std::time::Instant::now();
    let request = read_request_of(&schema, "dli_enhanced_connections", &[]);
    let state = read_state(&mut provider, request, &schema).await;
    let tfplugin::Value::List(ids) = state.attr("ids") else {
        panic!("no ids")
    };
    assert_eq!(ids.len(), 5000);
    let took = started.elapsed();
    let peak = status_kb(pid, "VmHWM");
    eprintln!("5000-connection list: {took:?}, peak RSS of the provider: {peak} kB");
    assert!(peak <= 48 * 1024, "peak resident memory {peak} kB");
    // A page of 100, 50 more that each start on the last row read (99 new
    // rows each), and the first page again to close.
    assert_eq!(fake.state.requests().len(), 52);
    shutdown(channel, &mut plugin).await;
}
