//! API errors: what went wrong, classified so callers can branch (retry,
//! not found, authentication), with every detail a user needs to act.

use std::fmt;

/// The class of a failure, for callers to branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The connection does not exist (DLI.0001 "is not exist", DLI.0002, DLI.0023).
    NotFound,
    /// The gateway does not know the API: wrong endpoint or region.
    WrongEndpoint,
    /// 401: bad credentials, signature or clock skew. Never retried.
    Authentication,
    /// 403: the key may not do this (a project it has no access to, a
    /// missing permission). Never retried.
    Forbidden,
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
    /// No valid credentials to sign this attempt with (their renewal
    /// failed); nothing was sent.
    NoCredentials,
    /// 3xx: the server sent the request elsewhere. Redirects are never
    /// followed (a signed request, its project and token stay with the
    /// endpoint) and never retried.
    Redirected,
    /// Signed requests with a key no answer has proven went unanswered
    /// (timeouts, resets) as often as a key may: the gateway may have
    /// counted them as failed signatures, so the key is not sent again.
    Unverified,
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
    /// What kind of failure, which decides whether a retry can help.
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
    pub retry_after: Option<RetryAfter>,
    /// The host that answered (or was asked).
    pub host: String,
    /// The answer is in a service's own error shape (a DLI, APIGW or IAM
    /// code): the gateway checked the signature before it was sent. A
    /// proxy's HTML page or a bare status is not.
    pub from_service: bool,
    /// A request went out and no answer came (a timeout or a reset after
    /// it was sent): the gateway may have seen its signature.
    pub(crate) went_unanswered: bool,
}

/// A `Retry-After` the server sent: the wait it asks for, and the header
/// as sent, for errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryAfter {
    /// Saturates at `Duration::MAX` for numbers past any clock.
    pub wait: std::time::Duration,
    /// The header's value.
    pub sent: String,
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
            from_service: false,
            went_unanswered: false,
        }
    }

    /// Whether a request went out and no answer came (a timeout or a reset
    /// after sending, not a refused connection): the gateway may have seen
    /// its signature without the caller learning what it made of it.
    pub fn went_unanswered(&self) -> bool {
        self.went_unanswered
    }

    /// Whether this answer shows the gateway checked the signature: an
    /// error in a service's shape, but for a 401 (which refuses a key) and
    /// the gateway's routing answers, which come before the signature is
    /// checked.
    pub fn proves_signature(&self) -> bool {
        self.from_service
            && self.status.is_some()
            && self.status != Some(401)
            && !self
                .code
                .as_deref()
                .is_some_and(|code| ROUTING_CODES.contains(&code))
    }
}

/// The API gateway's answers about routing ("The API does not exist or has
/// not been published"): sent before it checks a signature, so they prove
/// nothing about a key.
const ROUTING_CODES: &[&str] = &["APIGW.0101", "APIG.0101"];

/// Why a 3xx answer is an error: the status and where it pointed (the host
/// alone, or "the same host"), and that nothing was sent there.
pub(crate) fn redirect_message(status: u16, location: Option<&str>, from: &reqwest::Url) -> String {
    let to = match location.map(|l| from.join(l)) {
        Some(Ok(url))
            if url.scheme() == from.scheme()
                && url.host_str() == from.host_str()
                && url.port_or_known_default() == from.port_or_known_default() =>
        {
            format!("another path on the same host ({})", url.path())
        }
        Some(Ok(url)) if url.host_str() == from.host_str() && url.scheme() != from.scheme() => {
            format!("the same host over {}", url.scheme())
        }
        Some(Ok(url)) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => "a location with no host".to_owned(),
        },
        Some(Err(_)) => "an unreadable Location".to_owned(),
        None => "no Location".to_owned(),
    };
    format!(
        "redirected (HTTP {status}) to {to}: redirects are never followed, so nothing was sent \
         there; the endpoint must be the API's own host"
    )
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == ErrorKind::NoCredentials {
            // Nothing went to the host: the message says what failed.
            return f.write_str(&self.message);
        }
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

/// The wait a `Retry-After` value asks for at `now`: delta-seconds (any
/// number of digits; past `u64` it saturates) or an HTTP date (a date in
/// the past means no wait). Negative or unreadable values are ignored.
pub(crate) fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<RetryAfter> {
    use std::time::Duration;
    let trimmed = value.trim();
    let sent: String = trimmed.chars().take(64).collect();
    let wait = if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        trimmed
            .parse::<u64>()
            .map_or(Duration::MAX, Duration::from_secs)
    } else {
        let at = httpdate::parse_http_date(trimmed).ok()?;
        at.duration_since(now).unwrap_or_default()
    };
    Some(RetryAfter { wait, sent })
}

/// Classifies an HTTP error answer from its status and body code/message.
pub(crate) fn classify(status: u16, code: Option<&str>, message: &str) -> ErrorKind {
    let code = code.unwrap_or_default();
    let not_found = matches!(code, "DLI.0002" | "DLI.0023")
        || (code == "DLI.0001" && message.to_ascii_lowercase().contains("not exist"));
    match status {
        _ if not_found => ErrorKind::NotFound,
        404 if code.starts_with("APIGW") || code.is_empty() => ErrorKind::WrongEndpoint,
        300..=399 => ErrorKind::Redirected,
        401 => ErrorKind::Authentication,
        403 => ErrorKind::Forbidden,
        // The server gave up waiting for the request: worth another try.
        408 => ErrorKind::Transport,
        429 => ErrorKind::Throttled,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Client,
    }
}

/// The longest message from a server that diagnostics and logs carry.
pub(crate) const MAX_MESSAGE_CHARS: usize = 300;

/// A server's message, trimmed and cut to [`MAX_MESSAGE_CHARS`] with a note
/// saying how long it was: a body of megabytes must not become a diagnostic.
pub(crate) fn shortened(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.char_indices();
    match chars.nth(MAX_MESSAGE_CHARS) {
        None => text.to_owned(),
        Some((end, _)) => format!(
            "{}… (cut: {} characters in all)",
            &text[..end],
            text.chars().count()
        ),
    }
}

/// The start of a body that carries no error fields, for an error message.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.trim().is_empty() {
        return "(empty body)".into();
    }
    shortened(&text)
}

/// The error fields of a body.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    /// In a service's own shape: a DLI or APIGW code, or IAM's
    /// `{"error": {...}}` or an `IAM.` code.
    pub from_service: bool,
}

/// Service codes start with one of these.
const SERVICE_PREFIXES: &[&str] = &["DLI.", "APIGW.", "APIG.", "IAM."];

/// The error fields of a body: `error_code`/`error_msg`, `code`/`message`,
/// or IAM's `{"error": {"code", "message"}}`.
pub(crate) fn error_fields(body: &[u8]) -> ErrorBody {
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
    let fields = |b: Body, iam_shape: bool| {
        let code = match b.error_code {
            Some(code) => Some(code),
            None => text(b.code),
        }
        .map(|code| shortened(&code));
        let message = b.error_msg.or(b.message).map(|m| shortened(&m));
        let coded = code
            .as_deref()
            .is_some_and(|c| SERVICE_PREFIXES.iter().any(|p| c.starts_with(p)));
        let from_service = coded || (iam_shape && (code.is_some() || message.is_some()));
        ErrorBody {
            code,
            message,
            from_service,
        }
    };
    match serde_json::from_slice::<Body>(body) {
        Ok(Body {
            error: Some(inner), ..
        }) => fields(*inner, true),
        Ok(b) => fields(b, false),
        Err(_) => ErrorBody::default(),
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
        assert_eq!(classify(403, Some("DLI.0013"), "x"), ErrorKind::Forbidden);
        assert_eq!(
            classify(429, Some("APIGW.0308"), "limit"),
            ErrorKind::Throttled
        );
        assert_eq!(classify(503, None, ""), ErrorKind::Server);
        assert!(ErrorKind::Server.is_retryable());
        assert!(!ErrorKind::Authentication.is_retryable());
        assert!(!ErrorKind::Forbidden.is_retryable());
    }

    #[test]
    fn a_redirect_is_final_and_a_408_is_worth_another_try() {
        for status in [301, 302, 303, 307, 308] {
            assert_eq!(classify(status, None, ""), ErrorKind::Redirected);
        }
        assert!(!ErrorKind::Redirected.is_retryable());
        assert!(!ErrorKind::Unverified.is_retryable());
        assert_eq!(classify(408, None, ""), ErrorKind::Transport);
        assert!(classify(408, None, "").is_retryable());
    }

    #[test]
    fn a_redirect_names_the_status_and_the_host_it_pointed_to() {
        let from = reqwest::Url::parse("https://dli.cn-north-4.myhuaweicloud.com/v2.0/p").unwrap();
        let elsewhere = redirect_message(302, Some("http://localhost:8443/v2.0/p"), &from);
        assert!(
            elsewhere.starts_with("redirected (HTTP 302) to localhost:8443:"),
            "{elsewhere}"
        );
        assert!(elsewhere.contains("nothing was sent there"), "{elsewhere}");
        let same = redirect_message(307, Some("/v2.0/other"), &from);
        assert!(
            same.contains("another path on the same host (/v2.0/other)"),
            "{same}"
        );
        assert!(redirect_message(301, None, &from).contains("to no Location"));
        let downgrade =
            redirect_message(301, Some("http://dli.cn-north-4.myhuaweicloud.com/"), &from);
        assert!(
            downgrade.contains("to the same host over http"),
            "{downgrade}"
        );
    }

    #[test]
    fn routing_answers_prove_no_key_and_service_answers_do() {
        let answer = |status: u16, code: &str| ApiError {
            kind: classify(status, Some(code), ""),
            status: Some(status),
            code: Some(code.into()),
            message: String::new(),
            request_id: None,
            retry_after: None,
            host: "h".into(),
            from_service: true,
            went_unanswered: false,
        };
        assert!(!answer(404, "APIGW.0101").proves_signature());
        assert!(!answer(404, "APIG.0101").proves_signature());
        assert!(!answer(401, "APIGW.0301").proves_signature());
        assert!(answer(403, "DLI.0013").proves_signature());
        assert!(answer(429, "APIGW.0308").proves_signature());
        assert!(answer(400, "DLI.0001").proves_signature());
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        use std::time::{Duration, UNIX_EPOCH};
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let wait = |v: &str| parse_retry_after(v, now).map(|r| r.wait);
        assert_eq!(wait("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            wait("Sun, 06 Nov 1994 08:50:07 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(wait("Sun, 06 Nov 1994 08:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(wait("soon"), None);
        assert_eq!(wait("-1"), None);
        assert_eq!(wait(""), None);
    }

    #[test]
    fn absurd_retry_after_numbers_saturate_and_keep_what_was_sent() {
        let now = std::time::SystemTime::now();
        for sent in [
            "9999999999999999999",
            "99999999999999999999",
            "1".repeat(400).as_str(),
        ] {
            let r = parse_retry_after(sent, now).unwrap();
            assert!(
                r.wait >= std::time::Duration::from_secs(9_999_999_999),
                "{r:?}"
            );
            assert!(sent.starts_with(&r.sent) && !r.sent.is_empty());
        }
        let far = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now).unwrap();
        assert!(far.wait > std::time::Duration::from_secs(86400 * 365 * 7000));
    }

    #[test]
    fn both_error_body_shapes_are_read() {
        let body = |code: &str, message: &str, from_service| ErrorBody {
            code: Some(code.into()),
            message: Some(message.into()),
            from_service,
        };
        assert_eq!(
            error_fields(br#"{"error_code":"DLI.0001","error_msg":"m"}"#),
            body("DLI.0001", "m", true)
        );
        assert_eq!(
            error_fields(br#"{"code":"APIGW.0308","message":"limit"}"#),
            body("APIGW.0308", "limit", true)
        );
        assert_eq!(error_fields(b"<html>"), ErrorBody::default());
        assert_eq!(
            error_fields(
                br#"{"error":{"code":403,"message":"agency not found","title":"Forbidden"}}"#
            ),
            body("403", "agency not found", true)
        );
        // JSON, but no service's: a proxy or load balancer's own answer.
        assert_eq!(
            error_fields(br#"{"code":502,"message":"Bad Gateway"}"#),
            body("502", "Bad Gateway", false)
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
            from_service: true,
            went_unanswered: false,
        };
        assert_eq!(
            e.to_string(),
            "dli.cn-north-4.myhuaweicloud.com answered HTTP 400: DLI.0001: Connection x is not exist (request id req-1)"
        );
    }

    #[test]
    fn a_long_message_is_cut_with_a_note() {
        let long = "x".repeat(1_000_000);
        let body = format!(r#"{{"error_code":"DLI.0999","error_msg":"{long}"}}"#);
        let message = error_fields(body.as_bytes()).message.unwrap();
        assert!(message.len() < MAX_MESSAGE_CHARS + 64, "{}", message.len());
        assert!(
            message.ends_with("… (cut: 1000000 characters in all)"),
            "{message}"
        );
        assert_eq!(shortened("  short  "), "short");
        // Cut on a character boundary.
        assert!(shortened(&"é".repeat(400)).starts_with(&"é".repeat(300)));
    }
}
