//! The trait a provider implements to be served by this plugin layer.

use std::collections::BTreeMap;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::diagnostics::Diagnostic;
use super::schema::Schema;
use super::value::Value;

/// Everything Terraform asks for in GetProviderSchema.
#[derive(Clone, Debug)]
pub struct ProviderSchemas {
    pub provider: Schema,
    /// Data source schemas by type name (e.g. `dli_enhanced_connection`).
    pub data_sources: BTreeMap<&'static str, Schema>,
}

/// A provider with data sources. Configs handed to the validate and configure
/// methods may contain unknown values; a read's config is wholly known.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    fn schemas(&self) -> &ProviderSchemas;

    async fn validate_provider_config(&self, _config: &Value) -> Vec<Diagnostic> {
        Vec::new()
    }

    async fn configure_provider(&self, config: &Value, terraform_version: &str) -> Vec<Diagnostic>;

    async fn validate_data_source_config(
        &self,
        _type_name: &str,
        _config: &Value,
    ) -> Vec<Diagnostic> {
        Vec::new()
    }

    /// Reads a data source. `cancel` fires when Terraform calls StopProvider;
    /// a read should then end promptly with a diagnostic.
    async fn read_data_source(
        &self,
        type_name: &str,
        config: &Value,
        cancel: CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>>;
}
