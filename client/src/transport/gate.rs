//! The credential gate: until the gateway has shown that it checked a
//! key's signature (a 2xx, or an error in a service's own shape other than
//! a 401), only one request signed with the key is in flight. A 401 refuses
//! the key: every waiting and later request with it fails at once with the
//! same error, unsent, since five refusals in a row lock an access key for
//! everyone. Anything else (a 403 with a DLI code, a proxy's 502 page, a
//! reset, a timeout) concerns its own request only; of those, only the
//! service-shaped ones prove the key, and of those that went out signed
//! and were never answered (a timeout, a reset), a key not yet proven may
//! have two: the gateway may have counted them as failed signatures, so
//! after the second the key is refused for the process as after a 401.
//!
//! Renewable credentials (from an agency or the ECS metadata service) that
//! the gateway refuses after it had accepted them were revoked, or expired
//! early: their gate is closed as revoked, and every read that meets it
//! asks for fresh credentials instead of failing.

use std::sync::Mutex;

use crate::error::{ApiError, ErrorKind};

#[derive(Debug, Clone)]
enum Verdict {
    /// With how many signed requests unanswered so far.
    Unproven {
        unanswered: u32,
    },
    Proven,
    Refused(ApiError),
    /// Accepted, then refused: fresh credentials may do.
    Revoked(ApiError),
}

impl Default for Verdict {
    fn default() -> Self {
        Verdict::Unproven { unanswered: 0 }
    }
}

/// Signed requests with a key not yet proven that may go unanswered: the
/// gateway locks a key after five failed signatures, and a slow refusal
/// (one that comes after the request timeout) is one of them.
pub(crate) const MAX_UNANSWERED: u32 = 2;

/// The gate of one key.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    verdict: Mutex<Verdict>,
    /// Held by the one request that may prove the key.
    prover: tokio::sync::Mutex<()>,
}

/// Why a gate lets no request through.
#[derive(Debug)]
pub(crate) enum Closed {
    /// The key is refused for the process.
    Refused(ApiError),
    /// The credentials were accepted, then refused: ask for fresh ones.
    Revoked(ApiError),
}

impl Closed {
    pub(crate) fn into_error(self) -> ApiError {
        match self {
            Closed::Refused(e) | Closed::Revoked(e) => e,
        }
    }
}

/// What a request may do.
pub(crate) enum Pass<'a> {
    /// The key is proven: send freely.
    Open,
    /// Send, holding the gate; report how it went with [`Gate::settle`].
    Prove(tokio::sync::MutexGuard<'a, ()>),
}

impl Gate {
    fn verdict(&self) -> Verdict {
        self.verdict
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits for the right to send (cancellable by dropping the future).
    pub(crate) async fn enter(&self) -> Result<Pass<'_>, Closed> {
        loop {
            match self.verdict() {
                Verdict::Proven => return Ok(Pass::Open),
                Verdict::Refused(error) => return Err(Closed::Refused(error)),
                Verdict::Revoked(error) => return Err(Closed::Revoked(error)),
                Verdict::Unproven { .. } => {}
            }
            let guard = self.prover.lock().await;
            match self.verdict() {
                Verdict::Unproven { .. } => return Ok(Pass::Prove(guard)),
                // Decided while we waited: look again.
                _ => continue,
            }
        }
    }

    /// Records what the gateway made of the key: a 401 (whatever its body)
    /// refuses it; a 2xx or a service's error proves it; the last signed
    /// request that may go unanswered refuses it; anything else proves
    /// nothing.
    pub(crate) fn settle(&self, outcome: &Result<(), &ApiError>) {
        let mut current = self.verdict.lock().unwrap_or_else(|e| e.into_inner());
        let verdict = match (outcome, &*current) {
            // A refusal is for good: an answer to a request sent before
            // it does not undo it.
            (_, Verdict::Refused(_) | Verdict::Revoked(_)) => return,
            (Ok(()), _) => Verdict::Proven,
            (Err(e), _) if e.status == Some(401) => Verdict::Refused((*e).clone()),
            (Err(e), _) if e.proves_signature() => Verdict::Proven,
            (Err(e), Verdict::Unproven { unanswered }) if e.went_unanswered() => {
                let unanswered = unanswered + 1;
                if unanswered < MAX_UNANSWERED {
                    Verdict::Unproven { unanswered }
                } else {
                    Verdict::Refused(unverified(e, unanswered))
                }
            }
            (Err(_), _) => return,
        };
        *current = verdict;
    }

    /// The gateway answered `request` (e.g. `GET /v2.0/…`) with a 401:
    /// refuse the key for good, whatever was decided before.
    pub(crate) fn refuse(&self, error: &ApiError, request: &str) {
        let mut refusal = error.clone();
        refusal.message = format!(
            "{} (the key was refused on {request}, and is not sent again: repeated signature \
             failures lock an access key)",
            error.message
        );
        *self.verdict.lock().unwrap_or_else(|e| e.into_inner()) = Verdict::Refused(refusal);
    }

    /// The gateway answered `request` with these proven, renewable
    /// credentials with a 401: close the gate as revoked (a refusal stays).
    pub(crate) fn revoke(&self, error: &ApiError, request: &str) {
        let mut revocation = error.clone();
        revocation.message = format!(
            "{} (these temporary credentials were refused on {request} after the gateway had \
             accepted them, and are not sent again)",
            error.message
        );
        let mut current = self.verdict.lock().unwrap_or_else(|e| e.into_inner());
        if !matches!(*current, Verdict::Refused(_)) {
            *current = Verdict::Revoked(revocation);
        }
    }
}

/// The refusal of a key whose `unanswered` signed requests, the last
/// failing with `last`, never learnt what the gateway made of them.
fn unverified(last: &ApiError, unanswered: u32) -> ApiError {
    ApiError::unanswered(
        ErrorKind::Unverified,
        &last.host,
        format!(
            "{unanswered} signed requests with this key went unanswered (the last: {}) before \
             any answer proved the key; the gateway may have counted them as failed signatures \
             (five lock an access key), so the key is not sent again in this run. Check the \
             network path to {} and the key, then run again",
            last.message, last.host
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal() -> ApiError {
        ApiError {
            kind: ErrorKind::Authentication,
            status: Some(401),
            code: Some("APIGW.0301".into()),
            message: "bad signature".into(),
            request_id: None,
            retry_after: None,
            host: "h".into(),
            from_service: true,
            went_unanswered: false,
        }
    }

    #[tokio::test]
    async fn one_prover_at_a_time_until_proven() {
        let gate = Gate::default();
        let Ok(Pass::Prove(guard)) = gate.enter().await else {
            panic!("the first request proves")
        };
        // A second one waits while the first is in flight.
        let waiting =
            tokio::time::timeout(std::time::Duration::from_millis(50), gate.enter()).await;
        assert!(waiting.is_err());
        gate.settle(&Ok(()));
        drop(guard);
        assert!(matches!(gate.enter().await, Ok(Pass::Open)));
    }

    #[tokio::test]
    async fn a_refusal_fails_every_later_request_unsent() {
        let gate = Gate::default();
        let Ok(Pass::Prove(guard)) = gate.enter().await else {
            panic!()
        };
        gate.settle(&Err(&refusal()));
        drop(guard);
        let err = gate.enter().await.err().unwrap().into_error();
        assert_eq!(err.code.as_deref(), Some("APIGW.0301"));
    }

    #[tokio::test]
    async fn no_answer_proves_nothing_and_any_answer_proves_the_key() {
        let gate = Gate::default();
        let Ok(Pass::Prove(guard)) = gate.enter().await else {
            panic!()
        };
        let transport = ApiError {
            kind: ErrorKind::Transport,
            status: None,
            ..refusal()
        };
        gate.settle(&Err(&transport));
        drop(guard);
        let Ok(Pass::Prove(guard)) = gate.enter().await else {
            panic!("still unproven")
        };
        // A proxy's page, a firewall's bare 403: no word from the gateway.
        for status in [502, 503, 403] {
            let proxy = ApiError {
                kind: ErrorKind::Server,
                status: Some(status),
                code: None,
                from_service: false,
                ..refusal()
            };
            gate.settle(&Err(&proxy));
        }
        drop(guard);
        let Ok(Pass::Prove(guard)) = gate.enter().await else {
            panic!("still unproven after a proxy's answers")
        };
        let throttled = ApiError {
            kind: ErrorKind::Throttled,
            status: Some(429),
            code: Some("APIGW.0308".into()),
            ..refusal()
        };
        gate.settle(&Err(&throttled));
        drop(guard);
        assert!(matches!(gate.enter().await, Ok(Pass::Open)));
    }

    #[tokio::test]
    async fn a_401_after_the_key_was_proven_refuses_it_naming_the_request() {
        let gate = Gate::default();
        gate.settle(&Ok(()));
        assert!(matches!(gate.enter().await, Ok(Pass::Open)));
        gate.refuse(&refusal(), "GET /v2.0/p/datasource/enhanced-connections/c1");
        let err = gate.enter().await.err().unwrap().into_error();
        assert!(
            err.message
                .contains("refused on GET /v2.0/p/datasource/enhanced-connections/c1"),
            "{err}"
        );
        // A later proof does not undo it.
        gate.settle(&Ok(()));
        assert!(gate.enter().await.is_err());
    }

    #[tokio::test]
    async fn a_403_from_dli_proves_the_key_and_a_401_without_a_body_refuses_it() {
        let gate = Gate::default();
        let forbidden = ApiError {
            kind: ErrorKind::Forbidden,
            status: Some(403),
            code: Some("DLI.0013".into()),
            ..refusal()
        };
        gate.settle(&Err(&forbidden));
        assert!(matches!(gate.enter().await, Ok(Pass::Open)));
        let gate = Gate::default();
        let bare = ApiError {
            code: None,
            from_service: false,
            ..refusal()
        };
        gate.settle(&Err(&bare));
        assert!(gate.enter().await.is_err());
    }

    #[tokio::test]
    async fn two_unanswered_proofs_refuse_the_key_and_a_refused_connection_counts_none() {
        let gate = Gate::default();
        let timed_out = ApiError {
            kind: ErrorKind::Transport,
            status: None,
            code: None,
            message: "no complete answer within the request timeout of 1s".into(),
            went_unanswered: true,
            ..refusal()
        };
        // Never sent: a refused connection is no signature seen.
        let refused_connection = ApiError {
            went_unanswered: false,
            message: "cannot connect: connection refused".into(),
            ..timed_out.clone()
        };
        for _ in 0..5 {
            gate.settle(&Err(&refused_connection));
        }
        gate.settle(&Err(&timed_out));
        assert!(matches!(gate.enter().await, Ok(Pass::Prove(_))));
        gate.settle(&Err(&timed_out));
        let err = gate
            .enter()
            .await
            .err()
            .expect("refused after two")
            .into_error();
        assert_eq!(err.kind, ErrorKind::Unverified);
        assert!(
            err.message.starts_with(
                "2 signed requests with this key went unanswered (the last: no complete answer"
            ),
            "{err}"
        );
        // An answer that comes late does not undo it.
        gate.settle(&Ok(()));
        assert!(gate.enter().await.is_err());
    }

    #[tokio::test]
    async fn a_revoked_gate_asks_for_fresh_credentials_and_a_refusal_stays() {
        let gate = Gate::default();
        gate.settle(&Ok(()));
        gate.revoke(&refusal(), "GET /");
        assert!(matches!(gate.enter().await, Err(Closed::Revoked(_))));
        // Nothing reopens it.
        gate.settle(&Ok(()));
        assert!(matches!(gate.enter().await, Err(Closed::Revoked(_))));
        let refused = Gate::default();
        refused.refuse(&refusal(), "GET /");
        refused.revoke(&refusal(), "GET /");
        assert!(matches!(refused.enter().await, Err(Closed::Refused(_))));
    }

    #[tokio::test]
    async fn a_routing_answer_proves_nothing() {
        let gate = Gate::default();
        let no_api = ApiError {
            kind: ErrorKind::WrongEndpoint,
            status: Some(404),
            code: Some("APIGW.0101".into()),
            ..refusal()
        };
        gate.settle(&Err(&no_api));
        assert!(matches!(gate.enter().await, Ok(Pass::Prove(_))));
    }
}
