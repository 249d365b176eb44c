//! What a provider author implements: a [`Provider`], which configures
//! itself into a value of its choosing, and its [`DataSource`]s, which read
//! with that value.

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::diagnostics::Diagnostic;
use super::schema::Schema;
use super::value::Value;

/// A provider with data sources.
///
/// The plugin layer calls [`Provider::configure`] on ConfigureProvider and
/// hands what it returns to every read. Configs given to
/// [`Provider::validate`] and [`Provider::configure`] may hold unknown
/// values (an argument computed during apply); deciding which of them a
/// read needs is the provider's business, so the `Configured` value should
/// carry that knowledge.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// What ConfigureProvider produces and every read is handed: typically
    /// an HTTP client and the resolved settings.
    type Configured: Send + Sync + 'static;

    /// The schema of the `provider` block.
    fn schema(&self) -> Schema;

    /// The provider's data sources; each is served under its
    /// [`DataSource::type_name`], which must be unique.
    fn data_sources(&self) -> Vec<Box<dyn DataSource<Self::Configured>>>;

    /// Checks what is known of the `provider` block. Nothing by default.
    async fn validate(&self, _config: &Value) -> Vec<Diagnostic> {
        Vec::new()
    }

    /// Turns the `provider` block into what the reads need.
    /// `terraform_version` is the CLI's version, e.g. `1.11.4`.
    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
    ) -> Result<Self::Configured, Vec<Diagnostic>>;
}

/// One data source of a provider whose configuration is a `C`.
#[async_trait]
pub trait DataSource<C>: Send + Sync {
    /// The type name in HCL, e.g. `hello_greeting`.
    fn type_name(&self) -> &'static str;

    /// The attributes of the `data` block.
    fn schema(&self) -> Schema;

    /// Checks what is known of a config; unknown values should pass. It runs
    /// on ValidateDataResourceConfig and again before every read.
    fn validate(&self, _config: &Value) -> Vec<Diagnostic> {
        Vec::new()
    }

    /// Reads with a wholly known config that [`DataSource::validate`] has
    /// accepted, and returns the state: an object of every attribute of the
    /// schema, wholly known. `cancel` fires when Terraform calls
    /// StopProvider; the read should then end promptly with a diagnostic.
    async fn read(
        &self,
        configured: &C,
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>>;
}
