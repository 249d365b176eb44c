//! A provider whose `provider` block takes no arguments, made of the data
//! sources and functions it is given: for providers that need no settings.
//! Its reads are handed `()`.

use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::diagnostics::Diagnostic;
use super::function::{Function, FunctionError, Signature};
use super::provider::{DataSource, Provider};
use super::schema::Schema;
use super::value::Value;

/// A provider of data sources and functions that takes no arguments.
///
/// ```ignore
/// tfplugin::main("registry.terraform.io/example/hello", || {
///     Bundle::new("Greets people.").data_source(Hello).function(Shout)
/// })
/// ```
pub struct Bundle {
    description: &'static str,
    data_sources: Vec<Arc<dyn DataSource<()>>>,
    functions: Vec<Arc<dyn Function>>,
}

impl Bundle {
    /// No data sources or functions yet; `description` is the provider's.
    pub fn new(description: &'static str) -> Self {
        Bundle {
            description,
            data_sources: Vec::new(),
            functions: Vec::new(),
        }
    }

    /// With `data_source` too (a `ModelDataSource<()>` is one).
    pub fn data_source(mut self, data_source: impl DataSource<()> + 'static) -> Self {
        self.data_sources.push(Arc::new(data_source));
        self
    }

    /// With `function` too (a `TypedFunction` is one).
    pub fn function(mut self, function: impl Function + 'static) -> Self {
        self.functions.push(Arc::new(function));
        self
    }
}

#[async_trait]
impl Provider for Bundle {
    type Configured = ();

    fn schema(&self) -> Schema {
        Schema::new(self.description, Vec::new())
    }

    fn data_sources(&self) -> Vec<Box<dyn DataSource<()>>> {
        let shared = self.data_sources.iter().map(|d| Shared(Arc::clone(d)));
        shared
            .map(|d| Box::new(d) as Box<dyn DataSource<()>>)
            .collect()
    }

    fn functions(&self) -> Vec<Box<dyn Function>> {
        let shared = self.functions.iter().map(|f| Shared(Arc::clone(f)));
        shared.map(|f| Box::new(f) as Box<dyn Function>).collect()
    }

    async fn configure(&self, _: &Value, _: &str) -> Result<(), Vec<Diagnostic>> {
        Ok(())
    }
}

/// One data source or function the bundle holds, handed out again each
/// time the plugin layer asks.
struct Shared<T: ?Sized>(Arc<T>);

#[async_trait]
impl DataSource<()> for Shared<dyn DataSource<()>> {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        self.0.schema()
    }

    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        self.0.validate(config)
    }

    fn check_declaration(&self) -> Result<(), String> {
        self.0.check_declaration()
    }

    async fn read(
        &self,
        configured: &(),
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>> {
        self.0.read(configured, config, cancel).await
    }

    async fn read_with_warnings(
        &self,
        configured: &(),
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<(Value, Vec<Diagnostic>), Vec<Diagnostic>> {
        self.0.read_with_warnings(configured, config, cancel).await
    }
}

impl Function for Shared<dyn Function> {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn signature(&self) -> Signature {
        self.0.signature()
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        self.0.call(arguments)
    }
}
