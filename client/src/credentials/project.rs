//! IAM's project look-up, shared by every read: one look-up per IAM
//! endpoint and project name runs on its own task, and the reads that need
//! it wait for that one. Only a project found is kept; a failure reaches the
//! reads that waited for that look-up, and the next read looks up again. A
//! waiting read that is cancelled leaves the look-up running for the others;
//! once none waits (StopProvider cancels them all), it ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use reqwest::Url;
use tokio_util::sync::CancellationToken;

use super::iam;
use super::source::{CredentialProvider, FromProvider};
use crate::transport::Client;
use crate::transport::flight::{self, Ended, Flight, Told};
use crate::transport::retry::{self, RetryError, RetryPolicy};

/// Why no project ID could be had.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectError {
    /// Asking IAM failed (after retries).
    #[error("asking IAM at {auth_url} for the project {name:?} failed: {error}")]
    Failed {
        /// IAM's endpoint.
        auth_url: Url,
        /// The project name asked for.
        name: String,
        /// How the call ended.
        #[source]
        error: RetryError,
    },
    /// IAM lists no project by that name that the credentials can see.
    #[error("IAM at {auth_url} lists no project named {name:?} for these credentials")]
    NotFound {
        /// IAM's endpoint.
        auth_url: Url,
        /// The project name asked for.
        name: String,
    },
    /// IAM lists several projects by that name.
    #[error("IAM lists several projects named {name:?}: {}", ids.join(", "))]
    Several {
        /// The project name asked for.
        name: String,
        /// Their IDs.
        ids: Vec<String>,
    },
    /// The waiting read was cancelled; the look-up goes on while others
    /// wait for it.
    #[error("cancelled while the project was looked up")]
    Cancelled,
    /// The look-up's task ended without an answer (it panicked).
    #[error("the project look-up ended without an answer")]
    NoAnswer,
}

/// Looked-up project IDs, one per IAM endpoint and project name. Cheap to
/// share behind a reference; one per client is enough.
#[derive(Debug, Default)]
pub struct ProjectLookup {
    found: Arc<Mutex<HashMap<String, LookUp>>>,
}

/// How one look-up ended.
type LookedUp = Result<String, ProjectError>;

/// A project found, or the one look-up in flight that reads wait for.
#[derive(Debug)]
enum LookUp {
    Found(String),
    InFlight(Flight<LookedUp>),
}

/// One look-up's question.
struct Question {
    auth_url: Url,
    name: String,
    credentials: Arc<CredentialProvider>,
    policy: RetryPolicy,
}

impl ProjectLookup {
    /// The ID of the project named `name` in IAM at `auth_url`: found
    /// before, or from the look-up in flight, or from one started now, each
    /// of its attempts signed with `credentials` of that moment.
    pub async fn project_id(
        &self,
        client: &Client,
        policy: RetryPolicy,
        auth_url: &Url,
        name: &str,
        credentials: &Arc<CredentialProvider>,
        cancel: &CancellationToken,
    ) -> Result<String, ProjectError> {
        let key = format!("{auth_url} {name}");
        loop {
            let told = {
                let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
                match found.get(&key) {
                    Some(LookUp::Found(id)) => return Ok(id.clone()),
                    Some(LookUp::InFlight(flight)) => flight.join(),
                    None => {
                        let question = Question {
                            auth_url: auth_url.clone(),
                            name: name.to_owned(),
                            credentials: Arc::clone(credentials),
                            policy,
                        };
                        let (flight, told) = self.start(key.clone(), client, question);
                        found.insert(key.clone(), LookUp::InFlight(flight));
                        told
                    }
                }
            };
            match flight::wait(told, cancel).await {
                Some(Ended::Done(result)) => return result,
                // No read waited for a moment: look again.
                Some(Ended::Abandoned) => continue,
                Some(Ended::Panicked) => return Err(ProjectError::NoAnswer),
                None => return Err(ProjectError::Cancelled),
            }
        }
    }

    /// Starts the look-up of `key`: a project found is kept under it, a
    /// failure forgets it, before any waiting read is told.
    fn start(
        &self,
        key: String,
        client: &Client,
        question: Question,
    ) -> (Flight<LookedUp>, Told<LookedUp>) {
        let found = Arc::clone(&self.found);
        let client = client.clone();
        let look_up = async move { look_up(&client, question).await };
        // It ends when no read waits for it any more (StopProvider too).
        flight::start(look_up, flight::Lifetime::WhileWaitedFor, move |ended| {
            let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
            match ended {
                Ended::Done(Ok(id)) => found.insert(key, LookUp::Found(id.clone())),
                _ => found.remove(&key),
            };
        })
    }
}

/// Asks IAM for the project: exactly one, or an error.
async fn look_up(client: &Client, question: Question) -> Result<String, ProjectError> {
    let Question {
        auth_url,
        name,
        credentials,
        policy,
    } = question;
    tracing::debug!(project_name = name, "looking up the project in IAM");
    // The look-up serves every read that waits for it: none of them can
    // cancel it (it ends when none waits any more).
    let never = CancellationToken::new();
    let signing = FromProvider {
        provider: &credentials,
        client,
        policy,
        cancel: &never,
    };
    let found = retry::with_retries(policy, &never, || {
        iam::projects_named(client, &auth_url, &signing, &name)
    })
    .await;
    let found = match found {
        Ok(found) => found,
        Err(error) => {
            return Err(ProjectError::Failed {
                auth_url,
                name,
                error,
            });
        }
    };
    match found.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(ProjectError::NotFound { auth_url, name }),
        several => Err(ProjectError::Several {
            name,
            ids: several.iter().map(|p| p.id.clone()).collect(),
        }),
    }
}
