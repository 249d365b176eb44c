//! The `dli` provider: its arguments, how they resolve, and the context (one
//! shared HTTP client and the resolved settings) it hands its data sources.

pub mod config;
pub mod credentials;
mod files;
pub mod schema;
pub mod shared_config;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::data_source::context::ProjectLookup;
use crate::data_source::{Context, DataSource, Setting, enhanced_connection, enhanced_connections};
use crate::dli::auth::CredentialProvider;
use crate::dli::{Client, ClientOptions};
use crate::plugin::{Diagnostic, Provider, ProviderSchemas, Value};
use config::{Settings, SharedConfigChoice, Source};
use shared_config::Profile;

/// The provider's source address in the registry.
pub const ADDRESS: &str = "registry.terraform.io/dli-community/dli";

/// Every data source of the provider.
pub fn data_sources() -> Vec<Box<dyn DataSource>> {
    vec![
        Box::new(enhanced_connection::EnhancedConnection),
        Box::new(enhanced_connections::EnhancedConnections),
    ]
}

/// Looks up an environment variable; injectable so tests need not touch the
/// process environment.
type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

pub struct DliProvider {
    schemas: ProviderSchemas,
    data_sources: BTreeMap<&'static str, Box<dyn DataSource>>,
    /// What ConfigureProvider leaves for the reads; one client, so
    /// concurrent reads share a connection pool.
    context: RwLock<Option<Arc<Context>>>,
    env: EnvLookup,
}

impl DliProvider {
    /// A provider that reads its environment variables from the process.
    pub fn new() -> Self {
        Self::with_env(|name| std::env::var(name).ok())
    }

    /// A provider with its environment supplied, for tests.
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        let data_sources: BTreeMap<_, _> = data_sources()
            .into_iter()
            .map(|ds| (ds.type_name(), ds))
            .collect();
        DliProvider {
            schemas: ProviderSchemas {
                provider: schema::provider_schema(),
                data_sources: data_sources
                    .iter()
                    .map(|(name, ds)| (*name, ds.schema()))
                    .collect(),
            },
            data_sources,
            context: RwLock::new(None),
            env: Box::new(env),
        }
    }

    fn context(&self) -> Option<Arc<Context>> {
        self.context
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn data_source(&self, type_name: &str) -> Result<&dyn DataSource, Diagnostic> {
        self.data_sources
            .get(type_name)
            .map(|ds| &**ds)
            .ok_or_else(|| {
                Diagnostic::error(
                    "Unknown data source type",
                    format!("This provider has no data source {type_name:?}."),
                )
            })
    }
}

impl Default for DliProvider {
    fn default() -> Self {
        Self::new()
    }
}

async fn client_options(settings: &Settings) -> Result<ClientOptions, Diagnostic> {
    let ca_bundle_pem = match &settings.cacert_file {
        None => None,
        Some((path, source)) => Some(
            files::read_regular(path, MAX_CA_BUNDLE_BYTES)
                .await
                .map_err(|why| {
                    ca_bundle_error(*source, format!("{path:?} could not be read: {why}."))
                })?,
        ),
    };
    Ok(ClientOptions {
        insecure: settings.insecure,
        ca_bundle_pem,
        timeout: settings.request_timeout,
        ..ClientOptions::default()
    })
}

/// A CA bundle is at most this large.
const MAX_CA_BUNDLE_BYTES: u64 = 4 * 1024 * 1024;

/// An hcloud configuration file is at most this large.
const MAX_SHARED_CONFIG_BYTES: u64 = 1024 * 1024;

/// A CA bundle problem: on the argument when it came from the configuration.
fn ca_bundle_error(source: Source, why: String) -> Diagnostic {
    source.locate(Diagnostic::error(
        "Cannot use the CA bundle",
        format!("The CA bundle from {source}: {why}"),
    ))
}

impl DliProvider {
    /// Reads the named hcloud profile; a problem is one error naming the
    /// file and the profile.
    async fn load_profile(&self, choice: &SharedConfigChoice) -> Result<Profile, Diagnostic> {
        let path = match &choice.file {
            Some((path, _)) => path.clone(),
            None => match (self.env)("HOME") {
                Some(home) => format!("{home}/.hcloud/config.json"),
                None => "~/.hcloud/config.json".to_owned(),
            },
        };
        let profile = choice.profile.as_ref().map(|(name, _)| name.as_str());
        let shown = match profile {
            Some(name) => format!("profile {name:?} of {path}"),
            None => format!("the current profile of {path}"),
        };
        let parsed = match files::read_regular(&path, MAX_SHARED_CONFIG_BYTES).await {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => shared_config::parse(&text, profile),
                Err(_) => Err("it is not UTF-8 text".into()),
            },
            Err(why) => Err(format!("it cannot be read: {why}")),
        };
        parsed.map_err(|why| {
            let d = Diagnostic::error(
                "Cannot use the hcloud profile",
                format!("Reading {shown} for credentials failed: {why}. Nothing was sent."),
            );
            // On whichever of the two was written in the configuration.
            match [&choice.file, &choice.profile]
                .into_iter()
                .flatten()
                .find(|(_, source)| matches!(source, Source::Argument(_)))
            {
                Some((_, source)) => source.locate(d),
                None => d,
            }
        })
    }
}

/// A setting that the profile fills when nothing else set it.
fn or_from_profile(
    setting: Setting<String>,
    value: Option<&String>,
    profile: &Profile,
) -> Setting<String> {
    match (setting, value) {
        (Setting::Unset { .. }, Some(value)) => {
            Setting::known(value.clone(), format!("hcloud profile {:?}", profile.name))
        }
        (setting, _) => setting,
    }
}

#[async_trait]
impl Provider for DliProvider {
    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    async fn validate_provider_config(&self, config: &Value) -> Vec<Diagnostic> {
        config::resolve(config, &*self.env)
            .err()
            .unwrap_or_default()
    }

    async fn configure_provider(
        &self,
        config: &Value,
        _terraform_version: &str,
    ) -> Vec<Diagnostic> {
        let settings = match config::resolve(config, &*self.env) {
            Ok(settings) => settings,
            Err(diagnostics) => return diagnostics,
        };
        let options = match client_options(&settings).await {
            Ok(options) => options,
            Err(d) => return vec![d],
        };
        let client = match Client::new(&options) {
            Ok(client) => client,
            Err(why) => {
                return vec![match &settings.cacert_file {
                    Some((_, source)) if options.ca_bundle_pem.is_some() => {
                        ca_bundle_error(*source, why)
                    }
                    _ => Diagnostic::error("Cannot set up the DLI client", why),
                }];
            }
        };
        tracing::debug!(
            region = settings.region.value().map_or("", String::as_str),
            endpoint = settings.endpoint.value().map_or("", |u| u.as_str()),
            max_retries = settings.max_retries,
            "provider configured"
        );
        // A profile is read only when it is the credentials' source.
        let choice = credentials::choose(&settings);
        let profile = match &choice {
            credentials::Choice::Profile(named) => match self.load_profile(named).await {
                Ok(profile) => Some(profile),
                Err(d) => return vec![d],
            },
            _ => None,
        };
        let credentials = credentials::source(&settings, choice.with_profile(profile.as_ref()))
            .map(|source| Arc::new(CredentialProvider::new(source)));
        let (region, project_id) = match &profile {
            Some(p) => (
                or_from_profile(settings.region.clone(), p.region.as_ref(), p),
                or_from_profile(settings.project_id.clone(), p.project_id.as_ref(), p),
            ),
            None => (settings.region.clone(), settings.project_id.clone()),
        };
        let context = Context {
            client,
            credentials,
            unknown_for_requests: settings.unknown_for_requests(),
            max_retries: settings.max_retries,
            project_lookup: ProjectLookup::new(settings.project_name, settings.auth_url),
            region,
            project_id,
            cloud: settings.cloud,
            endpoint: settings.endpoint,
        };
        *self.context.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(context));
        Vec::new()
    }

    async fn validate_data_source_config(
        &self,
        type_name: &str,
        config: &Value,
    ) -> Vec<Diagnostic> {
        match self.data_source(type_name) {
            Ok(ds) => ds.validate(config),
            Err(d) => vec![d],
        }
    }

    async fn read_data_source(
        &self,
        type_name: &str,
        config: &Value,
        cancel: CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>> {
        let Some(context) = self.context() else {
            return Err(vec![Diagnostic::error(
                "Provider not configured",
                "Terraform read a data source before configuring the provider. This is a bug; please report it.",
            )]);
        };
        let ds = self.data_source(type_name).map_err(|d| vec![d])?;
        // A read's config is wholly known, but Terraform validates it only
        // when it chooses to: check it again, for every data source.
        let problems = ds.validate(config);
        if !problems.is_empty() {
            return Err(problems);
        }
        ds.read(&context, config, &cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::AttributePath;

    fn config(pairs: &[(&str, &str)]) -> Value {
        Value::object(
            pairs
                .iter()
                .map(|(k, v)| (*k, Value::String((*v).to_owned()))),
        )
    }

    #[tokio::test]
    async fn cacert_file_errors_point_at_the_argument_only_when_it_came_from_it() {
        let missing = "/nonexistent/ca.pem";
        let from_argument = DliProvider::with_env(|_| None)
            .configure_provider(&config(&[("cacert_file", missing)]), "1.11.4")
            .await;
        assert_eq!(
            from_argument[0].attribute,
            Some(AttributePath::attribute("cacert_file"))
        );
        let from_env = DliProvider::with_env(move |name| {
            (name == "HW_CACERT_FILE").then(|| missing.to_owned())
        })
        .configure_provider(&Value::Null, "1.11.4")
        .await;
        assert_eq!(from_env[0].attribute, None);
        assert!(
            from_env[0].detail.contains("HW_CACERT_FILE"),
            "{}",
            from_env[0]
        );
    }

    #[tokio::test]
    async fn a_cacert_file_that_is_not_a_regular_file_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("ca.pem");
        let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let dir_path = dir.path().to_str().unwrap().to_owned();
        for path in [fifo.to_str().unwrap(), dir_path.as_str()] {
            let got = DliProvider::with_env(|_| None)
                .configure_provider(&config(&[("cacert_file", path)]), "1.11.4")
                .await;
            assert!(got[0].detail.contains("not a regular file"), "{}", got[0]);
            assert_eq!(
                got[0].attribute,
                Some(AttributePath::attribute("cacert_file"))
            );
        }
    }

    #[test]
    fn every_data_source_is_served_under_its_type_name() {
        let provider = DliProvider::with_env(|_| None);
        for ds in data_sources() {
            assert!(provider.schemas().data_sources.contains_key(ds.type_name()));
            assert!(provider.data_source(ds.type_name()).is_ok());
        }
    }
}
