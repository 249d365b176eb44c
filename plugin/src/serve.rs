//! Launching the plugin: handshake, AutoMTLS and the gRPC server with all
//! its services, on the listener `listen` opens.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::transport::server::Router;

use super::dispatch::Served;
use super::handshake;
use super::listen::{self, Accept, Transport};
use super::proto::goplugin as gp;
use super::proto::tfplugin6 as pb;
use super::provider::Provider;
use super::server::{Broker, Controller, GrpcProvider, Stdio};
use super::signals;
use super::tls;

/// Terraform sends whole configs and states in one message; go-plugin lifts
/// gRPC's 4 MiB default for the same reason.
const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;

/// After Shutdown, connections get this long to close before we exit anyway;
/// Terraform kills a plugin that has not exited within 2 s.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(400);

/// Then tasks still running (a stuck DNS lookup, a file read that never
/// ends) get this long before the process exits without them.
const RUNTIME_SHUTDOWN_LIMIT: Duration = Duration::from_millis(300);

/// A client that has not finished its TLS handshake by then is dropped.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest pause of the accept loop after repeated accept errors (such
/// as EMFILE), so a full file table does not spin a core.
const MAX_ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// How the process was started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunMode {
    /// Launched by Terraform: handshake on stdout, AutoMTLS when offered.
    Plugin,
    /// `--debug`: plaintext, prints `TF_REATTACH_PROVIDERS`, serves until
    /// interrupted.
    Debug,
}

/// The runtime the plugin serves on.
fn new_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

impl RunMode {
    /// [`RunMode::Debug`] when the command line has `--debug` (or `-debug`,
    /// as Go providers spell it), else [`RunMode::Plugin`].
    pub fn from_args() -> Self {
        if std::env::args()
            .skip(1)
            .any(|a| a == "--debug" || a == "-debug")
        {
            RunMode::Debug
        } else {
            RunMode::Plugin
        }
    }
}

/// A provider binary's whole `main`: [`run`] in the mode the command line
/// asks for.
pub fn main<P: Provider>(address: &str, provider: impl FnOnce() -> P) -> ExitCode {
    run(RunMode::from_args(), address, provider)
}

/// The provider's name: the last part of its source address
/// (`registry.terraform.io/example/hello` is `hello`).
fn provider_name(address: &str) -> &str {
    address.rsplit('/').next().unwrap_or(address)
}

/// Serves `provider` until Terraform shuts it down (or, in debug mode, until
/// Ctrl-C). `address` is the provider's source address, e.g.
/// `registry.terraform.io/example/hello`: it names the provider in the reattach
/// line, in log lines (`@module`) and in `TF_LOG_PROVIDER_<NAME>`. The
/// provider is made only once the process is known to be a plugin.
pub fn run<P: Provider>(mode: RunMode, address: &str, provider: impl FnOnce() -> P) -> ExitCode {
    let name = provider_name(address);
    if mode == RunMode::Plugin
        && !handshake::cookie_is_valid(std::env::var(handshake::MAGIC_COOKIE_KEY).ok().as_deref())
    {
        eprintln!("{}", handshake::NOT_LAUNCHED_BY_TERRAFORM);
        return ExitCode::from(1);
    }
    let level = super::logging::level_from_env(name, |k| std::env::var(k).ok());
    super::logging::init::<P>(name, level);
    tls::install_crypto_provider();

    let runtime = match new_runtime() {
        Ok(rt) => rt,
        Err(e) => return fatal(mode, name, &format!("cannot start the async runtime: {e}")),
    };
    let provider = match Served::new(provider()) {
        Ok(served) => Arc::new(served),
        Err(why) => return fatal(mode, name, &why),
    };
    let result = runtime.block_on(serve(mode, address, provider));
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN_LIMIT);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fatal(mode, name, &message),
    }
}

/// Set once the handshake line is out: stdout must then stay silent.
static HANDSHAKE_SENT: AtomicBool = AtomicBool::new(false);

/// Reports a fatal failure. Before the handshake, a line Terraform cannot
/// parse as one is the only way to show the user the reason; after it, stdout
/// stays untouched and the log carries the error.
fn fatal(mode: RunMode, name: &str, message: &str) -> ExitCode {
    tracing::error!("{message}");
    if mode == RunMode::Plugin && !HANDSHAKE_SENT.load(Ordering::SeqCst) {
        println!("terraform-provider-{name} failed to start: {message}");
    } else {
        eprintln!("terraform-provider-{name}: {message}");
    }
    ExitCode::from(1)
}

async fn serve<P: Provider>(
    mode: RunMode,
    address: &str,
    provider: Arc<Served<P>>,
) -> Result<(), String> {
    let transport = Transport::from_env()?;
    let client_cert = match (mode, std::env::var("PLUGIN_CLIENT_CERT").ok()) {
        (RunMode::Plugin, Some(pem)) if !pem.trim().is_empty() => Some(pem),
        _ => None,
    };
    match transport {
        #[cfg(unix)]
        Transport::Unix => {
            let socket = listen::PrivateSocket::bind(provider_name(address))?;
            let at = ("unix", socket.path().display().to_string());
            serve_on(socket.listener, at, mode, address, provider, client_cert).await
        }
        Transport::Tcp => {
            listen::refuse_unasked_plaintext(client_cert.is_some())?;
            let listener = listen::bind_loopback().await?;
            let port = listener
                .local_addr()
                .map_err(|e| format!("cannot read the TCP port: {e}"))?;
            let at = ("tcp", port.to_string());
            serve_on(listener, at, mode, address, provider, client_cert).await
        }
    }
}

/// Serves on `listener`, announced as `at` (network and address), with
/// AutoMTLS when the client offered a certificate.
async fn serve_on<P: Provider, L: Accept>(
    listener: L,
    at: (&str, String),
    mode: RunMode,
    address: &str,
    provider: Arc<Served<P>>,
    client_cert: Option<String>,
) -> Result<(), String> {
    let shutdown = CancellationToken::new();
    let router = router(provider, mode, &shutdown).await;
    signals::watch(mode == RunMode::Debug, shutdown.clone())?;
    let (network, at) = at;
    tracing::debug!(
        network,
        address = at.as_str(),
        mtls = client_cert.is_some(),
        "serving"
    );
    match client_cert {
        Some(pem) => {
            let client_cert = tls::parse_client_cert(&pem)?;
            let identity = tls::generate_server_identity()
                .map_err(|e| format!("cannot generate the server certificate: {e}"))?;
            let config = tls::server_config(&identity, client_cert)
                .map_err(|e| format!("cannot configure TLS: {e}"))?;
            announce(mode, address, network, &at, Some(&identity.cert_der))?;
            let incoming = tls_incoming(listener, TlsAcceptor::from(Arc::new(config)));
            serve_until_shutdown(
                router.serve_with_incoming_shutdown(incoming, shutdown.cancelled()),
                &shutdown,
            )
            .await
        }
        None => {
            announce(mode, address, network, &at, None)?;
            let incoming = plain_incoming(listener);
            serve_until_shutdown(
                router.serve_with_incoming_shutdown(incoming, shutdown.cancelled()),
                &shutdown,
            )
            .await
        }
    }
}

async fn router<P: Provider>(
    provider: Arc<Served<P>>,
    mode: RunMode,
    shutdown: &CancellationToken,
) -> Router {
    let (health, health_service) = tonic_health::server::health_reporter();
    // go-plugin's clients check the "plugin" service.
    health
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    // In debug mode Terraform's Shutdown must not end the session.
    let controller_shutdown = match mode {
        RunMode::Plugin => shutdown.clone(),
        RunMode::Debug => CancellationToken::new(),
    };
    tonic::transport::Server::builder()
        .add_service(
            pb::provider_server::ProviderServer::new(GrpcProvider::new(provider))
                .max_decoding_message_size(MAX_MESSAGE_BYTES)
                .max_encoding_message_size(MAX_MESSAGE_BYTES),
        )
        .add_service(gp::grpc_controller_server::GrpcControllerServer::new(
            Controller {
                shutdown: controller_shutdown,
            },
        ))
        .add_service(gp::grpc_stdio_server::GrpcStdioServer::new(Stdio {
            shutdown: shutdown.clone(),
        }))
        .add_service(gp::grpc_broker_server::GrpcBrokerServer::new(Broker {
            shutdown: shutdown.clone(),
        }))
        .add_service(health_service)
}

/// Runs the server; once shutdown is requested, gives connections a short
/// grace period and then returns regardless.
async fn serve_until_shutdown(
    server: impl Future<Output = Result<(), tonic::transport::Error>>,
    shutdown: &CancellationToken,
) -> Result<(), String> {
    tokio::select! {
        result = server => result.map_err(|e| format!("gRPC server failed: {e}")),
        () = async { shutdown.cancelled().await; tokio::time::sleep(SHUTDOWN_GRACE).await } => Ok(()),
    }
}

/// Prints the handshake line (plugin mode) or the reattach instructions
/// (debug mode) on stdout. Nothing else is ever printed there.
fn announce(
    mode: RunMode,
    address: &str,
    network: &str,
    at: &str,
    cert: Option<&[u8]>,
) -> Result<(), String> {
    let text = match mode {
        RunMode::Plugin => {
            let offered = std::env::var("PLUGIN_PROTOCOL_VERSIONS").ok();
            let version = handshake::negotiate_version(offered.as_deref()).unwrap_or_else(|e| {
                tracing::error!("{e}");
                handshake::PROTOCOL_VERSION
            });
            format!(
                "{}\n",
                handshake::handshake_line(version, network, at, cert)
            )
        }
        RunMode::Debug => debug_instructions(address, network, at),
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write the handshake: {e}"))?;
    HANDSHAKE_SENT.store(true, Ordering::SeqCst);
    Ok(())
}

/// The registry hosts of Terraform and OpenTofu: a reattach line names the
/// provider under both, so that either CLI attaches.
const REGISTRY_HOSTS: [&str; 2] = ["registry.terraform.io", "registry.opentofu.org"];

/// `address` and, for a provider of one of [`REGISTRY_HOSTS`], the same
/// namespace and name on the other.
fn reattach_addresses(address: &str) -> Vec<String> {
    let mut addresses = vec![address.to_owned()];
    if let Some((host, rest)) = address.split_once('/')
        && REGISTRY_HOSTS.contains(&host)
    {
        addresses.extend(
            REGISTRY_HOSTS
                .iter()
                .filter(|other| **other != host)
                .map(|other| format!("{other}/{rest}")),
        );
    }
    addresses
}

fn debug_instructions(address: &str, network: &str, at: &str) -> String {
    let entry = serde_json::json!({
        "Protocol": "grpc",
        "ProtocolVersion": handshake::PROTOCOL_VERSION,
        "Pid": std::process::id(),
        "Test": true,
        "Addr": { "Network": network, "String": at },
    });
    let reattach: serde_json::Map<String, serde_json::Value> = reattach_addresses(address)
        .into_iter()
        .map(|a| (a, entry.clone()))
        .collect();
    let reattach = serde_json::Value::Object(reattach).to_string();
    format!(
        "Provider started. To attach Terraform or OpenTofu, set the TF_REATTACH_PROVIDERS \
         environment variable with the following:\n\n{}\nPress Ctrl-C to stop.\n",
        reattach_lines(&reattach, cfg!(windows))
    )
}

/// How to set `TF_REATTACH_PROVIDERS` to `reattach` (JSON) in the shells of
/// the platform: a POSIX shell, or on Windows Command Prompt and PowerShell.
fn reattach_lines(reattach: &str, windows: bool) -> String {
    // Single quotes: the JSON holds none, but a quote is escaped all the same.
    if windows {
        format!(
            "\tCommand Prompt:\tset \"TF_REATTACH_PROVIDERS={reattach}\"\n\
             \tPowerShell:\t$env:TF_REATTACH_PROVIDERS='{}'\n",
            reattach.replace('\'', "''")
        )
    } else {
        format!(
            "\tTF_REATTACH_PROVIDERS='{}'\n",
            reattach.replace('\'', "'\\''")
        )
    }
}

/// Accepts connections until nobody listens for them, pausing after
/// errors: with doubling waits up to a second, an exhausted file table
/// (EMFILE) costs no CPU while it lasts.
fn accept_loop<L: Accept, T: Send + 'static>(
    listener: L,
    accepted: impl Fn(L::Stream, tokio::sync::mpsc::Sender<std::io::Result<T>>) + Send + 'static,
) -> ReceiverStream<std::io::Result<T>> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        let mut backoff = Duration::ZERO;
        loop {
            tokio::select! {
                result = listener.next() => match result {
                    Ok(stream) => {
                        backoff = Duration::ZERO;
                        accepted(stream, tx.clone());
                    }
                    Err(e) => {
                        backoff = (backoff * 2).clamp(Duration::from_millis(5), MAX_ACCEPT_BACKOFF);
                        tracing::warn!(error = %e, pause_ms = backoff.as_millis() as u64, "accept failed");
                        tokio::select! {
                            () = tokio::time::sleep(backoff) => {}
                            () = tx.closed() => break,
                        }
                    }
                },
                () = tx.closed() => break,
            }
        }
    });
    ReceiverStream::new(rx)
}

/// Plaintext connections (debug mode, or no client certificate offered).
fn plain_incoming<L: Accept>(listener: L) -> ReceiverStream<std::io::Result<L::Stream>> {
    accept_loop(listener, |stream, tx| {
        tokio::spawn(async move {
            let _ = tx.send(Ok(stream)).await;
        });
    })
}

/// Runs each TLS handshake in its own task, so a slow or refused client
/// never holds up the next one, and drops a client that stalls in it.
fn tls_incoming<L: Accept>(
    listener: L,
    acceptor: TlsAcceptor,
) -> ReceiverStream<std::io::Result<TlsStream<L::Stream>>> {
    accept_loop(listener, move |stream, tx| {
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                Ok(Ok(tls)) => {
                    let _ = tx.send(Ok(tls)).await;
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "refused a TLS connection"),
                Err(_) => tracing::warn!(
                    timeout_s = TLS_HANDSHAKE_TIMEOUT.as_secs(),
                    "dropped a client that did not finish its TLS handshake"
                ),
            }
        });
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_shuts_down_in_bounded_time_with_a_blocking_task_stuck() {
        let runtime = new_runtime().unwrap();
        let (_keep, never) = std::sync::mpsc::channel::<()>();
        runtime.spawn_blocking(move || never.recv());
        let started = std::time::Instant::now();
        runtime.shutdown_timeout(RUNTIME_SHUTDOWN_LIMIT);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn the_reattach_variable_is_set_in_each_platforms_shells() {
        let json = r#"{"registry.terraform.io/ns/dli":{"Pid":1}}"#;
        assert_eq!(
            reattach_lines(json, false),
            format!("\tTF_REATTACH_PROVIDERS='{json}'\n")
        );
        let windows = reattach_lines(json, true);
        assert!(
            windows.contains(&format!(
                "\tCommand Prompt:\tset \"TF_REATTACH_PROVIDERS={json}\"\n"
            )),
            "{windows}"
        );
        assert!(
            windows.contains(&format!(
                "\tPowerShell:\t$env:TF_REATTACH_PROVIDERS='{json}'\n"
            )),
            "{windows}"
        );
        // A quote inside is escaped the way each shell escapes it.
        assert!(reattach_lines("a'b", true).contains("'a''b'"));
        assert!(reattach_lines("a'b", false).contains(r"'a'\''b'"));
    }

    #[test]
    fn the_reattach_line_names_the_provider_on_both_registry_hosts() {
        assert_eq!(
            reattach_addresses("registry.terraform.io/ns/dli"),
            [
                "registry.terraform.io/ns/dli",
                "registry.opentofu.org/ns/dli"
            ]
        );
        assert_eq!(
            reattach_addresses("example.com/ns/dli"),
            ["example.com/ns/dli"]
        );
    }
}
