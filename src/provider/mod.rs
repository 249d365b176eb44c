//! The `dli` provider: its arguments, how they resolve, and the one shared
//! HTTP client that its data sources use.

pub mod config;
pub mod schema;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::data_source::enhanced_connection;
use crate::dli::{Client, ClientOptions};
use crate::plugin::{Diagnostic, Provider, ProviderSchemas, Value};
use config::Settings;

/// The provider's source address in the registry.
pub const ADDRESS: &str = "registry.terraform.io/dli-community/dli";

/// What ConfigureProvider leaves for the reads: settings and one client, so
/// concurrent reads share a connection pool.
#[derive(Debug)]
pub struct Configured {
    pub settings: Settings,
    pub client: Client,
}

/// Looks up an environment variable; injectable so tests need not touch the
/// process environment.
type EnvLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

pub struct DliProvider {
    schemas: ProviderSchemas,
    configured: RwLock<Option<Arc<Configured>>>,
    env: EnvLookup,
}

impl DliProvider {
    /// A provider that reads its environment variables from the process.
    pub fn new() -> Self {
        Self::with_env(|name| std::env::var(name).ok())
    }

    /// A provider with its environment supplied, for tests.
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        DliProvider {
            schemas: ProviderSchemas {
                provider: schema::provider_schema(),
                data_sources: BTreeMap::from([(
                    enhanced_connection::TYPE_NAME,
                    enhanced_connection::schema(),
                )]),
            },
            configured: RwLock::new(None),
            env: Box::new(env),
        }
    }

    fn configured(&self) -> Option<Arc<Configured>> {
        self.configured
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl Default for DliProvider {
    fn default() -> Self {
        Self::new()
    }
}

fn client_options(settings: &Settings) -> Result<ClientOptions, Diagnostic> {
    let ca_bundle_pem = match &settings.cacert_file {
        None => None,
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            Diagnostic::error(
                "Cannot read the CA bundle",
                format!("cacert_file {path:?} could not be read: {e}."),
            )
            .at("cacert_file")
        })?),
    };
    Ok(ClientOptions {
        insecure: settings.insecure,
        ca_bundle_pem,
        timeout: settings.request_timeout,
        ..ClientOptions::default()
    })
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
        let options = match client_options(&settings) {
            Ok(options) => options,
            Err(d) => return vec![d],
        };
        let client = match Client::new(&options) {
            Ok(client) => client,
            Err(why) => return vec![Diagnostic::error("Cannot set up the DLI client", why)],
        };
        tracing::debug!(
            region = settings.region.as_deref().unwrap_or(""),
            endpoint = settings.endpoint.as_deref().unwrap_or(""),
            max_retries = settings.max_retries,
            "provider configured"
        );
        *self.configured.write().unwrap_or_else(|e| e.into_inner()) =
            Some(Arc::new(Configured { settings, client }));
        Vec::new()
    }

    async fn validate_data_source_config(
        &self,
        type_name: &str,
        config: &Value,
    ) -> Vec<Diagnostic> {
        match type_name {
            enhanced_connection::TYPE_NAME => enhanced_connection::validate(config),
            _ => Vec::new(),
        }
    }

    async fn read_data_source(
        &self,
        type_name: &str,
        config: &Value,
        cancel: CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>> {
        let Some(configured) = self.configured() else {
            return Err(vec![Diagnostic::error(
                "Provider not configured",
                "Terraform read a data source before configuring the provider. This is a bug; please report it.",
            )]);
        };
        match type_name {
            enhanced_connection::TYPE_NAME => {
                enhanced_connection::read(&configured, config, &cancel).await
            }
            other => Err(vec![Diagnostic::error(
                "Unknown data source type",
                format!("This provider has no data source {other:?}."),
            )]),
        }
    }
}
