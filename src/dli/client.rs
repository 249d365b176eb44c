//! The DLI HTTP client: one pooled `reqwest` client per provider, signing
//! every request and turning each answer into a model or a classified error.

use std::time::Duration;

use reqwest::Url;

use super::credentials::Credentials;
use super::endpoint;
use super::error::{self, ApiError, ErrorKind};
use super::model::{self, EnhancedConnection};
use super::resolve::{SystemResolver, UnresolvedHost};
use super::signer;

/// Bodies larger than this are refused rather than buffered.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Skip TLS certificate verification (private deployments only).
    pub insecure: bool,
    /// Extra trusted CA certificates, PEM.
    pub ca_bundle_pem: Option<Vec<u8>>,
    /// Bound on each attempt, connect to last body byte.
    pub timeout: Duration,
    pub user_agent: String,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            insecure: false,
            ca_bundle_pem: None,
            timeout: Duration::from_secs(60),
            user_agent: format!("terraform-provider-dli/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// A DLI API client. Cheap to clone; clones share one connection pool.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    timeout: Duration,
}

impl Client {
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
        Ok(Client {
            http,
            timeout: options.timeout,
        })
    }

    /// `GET /v2.0/{project_id}/datasource/enhanced-connections/{connection_id}`,
    /// one attempt.
    pub async fn get_enhanced_connection(
        &self,
        base: &Url,
        credentials: &Credentials,
        project_id: &str,
        connection_id: &str,
    ) -> Result<EnhancedConnection, ApiError> {
        let url = endpoint::enhanced_connection_url(base, project_id, connection_id);
        let host = endpoint::host_header(&url);
        let request = signer::RequestToSign {
            method: "GET",
            host: &host,
            path: url.path(),
            query: &[],
            project_id: Some(project_id),
            body: b"",
        };
        let headers = signer::sign(&request, credentials, time::OffsetDateTime::now_utc());
        let mut builder = self.http.get(url.clone());
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        tracing::debug!(url = %url, "GET enhanced connection");
        let response = builder
            .send()
            .await
            .map_err(|e| self.transport_error(&host, &e))?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| error::parse_retry_after(v, std::time::SystemTime::now()));
        let failure = |kind, code, message| ApiError {
            kind,
            status: Some(status),
            code,
            message,
            request_id: request_id.clone(),
            retry_after,
            host: host.clone(),
        };
        let body = read_capped(response).await.map_err(|e| match e {
            BodyError::TooLarge => failure(
                ErrorKind::Undecodable,
                None,
                format!("the response body is larger than {MAX_BODY_BYTES} bytes"),
            ),
            // The status has the last word: a refusal whose body broke off
            // is still a refusal (and a 401 must never be retried).
            BodyError::Transport(e) if !(200..300).contains(&status) => {
                let message = format!("the error body broke off: {}", error_chain(&e));
                failure(error::classify(status, None, &message), None, message)
            }
            BodyError::Transport(e) => ApiError {
                status: Some(status),
                ..self.transport_error(&host, &e)
            },
        })?;
        tracing::debug!(
            status,
            request_id = request_id.as_deref().unwrap_or(""),
            bytes = body.len(),
            "DLI answered"
        );

        if !(200..300).contains(&status) {
            let (code, message) = error::error_fields(&body);
            let message = message.unwrap_or_else(|| snippet(&body));
            let kind = error::classify(status, code.as_deref(), &message);
            return Err(failure(kind, code, message));
        }
        let connection = model::decode(&body).map_err(|e| {
            failure(
                ErrorKind::Undecodable,
                None,
                format!("the response is not a valid connection: {e}"),
            )
        })?;
        if connection.is_success == Some(false) {
            let message = connection
                .message
                .clone()
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "the API reported is_success: false without a message".into());
            return Err(failure(ErrorKind::Unsuccessful, None, message));
        }
        Ok(connection)
    }

    fn transport_error(&self, host: &str, e: &reqwest::Error) -> ApiError {
        let (kind, message) = if e.is_builder() {
            // A request that could not even be built (e.g. a header value
            // with a line break): retrying cannot help.
            (
                ErrorKind::Client,
                format!("invalid request: {}", error_chain(e)),
            )
        } else if let Some(unresolved) = find_cause::<UnresolvedHost>(e) {
            (ErrorKind::UnresolvedHost, unresolved.to_string())
        } else if find_cause::<rustls::pki_types::InvalidDnsNameError>(e).is_some() {
            (
                ErrorKind::UnresolvedHost,
                format!("the host name {host} is not a valid DNS name"),
            )
        } else if find_cause::<rustls::Error>(e).is_some() {
            // The TLS handshake failed (e.g. an untrusted certificate): no
            // retry can fix that.
            (
                ErrorKind::Tls,
                format!("cannot connect: {}", error_chain(e)),
            )
        } else if e.is_timeout() {
            let message = format!(
                "no complete answer within the request timeout of {:?}",
                self.timeout
            );
            (ErrorKind::Transport, message)
        } else if e.is_connect() {
            (
                ErrorKind::Transport,
                format!("cannot connect: {}", error_chain(e)),
            )
        } else {
            (ErrorKind::Transport, error_chain(e))
        };
        ApiError {
            kind,
            status: None,
            code: None,
            message,
            request_id: None,
            retry_after: None,
            host: host.to_owned(),
        }
    }
}

enum BodyError {
    TooLarge,
    Transport(reqwest::Error),
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The start of a non-JSON body, for an error message.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".into();
    }
    let cut: String = text.chars().take(200).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// The first cause of type `T` in `e`'s chain.
fn find_cause<T: std::error::Error + 'static>(e: &reqwest::Error) -> Option<&T> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(cause) = next {
        if let Some(found) = cause.downcast_ref::<T>() {
            return Some(found);
        }
        // io::Error hides its wrapped error from source(): unwrap it by hand.
        next = match cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    None
}

/// An error and its causes, joined: `a: b: c`.
fn error_chain(e: &dyn std::error::Error) -> String {
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
