//! The plugin protocol as Terraform's go-plugin client meets it: cookie,
//! handshake line, pinned AutoMTLS client certificate, signals, StopProvider
//! and Shutdown, against the real provider binary.

mod support;

use std::time::Duration;

use serde_json::json;
use terraform_provider_dli::plugin::{Value, handshake};
use tokio::process::Command;

use support::plugin::*;
use support::wire::goplugin as gp;
use support::wire::tfplugin6 as pb;
use support::*;

#[tokio::test]
async fn without_the_cookie_it_explains_and_exits() {
    let out = Command::new(BIN)
        .env_remove(handshake::MAGIC_COOKIE_KEY)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("This binary is a plugin"), "{stderr}");
}

#[tokio::test]
async fn pinned_client_certificate_is_required_and_shutdown_exits_cleanly() {
    let identity = client_identity();
    let mut plugin = launch(Some(&identity.pem), false).await;
    assert!(
        !plugin.line.trim_end().ends_with('|'),
        "a server certificate is announced"
    );

    let channel = connect(&plugin, &identity).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel.clone());
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
    assert!(
        schema
            .server_capabilities
            .unwrap()
            .get_provider_schema_optional
    );
    let attrs = &schema.data_source_schemas["dli_enhanced_connection"]
        .block
        .as_ref()
        .unwrap()
        .attributes;
    assert!(attrs.iter().all(|a| !a.description.is_empty()));

    // Another certificate, even a well-formed P-521 one, is refused.
    let stranger = client_identity();
    let refused = match connect(&plugin, &stranger).await {
        Err(_) => true,
        Ok(channel) => pb::provider_client::ProviderClient::new(channel)
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .is_err(),
    };
    assert!(refused, "a client with another certificate was served");

    // A refused client does not disturb the pinned one.
    provider
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap();

    let socket_dir = std::path::Path::new(&plugin.socket)
        .parent()
        .unwrap()
        .to_owned();
    assert_private(&plugin.socket);
    shutdown(channel, &mut plugin).await;
    assert!(!socket_dir.exists(), "socket directory left behind");
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

    // Ctrl-C in a terminal reaches the whole process group.
    let pgid = plugin.child.id().unwrap() as i32;
    assert_eq!(unsafe { libc::kill(-pgid, libc::SIGINT) }, 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        plugin.child.try_wait().unwrap().is_none(),
        "the provider died on SIGINT"
    );
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
    let schema = terraform_provider_dli::data_source::enhanced_connection::schema();
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

#[tokio::test]
async fn rpcs_we_do_not_serve_answer_unimplemented() {
    let identity = client_identity();
    let mut plugin = launch(Some(&identity.pem), false).await;
    let channel = connect(&plugin, &identity).await.unwrap();
    // Resource RPCs (never called for a provider without resources) and
    // newer protocol additions such as resource identity (Terraform 1.12).
    for path in [
        "/tfplugin6.Provider/ReadResource",
        "/tfplugin6.Provider/PlanResourceChange",
        "/tfplugin6.Provider/GetResourceIdentitySchemas",
        "/tfplugin6.Provider/CallFunction",
    ] {
        let mut grpc = tonic::client::Grpc::new(channel.clone());
        grpc.ready().await.unwrap();
        let codec = tonic_prost::ProstCodec::<gp::Empty, gp::Empty>::default();
        let status = grpc
            .unary(
                tonic::Request::new(gp::Empty {}),
                path.parse().unwrap(),
                codec,
            )
            .await
            .unwrap_err();
        assert_eq!(status.code(), tonic::Code::Unimplemented, "{path}");
    }
    shutdown(channel, &mut plugin).await;
}

/// The socket and its directory are for this user alone, whatever the umask.
pub fn assert_private(socket: &str) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let socket = std::path::Path::new(socket);
    assert_eq!(mode(socket.parent().unwrap()), 0o700, "socket directory");
    assert_eq!(mode(socket) & 0o077, 0, "socket");
}

/// CPU seconds the process has used so far (user + system).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_file_table_does_not_spin_and_stalled_handshakes_are_dropped() {
    let identity = client_identity();
    let mut plugin = launch_with(Some(&identity.pem), false, Some(48)).await;
    let pid = plugin.child.id().unwrap();
    // Clients that connect and never start TLS: they fill the provider's
    // file table, and every further accept fails with EMFILE.
    let mut stalled = Vec::new();
    for _ in 0..80 {
        stalled.push(
            tokio::net::UnixStream::connect(&plugin.socket)
                .await
                .unwrap(),
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = cpu_seconds(pid);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let used = cpu_seconds(pid) - before;
    assert!(
        used < 0.5,
        "the accept loop spun: {used:.2} CPU seconds in 2 s"
    );

    // The stalled clients are dropped after the handshake timeout.
    let mut first = stalled.remove(0);
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(
        Duration::from_secs(15),
        tokio::io::AsyncReadExt::read(&mut first, &mut buf),
    )
    .await
    .expect("a client stalled in the TLS handshake was kept open");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    drop(stalled);

    // Then real clients are served again.
    let channel = connect(&plugin, &identity).await.unwrap();
    pb::provider_client::ProviderClient::new(channel.clone())
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap();
    shutdown(channel, &mut plugin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_as_cacert_file_is_refused_at_once_and_shutdown_stays_prompt() {
    // A CA bundle that is a FIFO nobody writes to: reading it would never
    // end. (That the runtime's shutdown is bounded even with a blocking task
    // stuck is tested in src/plugin/serve.rs.)
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("ca.pem");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);

    let identity = client_identity();
    let mut plugin = launch(Some(&identity.pem), false).await;
    let channel = connect(&plugin, &identity).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel.clone());
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
