//! Temporary credentials of the agency attached to this ECS instance, from
//! the instance's metadata service: a session token first (PUT), then the
//! security key (GET), each with a short timeout. Contacted only when the
//! user enables it.

use std::time::Duration;

use reqwest::Url;

use super::error::{ApiError, ErrorKind};
use super::temporary::{self, Temporary};

/// Each metadata call's time limit, as the official SDKs use.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(3);

/// The 401 that means "no agency on this instance" (do not retry).
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";

/// Fetches the instance agency's credentials from `endpoint`.
pub async fn ecs_credentials(
    http: &reqwest::Client,
    endpoint: &Url,
) -> Result<Temporary, ApiError> {
    let host = super::endpoint::host_header(endpoint);
    let mut retried = false;
    loop {
        let token = session_token(http, endpoint, &host).await?;
        let mut url = endpoint.clone();
        url.set_path("/openstack/latest/securitykey");
        let mut request = http.get(url).timeout(CALL_TIMEOUT);
        if let Some(token) = &token {
            request = request.header("X-Metadata-Token", token);
        }
        let response = request.send().await.map_err(|e| failed(&host, &e))?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(|e| failed(&host, &e))?;
        if status == 401 && !retried && !String::from_utf8_lossy(&body).contains(NO_AGENCY) {
            // The session token may have expired: a fresh one, once.
            retried = true;
            continue;
        }
        if !(200..300).contains(&status) {
            let (code, message) = super::error::error_fields(&body);
            let message = message.unwrap_or_else(|| {
                String::from_utf8_lossy(&body)
                    .chars()
                    .take(200)
                    .collect::<String>()
            });
            return Err(ApiError {
                kind: super::error::classify(status, code.as_deref(), &message),
                status: Some(status),
                code,
                message,
                request_id: None,
                retry_after: None,
                host,
            });
        }
        return temporary::decode(&body).map_err(|why| ApiError {
            kind: ErrorKind::Undecodable,
            status: Some(status),
            code: None,
            message: why,
            request_id: None,
            retry_after: None,
            host,
        });
    }
}

/// A metadata session token; `None` when the service does not issue them
/// (404, 405, 503).
async fn session_token(
    http: &reqwest::Client,
    endpoint: &Url,
    host: &str,
) -> Result<Option<String>, ApiError> {
    let mut url = endpoint.clone();
    url.set_path("/meta-data/latest/api/token");
    let response = http
        .put(url)
        .header("X-Metadata-Token-Ttl-Seconds", "21600")
        .timeout(CALL_TIMEOUT)
        .send()
        .await
        .map_err(|e| failed(host, &e))?;
    match response.status().as_u16() {
        200..=299 => Ok(Some(
            response
                .text()
                .await
                .map_err(|e| failed(host, &e))?
                .trim()
                .to_owned(),
        )),
        _ => Ok(None),
    }
}

fn failed(host: &str, e: &reqwest::Error) -> ApiError {
    let message = if e.is_timeout() {
        format!("no answer within {} s", CALL_TIMEOUT.as_secs())
    } else {
        format!("cannot reach the metadata service: {e}")
    };
    ApiError::unanswered(ErrorKind::Transport, host, message)
}
