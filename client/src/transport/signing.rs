//! Who signs a request: the user whose requests the gateway paces, and the
//! credentials of each attempt, asked for only once the attempt's wait for
//! its turn is over (so that none expires during a pause).

use crate::error::ApiError;
use dli_signer::Credentials;

/// Where an attempt's credentials come from.
pub(crate) trait Signing: Sync {
    /// Whose requests the gateway counts against one rate limit (it limits
    /// a user, whatever key that user signs with): one pace per user.
    fn user(&self) -> String;

    /// The credentials to sign this attempt with.
    fn credentials(&self) -> impl Future<Output = Result<Credentials, ApiError>> + Send;

    /// Whether credentials the gateway stops accepting (a revoked or
    /// expired token) can be replaced by fresh ones.
    fn renewable(&self) -> bool {
        false
    }

    /// The gateway refused `credentials` after accepting them: drop them,
    /// so that the next [`Signing::credentials`] fetches fresh ones.
    fn forget(&self, _credentials: &Credentials) {}
}

/// A key given as is: its own user, never renewed.
impl Signing for Credentials {
    fn user(&self) -> String {
        self.access_key.clone()
    }

    async fn credentials(&self) -> Result<Credentials, ApiError> {
        Ok(self.clone())
    }
}
