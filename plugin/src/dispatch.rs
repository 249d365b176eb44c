//! What every provider would otherwise write around the protocol: the
//! schemas, the configured value kept for the reads, dispatch by type name,
//! and validation before every read.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use tokio_util::sync::CancellationToken;

use super::config_rules::{self, Rules};
use super::diagnostics::Diagnostic;
use super::function::{Function, FunctionError, Signature};
use super::provider::{DataSource, Provider};
use super::schema::Schema;
use super::value::Value;

/// Everything Terraform asks for in GetProviderSchema, and what generated
/// docs are made from.
#[derive(Clone, Debug)]
pub struct ProviderSchemas {
    /// The `provider` block.
    pub provider: Schema,
    /// Data source schemas by type name.
    pub data_sources: BTreeMap<&'static str, Schema>,
    /// Function signatures by name.
    pub functions: BTreeMap<&'static str, Signature>,
}

impl ProviderSchemas {
    /// The schemas of `provider`; an error names a type name that two data
    /// sources share, or a name two functions share.
    pub fn of<P: Provider>(provider: &P) -> Result<Self, String> {
        let data_sources = by_type_name(provider.data_sources())?;
        let functions = by_name(provider.functions())?;
        Self::from_parts(provider.schema(), &data_sources, &functions)
    }

    /// The schemas, once each; an error names an attribute no CLI can be
    /// given (see [`crate::model::unservable`]).
    fn from_parts<C>(
        provider: Schema,
        data_sources: &ByTypeName<C>,
        functions: &ByName,
    ) -> Result<Self, String> {
        let schemas = ProviderSchemas {
            provider,
            data_sources: data_sources
                .iter()
                .map(|(name, ds)| (*name, ds.schema()))
                .collect(),
            functions: functions
                .iter()
                .map(|(name, f)| (*name, f.signature()))
                .collect(),
        };
        if let Some(why) = crate::model::unservable(&schemas.provider.attributes) {
            return Err(format!("the provider block: {why}"));
        }
        for (name, schema) in &schemas.data_sources {
            if let Some(why) = crate::model::unservable(&schema.attributes) {
                return Err(format!("data source {name}: {why}"));
            }
        }
        Ok(schemas)
    }
}

type ByTypeName<C> = BTreeMap<&'static str, Box<dyn DataSource<C>>>;

fn by_type_name<C>(data_sources: Vec<Box<dyn DataSource<C>>>) -> Result<ByTypeName<C>, String> {
    let mut by_name = BTreeMap::new();
    for ds in data_sources {
        ds.check_declaration()?;
        let name = ds.type_name();
        if by_name.insert(name, ds).is_some() {
            return Err(format!("two data sources are named {name:?}"));
        }
    }
    Ok(by_name)
}

type ByName = BTreeMap<&'static str, Box<dyn Function>>;

fn by_name(functions: Vec<Box<dyn Function>>) -> Result<ByName, String> {
    let mut by_name = BTreeMap::new();
    for f in functions {
        let name = f.name();
        if by_name.insert(name, f).is_some() {
            return Err(format!("two functions are named {name:?}"));
        }
    }
    Ok(by_name)
}

/// A state must be wholly known and non-null, or Terraform reports "Provider
/// produced invalid object"; this says so more clearly.
pub(crate) fn check_state(value: &Value) -> Result<(), Diagnostic> {
    if value.is_null() || value.contains_unknown() {
        return Err(Diagnostic::error(
            "Provider produced an incomplete state",
            "The data source returned a null or partly unknown state. This is a bug in the \
             provider; please report it.",
        ));
    }
    Ok(())
}

/// A provider as the gRPC services see it.
pub(crate) struct Served<P: Provider> {
    provider: P,
    schemas: ProviderSchemas,
    data_sources: ByTypeName<P::Configured>,
    functions: ByName,
    /// What the last successful ConfigureProvider produced; shared by every
    /// read that follows, and by reads still running when it is replaced.
    configured: RwLock<Option<Arc<P::Configured>>>,
}

impl<P: Provider> Served<P> {
    pub(crate) fn new(provider: P) -> Result<Self, String> {
        let data_sources = by_type_name(provider.data_sources())?;
        let functions = by_name(provider.functions())?;
        Ok(Served {
            schemas: ProviderSchemas::from_parts(provider.schema(), &data_sources, &functions)?,
            provider,
            data_sources,
            functions,
            configured: RwLock::new(None),
        })
    }

    pub(crate) fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    pub(crate) async fn validate_provider_config(&self, config: &Value) -> Vec<Diagnostic> {
        let mut problems = config_rules::problems(&self.schemas.provider, config, Rules::Provider);
        problems.extend(self.provider.validate(config).await);
        problems
    }

    pub(crate) async fn configure_provider(
        &self,
        config: &Value,
        terraform_version: &str,
    ) -> Vec<Diagnostic> {
        match self.provider.configure(config, terraform_version).await {
            Ok(configured) => {
                *self.configured.write().unwrap_or_else(|e| e.into_inner()) =
                    Some(Arc::new(configured));
                Vec::new()
            }
            Err(diagnostics) => diagnostics,
        }
    }

    pub(crate) fn validate_data_source_config(
        &self,
        type_name: &str,
        config: &Value,
    ) -> Vec<Diagnostic> {
        match self.data_source(type_name) {
            Ok(ds) => self.validate_with(ds, type_name, config),
            Err(d) => vec![d],
        }
    }

    /// The schema's rules, then the data source's own checks.
    fn validate_with(
        &self,
        ds: &dyn DataSource<P::Configured>,
        type_name: &str,
        config: &Value,
    ) -> Vec<Diagnostic> {
        let schema = self.schemas.data_sources.get(type_name);
        let mut problems = schema
            .map(|schema| config_rules::problems(schema, config, Rules::Provider))
            .unwrap_or_default();
        problems.extend(ds.validate(config));
        problems
    }

    /// The state and the read's warnings, or the errors.
    pub(crate) async fn read_data_source(
        &self,
        type_name: &str,
        config: &Value,
        cancel: CancellationToken,
    ) -> Result<(Value, Vec<Diagnostic>), Vec<Diagnostic>> {
        let ds = self.data_source(type_name).map_err(|d| vec![d])?;
        let configured = self
            .configured
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some(configured) = configured else {
            return Err(vec![Diagnostic::error(
                "Provider not configured",
                "Terraform read a data source before configuring the provider. This is a bug; \
                 please report it.",
            )]);
        };
        // A read's config is wholly known, but Terraform validates it only
        // when it chooses to: check it again, for every data source.
        // Its warnings are not repeated: ValidateDataResourceConfig showed
        // them.
        let problems = self.validate_with(ds, type_name, config);
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        ds.read_with_warnings(&configured, config, &cancel).await
    }

    /// Calls function `name` with decoded arguments, after checking them
    /// against its signature (Terraform does too; this keeps a function's
    /// promise when another client does not).
    pub(crate) fn call_function(
        &self,
        name: &str,
        arguments: &[Value],
    ) -> Result<Value, FunctionError> {
        let function = self.functions.get(name).ok_or_else(|| {
            FunctionError::new(format!("This provider has no function {name:?}."))
        })?;
        let parameters = &self.schemas.functions[name].parameters;
        if arguments.len() != parameters.len() {
            return Err(FunctionError::new(format!(
                "{name} takes {} arguments, but {} were given.",
                parameters.len(),
                arguments.len()
            )));
        }
        for (index, (argument, parameter)) in arguments.iter().zip(parameters).enumerate() {
            if argument.is_null() && !parameter.allow_null {
                return Err(FunctionError::at(
                    index,
                    format!("Argument {:?} must not be null.", parameter.name),
                ));
            }
            if argument.contains_unknown() && !parameter.allow_unknown {
                return Err(FunctionError::at(
                    index,
                    format!("Argument {:?} must be known.", parameter.name),
                ));
            }
        }
        function.call(arguments)
    }

    fn data_source(&self, type_name: &str) -> Result<&dyn DataSource<P::Configured>, Diagnostic> {
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

#[cfg(test)]
mod tests {
    use async_trait::async_trait;

    use super::*;
    use crate::{Attribute, Mode, Type};

    struct Named(&'static str);

    #[async_trait]
    impl DataSource<u32> for Named {
        fn type_name(&self) -> &'static str {
            self.0
        }
        fn schema(&self) -> Schema {
            Schema::new(
                "",
                vec![Attribute::new("n", Type::Number, Mode::Computed, "n")],
            )
        }
        fn validate(&self, config: &Value) -> Vec<Diagnostic> {
            match config.attr("n") {
                Value::Null => Vec::new(),
                _ => vec![Diagnostic::error("n is computed", "").at("n")],
            }
        }
        async fn read(
            &self,
            configured: &u32,
            _: &Value,
            _: &CancellationToken,
        ) -> Result<Value, Vec<Diagnostic>> {
            Ok(Value::object([("n", Value::from(i64::from(*configured)))]))
        }
    }

    struct Counting(Vec<&'static str>);

    #[async_trait]
    impl Provider for Counting {
        type Configured = u32;
        fn schema(&self) -> Schema {
            Schema::new("", Vec::new())
        }
        fn data_sources(&self) -> Vec<Box<dyn DataSource<u32>>> {
            self.0
                .iter()
                .map(|n| Box::new(Named(n)) as Box<dyn DataSource<u32>>)
                .collect()
        }
        async fn configure(&self, _: &Value, version: &str) -> Result<u32, Vec<Diagnostic>> {
            version
                .len()
                .try_into()
                .map_err(|_| vec![Diagnostic::error("", "")])
        }
    }

    /// A data source with a schema built by hand.
    struct HandBuilt(Attribute);

    #[async_trait]
    impl DataSource<u32> for HandBuilt {
        fn type_name(&self) -> &'static str {
            "hand_built"
        }
        fn schema(&self) -> Schema {
            Schema::new("", vec![self.0.clone()])
        }
        async fn read(
            &self,
            _: &u32,
            _: &Value,
            _: &CancellationToken,
        ) -> Result<Value, Vec<Diagnostic>> {
            Ok(Value::object([]))
        }
    }

    struct OneHandBuilt(Attribute);

    #[async_trait]
    impl Provider for OneHandBuilt {
        type Configured = u32;
        fn schema(&self) -> Schema {
            Schema::new("", Vec::new())
        }
        fn data_sources(&self) -> Vec<Box<dyn DataSource<u32>>> {
            vec![Box::new(HandBuilt(self.0.clone()))]
        }
        async fn configure(&self, _: &Value, _: &str) -> Result<u32, Vec<Diagnostic>> {
            Ok(0)
        }
    }

    #[test]
    fn a_nested_input_no_cli_can_take_stops_the_provider_at_start() {
        use crate::{NestedAttributes, Nesting};
        let inner = vec![Attribute::new("x", Type::Number, Mode::Required, "x")];
        let lists_of_lists = NestedAttributes {
            nesting: Nesting::List,
            within: vec![Nesting::List],
            attributes: inner.clone(),
        };
        let written = Attribute::of_objects("paths", lists_of_lists.clone(), Mode::Optional, "p");
        let error = Served::new(OneHandBuilt(written)).err().unwrap();
        assert!(
            error.contains("hand_built") && error.contains("\"paths\"") && error.contains("wrap"),
            "{error}"
        );
        // Set by the provider, any nesting goes out as an object type.
        let read = Attribute::of_objects("paths", lists_of_lists, Mode::Computed, "p");
        assert!(Served::new(OneHandBuilt(read)).is_ok());
        let single = Attribute::nested("point", Nesting::Single, inner, Mode::Optional, "p");
        assert!(Served::new(OneHandBuilt(single)).is_ok());
    }

    #[test]
    fn two_data_sources_with_one_type_name_are_refused() {
        let error = Served::new(Counting(vec!["a", "b", "a"])).err().unwrap();
        assert!(error.contains("\"a\""), "{error}");
        assert!(ProviderSchemas::of(&Counting(vec!["a", "a"])).is_err());
        let schemas = ProviderSchemas::of(&Counting(vec!["b", "a"])).unwrap();
        assert_eq!(
            schemas.data_sources.keys().collect::<Vec<_>>(),
            [&"a", &"b"]
        );
    }

    #[tokio::test]
    async fn a_read_needs_configuring_first_and_a_valid_config() {
        let served = Served::new(Counting(vec!["a"])).unwrap();
        let config = Value::object([("n", Value::Null)]);
        let unconfigured = served
            .read_data_source("a", &config, CancellationToken::new())
            .await;
        assert_eq!(
            unconfigured.unwrap_err()[0].summary,
            "Provider not configured"
        );

        assert!(
            served
                .configure_provider(&Value::Null, "1.11.4")
                .await
                .is_empty()
        );
        let (state, warnings) = served
            .read_data_source("a", &config, CancellationToken::new())
            .await
            .unwrap();
        assert_eq!(state.attr("n"), &Value::from(6));
        assert!(warnings.is_empty());

        let invalid = Value::object([("n", Value::from(1))]);
        let refused = served
            .read_data_source("a", &invalid, CancellationToken::new())
            .await;
        // The schema's rule, then the data source's own check.
        let summaries: Vec<String> = refused
            .unwrap_err()
            .into_iter()
            .map(|d| d.summary)
            .collect();
        assert_eq!(
            summaries,
            ["Value for unconfigurable attribute", "n is computed"]
        );
        let unknown = served
            .read_data_source("b", &config, CancellationToken::new())
            .await;
        assert_eq!(unknown.unwrap_err()[0].summary, "Unknown data source type");
        assert_eq!(
            served.validate_data_source_config("b", &config)[0].summary,
            "Unknown data source type"
        );
    }
}
