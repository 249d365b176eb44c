//! A client for the provider binary over the plugin protocol, the way
//! Terraform's go-plugin client is one: launch with the magic cookie, read
//! the handshake, connect with a pinned P-521 client certificate, call RPCs.
#![allow(dead_code)]

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use terraform_provider_dli::plugin::{Value, encode_msgpack, handshake};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tonic::transport::{Channel, Endpoint};

use super::wire::goplugin as gp;
use super::wire::tfplugin6 as pb;
use super::{AK, PROJECT, SK};

pub const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-dli");

/// A client identity like Terraform's: self-signed P-521, CA=true, localhost.
pub struct ClientIdentity {
    pub cert: CertificateDer<'static>,
    pub pem: String,
    pub key: PrivatePkcs8KeyDer<'static>,
}

pub fn client_identity() -> ClientIdentity {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".into()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).unwrap();
    ClientIdentity {
        cert: cert.der().clone(),
        pem: cert.pem(),
        key: PrivatePkcs8KeyDer::from(key.serialize_der()),
    }
}

pub struct Plugin {
    pub child: Child,
    pub socket: String,
    pub server_cert: Vec<u8>,
    pub line: String,
}

pub async fn launch(client_cert_pem: Option<&str>, own_process_group: bool) -> Plugin {
    launch_with(client_cert_pem, own_process_group, None).await
}

/// Launches the provider as Terraform does, under the common loose umask
/// 002 and, if given, a limit on open files.
pub async fn launch_with(
    client_cert_pem: Option<&str>,
    own_process_group: bool,
    max_open_files: Option<u64>,
) -> Plugin {
    let mut cmd = Command::new(BIN);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::umask(0o002);
            if let Some(n) = max_open_files {
                let limit = libc::rlimit {
                    rlim_cur: n,
                    rlim_max: n,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    cmd.env(handshake::MAGIC_COOKIE_KEY, handshake::MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env_remove("TF_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    if let Some(pem) = client_cert_pem {
        cmd.env("PLUGIN_CLIENT_CERT", pem);
    }
    if own_process_group {
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).await.unwrap();
    // Anything more on stdout would break Terraform; keep reading to check.
    tokio::spawn(async move {
        let mut rest = String::new();
        let _ = stdout.read_line(&mut rest).await;
        assert!(rest.is_empty(), "stdout after the handshake: {rest:?}");
    });
    let fields: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(fields.len(), 6, "{line}");
    assert_eq!(&fields[..3], ["1", "6", "unix"]);
    assert_eq!(fields[4], "grpc");
    let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(fields[5])
        .unwrap();
    Plugin {
        socket: fields[3].to_owned(),
        server_cert,
        line: line.clone(),
        child,
    }
}

#[derive(Debug)]
struct PinnedServer(Vec<u8>);

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "unexpected server certificate".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &algorithms())
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &algorithms())
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        algorithms().supported_schemes()
    }
}

fn algorithms() -> rustls::crypto::WebPkiSupportedAlgorithms {
    rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms
}

/// A gRPC channel over the plugin's unix socket, with mutual TLS.
pub async fn connect(
    plugin: &Plugin,
    identity: &ClientIdentity,
) -> Result<Channel, tonic::transport::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServer(plugin.server_cert.clone())))
        .with_client_auth_cert(
            vec![identity.cert.clone()],
            PrivateKeyDer::Pkcs8(identity.key.clone_key()),
        )
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let socket = plugin.socket.clone();
    Endpoint::try_from("http://localhost")
        .unwrap()
        .connect_with_connector(tower::service_fn(move |_| {
            let (connector, socket) = (connector.clone(), socket.clone());
            async move {
                let stream = tokio::net::UnixStream::connect(socket).await?;
                let tls = connector
                    .connect(ServerName::try_from("localhost").unwrap(), stream)
                    .await?;
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(tls))
            }
        }))
        .await
}

/// Terraform's goodbye: GRPCController/Shutdown, after which the plugin must
/// exit cleanly within go-plugin's 2 s. Returns how long it took.
pub async fn shutdown(channel: Channel, plugin: &mut Plugin) -> Duration {
    let started = std::time::Instant::now();
    gp::grpc_controller_client::GrpcControllerClient::new(channel)
        .shutdown(gp::Empty {})
        .await
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(2), plugin.child.wait())
        .await
        .expect("the plugin did not exit within 2 s of Shutdown")
        .unwrap();
    assert!(status.success(), "{status}");
    started.elapsed()
}

pub fn read_request(connection_id: &str) -> pb::read_data_source::Request {
    read_request_of(
        &terraform_provider_dli::data_source::enhanced_connection::schema(),
        "dli_enhanced_connection",
        &[("connection_id", connection_id)],
    )
}

/// A read of data source `type_name` with the given string arguments set
/// and every other attribute null.
pub fn read_request_of(
    schema: &terraform_provider_dli::plugin::Schema,
    type_name: &str,
    set: &[(&str, &str)],
) -> pb::read_data_source::Request {
    let config = Value::object(schema.attributes.iter().map(|a| {
        let v = set
            .iter()
            .find(|(name, _)| *name == a.name)
            .map_or(Value::Null, |(_, v)| Value::String((*v).into()));
        (a.name, v)
    }));
    pb::read_data_source::Request {
        type_name: type_name.into(),
        config: Some(pb::DynamicValue {
            msgpack: encode_msgpack(&config, &schema.object_type()).unwrap(),
            json: vec![],
        }),
        provider_meta: None,
    }
}

/// A field of `/proc/<pid>/status` in kB, e.g. `VmRSS` or `VmHWM`.
pub fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

/// Open file descriptors of a process.
pub fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

pub fn provider_config(endpoint: &str) -> pb::DynamicValue {
    provider_config_with(endpoint, &[])
}

pub fn provider_config_with(endpoint: &str, extra: &[(&str, &str)]) -> pb::DynamicValue {
    let schema = terraform_provider_dli::provider::schema::provider_schema();
    let config = Value::object(schema.attributes.iter().map(|a| {
        let v = match a.name {
            "endpoint" => Value::String(endpoint.into()),
            "project_id" => Value::String(PROJECT.into()),
            "access_key" => Value::String(AK.into()),
            "secret_key" => Value::String(SK.into()),
            name => extra
                .iter()
                .find(|(k, _)| *k == name)
                .map_or(Value::Null, |(_, v)| Value::String((*v).into())),
        };
        (a.name, v)
    }));
    pb::DynamicValue {
        msgpack: encode_msgpack(&config, &schema.object_type()).unwrap(),
        json: vec![],
    }
}

/// The provider's gRPC client.
pub type ProviderClient = pb::provider_client::ProviderClient<Channel>;

/// A provider launched (with AutoMTLS; in its own process group if asked),
/// connected and configured for the fake at `endpoint`.
pub async fn configured(
    endpoint: &str,
    own_process_group: bool,
) -> (Plugin, ProviderClient, Channel) {
    let identity = client_identity();
    let plugin = launch(Some(&identity.pem), own_process_group).await;
    let channel = connect(&plugin, &identity).await.unwrap();
    let mut provider = pb::provider_client::ProviderClient::new(channel.clone());
    let configured = provider
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.4".into(),
            config: Some(provider_config(endpoint)),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        configured.diagnostics.is_empty(),
        "{:?}",
        configured.diagnostics
    );
    (plugin, provider, channel)
}

/// Reads a data source that must succeed, and returns its state decoded
/// against `schema`.
pub async fn read_state(
    provider: &mut ProviderClient,
    request: pb::read_data_source::Request,
    schema: &terraform_provider_dli::plugin::Schema,
) -> Value {
    let response = provider
        .read_data_source(request)
        .await
        .unwrap()
        .into_inner();
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    terraform_provider_dli::plugin::decode_msgpack(
        &response.state.expect("a state").msgpack,
        &schema.object_type(),
    )
    .unwrap()
}
