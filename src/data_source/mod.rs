//! The provider's data sources. Each is a value of [`DataSource`]; the
//! provider lists them and hands each read a [`Context`].

pub mod connection;
pub mod context;
pub mod enhanced_connection;
pub mod enhanced_connections;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::plugin::{Diagnostic, Schema, Value};
pub use context::{Context, Own, Setting, Target};

/// One data source: its schema, its validation and its read.
#[async_trait]
pub trait DataSource: Send + Sync {
    /// The type name in HCL, e.g. `dli_enhanced_connection`.
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> Schema;

    /// Descriptions of the fields of object-typed attributes, for the docs.
    fn nested_field_descriptions(&self, _attribute: &str) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }

    /// Checks what is known of a config; unknown values pass.
    fn validate(&self, config: &Value) -> Vec<Diagnostic>;

    /// Reads with a wholly known config that [`DataSource::validate`] has
    /// accepted. `cancel` fires on StopProvider.
    async fn read(
        &self,
        cx: &Context,
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>>;
}
