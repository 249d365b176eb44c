//! A provider served in the test process: no binary, no CLI, no socket.
//! The harness calls what the gRPC services call, with the values
//! Terraform would send: every attribute of the schema present (null when
//! not given; in a block written, those left out null; a list of blocks
//! not written, empty), configs and states round-tripped through msgpack
//! with the schema's type, validation before configuring and before every
//! read. Values may be unknown, as at plan time, but not in a read's
//! config (Terraform defers such a read to apply).
//!
//! What the CLI refuses before a provider sees a config, the harness
//! refuses too, with the CLI's words: a required argument not given
//! ("Missing required argument"), a required block not written ("Missing
//! … block", "Insufficient … blocks"), an object for an object-typed
//! argument without all its attributes ("Incorrect attribute value
//! type"). A value for an attribute only the provider sets is refused by
//! the provider's own validation ("Value for unconfigurable attribute"),
//! here as under the CLI.

use tokio_util::sync::CancellationToken;

use crate::codec::{decode_msgpack, encode_msgpack};
use crate::config_rules::{self, Rules};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::dispatch::{ProviderSchemas, Served};
use crate::model::Model;
use crate::provider::Provider;
use crate::schema::Schema;
use crate::value::Value;

/// A provider in the test process.
pub struct Harness<P: Provider> {
    served: Served<P>,
}

impl<P: Provider> Harness<P> {
    /// Serves `provider`; panics when two data sources share a type name.
    pub fn new(provider: P) -> Self {
        let served = Served::new(provider).unwrap_or_else(|why| panic!("{why}"));
        Harness { served }
    }

    /// The schemas Terraform would get.
    pub fn schemas(&self) -> &ProviderSchemas {
        self.served.schemas()
    }

    /// ValidateProviderConfig, then ConfigureProvider if that found no
    /// error, with `config` (an object; absent attributes are null).
    pub async fn configure(&self, config: &Value) -> Diagnostics {
        let schema = &self.served.schemas().provider;
        let config = match as_sent_checked(schema, config) {
            Ok(config) => config,
            Err(problems) => return problems,
        };
        let mut diagnostics: Diagnostics =
            self.served.validate_provider_config(&config).await.into();
        if !diagnostics.has_errors() {
            diagnostics.extend(self.served.configure_provider(&config, "1.11.4").await);
        }
        diagnostics
    }

    /// ValidateDataResourceConfig of `type_name` with `config`.
    pub fn validate(&self, type_name: &str, config: &Value) -> Diagnostics {
        match self.as_sent_to(type_name, config) {
            Ok(config) => self
                .served
                .validate_data_source_config(type_name, &config)
                .into(),
            Err(problems) => problems,
        }
    }

    /// ReadDataSource of `type_name` with a wholly known `config`: the state,
    /// as Terraform would decode it (warnings dropped).
    pub async fn read(&self, type_name: &str, config: &Value) -> Result<Value, Diagnostics> {
        Ok(self.read_with_warnings(type_name, config).await?.0)
    }

    /// [`Harness::read`], with the warnings Terraform would show beside the
    /// state.
    pub async fn read_with_warnings(
        &self,
        type_name: &str,
        config: &Value,
    ) -> Result<(Value, Diagnostics), Diagnostics> {
        let config = self.as_sent_to(type_name, config)?;
        if config.contains_unknown() {
            return Err(Diagnostic::error(
                "Unknown value in a read's config",
                "Terraform never reads a data source whose config is not wholly known: it \
                 defers the read to apply. Check such a config with `validate`.",
            )
            .into());
        }
        let (state, warnings) = self
            .served
            .read_data_source(type_name, &config, CancellationToken::new())
            .await?;
        // What the server would refuse to send, the harness refuses too.
        crate::dispatch::check_state(&state)?;
        // A state goes out as the provider made it: nothing is filled in.
        let ty = self.schema_of(type_name)?.object_type();
        Ok((round_trip(&state, &ty)?, warnings.into()))
    }

    /// [`Harness::read`] with a typed config and state.
    pub async fn read_model<S: Model>(
        &self,
        type_name: &str,
        config: &impl Model,
    ) -> Result<S, Diagnostics> {
        let state = self.read(type_name, &config.to_value()).await?;
        S::from_value(&state)
    }

    fn schema_of(&self, type_name: &str) -> Result<&Schema, Diagnostic> {
        self.served
            .schemas()
            .data_sources
            .get(type_name)
            .ok_or_else(|| Diagnostic::error("Unknown data source type", type_name.to_owned()))
    }

    fn as_sent_to(&self, type_name: &str, config: &Value) -> Result<Value, Diagnostics> {
        as_sent_checked(self.schema_of(type_name)?, config)
    }
}

/// `config` as the CLI would send it, or what the CLI would say instead.
fn as_sent_checked(schema: &Schema, config: &Value) -> Result<Value, Diagnostics> {
    let refused = config_rules::problems(schema, config, Rules::Cli);
    if !refused.is_empty() {
        return Err(refused.into());
    }
    Ok(as_sent(schema, config)?)
}

/// A config as it arrives over the wire under `schema`: absent attributes
/// null (see [`Schema::with_nulls`]), through msgpack and back.
fn as_sent(schema: &Schema, config: &Value) -> Result<Value, Diagnostic> {
    round_trip(&schema.with_nulls(config), &schema.object_type())
}

/// `value` through msgpack of type `ty` and back, as the wire carries it.
fn round_trip(value: &Value, ty: &crate::types::Type) -> Result<Value, Diagnostic> {
    let bytes = encode_msgpack(value, ty)
        .map_err(|e| Diagnostic::error("Value does not match the schema", e.to_string()))?;
    decode_msgpack(&bytes, ty)
        .map_err(|e| Diagnostic::error("Value does not match the schema", e.to_string()))
}
