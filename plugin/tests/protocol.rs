//! The plugin protocol as Terraform's go-plugin client meets it, against
//! the example provider: cookie, handshake line, pinned AutoMTLS client
//! certificate, private socket, signals, StopProvider, Shutdown, unserved
//! RPCs, and a file table that fills up.

mod support;

use std::time::Duration;

use tfplugin::Value;
use tfplugin::testing::client::*;
use tfplugin::testing::wire::goplugin as gp;
use tfplugin::testing::wire::tfplugin6 as pb;
use tfplugin::testing::{MAGIC_COOKIE_KEY, client::Launch};
use tokio::process::Command;

use support::*;

/// Whether the plugin refuses a client with a certificate of its own (even
/// a well-formed P-521 one): at the TLS handshake or at the first call.
async fn refuses_a_stranger(plugin: &Plugin) -> bool {
    match connect(plugin, &client_identity()).await {
        Err(_) => true,
        Ok(channel) => pb::provider_client::ProviderClient::new(channel)
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .is_err(),
    }
}

#[tokio::test]
async fn without_the_cookie_it_explains_and_exits() {
    let out = Command::new(hello())
        .env_remove(MAGIC_COOKIE_KEY)
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
    let how = Launch {
        client_cert_pem: Some(&identity.pem),
        ..Launch::default()
    };
    let mut plugin = launch(&hello(), how).await;
    assert!(
        !plugin.line.trim_end().ends_with('|'),
        "a server certificate is announced"
    );
    assert!(plugin.socket.ends_with("/hello.sock"), "{}", plugin.socket);

    let channel = connect(&plugin, &identity).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel.clone());
    let schema = provider
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        schema.data_source_schemas.keys().collect::<Vec<_>>(),
        ["hello_greeting"]
    );
    assert!(
        schema
            .server_capabilities
            .unwrap()
            .get_provider_schema_optional
    );

    // Another certificate, even a well-formed P-521 one, is refused.
    assert!(
        refuses_a_stranger(&plugin).await,
        "a client with another certificate was served"
    );

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
async fn sigint_is_ignored_and_the_provider_serves_on_after_stop_provider() {
    let (mut plugin, mut provider, channel) = launch_connected(&hello(), true).await;
    let configured = provider
        .configure_provider(configure_request())
        .await
        .unwrap()
        .into_inner();
    assert!(configured.diagnostics.is_empty(), "{configured:?}");

    ctrl_c_survived(&mut plugin).await;

    provider
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();
    let state = read_state(&mut provider, greeting_request("Ada"), &greeting_schema()).await;
    assert_eq!(state.attr("message"), &Value::from("Hello, Ada!"));

    shutdown(channel, &mut plugin).await;
}

#[tokio::test]
async fn a_read_reports_an_invalid_config_on_its_attribute_even_unvalidated() {
    let (mut plugin, mut provider, channel) = launch_connected(&hello(), false).await;
    provider
        .configure_provider(configure_request())
        .await
        .unwrap();
    let response = provider
        .read_data_source(greeting_request(" "))
        .await
        .unwrap()
        .into_inner();
    assert!(response.state.is_none());
    let [diagnostic] = &response.diagnostics[..] else {
        panic!("{:?}", response.diagnostics)
    };
    assert_eq!(diagnostic.summary, "Nobody to greet");
    let steps = &diagnostic.attribute.as_ref().unwrap().steps;
    assert_eq!(steps.len(), 1);
    shutdown(channel, &mut plugin).await;
}

#[tokio::test]
async fn rpcs_we_do_not_serve_answer_unimplemented() {
    let (mut plugin, _, channel) = launch_connected(&hello(), false).await;
    // Resource RPCs (never called for a provider without resources) and
    // newer protocol additions such as resource identity (Terraform 1.12).
    for path in [
        "/tfplugin6.Provider/ReadResource",
        "/tfplugin6.Provider/PlanResourceChange",
        "/tfplugin6.Provider/GetResourceIdentitySchemas",
        "/tfplugin6.Provider/OpenEphemeralResource",
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_file_table_does_not_spin_and_stalled_handshakes_are_dropped() {
    let identity = client_identity();
    let how = Launch {
        client_cert_pem: Some(&identity.pem),
        max_open_files: Some(48),
        ..Launch::default()
    };
    let mut plugin = launch(&hello(), how).await;
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
        tfplugin::TLS_HANDSHAKE_TIMEOUT + Duration::from_secs(10),
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

/// A string argument as Terraform sends it.
fn string_argument(text: &str) -> pb::DynamicValue {
    let msgpack = tfplugin::encode_msgpack(&Value::from(text), &tfplugin::Type::String).unwrap();
    pb::DynamicValue {
        msgpack,
        json: Vec::new(),
    }
}

#[tokio::test]
async fn functions_are_listed_and_called_without_configuring() {
    let (mut plugin, mut provider, channel) = launch_connected(&hello(), false).await;
    let listed = provider
        .get_functions(pb::get_functions::Request {})
        .await
        .unwrap()
        .into_inner();
    let shout = &listed.functions["shout"];
    assert_eq!(shout.parameters.len(), 1);
    assert_eq!(shout.parameters[0].name, "text");
    assert_eq!(shout.parameters[0].r#type, br#""string""#);
    assert_eq!(shout.r#return.as_ref().unwrap().r#type, br#""string""#);
    assert!(!shout.summary.is_empty() && !shout.description.is_empty());
    // The schema and the metadata name it too.
    let schema = provider
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(&schema.functions["shout"], shout);
    let metadata = provider
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    let names: Vec<&str> = metadata.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["shout"]);

    // Called on a provider never configured, as Terraform does at validate.
    let call = |name: &str, arguments: Vec<pb::DynamicValue>| pb::call_function::Request {
        name: name.to_owned(),
        arguments,
    };
    let answer = provider
        .call_function(call("shout", vec![string_argument("hi")]))
        .await
        .unwrap()
        .into_inner();
    assert!(answer.error.is_none(), "{answer:?}");
    let result = answer.result.unwrap();
    let result = tfplugin::decode_msgpack(&result.msgpack, &tfplugin::Type::String).unwrap();
    assert_eq!(result, Value::from("HI!"));

    // The function's own error, at its argument.
    let answer = provider
        .call_function(call("shout", vec![string_argument(" ")]))
        .await
        .unwrap()
        .into_inner();
    let error = answer.error.unwrap();
    assert_eq!(error.function_argument, Some(0));
    assert!(error.text.contains("Nothing to shout"), "{}", error.text);
    assert!(answer.result.is_none());

    // What no client should send is an error, never a panic: an unknown
    // name, a wrong count, a value that does not decode.
    let garbage = pb::DynamicValue {
        // A five-byte string cut after one.
        msgpack: vec![0xa5, b'h'],
        json: Vec::new(),
    };
    for (request, expected) in [
        (call("whisper", vec![]), "no function \"whisper\""),
        (call("shout", vec![]), "takes 1 arguments, but 0 were given"),
        (call("shout", vec![garbage]), "could not decode"),
    ] {
        let error = provider
            .call_function(request)
            .await
            .unwrap()
            .into_inner()
            .error
            .unwrap();
        assert!(error.text.contains(expected), "{}", error.text);
    }
    shutdown(channel, &mut plugin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_tcp_the_plugin_listens_on_loopback_with_pinned_mtls() {
    let identity = client_identity();
    let how = Launch {
        client_cert_pem: Some(&identity.pem),
        tcp: true,
        ..Launch::default()
    };
    let mut plugin = launch(&hello(), how).await;
    let port = plugin
        .socket
        .strip_prefix("127.0.0.1:")
        .expect("loopback only");
    assert!(port.parse::<u16>().is_ok_and(|p| p > 0), "{}", plugin.line);
    assert!(!plugin.server_cert.is_empty(), "AutoMTLS on TCP");

    let channel = connect(&plugin, &identity).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel.clone());
    provider
        .configure_provider(configure_request())
        .await
        .unwrap();
    provider
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();
    let state = read_state(&mut provider, greeting_request("Ada"), &greeting_schema()).await;
    assert_eq!(state.attr("message"), &Value::from("Hello, Ada!"));

    // Another certificate is refused on TCP too.
    assert!(
        refuses_a_stranger(&plugin).await,
        "a client with another certificate was served"
    );
    shutdown(channel, &mut plugin).await;
}

#[tokio::test]
async fn plaintext_tcp_is_refused_unless_asked_for_and_then_warned_about() {
    let plain = |opt_in: bool| {
        let mut cmd = Command::new(hello());
        cmd.env(
            tfplugin::testing::MAGIC_COOKIE_KEY,
            tfplugin::testing::MAGIC_COOKIE_VALUE,
        )
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env(tfplugin::TRANSPORT_VARIABLE, "tcp")
        .env_remove("PLUGIN_CLIENT_CERT")
        .env_remove(tfplugin::PLAINTEXT_TCP_VARIABLE)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
        if opt_in {
            cmd.env(tfplugin::PLAINTEXT_TCP_VARIABLE, "1");
        }
        cmd
    };
    let refused = plain(false).output().await.unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stdout);
    assert!(
        said.contains("refusing to serve plaintext on TCP"),
        "{said}"
    );

    let mut child = plain(true).spawn().unwrap();
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::io::AsyncBufReadExt::read_line(&mut stdout, &mut line)
        .await
        .unwrap();
    assert!(line.starts_with("1|6|tcp|127.0.0.1:"), "{line}");
    assert!(
        line.trim_end().ends_with("|grpc|"),
        "no certificate: {line}"
    );
    child.kill().await.unwrap();
    let mut stderr = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr)
        .await
        .unwrap();
    assert!(
        stderr.contains("warning: serving plaintext on TCP"),
        "{stderr}"
    );
}
