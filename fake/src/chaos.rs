//! Faults that do not come from the gateway's own logic: a proxy's pages in
//! front of it, and seeded random trouble on a share of requests. Decides
//! only; the server renders what is decided.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::response::Response;

use crate::fixture::Chaos;

/// One random fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The connection closes before any answer.
    Reset,
    /// No answer for this long, then the usual one.
    Stall(Duration),
    /// A proxy's HTML page with this status.
    ProxyPage(u16),
    /// The service's 500.
    ServerError,
    /// A 200 whose body breaks off.
    CutBody,
    /// The gateway's 429 with `Retry-After`.
    Throttle { retry_after: u64 },
}

impl Fault {
    /// Whether the gateway itself answers (after checking the signature)
    /// rather than something in front of it.
    pub fn from_gateway(self) -> bool {
        matches!(self, Fault::ServerError | Fault::Throttle { .. })
    }
}

/// The fault for request number `n`, if it draws one.
pub fn draw(chaos: &Chaos, n: u64) -> Option<Fault> {
    let roll = splitmix64(chaos.seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let share = (roll >> 11) as f64 / (1u64 << 53) as f64;
    if share >= chaos.fraction {
        return None;
    }
    Some(match splitmix64(roll) % 7 {
        0 => Fault::Reset,
        1 => Fault::Stall(Duration::from_millis(chaos.stall_ms)),
        2 => Fault::ProxyPage(502),
        3 => Fault::ProxyPage(503),
        4 => Fault::ServerError,
        5 => Fault::CutBody,
        _ => Fault::Throttle {
            retry_after: chaos.retry_after,
        },
    })
}

/// A well-mixed 64-bit hash (SplitMix64's finaliser).
fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A proxy's own error page: HTML, no service code.
pub fn proxy_page(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let reason = status.canonical_reason().unwrap_or("Error");
    let html = format!(
        "<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}</h1></center><hr><center>nginx</center></body></html>",
        code = status.as_u16()
    );
    Response::builder()
        .status(status)
        .header("content-type", "text/html")
        .body(Body::from(html))
        .unwrap_or_default()
}

/// An answer whose body fails before its first byte: the server drops the
/// connection, and the client sees it close with no complete answer.
pub fn reset() -> Response {
    let failing = tokio_stream::once(Err::<Bytes, _>(std::io::Error::other(
        "connection reset by the fake",
    )));
    Response::builder()
        .header("content-length", "100")
        .body(Body::from_stream(failing))
        .unwrap_or_default()
}

/// A front's 302 to `base` with the request's path and query.
pub fn redirect(base: &str, uri: &axum::http::Uri) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let location = format!("{}{path}", base.trim_end_matches('/'));
    Response::builder()
        .status(StatusCode::FOUND)
        .header("location", location)
        .header("content-type", "text/html")
        .body(Body::from("<html><body>Moved</body></html>"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_and_the_kinds_follow_the_seed() {
        let chaos = Chaos {
            seed: 7,
            fraction: 0.1,
            stall_ms: 3000,
            retry_after: 1,
        };
        let drawn: Vec<_> = (0..10_000).filter_map(|n| draw(&chaos, n)).collect();
        assert!((800..1200).contains(&drawn.len()), "{}", drawn.len());
        for kind in [Fault::Reset, Fault::ProxyPage(502), Fault::CutBody] {
            assert!(drawn.contains(&kind), "{kind:?} never drawn");
        }
        let again: Vec<_> = (0..10_000).filter_map(|n| draw(&chaos, n)).collect();
        assert_eq!(drawn, again);
    }
}
