//! The `SDK-HMAC-SHA256` request signer of Huawei Cloud's API gateway, built
//! from small pure steps: canonical URI, query and headers, canonical request,
//! string to sign, signature, Authorization header. It reads no clock and does
//! no I/O: the caller passes the time and applies the returned headers.

use std::fmt;

use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

mod credentials;

pub use credentials::{Credentials, Secret};

pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Everything but `A-Za-z0-9-_.~` is percent-encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes with upper-case hex, keeping only unreserved characters.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, ENCODE).to_string()
}

/// The canonical URI: each decoded path segment encoded, joined by `/`, with a
/// trailing `/`.
pub fn canonical_uri(path: &str) -> String {
    let mut uri = path
        .split('/')
        .map(|segment| encode(&percent_decode_str(segment).decode_utf8_lossy()))
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query from decoded `(key, value)` pairs: sorted by key, then
/// value, each side encoded. This is also the exact query to send.
pub fn canonical_query(params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The headers to sign, lower-cased and sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHeaders(Vec<(String, String)>);

impl SignedHeaders {
    pub fn new<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut headers: Vec<(String, String)> = headers
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        headers.sort();
        SignedHeaders(headers)
    }

    /// `name:value\n` for each header.
    pub fn canonical(&self) -> String {
        self.0.iter().map(|(k, v)| format!("{k}:{v}\n")).collect()
    }

    /// The `;`-joined names, as in the Authorization header.
    pub fn names(&self) -> String {
        self.0
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// The canonical request; its `Display` is the exact text that gets hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalRequest {
    pub method: String,
    pub uri: String,
    pub query: String,
    pub headers: SignedHeaders,
    pub payload_hash: String,
}

impl CanonicalRequest {
    /// `path` is the request path as sent; `query` holds decoded pairs.
    pub fn new(
        method: &str,
        path: &str,
        query: &[(String, String)],
        headers: SignedHeaders,
        body: &[u8],
    ) -> Self {
        CanonicalRequest {
            method: method.to_ascii_uppercase(),
            uri: canonical_uri(path),
            query: canonical_query(query),
            headers,
            payload_hash: hex::encode(Sha256::digest(body)),
        }
    }

    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.to_string().as_bytes()))
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\n{}\n{}\n{}\n{}\n{}",
            self.method,
            self.uri,
            self.query,
            self.headers.canonical(),
            self.headers.names(),
            self.payload_hash
        )
    }
}

/// `SDK-HMAC-SHA256\n<date>\n<hash of canonical request>`.
pub fn string_to_sign(sdk_date: &str, canonical: &CanonicalRequest) -> String {
    format!("{ALGORITHM}\n{sdk_date}\n{}", canonical.hash())
}

/// Lower-case hex HMAC-SHA256 of the string to sign, keyed by the secret key.
pub fn signature(secret_key: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub fn authorization(access_key: &str, signed_header_names: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={signed_header_names}, Signature={signature}"
    )
}

/// `X-Sdk-Date`: UTC as `YYYYMMDDTHHMMSSZ`.
pub fn sdk_date(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// Parses an `X-Sdk-Date` value.
pub fn parse_sdk_date(text: &str) -> Option<time::OffsetDateTime> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(text, format)
        .ok()
        .map(|t| t.assume_utc())
}

/// A GET-style request to sign: what the signer needs and nothing more.
#[derive(Debug)]
pub struct RequestToSign<'a> {
    pub method: &'a str,
    pub host: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub project_id: Option<&'a str>,
    pub body: &'a [u8],
}

/// Signs a request: returns the headers to add (`X-Sdk-Date`, `X-Project-Id`,
/// `X-Security-Token` when temporary, `Authorization`). `host` and every
/// added header except Authorization are signed.
pub fn sign(
    request: &RequestToSign<'_>,
    credentials: &Credentials,
    at: time::OffsetDateTime,
) -> Vec<(&'static str, String)> {
    let date = sdk_date(at);
    let mut headers: Vec<(&'static str, String)> = vec![("X-Sdk-Date", date.clone())];
    if let Some(project) = request.project_id {
        headers.push(("X-Project-Id", project.to_owned()));
    }
    if let Some(token) = &credentials.security_token {
        headers.push(("X-Security-Token", token.expose().to_owned()));
    }
    let signed = SignedHeaders::new(
        std::iter::once(("host", request.host))
            .chain(headers.iter().map(|(k, v)| (*k, v.as_str()))),
    );
    let canonical = CanonicalRequest::new(
        request.method,
        request.path,
        request.query,
        signed,
        request.body,
    );
    let sig = signature(
        credentials.secret_key.expose(),
        &string_to_sign(&date, &canonical),
    );
    headers.push((
        "Authorization",
        authorization(&credentials.access_key, &canonical.headers.names(), &sig),
    ));
    headers
}

#[cfg(test)]
mod tests;
