//! The `dli` provider: its arguments, how they resolve, and the context (one
//! shared HTTP client and the resolved settings) it hands its data sources.

pub mod config;
pub mod credentials;
mod files;
pub mod schema;

use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::{Diagnostic, Provider, Schema, Value};

use crate::data_source::{
    Context, DataSource, Setting, elastic_resource_pool, elastic_resource_pools,
    enhanced_connection, enhanced_connection_privileges, enhanced_connections, queue, queues,
};
use config::{Settings, SharedConfigChoice, Source};
use dli_client::profile::{self, Profile};
use dli_client::{Client, ClientOptions, CredentialProvider, ProjectLookup};

/// The provider's source address in the registry.
pub const ADDRESS: &str = "registry.terraform.io/dli-community/dli";

/// Every data source of the provider.
pub fn data_sources() -> Vec<Box<DataSource>> {
    vec![
        Box::new(enhanced_connection::EnhancedConnection),
        Box::new(enhanced_connection_privileges::EnhancedConnectionPrivileges),
        Box::new(enhanced_connections::EnhancedConnections),
        Box::new(elastic_resource_pool::ElasticResourcePool),
        Box::new(elastic_resource_pools::ElasticResourcePools),
        Box::new(queue::by_name::Queue),
        Box::new(queues::Queues),
    ]
}

/// Looks up an environment variable; injectable so tests need not touch the
/// process environment.
type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The `dli` provider: its configuration resolves into the [`Context`]
/// every read is handed (one client, so concurrent reads share a
/// connection pool).
pub struct DliProvider {
    env: EnvLookup,
}

impl DliProvider {
    /// A provider that reads its environment variables from the process.
    pub fn new() -> Self {
        Self::with_env(|name| std::env::var(name).ok())
    }

    /// A provider with its environment supplied, for tests.
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        DliProvider { env: Box::new(env) }
    }
}

impl Default for DliProvider {
    fn default() -> Self {
        Self::new()
    }
}

/// `terraform-provider-dli/0.1.0 Terraform/1.11.4`: this provider and the
/// CLI that runs it. A version that is not a plain token is left out, so
/// that no CLI can make the header invalid.
fn user_agent(terraform_version: &str) -> String {
    let provider = concat!("terraform-provider-dli/", env!("CARGO_PKG_VERSION"));
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+');
    if terraform_version.is_empty()
        || terraform_version.len() > 64
        || !terraform_version.chars().all(plain)
    {
        return provider.to_owned();
    }
    format!("{provider} Terraform/{terraform_version}")
}

async fn client_options(
    settings: &Settings,
    terraform_version: &str,
) -> Result<ClientOptions, Diagnostic> {
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
        ..ClientOptions::new(user_agent(terraform_version))
    })
}

/// A CA bundle is at most this large.
const MAX_CA_BUNDLE_BYTES: u64 = 4 * 1024 * 1024;

/// An hcloud configuration file is at most this large.
const MAX_SHARED_CONFIG_BYTES: u64 = 1024 * 1024;

/// The variable naming the home directory, and the path separator: hcloud
/// keeps its configuration in `.hcloud/config.json` under it.
#[cfg(not(windows))]
const HOME: (&str, char) = ("HOME", '/');
#[cfg(windows)]
const HOME: (&str, char) = ("USERPROFILE", '\\');

/// hcloud's configuration file: `~/.hcloud/config.json`, on Windows
/// `%USERPROFILE%\.hcloud\config.json`.
fn default_shared_config(env: impl Fn(&str) -> Option<String>) -> String {
    shared_config_under(HOME, env)
}

fn shared_config_under(
    (variable, separator): (&str, char),
    env: impl Fn(&str) -> Option<String>,
) -> String {
    let home = env(variable).unwrap_or_else(|| match separator {
        '/' => "~".to_owned(),
        _ => format!("%{variable}%"),
    });
    format!("{home}{separator}.hcloud{separator}config.json")
}

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
            None => default_shared_config(&self.env),
        };
        let wanted = choice.profile.as_ref().map(|(name, _)| name.as_str());
        let shown = match wanted {
            Some(name) => format!("profile {name:?} of {path}"),
            None => format!("the current profile of {path}"),
        };
        let parsed = match files::read_regular(&path, MAX_SHARED_CONFIG_BYTES).await {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => profile::parse(&text, wanted),
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
    type Configured = Context;

    fn schema(&self) -> Schema {
        schema::provider_schema()
    }

    fn data_sources(&self) -> Vec<Box<DataSource>> {
        data_sources()
    }

    fn functions(&self) -> Vec<Box<dyn tfplugin::Function>> {
        crate::function::functions()
    }

    async fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        config::resolve(config, &*self.env)
            .err()
            .unwrap_or_default()
    }

    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
    ) -> Result<Context, Vec<Diagnostic>> {
        let settings = config::resolve(config, &*self.env)?;
        let options = client_options(&settings, terraform_version)
            .await
            .map_err(|d| vec![d])?;
        let client = match Client::new(&options) {
            Ok(client) => client,
            Err(why) => {
                return Err(vec![match &settings.cacert_file {
                    Some((_, source)) if options.ca_bundle_pem.is_some() => {
                        ca_bundle_error(*source, why.to_string())
                    }
                    _ => Diagnostic::error("Cannot set up the DLI client", why.to_string()),
                }]);
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
                Err(d) => return Err(vec![d]),
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
        Ok(Context {
            client,
            credentials,
            unknown_for_requests: settings.unknown_for_requests(),
            max_retries: settings.max_retries,
            project_name: settings.project_name,
            auth_url: settings.auth_url,
            projects: ProjectLookup::default(),
            region,
            project_id,
            cloud: settings.cloud,
            endpoint: settings.endpoint,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{AttributePath, ProviderSchemas};

    #[test]
    fn hcloud_configuration_lies_under_each_platforms_home() {
        let set = |name: &str| Some(format!("<{name}>"));
        assert_eq!(
            shared_config_under(("HOME", '/'), set),
            "<HOME>/.hcloud/config.json"
        );
        assert_eq!(
            shared_config_under(("USERPROFILE", '\\'), set),
            "<USERPROFILE>\\.hcloud\\config.json"
        );
        assert_eq!(
            shared_config_under(("USERPROFILE", '\\'), |_| None),
            "%USERPROFILE%\\.hcloud\\config.json"
        );
    }

    #[test]
    fn the_user_agent_names_the_provider_and_a_plain_cli_version_only() {
        let provider = concat!("terraform-provider-dli/", env!("CARGO_PKG_VERSION"));
        assert_eq!(user_agent("1.11.4"), format!("{provider} Terraform/1.11.4"));
        assert_eq!(
            user_agent("1.12.0-beta1+dev"),
            format!("{provider} Terraform/1.12.0-beta1+dev")
        );
        for odd in ["", "1.0\r\nX-Injected: 1", "1 2", &"9".repeat(65)] {
            assert_eq!(user_agent(odd), provider, "{odd:?}");
        }
    }

    fn config(pairs: &[(&str, &str)]) -> Value {
        Value::object(
            pairs
                .iter()
                .map(|(k, v)| (*k, Value::String((*v).to_owned()))),
        )
    }

    async fn configure_error(provider: DliProvider, config: &Value) -> Vec<Diagnostic> {
        match provider.configure(config, "1.11.4").await {
            Ok(_) => panic!("configured"),
            Err(diagnostics) => diagnostics,
        }
    }

    #[tokio::test]
    async fn cacert_file_errors_point_at_the_argument_only_when_it_came_from_it() {
        let missing = "/nonexistent/ca.pem";
        let from_argument = configure_error(
            DliProvider::with_env(|_| None),
            &config(&[("cacert_file", missing)]),
        )
        .await;
        assert_eq!(
            from_argument[0].attribute,
            Some(AttributePath::attribute("cacert_file"))
        );
        let from_env = configure_error(
            DliProvider::with_env(move |name| {
                (name == "HW_CACERT_FILE").then(|| missing.to_owned())
            }),
            &Value::Null,
        )
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
            let got = configure_error(
                DliProvider::with_env(|_| None),
                &config(&[("cacert_file", path)]),
            )
            .await;
            assert!(got[0].detail.contains("not a regular file"), "{}", got[0]);
            assert_eq!(
                got[0].attribute,
                Some(AttributePath::attribute("cacert_file"))
            );
        }
    }

    #[test]
    fn every_data_source_has_a_type_name_of_its_own() {
        let schemas = ProviderSchemas::of(&DliProvider::with_env(|_| None)).unwrap();
        for ds in data_sources() {
            assert!(schemas.data_sources.contains_key(ds.type_name()));
        }
    }
}
