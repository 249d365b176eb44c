//! The fake's IAM: the project look-up and temporary credentials of an
//! agency, both behind the same signature check as DLI, with IAM's error
//! bodies.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::fixture::{Fixture, FixtureCredential};
use crate::respond::json_response;

/// IAM's error body: `{"error": {"code", "message", "title"}}`.
pub fn error(status: StatusCode, message: &str) -> Response {
    let body = json!({"error": {
        "code": status.as_u16(),
        "message": message,
        "title": status.canonical_reason().unwrap_or("Error"),
    }});
    json_response(status, body.to_string().into_bytes())
}

/// `GET /v3/projects?name=…`: the fixture's projects with that name.
pub fn projects(fixture: &Fixture, query: &[(String, String)]) -> Response {
    let name = query
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.as_str());
    let projects: Vec<Value> = fixture
        .projects
        .iter()
        .filter(|p| name.is_none_or(|n| p.name == n))
        .map(|p| {
            json!({"id": p.id, "name": p.name, "domain_id": "d0000000000000000000000000000001",
                   "enabled": true, "is_domain": false})
        })
        .collect();
    let mut response = json_response(
        StatusCode::OK,
        json!({"projects": projects, "links": {"self": "/v3/projects", "next": null}})
            .to_string()
            .into_bytes(),
    );
    response.headers_mut().insert(
        "x-iam-trace-id",
        "fake-iam-trace".parse().unwrap_or_else(|_| unreachable!()),
    );
    response
}

/// The lifetime a `securitytokens` body asks for, for an agency the fixture
/// has, or IAM's refusal (status and message).
pub fn assume_role_request(fixture: &Fixture, body: &[u8]) -> Result<u64, (StatusCode, String)> {
    let bad = |why: &str| Err((StatusCode::BAD_REQUEST, why.to_owned()));
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return bad("The request body is not valid JSON.");
    };
    let identity = &request["auth"]["identity"];
    let asks_for_role = identity["methods"]
        .as_array()
        .is_some_and(|m| m.iter().any(|v| v == "assume_role"));
    if !asks_for_role {
        return bad("The request body is missing the assume_role method.");
    }
    let role = &identity["assume_role"];
    let (Some(agency), Some(domain)) = (role["agency_name"].as_str(), role["domain_name"].as_str())
    else {
        return bad("agency_name and domain_name are required.");
    };
    let duration = role["duration_seconds"].as_u64().unwrap_or(900);
    if !(900..=86400).contains(&duration) {
        return bad("duration_seconds must be from 900 to 86400.");
    }
    let known = fixture
        .agencies
        .iter()
        .any(|a| a.agency_name == agency && a.domain_name == domain);
    if !known {
        return Err((
            StatusCode::FORBIDDEN,
            format!(
                "The agency {agency} of domain {domain} does not exist or you have no right to assume it."
            ),
        ));
    }
    Ok(duration)
}

/// `{"credential": {...}}` for a freshly issued temporary credential.
pub fn credential_body(credential: &FixtureCredential, lifetime_seconds: u64) -> Vec<u8> {
    let expires =
        time::OffsetDateTime::now_utc() + time::Duration::seconds(lifetime_seconds as i64);
    let expires_at = expires
        .format(time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
        ))
        .unwrap_or_default();
    json!({"credential": {
        "access": credential.access_key,
        "secret": credential.secret_key,
        "securitytoken": credential.security_token,
        "expires_at": expires_at,
    }})
    .to_string()
    .into_bytes()
}
