//! The client handle: one pooled HTTP client for the API and one for the
//! ECS metadata service, and the credential gates and paces that every call
//! made through it shares.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::gate::Gate;
use super::pace::Limiter;
use super::resolve::SystemResolver;
use dli_signer::Credentials;

/// The longest request timeout a client keeps: a longer one (up to
/// `Duration::MAX`) is taken as this, so that no instant overflows.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 3600);

/// How to build a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Skip TLS certificate verification (private deployments only).
    pub insecure: bool,
    /// Extra trusted CA certificates, PEM.
    pub ca_bundle_pem: Option<Vec<u8>>,
    /// Bound on each attempt, connect to last body byte; at most
    /// [`MAX_TIMEOUT`].
    pub timeout: Duration,
    /// Sent as `User-Agent` on every request; the application names itself
    /// (e.g. `terraform-provider-dli/0.1.0`).
    pub user_agent: String,
}

impl ClientOptions {
    /// Options with the defaults (verified TLS with the platform's roots, a
    /// timeout of 60 s per attempt) and the application's user agent.
    pub fn new(user_agent: impl Into<String>) -> Self {
        ClientOptions {
            insecure: false,
            ca_bundle_pem: None,
            timeout: Duration::from_secs(60),
            user_agent: user_agent.into(),
        }
    }
}

/// The credential gates and paces every call shares: gates by key, paces
/// by endpoint and user.
#[derive(Debug, Default)]
pub(super) struct Guards {
    gates: Mutex<HashMap<String, Arc<Gate>>>,
    limiters: Mutex<HashMap<String, Arc<Limiter>>>,
}

impl Guards {
    /// The gate of a key: its access key and a digest of its secret and
    /// security token, so that a wrong secret, or an expired token, for the
    /// same access key has a gate of its own (a 401 for an expired token
    /// must not refuse the renewed credentials).
    pub(super) fn gate(&self, credentials: &Credentials) -> Arc<Gate> {
        let mut hasher = Sha256::new();
        hasher.update(credentials.secret_key.expose().as_bytes());
        if let Some(token) = &credentials.security_token {
            hasher.update([0u8]);
            hasher.update(token.expose().as_bytes());
        }
        let digest = hasher.finalize();
        let key = format!("{} {}", credentials.access_key, hex::encode(&digest[..8]));
        let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
        gates.entry(key).or_default().clone()
    }

    /// The pace of a user at an endpoint: the gateway limits the user, so
    /// renewed credentials keep the pace (and any pause) of the old ones.
    pub(super) fn limiter(&self, host: &str, user: &str) -> Arc<Limiter> {
        let mut limiters = self.limiters.lock().unwrap_or_else(|e| e.into_inner());
        limiters
            .entry(format!("{host} {user}"))
            .or_default()
            .clone()
    }
}

/// Why a [`Client`] could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientBuildError {
    /// The CA bundle is not valid PEM.
    InvalidCaBundle(reqwest::Error),
    /// The CA bundle holds no certificate.
    EmptyCaBundle,
    /// An HTTP client (its TLS back end) could not start.
    Http {
        /// Which client: the API's or the metadata service's.
        client: &'static str,
        /// Why.
        error: reqwest::Error,
    },
}

impl std::fmt::Display for ClientBuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientBuildError::InvalidCaBundle(e) => {
                write!(f, "the CA bundle is not valid PEM: {e}")
            }
            ClientBuildError::EmptyCaBundle => f.write_str("the CA bundle holds no certificate"),
            ClientBuildError::Http { client, error } => {
                write!(f, "cannot build {client}: {}", error_chain(error))
            }
        }
    }
}

impl std::error::Error for ClientBuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientBuildError::InvalidCaBundle(e) | ClientBuildError::Http { error: e, .. } => {
                Some(e)
            }
            ClientBuildError::EmptyCaBundle => None,
        }
    }
}

/// A DLI API client. Cheap to clone; clones share one connection pool, and
/// the credential gates and paces.
#[derive(Clone, Debug)]
pub struct Client {
    pub(super) http: reqwest::Client,
    pub(super) guards: Arc<Guards>,
    /// For the ECS metadata service: never through a proxy.
    pub(crate) metadata_http: reqwest::Client,
    pub(super) timeout: Duration,
}

impl Client {
    /// Builds the client; fails only on a CA bundle that holds no valid
    /// certificate, or a TLS back end that cannot start.
    pub fn new(options: &ClientOptions) -> Result<Self, ClientBuildError> {
        let timeout = options.timeout.min(MAX_TIMEOUT);
        // HTTP/1.1 only (no h2 feature), like Huawei's own SDKs: the gateway
        // verifies the signed `host` header, which HTTP/2 does not send.
        let mut builder = reqwest::Client::builder()
            .user_agent(&options.user_agent)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(30)))
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            // A 3xx is the caller's error, never followed: a signed request,
            // its project and token must not go to another host (or, with a
            // signature for another path, to another path).
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(std::sync::Arc::new(SystemResolver))
            .danger_accept_invalid_certs(options.insecure);
        if let Some(pem) = &options.ca_bundle_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(ClientBuildError::InvalidCaBundle)?;
            if certs.is_empty() {
                return Err(ClientBuildError::EmptyCaBundle);
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|error| ClientBuildError::Http {
            client: "the HTTP client",
            error,
        })?;
        let metadata_http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(&options.user_agent)
            .dns_resolver(std::sync::Arc::new(SystemResolver))
            .build()
            .map_err(|error| ClientBuildError::Http {
                client: "the metadata service's HTTP client",
                error,
            })?;
        Ok(Client {
            http,
            guards: Arc::default(),
            metadata_http,
            timeout,
        })
    }

    /// The bound on each attempt, connect to last body byte.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

/// An error and its causes, joined: `a: b: c`.
pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
