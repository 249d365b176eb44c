//! Retries for idempotent reads: 429, 5xx and transport failures, with
//! exponential backoff and jitter, honouring `Retry-After` up to a stated
//! maximum, cancellable at any point.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::error::{ApiError, RetryAfter};

/// How often and how long to retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff, doubled at every retry.
    pub base_delay: Duration,
    /// Cap of our own backoff.
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured; a server asking for more fails
    /// the read at once instead of being retried early.
    pub max_server_wait: Duration,
}

/// The longest wait a server may ask for with `Retry-After`.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(120);

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_server_wait: MAX_SERVER_WAIT,
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based): exactly what the
    /// server asked for with `Retry-After`, else exponential backoff with
    /// jitter. `None` when the server asks for more than `max_server_wait`.
    pub fn delay(
        &self,
        retry: u32,
        retry_after: Option<&RetryAfter>,
        jitter: f64,
    ) -> Option<Duration> {
        if let Some(asked) = retry_after {
            return (asked.wait <= self.max_server_wait).then_some(asked.wait);
        }
        let exp = self
            .base_delay
            .saturating_mul(1u32 << (retry.saturating_sub(1)).min(16))
            .min(self.max_delay);
        // Half fixed, half random: spreads clients without ever waiting ~0.
        Some(exp.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0)))
    }
}

/// How a retried call ended.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum RetryError {
    /// The last error, after `attempts` attempts.
    Failed {
        /// The last attempt's error.
        error: ApiError,
        /// Attempts made.
        attempts: u32,
    },
    /// Cancelled (by the caller's token) after `attempts` attempts.
    Cancelled {
        /// Attempts made.
        attempts: u32,
    },
    /// The server asked to wait longer than `limit`, with the
    /// `Retry-After` it sent.
    WaitTooLong {
        /// The answer that asked.
        error: ApiError,
        /// The header as sent.
        sent: String,
        /// The longest wait honoured.
        limit: Duration,
    },
}

impl std::fmt::Display for RetryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RetryError::Failed { error, .. } => write!(f, "{error}"),
            RetryError::Cancelled { attempts } => {
                write!(f, "cancelled after {attempts} attempt(s)")
            }
            RetryError::WaitTooLong { error, sent, limit } => write!(
                f,
                "{error}; it sent \"Retry-After: {sent}\", longer than the {} s waited at most",
                limit.as_secs()
            ),
        }
    }
}

impl std::error::Error for RetryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RetryError::Failed { error, .. } | RetryError::WaitTooLong { error, .. } => Some(error),
            RetryError::Cancelled { .. } => None,
        }
    }
}

/// Runs `attempt` until it succeeds, fails for good, runs out of retries or
/// is cancelled.
pub async fn with_retries<T, F, Fut>(
    policy: RetryPolicy,
    cancel: &CancellationToken,
    mut attempt: F,
) -> Result<T, RetryError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut attempts = 0;
    loop {
        attempts += 1;
        let result = tokio::select! {
            // A cancelled read is reported as cancelled, even when its
            // attempt ended (e.g. in a cancelled credential wait) at once.
            biased;
            () = cancel.cancelled() => return Err(RetryError::Cancelled { attempts }),
            result = attempt() => result,
        };
        let error = match result {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        // An answer that is final by its status (a 401, 403 or 404) is
        // reported as what it is, whatever `Retry-After` came with it.
        if !error.kind.is_retryable() {
            return Err(RetryError::Failed { error, attempts });
        }
        // A wait past the maximum fails at once, also on the last attempt:
        // the user learns what the server asked for.
        let too_long = error
            .retry_after
            .as_ref()
            .is_some_and(|r| r.wait > policy.max_server_wait);
        if !too_long && attempts > policy.max_retries {
            return Err(RetryError::Failed { error, attempts });
        }
        let Some(delay) = policy.delay(attempts, error.retry_after.as_ref(), jitter()) else {
            let sent = error
                .retry_after
                .as_ref()
                .map(|r| r.sent.clone())
                .unwrap_or_default();
            let limit = policy.max_server_wait;
            return Err(RetryError::WaitTooLong { error, sent, limit });
        };
        tracing::debug!(
            attempt = attempts,
            max_attempts = policy.max_retries + 1,
            delay_ms = delay.as_millis() as u64,
            error = %error,
            "retrying DLI request"
        );
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = cancel.cancelled() => return Err(RetryError::Cancelled { attempts }),
        }
    }
}

/// A cheap random fraction in [0, 1): no RNG crate needed for jitter.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_bounds() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, None, 1.0), Some(Duration::from_millis(500)));
        assert_eq!(p.delay(1, None, 0.0), Some(Duration::from_millis(250)));
        assert_eq!(p.delay(3, None, 1.0), Some(Duration::from_secs(2)));
        assert_eq!(p.delay(20, None, 1.0), Some(Duration::from_secs(30)));
    }

    #[test]
    fn retry_after_is_honoured_beyond_the_backoff_cap_up_to_the_maximum() {
        let p = RetryPolicy::default();
        let secs = |s| Some(Duration::from_secs(s));
        let asked = |s| RetryAfter {
            wait: Duration::from_secs(s),
            sent: s.to_string(),
        };
        assert_eq!(p.delay(1, Some(&asked(1)), 0.3), secs(1));
        assert_eq!(p.delay(1, Some(&asked(90)), 0.3), secs(90));
        assert_eq!(p.delay(1, Some(&asked(120)), 0.3), secs(120));
        assert_eq!(p.delay(1, Some(&asked(121)), 0.3), None);
    }

    #[tokio::test]
    async fn a_wait_past_the_maximum_fails_at_once() {
        let mut calls = 0;
        let result: Result<(), _> = with_retries(fast(5), &CancellationToken::new(), || {
            calls += 1;
            async {
                Err(ApiError {
                    retry_after: Some(RetryAfter {
                        wait: Duration::MAX,
                        sent: "99999999999999999999".into(),
                    }),
                    ..err(ErrorKind::Throttled)
                })
            }
        })
        .await;
        assert!(
            matches!(&result, Err(RetryError::WaitTooLong { sent, .. }) if sent == "99999999999999999999"),
            "{result:?}"
        );
        assert_eq!(calls, 1);
    }

    #[tokio::test]
    async fn a_final_status_wins_over_a_long_retry_after() {
        for kind in [
            ErrorKind::Authentication,
            ErrorKind::Forbidden,
            ErrorKind::NotFound,
        ] {
            let result: Result<(), _> =
                with_retries(fast(5), &CancellationToken::new(), || async {
                    Err(ApiError {
                        retry_after: Some(RetryAfter {
                            wait: Duration::from_secs(3600),
                            sent: "3600".into(),
                        }),
                        ..err(kind)
                    })
                })
                .await;
            assert!(
                matches!(&result, Err(RetryError::Failed { error, attempts: 1 }) if error.kind == kind),
                "{result:?}"
            );
        }
    }

    #[test]
    fn jitter_is_a_fraction() {
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }

    fn err(kind: ErrorKind) -> ApiError {
        ApiError::unanswered(kind, "h", "m".into())
    }

    fn fast(max_retries: u32) -> RetryPolicy {
        RetryPolicy {
            max_retries,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..RetryPolicy::default()
        }
    }

    #[tokio::test]
    async fn retryable_errors_are_retried_until_success() {
        let mut calls = 0;
        let result = with_retries(fast(5), &CancellationToken::new(), || {
            calls += 1;
            let n = calls;
            async move {
                if n < 3 {
                    Err(err(ErrorKind::Server))
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(result.unwrap(), 3);
    }

    #[tokio::test]
    async fn final_errors_and_exhaustion_report_attempts() {
        let result: Result<(), _> = with_retries(fast(5), &CancellationToken::new(), || async {
            Err(err(ErrorKind::Authentication))
        })
        .await;
        assert!(matches!(
            result,
            Err(RetryError::Failed { attempts: 1, .. })
        ));
        let result: Result<(), _> = with_retries(fast(2), &CancellationToken::new(), || async {
            Err(err(ErrorKind::Throttled))
        })
        .await;
        assert!(matches!(
            result,
            Err(RetryError::Failed { attempts: 3, .. })
        ));
    }

    #[tokio::test]
    async fn cancellation_ends_a_backoff_sleep() {
        let policy = RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_secs(3600),
            max_delay: Duration::from_secs(3600),
            ..RetryPolicy::default()
        };
        let cancel = CancellationToken::new();
        let canceller = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            canceller.cancel();
        });
        let started = std::time::Instant::now();
        let result: Result<(), _> =
            with_retries(policy, &cancel, || async { Err(err(ErrorKind::Server)) }).await;
        assert!(matches!(result, Err(RetryError::Cancelled { attempts: 1 })));
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the hour-long sleep was not cut short"
        );
    }

    #[tokio::test]
    async fn cancellation_ends_a_pending_attempt() {
        let cancel = CancellationToken::new();
        cancel.cancel();
        let result: Result<(), _> = with_retries(fast(5), &cancel, std::future::pending).await;
        assert!(matches!(result, Err(RetryError::Cancelled { attempts: 1 })));
    }
}
