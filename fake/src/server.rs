//! The fake gateway's HTTP side: routing, authentication, faults and the
//! request log.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;

use crate::chaos::{self, Fault};
use crate::respond::json_response;
use crate::state::{FakeState, RecordedRequest};
use crate::{iam, metadata, verify};

/// Serves the fake API on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    state: Arc<FakeState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let counter = state.connections_accepted.clone();
    // TCP_NODELAY: without it every kept-alive answer waits ~40 ms (Nagle).
    let listener = listener.tap_io(move |tcp| {
        let _ = tcp.set_nodelay(true);
        counter.fetch_add(1, Ordering::Relaxed);
    });
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves the fake API over HTTPS with the certificate in `tls`.
pub async fn run_tls(
    listener: TcpListener,
    tls: tokio_rustls::TlsAcceptor,
    state: Arc<FakeState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = crate::tls::TlsListener {
        tcp: listener,
        acceptor: tls,
        accepted: state.connections_accepted.clone(),
    };
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

fn app(state: Arc<FakeState>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(state)
}

/// The APIs the fake serves.
#[derive(Debug, PartialEq, Eq)]
enum Route<'a> {
    /// `GET /v2.0/{project}/datasource/enhanced-connections/{id}`
    Connection { project: &'a str, id: &'a str },
    /// `GET /v2.0/{project}/datasource/enhanced-connections/{id}/privileges`
    Privileges { project: &'a str, id: &'a str },
    /// `GET /v2.0/{project}/datasource/enhanced-connections`
    List { project: &'a str },
    /// `GET /v3/{project}/elastic-resource-pools`
    Pools { project: &'a str },
    /// `GET /v1.0/{project}/queues`
    Queues { project: &'a str },
    /// `GET /v1.0/{project}/queues/{name}`
    Queue { project: &'a str, name: &'a str },
    /// IAM: `GET /v3/projects`
    Projects,
    /// IAM: `POST /v3.0/OS-CREDENTIAL/securitytokens`
    SecurityTokens,
    /// Metadata: `PUT /meta-data/latest/api/token`
    MetadataToken,
    /// Metadata: `GET /openstack/latest/securitykey`
    SecurityKey,
}

fn route<'a>(method: &Method, path: &'a str) -> Option<Route<'a>> {
    match (method.as_str(), path.trim_end_matches('/')) {
        ("GET", "/v3/projects") => return Some(Route::Projects),
        ("POST", "/v3.0/OS-CREDENTIAL/securitytokens") => return Some(Route::SecurityTokens),
        ("PUT", "/meta-data/latest/api/token") => return Some(Route::MetadataToken),
        ("GET", "/openstack/latest/securitykey") => return Some(Route::SecurityKey),
        _ => {}
    }
    if method != Method::GET {
        return None;
    }
    let trimmed = path.trim_end_matches('/');
    let under = |prefix: &str, collection: &str| {
        let (project, rest) = trimmed.strip_prefix(prefix)?.split_once('/')?;
        (!project.is_empty() && rest == collection).then_some(project)
    };
    if let Some(project) = under("/v3/", "elastic-resource-pools") {
        return Some(Route::Pools { project });
    }
    if let Some(project) = under("/v1.0/", "queues") {
        return Some(Route::Queues { project });
    }
    if let Some((project, name)) = trimmed
        .strip_prefix("/v1.0/")
        .and_then(|rest| rest.split_once("/queues/"))
        .filter(|(project, name)| !project.is_empty() && !name.is_empty() && !name.contains('/'))
    {
        return Some(Route::Queue { project, name });
    }
    let rest = path.strip_prefix("/v2.0/")?;
    let (project, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("datasource/enhanced-connections")?;
    let id = rest.trim_matches('/');
    match (project.is_empty(), id.is_empty()) {
        (true, _) => None,
        (false, true) => Some(Route::List { project }),
        (false, false) if !id.contains('/') => Some(Route::Connection { project, id }),
        (false, false) => match id.split_once('/') {
            Some((id, "privileges")) if !id.is_empty() => Some(Route::Privileges { project, id }),
            _ => None,
        },
    }
}

async fn handle(
    State(state): State<Arc<FakeState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = state.request_id();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut record = RecordedRequest {
        at: Instant::now(),
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        status: 0,
        access_key: None,
        security_token: header("x-security-token"),
        user_agent: header("user-agent"),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let response = answer(&state, &method, &uri, &headers, &body, &mut record).await;
    record.status = response.status().as_u16();
    eprintln!(
        "dli-fake: {} {} -> {} ({request_id})",
        record.method, record.path, record.status
    );
    state
        .requests
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(record);
    let mut response = response;
    if let Ok(value) = request_id.parse() {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

async fn answer(
    state: &FakeState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    record: &mut RecordedRequest,
) -> Response {
    // In front of the gateway: a redirect, the proxy's pages and the
    // random faults.
    if let Some(base) = &state.fixture.front.redirect_to {
        return chaos::redirect(base, uri);
    }
    let n = state.front_seen.fetch_add(1, Ordering::Relaxed);
    if let Some(status) = usize::try_from(n)
        .ok()
        .and_then(|i| state.fixture.front.statuses.get(i))
    {
        return chaos::proxy_page(*status);
    }
    let drawn = state
        .fixture
        .front
        .chaos
        .as_ref()
        .and_then(|c| chaos::draw(c, n));
    match drawn {
        Some(Fault::Reset) => return chaos::reset(),
        Some(Fault::ProxyPage(status)) => return chaos::proxy_page(status),
        Some(Fault::CutBody) => {
            let ok = br#"{"is_success":true,"message":"","connections":[]}"#.to_vec();
            return broken_body(json_response(StatusCode::OK, ok)).await;
        }
        Some(Fault::Stall(pause)) => tokio::time::sleep(pause).await,
        _ => {}
    }
    let Some(route) = route(method, uri.path()) else {
        return error(
            StatusCode::NOT_FOUND,
            "APIGW.0101",
            "The API does not exist or has not been published in the environment",
        );
    };
    // The metadata service is unsigned: it trusts the instance.
    match route {
        Route::MetadataToken => return metadata::session_token(state),
        Route::SecurityKey => return metadata::security_key(state, headers),
        _ => {}
    }
    let now = time::OffsetDateTime::now_utc();
    let accepted = state.accepted_credentials();
    let verified = verify::verify(
        method.as_str(),
        uri.path(),
        uri.query().unwrap_or(""),
        headers,
        body,
        &accepted,
        now,
    );
    match verified {
        Ok(credential) => {
            record.access_key = Some(credential.access_key.clone());
            let signed = state.signed_seen.fetch_add(1, Ordering::Relaxed);
            if state
                .fixture
                .revoke_keys_after
                .is_some_and(|after| signed >= after)
                && state
                    .fixture
                    .credentials
                    .iter()
                    .any(|c| c.access_key == credential.access_key)
            {
                return error(
                    StatusCode::UNAUTHORIZED,
                    "APIGW.0301",
                    "Incorrect IAM authentication information: the access key has been revoked",
                );
            }
            if state.first_token_revoked(&credential.access_key) {
                return error(
                    StatusCode::UNAUTHORIZED,
                    "APIGW.0301",
                    "Incorrect IAM authentication information: the security token has been revoked",
                );
            }
            if let Some(status) = usize::try_from(signed)
                .ok()
                .and_then(|i| state.fixture.first_statuses.get(i))
            {
                let fixture = &state.fixture;
                if fixture.first_latency_ms > 0 {
                    tokio::time::sleep(Duration::from_millis(fixture.first_latency_ms)).await;
                }
                let mut response = fault(*status);
                if let (Some(seconds), 429 | 503) = (fixture.first_retry_after, *status) {
                    response.headers_mut().insert("retry-after", seconds.into());
                }
                return response;
            }
            match drawn {
                Some(Fault::ServerError) => return fault(500),
                Some(Fault::Throttle { retry_after }) => {
                    let mut response = fault(429);
                    response
                        .headers_mut()
                        .insert("retry-after", retry_after.into());
                    return response;
                }
                _ => {}
            }
            if let Some(limit) = state.over_limit(&credential.access_key) {
                return error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "APIG.0308",
                    &format!(
                        "The throttling threshold has been reached: policy user over ratelimit,limit:{limit},time:1 second"
                    ),
                );
            }
        }
        Err(failure) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "APIGW.0301",
                &format!("Incorrect IAM authentication information: {failure}"),
            );
        }
    }
    match route {
        Route::Projects => {
            let pairs = verify::query_pairs(uri.query().unwrap_or(""));
            iam::projects(&state.fixture, &pairs)
        }
        Route::SecurityTokens => match iam::assume_role_request(&state.fixture, body) {
            Ok(lifetime) => {
                let credential = state.issue();
                json_response(
                    StatusCode::CREATED,
                    iam::credential_body(&credential, lifetime),
                )
            }
            Err((status, why)) => iam::error(status, &why),
        },
        Route::List { project } => match project_refusal(state, headers, project) {
            Some(refusal) => refusal,
            None => {
                let latency = state.fixture.list_faults.latency_ms;
                if latency > 0 {
                    tokio::time::sleep(Duration::from_millis(latency)).await;
                }
                let pairs = verify::query_pairs(uri.query().unwrap_or(""));
                match crate::list::ListRequest::parse(&pairs) {
                    Ok(request) => json_response(
                        StatusCode::OK,
                        list_answer(state, &request).to_string().into_bytes(),
                    ),
                    Err(why) => error(StatusCode::BAD_REQUEST, "DLI.0001", &why),
                }
            }
        },
        Route::Pools { project } => match project_refusal(state, headers, project) {
            Some(refusal) => refusal,
            None => {
                let pairs = verify::query_pairs(uri.query().unwrap_or(""));
                match crate::list::ListRequest::parse(&pairs) {
                    Ok(request) => json_response(
                        StatusCode::OK,
                        (request.pools_answer(&state.fixture.pools))
                            .to_string()
                            .into_bytes(),
                    ),
                    Err(why) => error(StatusCode::BAD_REQUEST, "DLI.0001", &why),
                }
            }
        },
        Route::Queues { project } => match project_refusal(state, headers, project) {
            Some(refusal) => refusal,
            None => {
                let pairs = verify::query_pairs(uri.query().unwrap_or(""));
                match crate::list::queues_answer(&state.fixture.queues, &pairs) {
                    Ok(body) => json_response(StatusCode::OK, body.to_string().into_bytes()),
                    Err(why) => error(StatusCode::BAD_REQUEST, "DLI.0001", &why),
                }
            }
        },
        Route::Queue { project, name } => match project_refusal(state, headers, project) {
            Some(refusal) => refusal,
            None => match crate::list::queue_answer(&state.fixture.queues, name) {
                Some(body) => json_response(StatusCode::OK, body.to_string().into_bytes()),
                None => error(
                    StatusCode::BAD_REQUEST,
                    "DLI.0002",
                    &format!("There is no queue named {name}."),
                ),
            },
        },
        Route::Connection { project, id } => match project_refusal(state, headers, project) {
            Some(refusal) => refusal,
            None => connection(state, id).await,
        },
        Route::Privileges { project, id } => match project_refusal(state, headers, project) {
            Some(refusal) => refusal,
            None => privileges(state, id).await,
        },
        Route::MetadataToken | Route::SecurityKey => unreachable!("answered above"),
    }
}

/// A list page, with the fixture's list faults.
fn list_answer(state: &FakeState, request: &crate::list::ListRequest) -> serde_json::Value {
    let n = state.list_requests.fetch_add(1, Ordering::Relaxed) + 1;
    let faults = &state.fixture.list_faults;
    let connections = &state.fixture.connections;
    let mut removed = state.removed.lock().unwrap_or_else(|e| e.into_inner());
    if faults
        .delete_on_request
        .is_some_and(|at| u64::try_from(at).is_ok_and(|at| at == n))
        && let Some(oldest) = request.matching_ids(connections, &removed).first()
    {
        eprintln!("dli-fake: connection {oldest} deleted while the list is read");
        removed.insert(oldest.clone());
    }
    request.answer_with(connections, &removed, faults)
}

/// DLI's refusal of a project the keys cannot use, if it is one.
fn project_refusal(state: &FakeState, headers: &HeaderMap, project: &str) -> Option<Response> {
    let header_project = headers.get("x-project-id").and_then(|v| v.to_str().ok());
    (project != state.fixture.project_id || header_project.is_some_and(|p| p != project)).then(
        || {
            error(
                StatusCode::FORBIDDEN,
                "DLI.0013",
                &format!("The project {project} does not exist or you have no permission for it"),
            )
        },
    )
}

/// DLI's answer for a connection id it does not know.
fn unknown_connection(connection_id: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "DLI.0001",
        &format!("Connection {connection_id} is not exist"),
    )
}

/// One connection, with its faults.
async fn connection(state: &FakeState, connection_id: &str) -> Response {
    let Some(connection) = state.fixture.connections.get(connection_id) else {
        return unknown_connection(connection_id);
    };
    let body = connection.response.to_string().into_bytes();
    with_faults(state, connection_id, &connection.faults, body).await
}

/// Who holds which rights on a connection, with its privilege faults.
async fn privileges(state: &FakeState, connection_id: &str) -> Response {
    let Some(connection) = state.fixture.connections.get(connection_id) else {
        return unknown_connection(connection_id);
    };
    let body = serde_json::json!({
        "is_success": true,
        "message": "",
        "connection_id": connection_id,
        "privileges": connection.privileges,
    });
    let attempts_key = format!("{connection_id}/privileges");
    let body = body.to_string().into_bytes();
    with_faults(state, &attempts_key, &connection.privilege_faults, body).await
}

/// `body` as a 200 answer, unless `faults` (counted under `attempts_key`)
/// say otherwise.
async fn with_faults(
    state: &FakeState,
    attempts_key: &str,
    faults: &crate::fixture::Faults,
    mut body: Vec<u8>,
) -> Response {
    if faults.hang {
        std::future::pending::<()>().await;
    }
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if let Some(status) = state.next_fault_status(attempts_key, &faults.statuses, faults.repeat) {
        let mut response = fault(status);
        if let (Some(text), 429 | 503) = (&faults.retry_after_text, status)
            && let Ok(value) = text.parse()
        {
            response.headers_mut().insert("retry-after", value);
        }
        if let (Some(seconds), 429 | 503) = (faults.retry_after, status) {
            let value = if faults.retry_after_as_date {
                let at = std::time::SystemTime::now() + Duration::from_secs(seconds);
                httpdate::fmt_http_date(at)
            } else {
                seconds.to_string()
            };
            if let Ok(value) = value.parse() {
                response.headers_mut().insert("retry-after", value);
            }
        }
        if faults.break_body {
            response = broken_body(response).await;
        }
        return response;
    }
    if faults.truncate {
        body.truncate(body.len() / 2);
    }
    json_response(StatusCode::OK, body)
}

/// The same answer, but the connection breaks after the first bytes of its
/// body (the declared length is never reached).
async fn broken_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let first = bytes.slice(..bytes.len().min(5));
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    tokio::spawn(async move {
        let _ = tx.send(Ok(first)).await;
        // Let the status line and headers reach the client first.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let _ = tx
            .send(Err(std::io::Error::other("connection dropped by the fake")))
            .await;
    });
    parts.headers.insert("content-length", bytes.len().into());
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    Response::from_parts(parts, Body::from_stream(stream))
}

fn fault(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match status.as_u16() {
        401 => error(
            status,
            "APIGW.0301",
            "Incorrect IAM authentication information: verify aksk signature fail",
        ),
        403 => error(
            status,
            "DLI.0013",
            "The project does not exist or you have no permission for it",
        ),
        429 => error(
            status,
            "APIGW.0308",
            "The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second",
        ),
        500..=599 => error(
            status,
            "DLI.0999",
            "Internal service error. Try again later.",
        ),
        _ => error(status, "DLI.0001", "Injected fault"),
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error_code": code, "error_msg": message });
    json_response(status, body.to_string().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_enhanced_connection_paths_route() {
        let get = |path| route(&Method::GET, path);
        assert_eq!(
            get("/v2.0/p1/datasource/enhanced-connections/c1"),
            Some(Route::Connection {
                project: "p1",
                id: "c1"
            })
        );
        assert_eq!(
            get("/v2.0/p1/datasource/enhanced-connections"),
            Some(Route::List { project: "p1" })
        );
        assert_eq!(
            get("/v2.0/p1/datasource/enhanced-connections/c1/privileges"),
            Some(Route::Privileges {
                project: "p1",
                id: "c1"
            })
        );
        assert_eq!(get("/v1.0/p1/datasource/enhanced-connections/c1"), None);
        assert_eq!(get("/v2.0/p1/datasource/enhanced-connections/c1/x"), None);
        assert_eq!(
            route(&Method::POST, "/v2.0/p1/datasource/enhanced-connections"),
            None
        );
    }
}
