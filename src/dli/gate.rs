//! The credential gate: until the gateway has answered one request signed
//! with a key (any answer but 401/403 proves the signature), only one
//! request signed with it is in flight. If that one is refused, every
//! waiting and later request with the key fails at once with the same
//! error, unsent: five refusals in a row lock an access key for everyone.

use std::sync::Mutex;

use super::error::{ApiError, ErrorKind};

#[derive(Debug, Clone, Default)]
enum Verdict {
    #[default]
    Unproven,
    Proven,
    Refused(ApiError),
}

/// The gate of one key.
#[derive(Debug, Default)]
pub struct Gate {
    verdict: Mutex<Verdict>,
    /// Held by the one request that may prove the key.
    prover: tokio::sync::Mutex<()>,
}

/// What a request may do.
pub enum Pass<'a> {
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
    pub async fn enter(&self) -> Result<Pass<'_>, ApiError> {
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

    /// Records what the gateway made of the key: an answer other than
    /// 401/403 proves it, a 401/403 refuses it; no answer proves nothing.
    pub fn settle(&self, outcome: &Result<(), &ApiError>) {
        let verdict = match outcome {
            Ok(()) => Verdict::Proven,
            Err(e) if e.kind == ErrorKind::Authentication => Verdict::Refused((*e).clone()),
            Err(e) if e.status.is_some() => Verdict::Proven,
            Err(_) => return,
        };
        *self.verdict.lock().unwrap_or_else(|e| e.into_inner()) = verdict;
    }
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
        let throttled = ApiError {
            kind: ErrorKind::Throttled,
            status: Some(429),
            ..refusal()
        };
        gate.settle(&Err(&throttled));
        drop(guard);
        assert!(matches!(gate.enter().await, Ok(Pass::Open)));
    }
}
