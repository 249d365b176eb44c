//! The fake's ECS metadata service: session tokens, then the instance
//! agency's temporary credentials for a valid token. Unsigned: it trusts
//! the instance.

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::iam;
use crate::respond::json_response;
use crate::state::FakeState;

/// `PUT /meta-data/latest/api/token`: a session token.
pub fn session_token(state: &FakeState) -> Response {
    if state.fixture.ecs_metadata.is_none() {
        return plain(StatusCode::NOT_FOUND, "Not Found");
    }
    let mut tokens = state
        .session_tokens
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let token = format!("metadata-session-{}", tokens.len() + 1);
    tokens.push(token.clone());
    plain(StatusCode::OK, &token)
}

/// `GET /openstack/latest/securitykey`: the instance agency's credentials,
/// for a valid session token.
pub fn security_key(state: &FakeState, headers: &HeaderMap) -> Response {
    let Some(metadata) = &state.fixture.ecs_metadata else {
        return plain(StatusCode::NOT_FOUND, "Not Found");
    };
    let token = headers
        .get("x-metadata-token")
        .and_then(|v| v.to_str().ok());
    let valid = token.is_some_and(|t| {
        state
            .session_tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|known| known == t)
    });
    if !valid {
        return plain(
            StatusCode::UNAUTHORIZED,
            "Unauthorized: invalid metadata token",
        );
    }
    if !metadata.agency {
        return plain(
            StatusCode::UNAUTHORIZED,
            "Please configure Cloud Service Agency first",
        );
    }
    let credential = match state.first_issued() {
        Some(first) if metadata.same_credentials => first,
        _ => state.issue(),
    };
    json_response(
        StatusCode::OK,
        iam::credential_body(&credential, metadata.lifetime_seconds.unwrap_or(3600)),
    )
}

fn plain(status: StatusCode, text: &str) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .body(Body::from(text.to_owned()))
        .unwrap_or_default()
}
