//! Temporary credentials of the agency attached to this ECS instance, from
//! the instance's metadata service: a session token first (PUT), then the
//! security key (GET), each with a short timeout. Contacted only when the
//! user enables it.

use std::time::Duration;

use reqwest::Url;

use super::temporary::{self, Temporary};
use crate::error::{self, ApiError, ErrorKind};
use crate::transport::{BodyError, read_at_most};

/// Each metadata call's time limit, as the official SDKs use.
pub(crate) const CALL_TIMEOUT: Duration = Duration::from_secs(3);

/// The metadata service's answers are small; more than this is not one.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The 401 that means "no agency on this instance" (do not retry).
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";

/// Fetches the instance agency's credentials from `endpoint`.
pub(crate) async fn ecs_credentials(
    http: &reqwest::Client,
    endpoint: &Url,
) -> Result<Temporary, ApiError> {
    let host = crate::endpoint::host_header(endpoint);
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
        if (300..400).contains(&status) {
            return Err(redirected(&response, endpoint, &host));
        }
        let body = read(response, &host).await?;
        if status == 401 && !retried && !String::from_utf8_lossy(&body).contains(NO_AGENCY) {
            // The session token may have expired: a fresh one, once.
            retried = true;
            continue;
        }
        if !(200..300).contains(&status) {
            let fields = error::error_fields(&body);
            let message = fields.message.unwrap_or_else(|| error::snippet(&body));
            return Err(ApiError {
                kind: error::classify(status, fields.code.as_deref(), &message),
                status: Some(status),
                code: fields.code,
                message,
                request_id: None,
                retry_after: None,
                host,
                from_service: fields.from_service,
                went_unanswered: false,
            });
        }
        return temporary::decode(&body).map_err(|why| ApiError {
            kind: ErrorKind::Undecodable,
            status: Some(status),
            code: None,
            message: format!("the metadata service's answer: {why}"),
            request_id: None,
            retry_after: None,
            host,
            from_service: false,
            went_unanswered: false,
        });
    }
}

/// A 3xx from the metadata service: an error, never followed (the token
/// and the credentials it would fetch stay with the service).
fn redirected(response: &reqwest::Response, endpoint: &Url, host: &str) -> ApiError {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok());
    ApiError {
        status: Some(status),
        ..ApiError::unanswered(
            ErrorKind::Redirected,
            host,
            error::redirect_message(status, location, endpoint),
        )
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
        300..=399 => Err(redirected(&response, endpoint, host)),
        200..=299 => {
            let body = read(response, host).await?;
            let token = String::from_utf8_lossy(&body).trim().to_owned();
            Ok((!token.is_empty()).then_some(token))
        }
        _ => Ok(None),
    }
}

/// A metadata answer's body, size-limited.
async fn read(response: reqwest::Response, host: &str) -> Result<Vec<u8>, ApiError> {
    read_at_most(response, MAX_ANSWER_BYTES)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => ApiError::unanswered(
                ErrorKind::Undecodable,
                host,
                format!("the metadata service's answer is larger than {MAX_ANSWER_BYTES} bytes"),
            ),
            BodyError::Transport(e) => failed(host, &e),
        })
}

fn failed(host: &str, e: &reqwest::Error) -> ApiError {
    let message = if e.is_timeout() {
        format!("no answer within {} s", CALL_TIMEOUT.as_secs())
    } else {
        format!("cannot reach the metadata service: {e}")
    };
    ApiError::unanswered(ErrorKind::Transport, host, message)
}
