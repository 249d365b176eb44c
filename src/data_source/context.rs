//! What the provider hands its data sources: the shared client and the
//! resolved settings, each with where it came from. Data sources never look
//! at the provider's configuration themselves.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use dli_client::retry::{RetryError, RetryPolicy};
use dli_client::{
    AuthError, Client, CredentialProvider, Credentials, ProjectError, ProjectLookup, Url, endpoint,
};
use tfplugin::Diagnostic;

/// One provider setting as a read sees it.
#[derive(Clone, Debug)]
pub enum Setting<T> {
    /// Set nowhere; `hint` says where it can be set, e.g. `the provider
    /// argument "region" or the environment variable HW_REGION_NAME`.
    Unset { hint: String },
    /// Set in the configuration to a value known only after apply.
    Unknown { argument: &'static str },
    /// Known; `from` says where it came from, e.g. `HW_REGION_NAME`.
    Known { value: T, from: String },
}

impl<T> Setting<T> {
    pub fn known(value: T, from: impl Into<String>) -> Self {
        Setting::Known {
            value,
            from: from.into(),
        }
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Setting::Known { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Everything a data source needs for its reads.
#[derive(Debug)]
pub struct Context {
    pub client: Client,
    pub region: Setting<String>,
    pub project_id: Setting<String>,
    pub cloud: Setting<String>,
    pub endpoint: Setting<Url>,
    /// Where credentials come from, or why there are none (missing,
    /// incomplete or unknown until apply).
    pub credentials: Result<Arc<CredentialProvider>, Diagnostic>,
    /// The project to look up in IAM when no project ID is set.
    pub project_name: Setting<String>,
    /// IAM's endpoint for the look-up.
    pub auth_url: Setting<Url>,
    /// The projects looked up, shared by every read.
    pub projects: ProjectLookup,
    pub max_retries: u32,
    /// Provider arguments unknown until apply that every request needs
    /// (TLS and retry settings); empty when all are known.
    pub unknown_for_requests: Vec<&'static str>,
}

/// What went wrong, in the service's own words.
fn retry_said(e: &RetryError) -> String {
    match e {
        RetryError::Cancelled { .. } => "cancelled (Terraform asked the provider to stop)".into(),
        RetryError::Failed { error, .. } => error.to_string(),
        RetryError::WaitTooLong { error, sent, limit } => format!(
            "{error}; it sent \"Retry-After: {sent}\", longer than the {} s this provider waits",
            limit.as_secs()
        ),
        other => other.to_string(),
    }
}

fn auth_failure(e: &AuthError) -> Diagnostic {
    Diagnostic::error(
        "Cannot get credentials",
        format!("Asking for {} failed: {}.", e.wanted, retry_said(&e.error)),
    )
}

/// Where a read sends its requests, and how that was decided, for errors.
#[derive(Clone, Debug)]
pub struct Target {
    pub base: Url,
    /// The region the read is for, when one is known.
    pub region: Option<String>,
    /// E.g. `region "cn-north-4" (HW_REGION_NAME), cloud "myhuaweicloud.com" (default)`.
    pub origin: String,
}

/// A data source's own value for an argument the provider also has.
pub struct Own<'a> {
    pub argument: &'static str,
    pub value: Option<&'a str>,
}

/// The cloud a region's endpoints are in: the configured one, else the
/// region's default. One known only after apply is said so (`needed_for`
/// says why the read needs it), never taken for the default.
pub fn cloud_of<'a>(
    cloud: &'a Setting<String>,
    region: &str,
    needed_for: &str,
) -> Result<&'a str, Diagnostic> {
    match cloud {
        Setting::Known { value, .. } => Ok(value.as_str()),
        Setting::Unknown { argument } => Err(unknown_until_apply(argument, needed_for)),
        Setting::Unset { .. } => Ok(endpoint::default_cloud(region)),
    }
}

pub fn unknown_until_apply(argument: &str, needed_for: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Provider argument \"{argument}\" not known yet"),
        format!(
            "The provider's \"{argument}\" is known only after apply, and this read needs it \
             {needed_for}. Give the provider a value known at plan time."
        ),
    )
}

impl Context {
    /// Fails when a provider argument that every request needs is unknown.
    pub fn check_requests_possible(&self) -> Result<(), Diagnostic> {
        match self.unknown_for_requests.as_slice() {
            [] => Ok(()),
            unknown => Err(Diagnostic::error(
                "Provider configuration not known yet",
                format!(
                    "The provider arguments {} are known only after apply, and every request \
                     depends on them. Give the provider values known at plan time.",
                    unknown.join(", ")
                ),
            )),
        }
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_retries: self.max_retries,
            ..RetryPolicy::default()
        }
    }

    /// Where the credentials come from, or why there are none.
    pub fn credential_provider(&self) -> Result<&Arc<CredentialProvider>, Diagnostic> {
        self.credentials.as_ref().map_err(Clone::clone)
    }

    /// The credentials to sign with now (fetching temporary ones if due).
    pub async fn credentials(&self, cancel: &CancellationToken) -> Result<Credentials, Diagnostic> {
        self.credential_provider()?
            .credentials(&self.client, self.retry_policy(), cancel)
            .await
            .map_err(|e| auth_failure(&e))
    }

    /// The project of a read: the data source's own, else the provider's,
    /// else the one IAM knows by `project_name` (or the region's name), looked
    /// up once per region however many reads wait for it.
    pub async fn project_id(
        &self,
        own: &Own<'_>,
        target: &Target,
        credentials: &Arc<CredentialProvider>,
        cancel: &CancellationToken,
    ) -> Result<String, Diagnostic> {
        if let Some(project_id) = own.value {
            return Ok(project_id.to_owned());
        }
        match &self.project_id {
            Setting::Known { value, .. } => Ok(value.clone()),
            Setting::Unknown { argument } => Err(unknown_until_apply(
                argument,
                "to know the project; or set this data source's project_id",
            )),
            Setting::Unset { hint } => {
                let name = match (&self.project_name, &target.region) {
                    (Setting::Known { value, .. }, _) => value.clone(),
                    (Setting::Unknown { argument }, _) => {
                        return Err(unknown_until_apply(argument, "to look up the project"));
                    }
                    (Setting::Unset { .. }, Some(region)) => region.clone(),
                    (Setting::Unset { .. }, None) => {
                        return Err(Diagnostic::error(
                            "Missing project_id",
                            format!(
                                "No project is set for this read, and no region to look it up \
                                 by. Set {hint}, or this data source's \"{}\".",
                                own.argument
                            ),
                        ));
                    }
                };
                let auth_url = self.auth_url(target)?;
                self.projects
                    .project_id(
                        &self.client,
                        self.retry_policy(),
                        &auth_url,
                        &name,
                        credentials,
                        cancel,
                    )
                    .await
                    .map_err(|e| project_failure(&e))
            }
        }
    }

    /// IAM's endpoint for a read: the provider's `auth_url`, else the one
    /// of the read's region.
    fn auth_url(&self, target: &Target) -> Result<Url, Diagnostic> {
        match &self.auth_url {
            Setting::Known { value, .. } => return Ok(value.clone()),
            Setting::Unknown { argument } => {
                return Err(unknown_until_apply(argument, "to look up the project"));
            }
            Setting::Unset { .. } => {}
        }
        let missing = |why: String| {
            Diagnostic::error(
                "Cannot look up the project",
                format!(
                    "No project_id is set, and {why}. Set project_id, or auth_url (HW_AUTH_URL) \
                     so that the project can be looked up."
                ),
            )
        };
        let region = target
            .region
            .as_deref()
            .ok_or_else(|| missing("no region to find IAM by".into()))?;
        // IAM follows the configured cloud: one unknown until apply is said
        // so, never taken for the default.
        let cloud = cloud_of(&self.cloud, region, "to find IAM to look up the project")?;
        endpoint::iam_url(region, cloud).map_err(missing)
    }

    /// Where a read goes: the provider's endpoint when set, else
    /// `dli.{region}.{cloud}` with the data source's own region, if any.
    /// A data source region that cannot take effect is an error on it.
    pub fn target(&self, own_region: &Own<'_>) -> Result<Target, Diagnostic> {
        match &self.endpoint {
            Setting::Known { value, from } => {
                if let Some(region) = own_region.value {
                    return Err(Diagnostic::error(
                        "region has no effect with an endpoint",
                        format!(
                            "This data source asks for region {region:?}, but the provider \
                             sends every request to its endpoint {value} ({from}), so the \
                             region cannot take effect. Remove the data source's region, or \
                             use a provider without endpoint (an aliased provider) for that \
                             region."
                        ),
                    )
                    .at(own_region.argument));
                }
                return Ok(Target {
                    base: value.clone(),
                    region: self.region.value().cloned(),
                    origin: format!("endpoint ({from})"),
                });
            }
            Setting::Unknown { argument } => {
                return Err(unknown_until_apply(argument, "to know where to send it"));
            }
            Setting::Unset { .. } => {}
        }
        let (region, region_from) = match (own_region.value, &self.region) {
            (Some(region), _) => (
                region.to_owned(),
                format!("this data source's \"{}\"", own_region.argument),
            ),
            (None, Setting::Known { value, from }) => (value.clone(), from.clone()),
            (None, Setting::Unknown { argument }) => {
                return Err(unknown_until_apply(
                    argument,
                    "to know where to send it; or set this data source's region",
                ));
            }
            (None, Setting::Unset { hint }) => {
                return Err(Diagnostic::error(
                    "Cannot tell where the DLI API is",
                    format!(
                        "No region is set, and no endpoint to use instead. Set {hint}, or this \
                         data source's \"{}\".",
                        own_region.argument
                    ),
                ));
            }
        };
        let (cloud, cloud_from) = match &self.cloud {
            Setting::Known { value, from } => (value.clone(), from.clone()),
            Setting::Unknown { argument } => {
                return Err(unknown_until_apply(argument, "to know where to send it"));
            }
            Setting::Unset { .. } => (
                endpoint::default_cloud(&region).to_owned(),
                "default".into(),
            ),
        };
        let base = endpoint::resolve(None, Some(&region), Some(&cloud)).map_err(|why| {
            Diagnostic::error(
                "Cannot tell where the DLI API is",
                format!("{why} (region from {region_from}, cloud from {cloud_from})."),
            )
        })?;
        Ok(Target {
            base,
            origin: format!("region {region:?} ({region_from}) and cloud {cloud:?} ({cloud_from})"),
            region: Some(region),
        })
    }
}

/// A failed project look-up, in the provider's words.
fn project_failure(e: &ProjectError) -> Diagnostic {
    let failed = |detail: String| Diagnostic::error("Cannot look up the project", detail);
    match e {
        ProjectError::Failed {
            auth_url,
            name,
            error,
        } => failed(format!(
            "Asking IAM at {auth_url} for the project {name:?} failed: {}. Set project_id to \
             skip the look-up.",
            retry_said(error)
        )),
        ProjectError::NotFound { auth_url, name } => Diagnostic::error(
            format!("No project {name:?} for these credentials"),
            format!(
                "IAM at {auth_url} lists no project named {name:?} that these credentials can \
                 see: wrong region, or no access to it. Check the region (or project_name), \
                 or set project_id."
            ),
        ),
        ProjectError::Several { name, ids } => Diagnostic::error(
            format!("Several projects are named {name:?}"),
            format!(
                "IAM lists the projects {} under this name. Set project_id to the one you mean.",
                ids.join(", ")
            ),
        ),
        ProjectError::NoAnswer => {
            failed("The project look-up ended without an answer. Set project_id to skip it.".into())
        }
        ProjectError::Cancelled => failed(
            "Cancelled (Terraform asked the provider to stop) while the project was looked up."
                .into(),
        ),
        other => failed(format!("{other}. Set project_id to skip the look-up.")),
    }
}
