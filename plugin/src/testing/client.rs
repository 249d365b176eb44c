//! A client for a provider binary over the plugin protocol, the way
//! Terraform's go-plugin client is one: launch with the magic cookie, read
//! the handshake, connect with a pinned P-521 client certificate, call RPCs.

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tonic::transport::{Channel, Endpoint};

use super::wire::goplugin as gp;
use super::wire::tfplugin6 as pb;
use crate::{Schema, Value, decode_msgpack, encode_msgpack};

/// A client identity like Terraform's: self-signed P-521, CA=true, localhost.
pub struct ClientIdentity {
    /// The certificate, DER.
    pub cert: CertificateDer<'static>,
    /// The certificate as PEM, for `PLUGIN_CLIENT_CERT`.
    pub pem: String,
    /// Its private key.
    pub key: PrivatePkcs8KeyDer<'static>,
}

/// A fresh client identity.
pub fn client_identity() -> ClientIdentity {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512)
        .expect("a P-521 key is generated");
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".into()]).expect("localhost is a valid name");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).expect("the certificate is signed");
    ClientIdentity {
        cert: cert.der().clone(),
        pem: cert.pem(),
        key: PrivatePkcs8KeyDer::from(key.serialize_der()),
    }
}

/// A launched provider and what its handshake line announced.
pub struct Plugin {
    /// The provider's process.
    pub child: Child,
    /// The network it serves on: `unix` or `tcp`.
    pub network: String,
    /// Where: the unix socket's path, or `127.0.0.1:PORT`.
    pub socket: String,
    /// Its server certificate (DER); empty without AutoMTLS.
    pub server_cert: Vec<u8>,
    /// The handshake line itself.
    pub line: String,
}

/// How to launch a provider, beyond what Terraform always does.
#[derive(Default)]
pub struct Launch<'a> {
    /// The client certificate to offer (AutoMTLS); none for plaintext.
    pub client_cert_pem: Option<&'a str>,
    /// Puts the provider in a process group of its own, so that a test can
    /// signal the group as a terminal's Ctrl-C does.
    pub own_process_group: bool,
    /// A limit on the provider's open files.
    pub max_open_files: Option<u64>,
    /// Serve on loopback TCP (`TFPLUGIN_TRANSPORT=tcp`) instead of a unix
    /// socket.
    pub tcp: bool,
}

/// Launches the provider binary `bin` as Terraform does, under the common
/// loose umask 002, and reads its handshake line. A line that is not a
/// protocol-6 handshake on the asked-for network, or anything more on
/// stdout, panics.
pub async fn launch(bin: &Path, how: Launch<'_>) -> Plugin {
    let mut cmd = Command::new(bin);
    let max_open_files = how.max_open_files;
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
    cmd.env(super::MAGIC_COOKIE_KEY, super::MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env_remove("TF_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    if let Some(pem) = how.client_cert_pem {
        cmd.env("PLUGIN_CLIENT_CERT", pem);
    }
    if how.own_process_group {
        cmd.process_group(0);
    }
    cmd.env_remove(crate::PLAINTEXT_TCP_VARIABLE);
    if how.tcp {
        cmd.env(crate::TRANSPORT_VARIABLE, "tcp");
    } else {
        cmd.env_remove(crate::TRANSPORT_VARIABLE);
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot launch {}: {e}", bin.display()));
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut line = String::new();
    stdout.read_line(&mut line).await.expect("a handshake line");
    // Anything more on stdout would break Terraform; keep reading to check.
    tokio::spawn(async move {
        let mut rest = String::new();
        let _ = stdout.read_line(&mut rest).await;
        assert!(rest.is_empty(), "stdout after the handshake: {rest:?}");
    });
    let fields: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(fields.len(), 6, "{line}");
    assert_eq!(&fields[..2], ["1", "6"]);
    let network = if how.tcp { "tcp" } else { "unix" };
    assert_eq!(fields[2], network, "{line}");
    assert_eq!(fields[4], "grpc");
    let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(fields[5])
        .expect("the server certificate is base64");
    Plugin {
        network: network.to_owned(),
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

/// A gRPC channel to the plugin (its unix socket or TCP port), with mutual
/// TLS: the server must present the certificate its handshake announced.
pub async fn connect(
    plugin: &Plugin,
    identity: &ClientIdentity,
) -> Result<Channel, tonic::transport::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS 1.2 and 1.3 are supported")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServer(plugin.server_cert.clone())))
        .with_client_auth_cert(
            vec![identity.cert.clone()],
            PrivateKeyDer::Pkcs8(identity.key.clone_key()),
        )
        .expect("the client identity is usable");
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let socket = plugin.socket.clone();
    let tcp = plugin.network == "tcp";
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let (connector, socket) = (connector.clone(), socket.clone());
            async move {
                let name = ServerName::try_from("localhost").expect("a valid name");
                let io = if tcp {
                    let stream = tokio::net::TcpStream::connect(socket).await?;
                    Either::Tcp(connector.connect(name, stream).await?)
                } else {
                    let stream = tokio::net::UnixStream::connect(socket).await?;
                    Either::Unix(connector.connect(name, stream).await?)
                };
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(io))
            }
        }))
        .await
}

/// A TLS stream over either transport.
enum Either {
    Unix(tokio_rustls::client::TlsStream<tokio::net::UnixStream>),
    Tcp(tokio_rustls::client::TlsStream<tokio::net::TcpStream>),
}

impl tokio::io::AsyncRead for Either {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Either::Unix(s) => std::pin::Pin::new(s).poll_read(cx, buf),
            Either::Tcp(s) => std::pin::Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl tokio::io::AsyncWrite for Either {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Either::Unix(s) => std::pin::Pin::new(s).poll_write(cx, buf),
            Either::Tcp(s) => std::pin::Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Either::Unix(s) => std::pin::Pin::new(s).poll_flush(cx),
            Either::Tcp(s) => std::pin::Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        match self.get_mut() {
            Either::Unix(s) => std::pin::Pin::new(s).poll_shutdown(cx),
            Either::Tcp(s) => std::pin::Pin::new(s).poll_shutdown(cx),
        }
    }
}

/// A provider launched with AutoMTLS and connected.
pub async fn launch_connected(
    bin: &Path,
    own_process_group: bool,
) -> (Plugin, ProviderClient, Channel) {
    let identity = client_identity();
    let plugin = launch(
        bin,
        Launch {
            client_cert_pem: Some(&identity.pem),
            own_process_group,
            ..Launch::default()
        },
    )
    .await;
    let channel = connect(&plugin, &identity)
        .await
        .expect("the pinned client connects");
    let provider = pb::provider_client::ProviderClient::new(channel.clone());
    (plugin, provider, channel)
}

/// Terraform's goodbye: GRPCController/Shutdown, after which the plugin must
/// exit cleanly within go-plugin's 2 s. Returns how long it took.
pub async fn shutdown(channel: Channel, plugin: &mut Plugin) -> Duration {
    let started = std::time::Instant::now();
    gp::grpc_controller_client::GrpcControllerClient::new(channel)
        .shutdown(gp::Empty {})
        .await
        .expect("Shutdown is answered");
    let status = tokio::time::timeout(Duration::from_secs(2), plugin.child.wait())
        .await
        .expect("the plugin did not exit within 2 s of Shutdown")
        .expect("the plugin's exit status");
    assert!(status.success(), "{status}");
    started.elapsed()
}

/// Sends SIGINT to the plugin's process group, as a terminal's Ctrl-C
/// does (launch it with [`Launch::own_process_group`]), and asserts that it
/// is still running 300 ms later: Terraform answers Ctrl-C with
/// StopProvider, and a plugin that dies on it loses the user's state.
pub async fn ctrl_c_survived(plugin: &mut Plugin) {
    let pid = plugin.child.id().expect("the plugin is running");
    let group = i32::try_from(pid).expect("a pid fits i32");
    // SAFETY: kill has no memory preconditions.
    assert_eq!(unsafe { libc::kill(-group, libc::SIGINT) }, 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        plugin.child.try_wait().expect("a wait status").is_none(),
        "the provider died on SIGINT"
    );
}

/// The provider's gRPC client.
pub type ProviderClient = pb::provider_client::ProviderClient<Channel>;

/// `value` encoded as a DynamicValue of `schema`'s type.
pub fn dynamic_value(value: &Value, schema: &Schema) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: encode_msgpack(value, &schema.object_type()).expect("the value fits the schema"),
        json: vec![],
    }
}

/// A config of `schema` with the given string attributes set and every
/// other attribute null.
pub fn config_of(schema: &Schema, set: &[(&str, &str)]) -> Value {
    let given = set
        .iter()
        .map(|(name, v)| (*name, Value::String((*v).into())));
    schema.with_nulls(&Value::object(given))
}

/// A read of data source `type_name` with the given string arguments set
/// and every other attribute null.
pub fn read_request_of(
    schema: &Schema,
    type_name: &str,
    set: &[(&str, &str)],
) -> pb::read_data_source::Request {
    pb::read_data_source::Request {
        type_name: type_name.into(),
        config: Some(dynamic_value(&config_of(schema, set), schema)),
        provider_meta: None,
    }
}

/// Reads a data source that must succeed, and returns its state decoded
/// against `schema`.
pub async fn read_state(
    provider: &mut ProviderClient,
    request: pb::read_data_source::Request,
    schema: &Schema,
) -> Value {
    let response = provider
        .read_data_source(request)
        .await
        .expect("ReadDataSource is answered")
        .into_inner();
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    decode_msgpack(
        &response.state.expect("a state").msgpack,
        &schema.object_type(),
    )
    .expect("the state decodes")
}

/// Asserts that the socket and its directory are for this user alone.
pub fn assert_private(socket: &str) {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .expect("the socket exists")
            .permissions()
            .mode()
            & 0o777
    };
    let socket = Path::new(socket);
    let dir = socket.parent().expect("the socket is in a directory");
    assert_eq!(mode(dir), 0o700, "socket directory");
    assert_eq!(mode(socket) & 0o077, 0, "socket");
}

/// CPU seconds a process has used so far (user + system), from `/proc`.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the process lives");
    // Fields after the command name, which is in parentheses.
    let after = stat.rfind(')').map_or(0, |i| i + 2);
    let fields: Vec<&str> = stat[after..].split(' ').collect();
    let ticks = |i: usize| fields[i].parse::<f64>().expect("a tick count");
    // SAFETY: sysconf has no preconditions.
    (ticks(11) + ticks(12)) / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}
