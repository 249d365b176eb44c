//! The credential gate: until the gateway has shown that it checked a
//! key's signature (a 2xx, or an error in a service's own shape other than
//! a 401), only one request signed with the key is in flight. A 401 refuses
//! the key: every waiting and later request with it fails at once with the
//! same error, unsent, since five refusals in a row lock an access key for
//! everyone. Anything else (a 403 with a DLI code, a proxy's 502 page, a
//! reset, a timeout) concerns its own request only; of those, only the
//! service-shaped ones prove the key.

use std::sync::Mutex;

use crate::error::ApiError;

#[derive(Debug, Clone, Default)]
enum Verdict {
    #[default]
    Unproven,
    Proven,
    Refused(ApiError),
}

/// The gate of one key.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    verdict: Mutex<Verdict>,
    /// Held by the one request that may prove the key.
    prover: tokio::sync::Mutex<()>,
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
    pub(crate) async fn enter(&self) -> Result<Pass<'_>, ApiError> {
        loop {
            match self.verdict() {
                Verdict::Proven => return Ok(Pass::Open),
                Verdict::Refused(error) => return Err(error),
                Verdict::Unproven => {}
            }
            let guard = self.prover.lock().await;
            match self.verdict() {
                Verdict::Unproven => return Ok(Pass::Prove(guard)),
                // Decided while we waited: look again.
                _ => continue,
            }
        }
    }

    /// Records what the gateway made of the key: a 401 (whatever its body)
    /// refuses it; a 2xx or a service's error proves it; anything else
    /// proves nothing.
    pub(crate) fn settle(&self, outcome: &Result<(), &ApiError>) {
        let verdict = match outcome {
            Ok(()) => Verdict::Proven,
            Err(e) if e.status == Some(401) => Verdict::Refused((*e).clone()),
            Err(e) if e.proves_signature() => Verdict::Proven,
            Err(_) => return,
        };
        let mut current = self.verdict.lock().unwrap_or_else(|e| e.into_inner());
        // A refusal is for good: an answer to a request sent before it
        // does not undo it.
        if !matches!(*current, Verdict::Refused(_)) {
            *current = verdict;
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

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
        let err = gate.enter().await.err().unwrap();
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
        let err = gate.enter().await.err().unwrap();
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
}
