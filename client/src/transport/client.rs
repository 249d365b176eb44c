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

/// How to build a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Skip TLS certificate verification (private deployments only).
    pub insecure: bool,
    /// Extra trusted CA certificates, PEM.
    pub ca_bundle_pem: Option<Vec<u8>>,
    /// Bound on each attempt, connect to last body byte.
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

/// The credential gates and paces every call shares, by key and endpoint.
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

    pub(super) fn limiter(&self, host: &str, access_key: &str) -> Arc<Limiter> {
        let mut limiters = self.limiters.lock().unwrap_or_else(|e| e.into_inner());
        limiters
            .entry(format!("{host} {access_key}"))
            .or_default()
            .clone()
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
    pub fn new(options: &ClientOptions) -> Result<Self, String> {
        // HTTP/1.1 only (no h2 feature), like Huawei's own SDKs: the gateway
        // verifies the signed `host` header, which HTTP/2 does not send.
        let mut builder = reqwest::Client::builder()
            .user_agent(&options.user_agent)
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(30)))
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .dns_resolver(std::sync::Arc::new(SystemResolver))
            .danger_accept_invalid_certs(options.insecure);
        if let Some(pem) = &options.ca_bundle_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| format!("the CA bundle is not valid PEM: {e}"))?;
            if certs.is_empty() {
                return Err("the CA bundle holds no certificate".into());
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {}", error_chain(&e)))?;
        let metadata_http = reqwest::Client::builder()
            .no_proxy()
            .user_agent(&options.user_agent)
            .dns_resolver(std::sync::Arc::new(SystemResolver))
            .build()
            .map_err(|e| {
                format!(
                    "cannot build the metadata service's HTTP client: {}",
                    error_chain(&e)
                )
            })?;
        Ok(Client {
            http,
            guards: Arc::default(),
            metadata_http,
            timeout: options.timeout,
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
