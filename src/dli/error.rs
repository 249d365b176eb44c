//! API errors: what went wrong, classified so callers can branch (retry,
//! not found, authentication), with every detail a user needs to act.

use std::fmt;

/// The class of a failure, for callers to branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The connection does not exist (DLI.0001 "is not exist", DLI.0002, DLI.0023).
    NotFound,
    /// The gateway does not know the API: wrong endpoint or region.
    WrongEndpoint,
    /// 401/403: bad credentials, signature or clock skew. Never retried.
    Authentication,
    /// 429: too many requests.
    Throttled,
    /// 5xx.
    Server,
    /// Any other 4xx answer.
    Client,
    /// Connect failure, timeout, broken body.
    Transport,
    /// The host name does not exist (a mistyped region, cloud or endpoint).
    UnresolvedHost,
    /// The TLS handshake failed: untrusted or invalid certificate.
    Tls,
    /// 200 with `is_success: false`.
    Unsuccessful,
    /// The body could not be decoded.
    Undecodable,
}

impl ErrorKind {
    /// Worth another attempt of an idempotent request.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorKind::Throttled | ErrorKind::Server | ErrorKind::Transport
        )
    }
}

/// A failed API call. `Display` is complete and safe to show a user.
#[derive(Clone, Debug)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// HTTP status, when an answer arrived.
    pub status: Option<u16>,
    /// `error_code` (or `code`) from the body.
    pub code: Option<String>,
    /// `error_msg` (or `message`) from the body, or our own description.
    pub message: String,
    /// `X-Request-Id` of the response.
    pub request_id: Option<String>,
    /// The wait `Retry-After` asked for (seconds or an HTTP date), if any.
    pub retry_after: Option<std::time::Duration>,
    /// The host that answered (or was asked).
    pub host: String,
}

impl ApiError {
    /// A failure before any answer came: no status, code or request id.
    pub fn unanswered(kind: ErrorKind, host: &str, message: String) -> Self {
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

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "{} answered HTTP {status}", self.host)?,
            None => write!(f, "request to {} failed", self.host)?,
        }
        match &self.code {
            Some(code) => write!(f, ": {code}: {}", self.message)?,
            None => write!(f, ": {}", self.message)?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The wait a `Retry-After` value asks for at `now`: delta-seconds or an
/// HTTP date (a date in the past means no wait).
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<std::time::Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(std::time::Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// Classifies an HTTP error answer from its status and body code/message.
pub fn classify(status: u16, code: Option<&str>, message: &str) -> ErrorKind {
    let code = code.unwrap_or_default();
    let not_found = matches!(code, "DLI.0002" | "DLI.0023")
        || (code == "DLI.0001" && message.to_ascii_lowercase().contains("not exist"));
    match status {
        _ if not_found => ErrorKind::NotFound,
        404 if code.starts_with("APIGW") || code.is_empty() => ErrorKind::WrongEndpoint,
        401 | 403 => ErrorKind::Authentication,
        429 => ErrorKind::Throttled,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Client,
    }
}

/// The error fields of a body: `error_code`/`error_msg`, `code`/`message`,
/// or IAM's `{"error": {"code", "message"}}`.
pub fn error_fields(body: &[u8]) -> (Option<String>, Option<String>) {
    #[derive(serde::Deserialize)]
    struct Body {
        error_code: Option<String>,
        error_msg: Option<String>,
        code: Option<serde_json::Value>,
        message: Option<String>,
        error: Option<Box<Body>>,
    }
    fn text(code: Option<serde_json::Value>) -> Option<String> {
        match code? {
            serde_json::Value::String(s) => Some(s),
            other => Some(other.to_string()),
        }
    }
    let fields = |b: Body| {
        let code = match b.error_code {
            Some(code) => Some(code),
            None => text(b.code),
        };
        (code, b.error_msg.or(b.message))
    };
    match serde_json::from_slice::<Body>(body) {
        Ok(Body {
            error: Some(inner), ..
        }) => fields(*inner),
        Ok(b) => fields(b),
        Err(_) => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_connections_are_not_found() {
        assert_eq!(
            classify(400, Some("DLI.0001"), "Connection abc is not exist"),
            ErrorKind::NotFound
        );
        assert_eq!(
            classify(400, Some("DLI.0002"), "object does not exist"),
            ErrorKind::NotFound
        );
        assert_eq!(
            classify(404, Some("DLI.0023"), "no related resource"),
            ErrorKind::NotFound
        );
    }

    #[test]
    fn a_gateway_404_means_a_wrong_endpoint() {
        assert_eq!(
            classify(
                404,
                Some("APIGW.0101"),
                "The API does not exist or has not been published"
            ),
            ErrorKind::WrongEndpoint
        );
        assert_eq!(classify(404, None, ""), ErrorKind::WrongEndpoint);
    }

    #[test]
    fn other_statuses_classify() {
        assert_eq!(
            classify(400, Some("DLI.0001"), "parameter error"),
            ErrorKind::Client
        );
        assert_eq!(
            classify(401, Some("APIGW.0301"), "sig"),
            ErrorKind::Authentication
        );
        assert_eq!(
            classify(403, Some("DLI.0013"), "x"),
            ErrorKind::Authentication
        );
        assert_eq!(
            classify(429, Some("APIGW.0308"), "limit"),
            ErrorKind::Throttled
        );
        assert_eq!(classify(503, None, ""), ErrorKind::Server);
        assert!(ErrorKind::Server.is_retryable());
        assert!(!ErrorKind::Authentication.is_retryable());
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        use std::time::{Duration, UNIX_EPOCH};
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn both_error_body_shapes_are_read() {
        assert_eq!(
            error_fields(br#"{"error_code":"DLI.0001","error_msg":"m"}"#),
            (Some("DLI.0001".into()), Some("m".into()))
        );
        assert_eq!(
            error_fields(br#"{"code":"APIGW.0308","message":"limit"}"#),
            (Some("APIGW.0308".into()), Some("limit".into()))
        );
        assert_eq!(error_fields(b"<html>"), (None, None));
        assert_eq!(
            error_fields(
                br#"{"error":{"code":403,"message":"agency not found","title":"Forbidden"}}"#
            ),
            (Some("403".into()), Some("agency not found".into()))
        );
    }

    #[test]
    fn display_carries_status_code_message_and_request_id() {
        let e = ApiError {
            kind: ErrorKind::NotFound,
            status: Some(400),
            code: Some("DLI.0001".into()),
            message: "Connection x is not exist".into(),
            request_id: Some("req-1".into()),
            retry_after: None,
            host: "dli.cn-north-4.myhuaweicloud.com".into(),
        };
        assert_eq!(
            e.to_string(),
            "dli.cn-north-4.myhuaweicloud.com answered HTTP 400: DLI.0001: Connection x is not exist (request id req-1)"
        );
    }
}
