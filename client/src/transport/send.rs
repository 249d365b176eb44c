//! The signed transport, one place for every call: a turn in the pace of
//! the endpoint and user, the credentials of that moment, their gate, the
//! signature, the request with its time bound, and the answer read within
//! the body limit and classified (a 2xx answer whole, anything else as an
//! [`ApiError`]).

use std::time::{Duration, Instant};

use reqwest::Url;
use serde::de::DeserializeOwned;

use super::body::{BodyError, read_at_most};
use super::client::{Client, error_chain};
use super::decode::{Outcome, decode_as};
use super::gate::{Closed, Pass};
use super::pace::{self, Limiter};
use super::resolve::UnresolvedHost;
use super::signing::Signing;
use crate::endpoint;
use crate::error::{self, ApiError, ErrorKind};
use dli_signer::{self as signer, Credentials};

/// A turn in the pace is used only if the credentials were at hand within
/// this; after a longer wait for them (a fetch), the request takes another.
const TURN_KEPT_FOR: Duration = Duration::from_millis(100);

/// A request let through the gate with a whole timeout after waiting there
/// longer than this picks its credentials again: they were handed out to
/// last one timeout plus `IN_FLIGHT_MARGIN` (10 s) from before the wait.
const REPICK_AFTER: Duration = Duration::from_secs(5);

/// Bodies larger than this are refused rather than buffered.
pub(crate) const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

impl Client {
    /// A signed GET whose 2xx answer is the JSON of `T`; `what` names `T` in
    /// errors ("the response is not a valid connection list").
    pub(crate) async fn get_json<T: DeserializeOwned + Outcome>(
        &self,
        url: Url,
        query: &[(String, String)],
        signing: &impl Signing,
        project_id: Option<&str>,
        what: &str,
    ) -> Result<T, ApiError> {
        let answer = self
            .send(
                Request {
                    method: reqwest::Method::GET,
                    url,
                    query,
                    project_id,
                    json_body: None,
                },
                signing,
            )
            .await?;
        let value: T = decode_as(&answer.body).map_err(|e| {
            answer.failure(
                ErrorKind::Undecodable,
                format!(
                    "the response is not a valid {}: {e}",
                    what.trim_start_matches("a ")
                ),
            )
        })?;
        if let Some(message) = value.unsuccessful() {
            return Err(answer.failure(ErrorKind::Unsuccessful, message));
        }
        Ok(value)
    }

    /// Signs and sends one request; a 2xx answer comes back whole, anything
    /// else as a classified error (by status first, then by body). It first
    /// waits for its turn in the shared pace of its endpoint and user (as
    /// long as the gateway asked), then takes the credentials of this
    /// moment and passes their gate. The attempt's request timeout starts
    /// once it has its credentials and covers the wait at the gate: a
    /// request that waited there while another read's request proved
    /// nothing (a black hole) goes out with what is left of it, or not at
    /// all when little is left. One let through by a key proven meanwhile
    /// gets a whole timeout of its own, since the gateway answers. A pause
    /// asked for while it waited at the gate voids its turn, and it waits
    /// again. Renewable credentials that the gateway refuses after
    /// accepting them are replaced once, and the request sent again.
    pub(crate) async fn send(
        &self,
        request: Request<'_>,
        signing: &impl Signing,
    ) -> Result<Answer, ApiError> {
        let host = endpoint::host_header(&request.url);
        let limiter = self.guards.limiter(&host, &signing.user());
        let line = format!("{} {}", request.method, request.url.path());
        let mut renewed = false;
        loop {
            let turn = wait_for_turn(&limiter).await;
            // A turn dropped unused (a gate timeout, a refusal, the read
            // cancelled) goes back to the pace.
            let asked = Instant::now();
            let credentials = signing.credentials().await.map_err(|e| ApiError {
                host: host.clone(),
                ..e
            })?;
            if asked.elapsed() > TURN_KEPT_FOR {
                // It waited for a fetch: its turn's moment is gone, and
                // every read that waited with it would go out at once.
                // Another turn, now that the credentials are at hand.
                continue;
            }
            let gate = self.guards.gate(&credentials);
            let at_gate = Instant::now();
            let deadline = after(at_gate, self.timeout);
            let pass = match tokio::time::timeout_at(deadline.into(), gate.enter()).await {
                Ok(Ok(pass)) => pass,
                Ok(Err(Closed::Revoked(_))) if !renewed && signing.renewable() => {
                    tracing::debug!("these credentials were revoked: asking for fresh ones");
                    signing.forget(&credentials);
                    renewed = true;
                    continue;
                }
                Ok(Err(closed)) => return Err(closed.into_error()),
                Err(_) => return Err(self.gate_timeout(&host)),
            };
            let now = Instant::now();
            if !turn.still_good(now) {
                tracing::debug!(
                    "a pause began while this request waited at the gate: waiting again"
                );
                continue;
            }
            if matches!(pass, Pass::Open) && now.duration_since(at_gate) > REPICK_AFTER {
                // Let through with a whole timeout of its own after a long
                // wait: credentials picked before that wait may not last it.
                continue;
            }
            let deadline = match pass {
                Pass::Open => after(now, self.timeout),
                Pass::Prove(_) if deadline.saturating_duration_since(now) < self.timeout / 10 => {
                    return Err(self.gate_timeout(&host));
                }
                Pass::Prove(_) => deadline,
            };
            turn.used();
            let started = Instant::now();
            let mut in_flight = matches!(pass, Pass::Prove(_)).then(|| InFlightProof {
                gate: &gate,
                host: &host,
                settled: false,
            });
            let result = self
                .send_now(request.clone(), &credentials, &host, deadline)
                .await;
            match &result {
                Err(e) => match unavailable_for(e) {
                    Some(wait) => limiter.pause(Instant::now(), wait),
                    None if e.kind == ErrorKind::Throttled => limiter.throttled(
                        started,
                        Instant::now(),
                        e.retry_after.as_ref().map(|r| r.wait),
                        pace::stated_limit(&e.message),
                    ),
                    None if e.proves_signature() => limiter.accepted(started),
                    None => {}
                },
                Ok(_) => limiter.accepted(started),
            }
            // Accepted before, refused now: a revoked (or early expired)
            // token, which fresh credentials replace.
            let revoked = matches!((&result, &pass), (Err(e), Pass::Open) if e.status == Some(401))
                && signing.renewable();
            match (&result, &pass) {
                (Err(e), _) if revoked => gate.revoke(e, &line),
                // A 401 refuses the key whenever it comes: a key revoked
                // mid-run is not sent again by every read.
                (Err(e), _) if e.status == Some(401) => gate.refuse(e, &line),
                (_, Pass::Prove(_holding)) => gate.settle(&result.as_ref().map(|_| ())),
                _ => {}
            }
            if let Some(proof) = &mut in_flight {
                proof.settled = true;
            }
            drop(in_flight);
            drop(pass);
            if revoked {
                // Dropped either way: other reads fetch fresh ones.
                signing.forget(&credentials);
                if !renewed {
                    tracing::debug!(
                        "the gateway refused credentials it had accepted: renewing them"
                    );
                    renewed = true;
                    continue;
                }
            }
            return result;
        }
    }

    /// This attempt waited its whole timeout behind another read's request
    /// that is proving the key.
    fn gate_timeout(&self, host: &str) -> ApiError {
        ApiError::unanswered(
            ErrorKind::Transport,
            host,
            format!(
                "waited the request timeout of {:?} for another read's request with the same \
                 key to be answered (until the gateway has accepted a key, its requests go out \
                 one at a time, so that a wrong key cannot lock it)",
                self.timeout
            ),
        )
    }

    async fn send_now(
        &self,
        request: Request<'_>,
        credentials: &Credentials,
        host: &str,
        deadline: Instant,
    ) -> Result<Answer, ApiError> {
        let Request {
            method,
            mut url,
            query,
            project_id,
            json_body,
        } = request;
        if !query.is_empty() {
            url.set_query(Some(&signer::canonical_query(query)));
        }
        let body = json_body.unwrap_or_default();
        let to_sign = signer::RequestToSign {
            method: method.as_str(),
            host,
            path: url.path(),
            query,
            project_id,
            body: body.as_bytes(),
        };
        let headers = signer::sign(&to_sign, credentials, time::OffsetDateTime::now_utc());
        let allowed = deadline.saturating_duration_since(Instant::now());
        let mut builder = self
            .http
            .request(method.clone(), url.clone())
            .timeout(allowed);
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        if json_body.is_some() {
            builder = builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/json;charset=UTF-8",
                )
                .body(body.to_owned());
        }
        tracing::debug!(method = %method, url = %url, "DLI request");
        let response = builder
            .send()
            .await
            .map_err(|e| self.transport_error(host, &e, allowed))?;
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            // Not followed, and its body is not read: it is not the API's.
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok());
            let message = error::redirect_message(status, location, &url);
            return Err(ApiError {
                status: Some(status),
                ..ApiError::unanswered(ErrorKind::Redirected, host, message)
            });
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let request_id = header("x-request-id").or_else(|| header("x-iam-trace-id"));
        let retry_after = header(reqwest::header::RETRY_AFTER.as_str())
            .and_then(|v| error::parse_retry_after(&v, std::time::SystemTime::now()));
        let answer = Answer {
            status,
            request_id,
            retry_after,
            host: host.to_owned(),
            body: Vec::new(),
        };
        let body = read_capped(response).await.map_err(|e| match e {
            BodyError::TooLarge => answer.failure(
                ErrorKind::Undecodable,
                format!("the response body is larger than {MAX_BODY_BYTES} bytes"),
            ),
            // The status has the last word: a refusal whose body broke off
            // is still a refusal (and a 401 must never be retried).
            BodyError::Transport(e) if !(200..300).contains(&status) => {
                let message = format!("the error body broke off: {}", error_chain(&e));
                answer.failure(error::classify(status, None, &message), message)
            }
            BodyError::Transport(e) => ApiError {
                status: Some(status),
                went_unanswered: false,
                ..self.transport_error(&answer.host, &e, allowed)
            },
        })?;
        tracing::debug!(
            status,
            request_id = answer.request_id.as_deref().unwrap_or(""),
            bytes = body.len(),
            "DLI answered"
        );
        if !(200..300).contains(&status) {
            let fields = error::error_fields(&body);
            let message = fields.message.unwrap_or_else(|| error::snippet(&body));
            let kind = error::classify(status, fields.code.as_deref(), &message);
            return Err(ApiError {
                code: fields.code,
                from_service: fields.from_service,
                ..answer.failure(kind, message)
            });
        }
        Ok(Answer { body, ..answer })
    }

    /// `allowed`: the time the request had (the request timeout, or what
    /// was left of it after a wait at the gate).
    fn transport_error(&self, host: &str, e: &reqwest::Error, allowed: Duration) -> ApiError {
        let mut went_unanswered = false;
        let (kind, message) = if e.is_builder() {
            // A request that could not even be built (e.g. a header value
            // with a line break): retrying cannot help.
            (
                ErrorKind::Client,
                format!("invalid request: {}", error_chain(e)),
            )
        } else if let Some(unresolved) = find_cause::<UnresolvedHost>(e) {
            (ErrorKind::UnresolvedHost, unresolved.to_string())
        } else if find_cause::<rustls::pki_types::InvalidDnsNameError>(e).is_some() {
            (
                ErrorKind::UnresolvedHost,
                format!("the host name {host} is not a valid DNS name"),
            )
        } else if find_cause::<rustls::Error>(e).is_some() {
            // The TLS handshake failed (e.g. an untrusted certificate): no
            // retry can fix that.
            (
                ErrorKind::Tls,
                format!("cannot connect: {}", error_chain(e)),
            )
        } else if e.is_timeout() {
            went_unanswered = !e.is_connect();
            let message = if allowed + Duration::from_millis(50) >= self.timeout {
                format!(
                    "no complete answer within the request timeout of {:?}",
                    self.timeout
                )
            } else {
                format!(
                    "no complete answer within {allowed:.1?}, what was left of the request \
                     timeout of {:?} after waiting for another read's request with the same key",
                    self.timeout
                )
            };
            (ErrorKind::Transport, message)
        } else if e.is_connect() {
            (
                ErrorKind::Transport,
                format!("cannot connect: {}", error_chain(e)),
            )
        } else {
            // A reset or a closed connection once the request was out.
            went_unanswered = true;
            (ErrorKind::Transport, error_chain(e))
        };
        ApiError {
            went_unanswered,
            ..ApiError::unanswered(kind, host, message)
        }
    }
}

/// Held while a request that may prove its key is in flight. Dropped
/// before its answer was settled (the read was cancelled, or a caller's
/// own timeout fired), it counts as a signed request that went unanswered.
struct InFlightProof<'a> {
    gate: &'a super::gate::Gate,
    host: &'a str,
    settled: bool,
}

impl Drop for InFlightProof<'_> {
    fn drop(&mut self) {
        if !self.settled {
            let abandoned = ApiError {
                went_unanswered: true,
                ..ApiError::unanswered(
                    ErrorKind::Transport,
                    self.host,
                    "the request was abandoned before its answer came".into(),
                )
            };
            self.gate.settle(&Err(&abandoned));
        }
    }
}

/// A turn in the shared pace, held until used; dropped unused, it is
/// given back for the next read to take.
struct HeldTurn<'a> {
    limiter: &'a Limiter,
    turn: Option<pace::Turn>,
}

impl HeldTurn<'_> {
    /// Whether no pause asked for since the turn was taken lasts past `now`.
    fn still_good(&self, now: Instant) -> bool {
        self.turn
            .as_ref()
            .is_none_or(|turn| self.limiter.still_good(turn, now))
    }

    /// The request goes out on this turn.
    fn used(mut self) {
        self.turn = None;
    }
}

impl Drop for HeldTurn<'_> {
    fn drop(&mut self) {
        if let Some(turn) = &self.turn {
            self.limiter.give_back(turn);
        }
    }
}

/// Waits for a turn in the shared pace: a pause the gateway asked for is
/// waited out whatever the request timeout (nothing is sent meanwhile).
async fn wait_for_turn(limiter: &Limiter) -> HeldTurn<'_> {
    loop {
        let now = Instant::now();
        let held = HeldTurn {
            limiter,
            turn: Some(limiter.reserve(now)),
        };
        let at = held.turn.as_ref().map_or(now, |turn| turn.at);
        if at > now {
            tokio::time::sleep_until(at.into()).await;
        }
        if held.still_good(Instant::now()) {
            return held;
        }
        // A pause began while it slept: the turn is void (the pace ignores
        // it when given back), so reserve again.
    }
}

/// One request to sign and send.
#[derive(Clone)]
pub(crate) struct Request<'a> {
    pub(crate) method: reqwest::Method,
    pub(crate) url: Url,
    /// Decoded query pairs; sent in canonical order.
    pub(crate) query: &'a [(String, String)],
    /// Sent (and signed) as `X-Project-Id`.
    pub(crate) project_id: Option<&'a str>,
    /// A JSON body, sent as `application/json`.
    pub(crate) json_body: Option<&'a str>,
}

/// A 2xx answer (or, without its body, the basis of an error).
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    /// `X-Request-Id` (or IAM's `X-IAM-Trace-Id`).
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<error::RetryAfter>,
    pub(crate) host: String,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    /// An error about this answer.
    pub(crate) fn failure(&self, kind: ErrorKind, message: String) -> ApiError {
        ApiError {
            kind,
            status: Some(self.status),
            code: None,
            message,
            request_id: self.request_id.clone(),
            retry_after: self.retry_after.clone(),
            host: self.host.clone(),
            from_service: false,
            went_unanswered: false,
        }
    }
}

/// `now` plus `timeout`, or as far ahead as the clock goes: a library
/// user's timeout of `Duration::MAX` must not overflow an `Instant`.
fn after(now: Instant, timeout: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    now.checked_add(timeout)
        .or_else(|| now.checked_add(FAR))
        .unwrap_or(now)
}

/// How long a 502, 503 or 504 with `Retry-After` asks everyone to wait:
/// the service (or what is in front of it) is unavailable for that long,
/// which says nothing of the rate the key sends at.
fn unavailable_for(e: &ApiError) -> Option<Duration> {
    match e.status {
        Some(502..=504) => e.retry_after.as_ref().map(|r| r.wait),
        _ => None,
    }
}

async fn read_capped(response: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    read_at_most(response, MAX_BODY_BYTES).await
}

/// The first cause of type `T` in `e`'s chain.
fn find_cause<T: std::error::Error + 'static>(e: &reqwest::Error) -> Option<&T> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(cause) = next {
        if let Some(found) = cause.downcast_ref::<T>() {
            return Some(found);
        }
        // io::Error hides its wrapped error from source(): unwrap it by hand.
        next = match cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    None
}
