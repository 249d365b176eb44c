//! What a provider author implements: a [`Provider`], which configures
//! itself into a value of its choosing, and its [`DataSource`]s, which read
//! with that value.

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::diagnostics::{Diagnostic, Diagnostics};
use super::function::Function;
use super::model::Model;
use super::schema::{Mode, Schema};
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

    /// The provider's functions; each is served under its
    /// [`Function::name`], which must be unique. None by default.
    fn functions(&self) -> Vec<Box<dyn Function>> {
        Vec::new()
    }

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

    /// Checks the data source's own declaration when the provider starts
    /// (and when a harness does): `Err` says what is wrong, naming the
    /// attribute. Nothing to check by default.
    fn check_declaration(&self) -> Result<(), String> {
        Ok(())
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

    /// [`DataSource::read`] with warnings beside the state, which the plugin
    /// layer calls; by default [`DataSource::read`] with none.
    async fn read_with_warnings(
        &self,
        configured: &C,
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<(Value, Vec<Diagnostic>), Vec<Diagnostic>>
    where
        C: Sync,
    {
        self.read(configured, config, cancel)
            .await
            .map(|state| (state, Vec::new()))
    }
}

/// What a typed read is given: the provider's configured value, the
/// decoded config, and the token that fires on StopProvider. A struct, so
/// that what later protocol versions add does not change every read.
pub struct ReadRequest<'a, C, M> {
    /// What [`Provider::configure`] produced.
    pub configured: &'a C,
    /// The data source's config, wholly known.
    pub config: M,
    /// Fires when Terraform calls StopProvider.
    pub cancel: &'a CancellationToken,
}

/// What a typed read produced: the state, and warnings for the user (a
/// read with warnings succeeds). `Ok(state.into())` when there are none.
pub struct Read<S> {
    /// Every attribute of the schema.
    pub state: S,
    /// Shown beside the plan; never errors.
    pub warnings: Diagnostics,
}

impl<S> From<S> for Read<S> {
    fn from(state: S) -> Self {
        Read {
            state,
            warnings: Diagnostics::new(),
        }
    }
}

/// A data source declared with models (structs deriving
/// [`Model`](crate::Model)): its schema is its state's attributes, its
/// config arrives decoded and its state leaves encoded. The state usually
/// flattens the config (`#[tf(flatten)]`). Every `ModelDataSource<C>` is a
/// [`DataSource<C>`], so a provider lists it like any other.
#[async_trait]
pub trait ModelDataSource<C: Send + Sync + 'static>: Send + Sync {
    /// The `data` block's arguments.
    type Config: Model + Send + Sync;
    /// Everything the read sets: every attribute of the schema.
    type State: Model + Send;

    /// The type name in HCL, e.g. `hello_greeting`.
    const TYPE_NAME: &'static str;
    /// What the data source reads, for the schema and docs.
    const DESCRIPTION: &'static str;

    /// Checks a config. It runs when every value the config model needs is
    /// known (one unknown until apply is checked at the read; other
    /// problems decoding the config are reported at once), on
    /// ValidateDataResourceConfig and before every read.
    fn validate(&self, _config: &Self::Config) -> Diagnostics {
        Diagnostics::new()
    }

    /// Reads the state for a config that [`ModelDataSource::validate`]
    /// accepted.
    async fn read(
        &self,
        request: ReadRequest<'_, C, Self::Config>,
    ) -> Result<Read<Self::State>, Diagnostics>;
}

#[async_trait]
impl<C, T> DataSource<C> for T
where
    C: Send + Sync + 'static,
    T: ModelDataSource<C>,
{
    fn type_name(&self) -> &'static str {
        T::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(T::DESCRIPTION, T::State::attributes())
    }

    /// Every attribute of the config must be one of the state (the schema),
    /// of the same type, and one the user may write: a config field the
    /// state lacks (a forgotten `#[tf(flatten)]`) would fail every read, and
    /// one the state makes computed only would refuse every value the user
    /// writes.
    fn check_declaration(&self) -> Result<(), String> {
        let state = T::State::attributes();
        for wanted in T::Config::attributes() {
            match state.iter().find(|a| a.name == wanted.name) {
                None => {
                    return Err(format!(
                        "data source {}: its config's attribute {:?} is not in its state, \
                         whose attributes are the schema; flatten the config into the state \
                         (#[tf(flatten)]) or declare the attribute there",
                        T::TYPE_NAME,
                        wanted.name
                    ));
                }
                Some(found) if found.ty != wanted.ty => {
                    return Err(format!(
                        "data source {}: attribute {:?} is {:?} in its config but {:?} in its \
                         state",
                        T::TYPE_NAME,
                        wanted.name,
                        wanted.ty,
                        found.ty
                    ));
                }
                Some(found) if found.mode == Mode::Computed && wanted.mode != Mode::Computed => {
                    return Err(format!(
                        "data source {}: attribute {:?} is {:?} in its config but {:?} in its \
                         state, whose modes are the schema's, so no value the user writes \
                         would be taken; declare it so the user may set it in the state (or \
                         flatten the config into the state)",
                        T::TYPE_NAME,
                        wanted.name,
                        wanted.mode,
                        found.mode
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        validate_model(config, |config: &T::Config| {
            ModelDataSource::validate(self, config)
        })
    }

    async fn read(
        &self,
        configured: &C,
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>> {
        let (state, _) = self.read_with_warnings(configured, config, cancel).await?;
        Ok(state)
    }

    async fn read_with_warnings(
        &self,
        configured: &C,
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<(Value, Vec<Diagnostic>), Vec<Diagnostic>>
    where
        C: Sync,
    {
        let config = T::Config::from_value(config).map_err(Vec::from)?;
        let request = ReadRequest {
            configured,
            config,
            cancel,
        };
        let read = ModelDataSource::read(self, request)
            .await
            .map_err(Vec::from)?;
        Ok((read.state.to_value(), read.warnings.into()))
    }
}

/// Decodes a config into `M` and checks it with `check`. A value the model
/// needs known that is not yet (wholly or in part) is checked later, when
/// it is; every other problem decoding the config is reported now.
fn validate_model<M: Model>(
    config: &Value,
    check: impl FnOnce(&M) -> Diagnostics,
) -> Vec<Diagnostic> {
    match M::from_value(config) {
        Ok(config) => check(&config).into(),
        Err(problems) => crate::model::errors_about_known_values(config, problems),
    }
}

/// A provider whose `provider` block is a model: the block's schema is the
/// model's attributes, and [`ModelProvider::configure`] gets it decoded.
/// Every `ModelProvider` is a [`Provider`].
#[async_trait]
pub trait ModelProvider: Send + Sync + 'static {
    /// The `provider` block's arguments. Terraform configures a provider
    /// before apply too, so an argument computed during apply arrives
    /// unknown: declare such fields [`Known`](crate::Known).
    type Config: Model + Send;
    /// What configuring produces and every read is handed.
    type Configured: Send + Sync + 'static;

    /// What the provider is for, for the schema and docs.
    const DESCRIPTION: &'static str;

    /// The provider's data sources, as for [`Provider::data_sources`].
    fn data_sources(&self) -> Vec<Box<dyn DataSource<Self::Configured>>>;

    /// The provider's functions, as for [`Provider::functions`]. None by
    /// default.
    fn functions(&self) -> Vec<Box<dyn Function>> {
        Vec::new()
    }

    /// Checks the block when the values its model needs are known.
    /// Nothing by default.
    fn validate(&self, _config: &Self::Config) -> Diagnostics {
        Diagnostics::new()
    }

    /// Turns the block into what the reads need. `terraform_version` is
    /// the CLI's version, e.g. `1.11.4`.
    async fn configure(
        &self,
        config: Self::Config,
        terraform_version: &str,
    ) -> Result<Self::Configured, Diagnostics>;
}

#[async_trait]
impl<P: ModelProvider> Provider for P {
    type Configured = P::Configured;

    fn schema(&self) -> Schema {
        Schema::new(P::DESCRIPTION, P::Config::attributes())
    }

    fn data_sources(&self) -> Vec<Box<dyn DataSource<Self::Configured>>> {
        ModelProvider::data_sources(self)
    }

    fn functions(&self) -> Vec<Box<dyn Function>> {
        ModelProvider::functions(self)
    }

    async fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        validate_model(config, |config: &P::Config| {
            ModelProvider::validate(self, config)
        })
    }

    async fn configure(
        &self,
        config: &Value,
        terraform_version: &str,
    ) -> Result<Self::Configured, Vec<Diagnostic>> {
        let config = P::Config::from_value(config)?;
        ModelProvider::configure(self, config, terraform_version)
            .await
            .map_err(Vec::from)
    }
}
