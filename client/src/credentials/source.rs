//! Where the credentials of every call come from: a fixed key, the ECS
//! metadata service, or an agency assumed with either. Temporary ones are
//! fetched once and shared by every read, renewed before they expire.
//!
//! One fetch at a time per source, run on its own task: its outcome, an
//! error too, reaches every read waiting for it, and a waiting read that is
//! cancelled leaves the fetch running for the others. Only a success is
//! kept: after a failure the next read that needs credentials fetches
//! again. While the cached credentials have life left (more than one
//! request timeout plus [`IN_FLIGHT_MARGIN`]), reads use them and the
//! renewal runs beside them; only reads that find no valid credentials wait
//! for it. A renewal that fails is tried again at most every
//! [`RENEWAL_RETRY_EVERY`] while the cached credentials stay valid.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::Url;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

use super::iam::{self, AssumeRole};
use super::metadata;
use super::temporary::{self, Temporary};
use crate::error::{ApiError, ErrorKind};
use crate::transport::Client;
use crate::transport::Signing;
use crate::transport::flight::{self, Ended, Flight, Lifetime, Told};
use crate::transport::retry::{self, RetryError, RetryPolicy};
use dli_signer::Credentials;

/// Credentials are handed to a request only with more than its timeout
/// plus this left, so that none expires in flight.
pub const IN_FLIGHT_MARGIN: Duration = Duration::from_secs(10);

/// While valid credentials are cached, a failed renewal is tried again at
/// most this often (the reads go on with the cached ones meanwhile).
pub const RENEWAL_RETRY_EVERY: Duration = Duration::from_secs(15);

/// How the credentials are obtained.
#[derive(Debug)]
pub enum Source {
    /// A key pair (and security token) given as is.
    Fixed(Credentials),
    /// The ECS metadata service at this base URL.
    EcsMetadata(Url),
    /// An agency, asked for with the credentials of `base`.
    AssumeRole {
        /// The credentials to ask with.
        base: Arc<CredentialProvider>,
        /// IAM's endpoint.
        auth_url: Url,
        /// The agency.
        role: AssumeRole,
    },
}

/// Why no credentials could be had.
#[derive(Clone, Debug)]
pub struct AuthError {
    /// E.g. `temporary credentials of agency "ci" in domain "acme"`.
    pub wanted: String,
    /// How the fetch ended.
    pub error: Box<RetryError>,
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot get {}: {}", self.wanted, self.error)
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.error)
    }
}

#[derive(Debug, Default)]
struct State {
    /// Temporary credentials and when to renew them.
    cached: Option<(Temporary, OffsetDateTime)>,
    /// The fetch in flight, if any.
    fetching: Option<InFlight>,
    /// When the last fetch failed (or was abandoned), to pace renewals
    /// beside valid credentials.
    failed_at: Option<Instant>,
    /// Counts the cached credentials the gateway refused after accepting
    /// them: a fetch started before a refusal may bring credentials issued
    /// before it, so it serves no read that met the refusal.
    refusals: u64,
    /// The credentials last refused: a source that hands them out again
    /// (a metadata service that has not rotated them) is an error.
    refused: Option<Credentials>,
    /// Tells fetches apart, so that one only clears its own slot.
    fetches: u64,
}

/// The one fetch in flight.
#[derive(Debug)]
struct InFlight {
    id: u64,
    /// `State::refusals` when it started.
    refusals: u64,
    flight: Flight<Result<Temporary, AuthError>>,
}

/// Hands out current credentials from a [`Source`].
#[derive(Debug)]
pub struct CredentialProvider {
    source: Source,
    state: Mutex<State>,
    now: fn() -> OffsetDateTime,
}

/// What a read does after looking at the state.
enum Step {
    Ready(Result<Credentials, AuthError>),
    /// Wait for the fetch started after `refusals` refusals.
    Wait {
        told: Told<Result<Temporary, AuthError>>,
        refusals: u64,
    },
}

impl CredentialProvider {
    /// Credentials from `source`, fetched when first needed.
    pub fn new(source: Source) -> Self {
        Self::with_clock(source, OffsetDateTime::now_utc)
    }

    /// With the clock injected, for tests of renewal.
    #[doc(hidden)]
    pub fn with_clock(source: Source, now: fn() -> OffsetDateTime) -> Self {
        CredentialProvider {
            source,
            state: Mutex::default(),
            now,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `temporary` stays valid for longer than a request may take.
    fn lasts_a_request(&self, temporary: &Temporary, client: &Client) -> bool {
        let left = temporary.expires_at - (self.now)();
        left > client.timeout().saturating_add(IN_FLIGHT_MARGIN)
    }

    /// The cached credentials if they stay valid for longer than a request
    /// may take.
    fn still_valid(&self, state: &State, client: &Client) -> Option<Credentials> {
        let (temporary, _) = state.cached.as_ref()?;
        self.lasts_a_request(temporary, client)
            .then(|| temporary.credentials.clone())
    }

    /// Whose requests the gateway counts together: the key's owner, the
    /// instance's agency, or the agency assumed (whatever temporary key
    /// each renewal brings).
    pub fn user(&self) -> String {
        match &self.source {
            Source::Fixed(credentials) => credentials.access_key.clone(),
            Source::EcsMetadata(endpoint) => format!("the ECS agency of {endpoint}"),
            Source::AssumeRole { role, .. } => {
                format!("agency {} of {}", role.agency_name, role.domain_name)
            }
        }
    }

    /// Whether credentials the gateway stops accepting can be replaced:
    /// fetched ones can, a key given as is cannot.
    pub fn renewable(&self) -> bool {
        !matches!(self.source, Source::Fixed(_))
    }

    /// The gateway refused `credentials` after it had accepted them (a
    /// revoked token): if they are the cached ones, drop them, so that the
    /// next read fetches fresh ones (one fetch, however many reads met the
    /// refusal).
    pub fn forget(&self, credentials: &Credentials) {
        let mut state = self.state();
        if state
            .cached
            .as_ref()
            .is_some_and(|(cached, _)| cached.credentials == *credentials)
        {
            tracing::debug!("dropping revoked temporary credentials");
            state.cached = None;
            state.failed_at = None;
            state.refusals += 1;
            state.refused = Some(credentials.clone());
        }
    }

    /// Credentials to sign with now. `Box::pin`: an assumed role fetches its
    /// base's first.
    pub fn credentials<'a>(
        self: &'a Arc<Self>,
        client: &'a Client,
        policy: RetryPolicy,
        cancel: &'a CancellationToken,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<Credentials, AuthError>> + Send + 'a>> {
        Box::pin(async move {
            if let Source::Fixed(credentials) = &self.source {
                return Ok(credentials.clone());
            }
            loop {
                if cancel.is_cancelled() {
                    // Before a fetch is started for a read that cannot wait.
                    return Err(self.failed(RetryError::Cancelled { attempts: 0 }));
                }
                let (told, refusals) = match self.step(client, policy, cancel) {
                    Step::Ready(result) => return result,
                    Step::Wait { told, refusals } => (told, refusals),
                };
                // A read waits only when no valid credentials are cached, so a
                // failed fetch is its error.
                match flight::wait(told, cancel).await {
                    None => return Err(self.failed(RetryError::Cancelled { attempts: 0 })),
                    // Credentials were refused while it was fetched: what it
                    // brought may be from before; look again.
                    Some(Ended::Done(Ok(_))) if self.state().refusals != refusals => continue,
                    Some(Ended::Done(Ok(fresh))) if self.was_refused(&fresh.credentials) => {
                        return Err(self.refused_again());
                    }
                    Some(Ended::Done(Ok(fresh))) if self.lasts_a_request(&fresh, client) => {
                        return Ok(fresh.credentials);
                    }
                    Some(Ended::Done(Ok(fresh))) => return Err(self.too_short(&fresh, client)),
                    Some(Ended::Done(Err(error))) => return Err(error),
                    // Nobody waited for a moment (or a renewal's starter
                    // was cancelled): look again, and fetch if need be.
                    Some(Ended::Abandoned) => continue,
                    Some(Ended::Panicked) => {
                        return Err(self.failed(RetryError::Failed {
                            error: ApiError::unanswered(
                                ErrorKind::Transport,
                                "",
                                "the credential fetch ended without an answer".into(),
                            ),
                            attempts: 0,
                        }));
                    }
                }
            }
        })
    }

    fn was_refused(&self, credentials: &Credentials) -> bool {
        self.state().refused.as_ref() == Some(credentials)
    }

    /// The source handed out again the credentials the gateway refused.
    fn refused_again(&self) -> AuthError {
        self.failed(RetryError::Failed {
            error: ApiError::unanswered(
                ErrorKind::NoCredentials,
                "",
                "it handed out again the temporary credentials the gateway had just refused \
                 (revoked); they are not sent again. Try again once the source has rotated them"
                    .into(),
            ),
            attempts: 1,
        })
    }

    fn failed(&self, error: RetryError) -> AuthError {
        AuthError {
            wanted: self.wanted(),
            error: Box::new(error),
        }
    }

    /// Fresh credentials that expire before a request could end.
    fn too_short(&self, fresh: &Temporary, client: &Client) -> AuthError {
        self.failed(RetryError::Failed {
            error: ApiError::unanswered(
                ErrorKind::NoCredentials,
                "",
                format!(
                    "the credentials handed out expire at {}, sooner than a request may take \
                     (the request timeout of {:?} plus {:?}); lower the request timeout",
                    fresh.expires_at,
                    client.timeout(),
                    IN_FLIGHT_MARGIN
                ),
            ),
            attempts: 1,
        })
    }

    /// Decides under the lock: the cached credentials (renewing them
    /// beside the read when due), or waiting for a fetch, joined or started.
    fn step(
        self: &Arc<Self>,
        client: &Client,
        policy: RetryPolicy,
        cancel: &CancellationToken,
    ) -> Step {
        let mut state = self.state();
        if let Some(valid) = self.still_valid(&state, client) {
            let renew_at = state.cached.as_ref().map(|(_, at)| *at);
            if renew_at.is_some_and(|at| (self.now)() < at) {
                return Step::Ready(Ok(valid));
            }
            let renewal_due = state
                .failed_at
                .is_none_or(|at| at.elapsed() >= RENEWAL_RETRY_EVERY);
            if state.fetching.is_none() && renewal_due {
                tracing::debug!("renewing temporary credentials beside the reads");
                // Started for nobody in particular: it lives while the
                // read that started it may (StopProvider ends it), then
                // while a read waits for it.
                let lifetime = Lifetime::StarterOrWaiters(cancel.clone());
                drop(self.start_fetch(&mut state, client, policy, lifetime));
            }
            return Step::Ready(Ok(valid));
        }
        let refusals = state.refusals;
        let told = match &state.fetching {
            Some(fetching) if fetching.refusals == refusals => fetching.flight.join(),
            // None, or one started before a refusal (its outcome is not
            // kept): a fetch of its own.
            _ => self.start_fetch(&mut state, client, policy, Lifetime::WhileWaitedFor),
        };
        Step::Wait { told, refusals }
    }

    /// Starts the one fetch, on its own task; its outcome is kept if it is
    /// a success, and told to every read waiting for it either way.
    fn start_fetch(
        self: &Arc<Self>,
        state: &mut State,
        client: &Client,
        policy: RetryPolicy,
        lifetime: Lifetime,
    ) -> Told<Result<Temporary, AuthError>> {
        let this = Arc::clone(self);
        let settled = Arc::clone(self);
        let client = client.clone();
        let renewing = client.clone();
        let fetched_at = (self.now)();
        // Not the starting read's token: its cancellation must not end the
        // fetch others wait for. The flight's lifetime bounds it.
        let fetch = async move { this.fetch(&client, policy, &CancellationToken::new()).await };
        state.fetches += 1;
        let (id, refusals) = (state.fetches, state.refusals);
        let (flight, told) = flight::start(fetch, lifetime, move |ended| {
            let mut state = settled.state();
            if state.fetching.as_ref().is_some_and(|f| f.id == id) {
                state.fetching = None;
            }
            match ended {
                Ended::Done(Ok(_)) if state.refusals != refusals => {
                    tracing::debug!("credentials fetched before a refusal are not kept");
                }
                Ended::Done(Ok(fresh)) if state.refused.as_ref() == Some(&fresh.credentials) => {
                    tracing::warn!(
                        "the credential source handed out again the credentials the gateway \
                         refused; they are not kept"
                    );
                    state.failed_at = Some(Instant::now());
                }
                Ended::Done(Ok(fresh)) => {
                    let renew_at = temporary::renew_at(fetched_at, fresh.expires_at);
                    state.cached = Some((fresh.clone(), renew_at));
                    state.failed_at = None;
                }
                Ended::Done(Err(error)) => {
                    if settled.still_valid(&state, &renewing).is_some() {
                        tracing::warn!(
                            error = %describe(error),
                            "renewing temporary credentials failed; the current ones, still \
                             valid, are used meanwhile"
                        );
                    } else {
                        tracing::debug!(error = %describe(error), "fetching temporary credentials failed");
                    }
                    state.failed_at = Some(Instant::now());
                }
                // Not started again for every read: as after a failure.
                Ended::Abandoned => {
                    tracing::debug!("the credential fetch ended: no read waits for it any more");
                    state.failed_at = Some(Instant::now());
                }
                Ended::Panicked => state.failed_at = Some(Instant::now()),
            }
        });
        state.fetching = Some(InFlight {
            id,
            refusals,
            flight,
        });
        told
    }

    /// What this source hands out, for errors.
    fn wanted(&self) -> String {
        match &self.source {
            Source::Fixed(_) => "the configured key".into(),
            Source::EcsMetadata(endpoint) => format!(
                "credentials of this instance's agency from the ECS metadata service at {endpoint}"
            ),
            Source::AssumeRole { role, .. } => format!(
                "temporary credentials of agency {:?} in domain {:?}",
                role.agency_name, role.domain_name
            ),
        }
    }

    async fn fetch(
        &self,
        client: &Client,
        policy: RetryPolicy,
        cancel: &CancellationToken,
    ) -> Result<Temporary, AuthError> {
        match &self.source {
            Source::Fixed(_) => unreachable!("fixed credentials are never fetched"),
            Source::EcsMetadata(endpoint) => {
                tracing::debug!(endpoint = %endpoint, "fetching ECS agency credentials");
                retry::with_retries(policy, cancel, || {
                    metadata::ecs_credentials(&client.metadata_http, endpoint)
                })
                .await
                .map_err(|error| self.failed(error))
            }
            Source::AssumeRole {
                base,
                auth_url,
                role,
            } => {
                tracing::debug!(
                    agency = role.agency_name.as_str(),
                    domain = role.domain_name.as_str(),
                    duration_seconds = role.duration_seconds,
                    "assuming agency"
                );
                // Each attempt signs with the base's credentials of its own
                // moment (renewed too, when the base is itself temporary).
                let signing = FromProvider {
                    provider: base,
                    client,
                    policy,
                    cancel,
                };
                retry::with_retries(policy, cancel, || {
                    iam::assume_role(client, auth_url, &signing, role)
                })
                .await
                .map_err(|error| self.failed(error))
            }
        }
    }
}

/// Signing with a provider's credentials: each attempt asks for them after
/// its wait, and renewable ones the gateway refuses after accepting them
/// are dropped so that fresh ones are fetched.
pub(crate) struct FromProvider<'a> {
    pub(crate) provider: &'a Arc<CredentialProvider>,
    pub(crate) client: &'a Client,
    pub(crate) policy: RetryPolicy,
    pub(crate) cancel: &'a CancellationToken,
}

impl Signing for FromProvider<'_> {
    fn user(&self) -> String {
        self.provider.user()
    }

    async fn credentials(&self) -> Result<Credentials, ApiError> {
        self.provider
            .credentials(self.client, self.policy, self.cancel)
            .await
            .map_err(|e| {
                let message = format!("Asking for {} failed: {}", e.wanted, e.error);
                ApiError::unanswered(ErrorKind::NoCredentials, "", message)
            })
    }

    fn renewable(&self) -> bool {
        self.provider.renewable()
    }

    fn forget(&self, credentials: &Credentials) {
        self.provider.forget(credentials);
    }
}

/// An auth error in a line, for logs.
fn describe(e: &AuthError) -> String {
    match &*e.error {
        RetryError::Failed { error, .. } | RetryError::WaitTooLong { error, .. } => {
            format!("{}: {error}", e.wanted)
        }
        RetryError::Cancelled { .. } => format!("{}: cancelled", e.wanted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fixed_credentials_need_no_call() {
        let client = Client::new(&crate::ClientOptions::new("dli-client-tests")).unwrap();
        let provider = Arc::new(CredentialProvider::new(Source::Fixed(Credentials::new(
            "AK", "SK",
        ))));
        let got = provider
            .credentials(&client, RetryPolicy::default(), &CancellationToken::new())
            .await
            .unwrap();
        assert_eq!(got.access_key, "AK");
    }
}
