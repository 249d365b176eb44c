//! `dli_enhanced_connection`: one connection, found by its id or by its
//! exact name. Schema, validation and read; the connection's attributes,
//! reader and diagnostics are shared in [`super::connection`].

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::connection::{self, Reader, diagnose, lookup, state};
use super::{Context, Location};
use crate::dli::model;
use tfplugin::{Attribute, Diagnostic, Mode, Model, Schema, Type, Value};

pub const TYPE_NAME: &str = "dli_enhanced_connection";

/// The `dli_enhanced_connection` data source.
pub struct EnhancedConnection;

#[async_trait]
impl tfplugin::DataSource<Context> for EnhancedConnection {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    /// Checks what is known; unknown values are checked at read time.
    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        lookup::validate(config)
    }

    async fn read(
        &self,
        cx: &Context,
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>> {
        let reader = Reader::for_config(cx, config, cancel).await?;
        let (connection_id, id_attribute) = lookup::connection_id(&reader, config, cancel).await?;
        let subject = format!("enhanced connection {connection_id}");
        let context = reader.context(subject, Some(id_attribute));
        let connection = reader
            .get(&connection_id, cancel)
            .await
            .map_err(|e| vec![diagnose::read_failure(&e, &context)])?;
        if connection.status.as_deref() == Some("DELETED") {
            return Err(vec![diagnose::deleted(
                &connection,
                &connection_id,
                &context,
            )]);
        }
        Ok(to_state(
            &connection,
            &connection_id,
            reader.target.region.as_deref(),
            &reader.project_id,
        ))
    }
}

pub fn schema() -> Schema {
    use Mode::OptionalComputed;
    let mut attributes = vec![Attribute::new(
        "connection_id",
        Type::String,
        OptionalComputed,
        "ID (a UUID) of the enhanced connection to read. Set exactly one of `connection_id` \
             and `name`; the other is filled in from DLI.",
    )];
    attributes.extend(Location::attributes());
    for attribute in connection::attributes() {
        attributes.push(match attribute.name {
            "name" => Attribute::new(
                "name",
                Type::String,
                OptionalComputed,
                "Name of the connection. To find a connection by name, set it instead of \
                 `connection_id`: exactly one connection (not `DELETED`) must have this name, \
                 matched exactly and case-sensitively.",
            ),
            _ => attribute,
        });
    }
    Schema {
        version: 0,
        description: "Reads one DLI enhanced datasource connection, by ID or by name: the VPC \
                      and subnet it links to, the queues and elastic resource pools bound to \
                      it, its host entries and routes.",
        attributes,
        blocks: Vec::new(),
    }
}

/// The state: the connection's attributes, plus how it was looked up.
pub fn to_state(
    c: &model::EnhancedConnection,
    connection_id: &str,
    region: Option<&str>,
    project_id: &str,
) -> Value {
    let mut attributes = state::attributes(c);
    attributes.push(("connection_id", Value::String(connection_id.to_owned())));
    Location::of_read(region, project_id).state_with(attributes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::DataSource;

    #[test]
    fn validation_points_at_connection_id_and_tolerates_unknown() {
        let bad = Value::object([("connection_id", Value::String("nope".into()))]);
        let problems = EnhancedConnection.validate(&bad);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].attribute,
            Some(tfplugin::AttributePath::attribute("connection_id"))
        );
        assert!(
            EnhancedConnection
                .validate(&Value::object([("connection_id", Value::Unknown)]))
                .is_empty()
        );
    }

    #[test]
    fn a_bad_region_is_refused_on_its_attribute() {
        for region in ["", "cn north", "cn-north-4.evil.example"] {
            let config = Value::object([
                (
                    "connection_id",
                    Value::String("4c693ecc-bab8-4113-a838-129cedc9a563".into()),
                ),
                ("region", Value::String(region.into())),
            ]);
            let problems = EnhancedConnection.validate(&config);
            assert_eq!(problems.len(), 1, "{region:?}");
            assert_eq!(
                problems[0].attribute,
                Some(tfplugin::AttributePath::attribute("region"))
            );
        }
    }

    #[test]
    fn exactly_one_of_connection_id_and_name() {
        let id = || Value::String("4c693ecc-bab8-4113-a838-129cedc9a563".into());
        let both = Value::object([("connection_id", id()), ("name", Value::String("x".into()))]);
        let problems = EnhancedConnection.validate(&both);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].attribute,
            Some(tfplugin::AttributePath::attribute("name"))
        );
        assert_eq!(EnhancedConnection.validate(&Value::object([])).len(), 1);
        assert!(
            EnhancedConnection
                .validate(&Value::object([("name", Value::String("x".into()))]))
                .is_empty()
        );
        assert!(
            EnhancedConnection
                .validate(&Value::object([("name", Value::Unknown)]))
                .is_empty()
        );
        let unknown_both = Value::object([("connection_id", Value::Unknown), ("name", id())]);
        assert!(EnhancedConnection.validate(&unknown_both).is_empty());
    }

    #[test]
    fn every_attribute_is_described() {
        for a in schema().attributes {
            assert!(a.description.len() > 10, "{} lacks a description", a.name);
        }
    }
}
