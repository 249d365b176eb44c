//! Building answers: a JSON body with its status.

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;

pub fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json;charset=utf8")
        .body(Body::from(body))
        .unwrap_or_default()
}
