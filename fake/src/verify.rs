//! Verifies a request's SDK-HMAC-SHA256 signature the way Huawei's API gateway
//! does: it recomputes the signature over the headers the request says it
//! signed, and checks `X-Sdk-Date` against the clock (±15 minutes).

use axum::http::HeaderMap;
use percent_encoding::percent_decode_str;

use crate::fixture::FixtureCredential;
use dli_signer::{self as signer, CanonicalRequest, SignedHeaders};

pub const MAX_CLOCK_SKEW: time::Duration = time::Duration::minutes(15);

/// Why the gateway refused a request; the text goes into the APIGW.0301 body.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthFailure {
    #[error("Authorization header is missing or not SDK-HMAC-SHA256")]
    MissingAuthorization,
    #[error("Authorization header is malformed")]
    Malformed,
    #[error("access key not found")]
    UnknownAccessKey,
    #[error("x-sdk-date is missing, unsigned or malformed")]
    BadDate,
    #[error("x-sdk-date differs from the server time by more than 15 minutes")]
    ClockSkew,
    #[error("a signed header is missing from the request")]
    MissingSignedHeader,
    #[error("verify aksk signature fail")]
    SignatureMismatch,
    #[error("the security token of the temporary access key is missing or wrong")]
    BadSecurityToken,
}

struct Authorization<'a> {
    access_key: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, AuthFailure> {
    let rest = value
        .strip_prefix(signer::ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or(AuthFailure::MissingAuthorization)?;
    let (mut access_key, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or(AuthFailure::Malformed)?;
        match key {
            "Access" => access_key = Some(value),
            "SignedHeaders" => signed = Some(value),
            "Signature" => signature = Some(value),
            _ => return Err(AuthFailure::Malformed),
        }
    }
    match (access_key, signed, signature) {
        (Some(access_key), Some(signed), Some(signature)) => Ok(Authorization {
            access_key,
            signed_headers: signed.split(';').collect(),
            signature,
        }),
        _ => Err(AuthFailure::Malformed),
    }
}

/// Decodes a raw query string into pairs.
pub fn query_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
            (decode(k), decode(v))
        })
        .collect()
}

/// Checks one request; on success returns the credential that signed it.
#[allow(clippy::too_many_arguments)]
pub fn verify<'c>(
    method: &str,
    path: &str,
    raw_query: &str,
    headers: &HeaderMap,
    body: &[u8],
    credentials: &'c [FixtureCredential],
    now: time::OffsetDateTime,
) -> Result<&'c FixtureCredential, AuthFailure> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let auth =
        parse_authorization(header("authorization").ok_or(AuthFailure::MissingAuthorization)?)?;
    let credential = credentials
        .iter()
        .find(|c| c.access_key == auth.access_key)
        .ok_or(AuthFailure::UnknownAccessKey)?;
    if !auth.signed_headers.contains(&"x-sdk-date") {
        return Err(AuthFailure::BadDate);
    }
    let date = header("x-sdk-date").ok_or(AuthFailure::BadDate)?;
    let signed_at = signer::parse_sdk_date(date).ok_or(AuthFailure::BadDate)?;
    if (now - signed_at).abs() > MAX_CLOCK_SKEW {
        return Err(AuthFailure::ClockSkew);
    }
    let mut signed = Vec::with_capacity(auth.signed_headers.len());
    for name in &auth.signed_headers {
        signed.push((*name, header(name).ok_or(AuthFailure::MissingSignedHeader)?));
    }
    let canonical = CanonicalRequest::new(
        method,
        path,
        &query_pairs(raw_query),
        SignedHeaders::new(signed),
        body,
    );
    let expected = signer::signature(
        &credential.secret_key,
        &signer::string_to_sign(date, &canonical),
    );
    if !constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        return Err(AuthFailure::SignatureMismatch);
    }
    if let Some(token) = &credential.security_token
        && header("x-security-token") != Some(token.as_str())
    {
        return Err(AuthFailure::BadSecurityToken);
    }
    Ok(credential)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use dli_signer::{Credentials, RequestToSign};

    fn signed_request(creds: &Credentials, at: time::OffsetDateTime) -> HeaderMap {
        let request = RequestToSign {
            method: "GET",
            host: "127.0.0.1:9",
            path: "/v2.0/p/datasource/enhanced-connections/c",
            query: &[],
            project_id: Some("p"),
            body: b"",
        };
        let mut headers = HeaderMap::new();
        headers.insert("host", "127.0.0.1:9".parse().unwrap());
        for (k, v) in signer::sign(&request, creds, at) {
            headers.insert(k, v.parse().unwrap());
        }
        headers
    }

    fn fixture_creds() -> Vec<FixtureCredential> {
        vec![FixtureCredential {
            access_key: "AK".into(),
            secret_key: "SK".into(),
            security_token: None,
        }]
    }

    const PATH: &str = "/v2.0/p/datasource/enhanced-connections/c";

    #[test]
    fn our_signed_request_verifies() {
        let now = time::OffsetDateTime::now_utc();
        let headers = signed_request(&Credentials::new("AK", "SK"), now);
        assert!(verify("GET", PATH, "", &headers, b"", &fixture_creds(), now).is_ok());
    }

    #[test]
    fn tampering_and_wrong_keys_are_refused() {
        let now = time::OffsetDateTime::now_utc();
        let creds = fixture_creds();
        let headers = signed_request(&Credentials::new("AK", "wrong"), now);
        assert_eq!(
            verify("GET", PATH, "", &headers, b"", &creds, now),
            Err(AuthFailure::SignatureMismatch)
        );
        let headers = signed_request(&Credentials::new("AK", "SK"), now);
        assert_eq!(
            verify(
                "GET",
                "/v2.0/p/datasource/enhanced-connections/other",
                "",
                &headers,
                b"",
                &creds,
                now
            ),
            Err(AuthFailure::SignatureMismatch)
        );
        let headers = signed_request(&Credentials::new("NOPE", "SK"), now);
        assert_eq!(
            verify("GET", PATH, "", &headers, b"", &creds, now),
            Err(AuthFailure::UnknownAccessKey)
        );
        assert_eq!(
            verify("GET", PATH, "", &HeaderMap::new(), b"", &creds, now),
            Err(AuthFailure::MissingAuthorization)
        );
    }

    #[test]
    fn dates_beyond_fifteen_minutes_are_refused() {
        let now = time::OffsetDateTime::now_utc();
        let creds = fixture_creds();
        let old = signed_request(
            &Credentials::new("AK", "SK"),
            now - time::Duration::minutes(16),
        );
        assert_eq!(
            verify("GET", PATH, "", &old, b"", &creds, now),
            Err(AuthFailure::ClockSkew)
        );
        let near = signed_request(
            &Credentials::new("AK", "SK"),
            now + time::Duration::minutes(14),
        );
        assert!(verify("GET", PATH, "", &near, b"", &creds, now).is_ok());
    }

    #[test]
    fn temporary_keys_need_their_token() {
        let now = time::OffsetDateTime::now_utc();
        let creds = vec![FixtureCredential {
            access_key: "AK".into(),
            secret_key: "SK".into(),
            security_token: Some("TOK".into()),
        }];
        let without = signed_request(&Credentials::new("AK", "SK"), now);
        assert_eq!(
            verify("GET", PATH, "", &without, b"", &creds, now),
            Err(AuthFailure::BadSecurityToken)
        );
        let with = signed_request(
            &Credentials::new("AK", "SK").with_security_token("TOK"),
            now,
        );
        assert!(verify("GET", PATH, "", &with, b"", &creds, now).is_ok());
    }

    #[test]
    fn query_is_decoded_before_canonicalising() {
        assert_eq!(
            query_pairs("b=2&a=%2Ftmp&flag"),
            vec![
                ("b".into(), "2".into()),
                ("a".into(), "/tmp".into()),
                ("flag".into(), String::new())
            ]
        );
    }
}
