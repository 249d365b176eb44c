use serde::Deserialize;

use super::*;

/// One published case; see `vectors/README.md` for the sources.
#[derive(Deserialize)]
struct Vector {
    name: String,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: String,
    #[serde(default)]
    access_key: String,
    #[serde(default)]
    secret_key: String,
    canonical_query: Option<String>,
    canonical_request_hash: Option<String>,
    signature: Option<String>,
    authorization: Option<String>,
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(include_str!("vectors/vectors.json")).unwrap()
}

fn canonical(v: &Vector) -> CanonicalRequest {
    let headers = SignedHeaders::new(v.headers.iter().map(|(k, h)| (k.as_str(), h.as_str())));
    CanonicalRequest::new(&v.method, &v.path, &v.query, headers, v.body.as_bytes())
}

fn date_of(v: &Vector) -> String {
    v.headers
        .iter()
        .find(|(k, _)| k == "x-sdk-date")
        .map(|(_, d)| d.clone())
        .unwrap_or_default()
}

#[test]
fn canonical_query_matches_published_vectors() {
    for v in vectors() {
        if let Some(expected) = &v.canonical_query {
            assert_eq!(&canonical(&v).query, expected, "{}", v.name);
        }
    }
}

#[test]
fn canonical_request_hash_matches_published_vectors() {
    let mut checked = 0;
    for v in vectors() {
        if let Some(expected) = &v.canonical_request_hash {
            assert_eq!(&canonical(&v).hash(), expected, "{}", v.name);
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn signatures_match_published_vectors() {
    let mut checked = 0;
    for v in vectors() {
        let c = canonical(&v);
        let sig = signature(&v.secret_key, &string_to_sign(&date_of(&v), &c));
        if let Some(expected) = &v.signature {
            assert_eq!(&sig, expected, "{}", v.name);
            checked += 1;
        }
        if let Some(expected) = &v.authorization {
            assert_eq!(
                &authorization(&v.access_key, &c.headers.names(), &sig),
                expected,
                "{}",
                v.name
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
}

#[test]
fn canonical_request_text_has_an_empty_line_before_signed_headers() {
    let v = &vectors()[1];
    assert_eq!(
        canonical(v).to_string(),
        "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n\
         e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn canonical_uri_encodes_segments_and_appends_slash() {
    assert_eq!(canonical_uri("/v2.0/p1/datasource"), "/v2.0/p1/datasource/");
    assert_eq!(canonical_uri("/a/"), "/a/");
    assert_eq!(canonical_uri("/a%20b/c d/é"), "/a%20b/c%20d/%C3%A9/");
}

#[test]
fn string_to_sign_has_three_lines() {
    let v = &vectors()[1];
    let sts = string_to_sign("20060102T150405Z", &canonical(v));
    let lines: Vec<_> = sts.lines().collect();
    assert_eq!(lines[0], "SDK-HMAC-SHA256");
    assert_eq!(lines[1], "20060102T150405Z");
    assert_eq!(lines[2], canonical(v).hash());
}

#[test]
fn sdk_date_is_basic_iso_utc_and_parses_back() {
    let at = time::macros::datetime!(2006-01-02 15:04:05 UTC);
    assert_eq!(sdk_date(at), "20060102T150405Z");
    assert_eq!(parse_sdk_date("20060102T150405Z"), Some(at));
    assert_eq!(parse_sdk_date("2006-01-02"), None);
}

#[test]
fn dli_request_signs_host_date_project_and_token() {
    let creds = Credentials::new("AK1", "SK1").with_security_token("TOKEN1");
    let request = RequestToSign {
        method: "GET",
        host: "dli.cn-north-4.myhuaweicloud.com",
        path: "/v2.0/proj/datasource/enhanced-connections/4c693ecc-bab8-4113-a838-129cedc9a563",
        query: &[],
        project_id: Some("proj"),
        body: b"",
    };
    let at = time::macros::datetime!(2026-11-25 12:00:00 UTC);
    let headers = sign(&request, &creds, at);
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(get("X-Sdk-Date").as_deref(), Some("20261125T120000Z"));
    assert_eq!(get("X-Project-Id").as_deref(), Some("proj"));
    assert_eq!(get("X-Security-Token").as_deref(), Some("TOKEN1"));

    // Recompute independently from the pieces and compare.
    let signed = SignedHeaders::new([
        ("host", "dli.cn-north-4.myhuaweicloud.com"),
        ("x-project-id", "proj"),
        ("x-sdk-date", "20261125T120000Z"),
        ("x-security-token", "TOKEN1"),
    ]);
    let canonical = CanonicalRequest::new("GET", request.path, &[], signed, b"");
    let expected_sig = signature("SK1", &string_to_sign("20261125T120000Z", &canonical));
    assert_eq!(
        get("Authorization").unwrap(),
        format!(
            "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature={expected_sig}"
        )
    );
}
