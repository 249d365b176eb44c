//! What the provider hands its data sources: the shared client and the
//! resolved settings, each with where it came from. Data sources never look
//! at the provider's configuration themselves.

use reqwest::Url;

use crate::dli::{Client, Credentials, endpoint};
use crate::plugin::Diagnostic;

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
    /// The credentials, or why there are none (missing, incomplete or
    /// unknown until apply).
    pub credentials: Result<Credentials, Diagnostic>,
    pub max_retries: u32,
    /// Provider arguments unknown until apply that every request needs
    /// (TLS and retry settings); empty when all are known.
    pub unknown_for_requests: Vec<&'static str>,
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

fn unknown_until_apply(argument: &str, needed_for: &str) -> Diagnostic {
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

    pub fn credentials(&self) -> Result<Credentials, Diagnostic> {
        self.credentials.clone()
    }

    /// The project of a read: the data source's own, else the provider's.
    pub fn project_id(&self, own: &Own<'_>) -> Result<String, Diagnostic> {
        if let Some(project_id) = own.value {
            return Ok(project_id.to_owned());
        }
        match &self.project_id {
            Setting::Known { value, .. } => Ok(value.clone()),
            Setting::Unknown { argument } => Err(unknown_until_apply(
                argument,
                "to know the project; or set this data source's project_id",
            )),
            Setting::Unset { hint } => Err(Diagnostic::error(
                "Missing project_id",
                format!(
                    "No project is set for this read. Set {hint}, or this data source's \
                     \"{}\".",
                    own.argument
                ),
            )),
        }
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
