//! Where the credentials of every call come from: a fixed key, the ECS
//! metadata service, or an agency assumed with either. Temporary ones are
//! fetched once, shared by every read, and renewed before they expire; one
//! fetch at a time however many reads wait.

use reqwest::Url;
use time::OffsetDateTime;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use super::client::Client;
use super::credentials::Credentials;
use super::iam::{self, AssumeRole};
use super::retry::{self, RetryError, RetryPolicy};
use super::temporary::{self, Temporary};

/// How the credentials are obtained.
#[derive(Debug)]
pub enum Source {
    Fixed(Credentials),
    /// The ECS metadata service at this base URL.
    EcsMetadata(Url),
    /// An agency, asked for with the credentials of `base`.
    AssumeRole {
        base: Box<CredentialProvider>,
        auth_url: Url,
        role: AssumeRole,
    },
}

/// Why no credentials could be had.
#[derive(Debug)]
pub struct AuthError {
    /// E.g. `temporary credentials of agency "ci" in domain "acme"`.
    pub wanted: String,
    pub error: RetryError,
}

/// Hands out current credentials from a [`Source`].
#[derive(Debug)]
pub struct CredentialProvider {
    source: Source,
    /// Temporary credentials and when to renew them.
    cached: Mutex<Option<(Temporary, OffsetDateTime)>>,
    now: fn() -> OffsetDateTime,
}

impl CredentialProvider {
    pub fn new(source: Source) -> Self {
        Self::with_clock(source, OffsetDateTime::now_utc)
    }

    /// With the clock injected, for tests of renewal.
    pub fn with_clock(source: Source, now: fn() -> OffsetDateTime) -> Self {
        CredentialProvider {
            source,
            cached: Mutex::new(None),
            now,
        }
    }

    /// Credentials to sign with now. `Box::pin`: an assumed role fetches its
    /// base's first.
    pub fn credentials<'a>(
        &'a self,
        client: &'a Client,
        policy: RetryPolicy,
        cancel: &'a CancellationToken,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<Credentials, AuthError>> + Send + 'a>> {
        Box::pin(async move {
            if let Source::Fixed(credentials) = &self.source {
                return Ok(credentials.clone());
            }
            // Held across the fetch: concurrent reads wait for one fetch.
            let mut cached = self.cached.lock().await;
            let now = (self.now)();
            if let Some((temporary, renew_at)) = &*cached
                && now < *renew_at
            {
                return Ok(temporary.credentials.clone());
            }
            let fresh = self.fetch(client, policy, cancel).await?;
            let renew_at = temporary::renew_at(now, fresh.expires_at);
            let credentials = fresh.credentials.clone();
            *cached = Some((fresh, renew_at));
            Ok(credentials)
        })
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
                retry::with_retries(policy, cancel, || client.ecs_credentials(endpoint))
                    .await
                    .map_err(|error| AuthError {
                        wanted: format!(
                            "credentials of this instance's agency from the ECS metadata service at {endpoint}"
                        ),
                        error,
                    })
            }
            Source::AssumeRole {
                base,
                auth_url,
                role,
            } => {
                let permanent = base.credentials(client, policy, cancel).await?;
                tracing::debug!(
                    agency = role.agency_name.as_str(),
                    domain = role.domain_name.as_str(),
                    duration_seconds = role.duration_seconds,
                    "assuming agency"
                );
                retry::with_retries(policy, cancel, || {
                    iam::assume_role(client, auth_url, &permanent, role)
                })
                .await
                .map_err(|error| AuthError {
                    wanted: format!(
                        "temporary credentials of agency {:?} in domain {:?}",
                        role.agency_name, role.domain_name
                    ),
                    error,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fixed_credentials_need_no_call() {
        let client = Client::new(&Default::default()).unwrap();
        let provider = CredentialProvider::new(Source::Fixed(Credentials::new("AK", "SK")));
        let got = provider
            .credentials(&client, RetryPolicy::default(), &CancellationToken::new())
            .await
            .unwrap();
        assert_eq!(got.access_key, "AK");
    }
}
