//! `dli_enhanced_connection`: one connection, found by its id or by its
//! exact name. Schema, validation and read; the connection's attributes,
//! reader and diagnostics are shared in [`super::connection`].

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::Context;
use super::connection::{self, Reader, diagnose, state, validate_location};
use crate::dli::{ListQuery, model};
use tfplugin::{Attribute, Diagnostic, Known, Mode, Schema, Type, Value};

pub const TYPE_NAME: &str = "dli_enhanced_connection";

/// How many similar names a not-found error suggests.
const SUGGESTIONS: usize = 5;

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

    fn nested_field_descriptions(&self, attribute: &str) -> Vec<(&'static str, &'static str)> {
        connection::nested_field_descriptions(attribute)
    }

    /// Checks what is known; unknown values are checked at read time.
    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let id = config.attr("connection_id").as_str();
        let name = config.attr("name").as_str();
        match (id, name) {
            (Known::Value(_), Known::Value(_)) => problems.push(
                Diagnostic::error(
                    "Both connection_id and name are set",
                    "Set exactly one of connection_id and name: a connection is found either by its \
                     ID or by its name.",
                )
                .at("name"),
            ),
            (Known::Null, Known::Null) => problems.push(Diagnostic::error(
                "Neither connection_id nor name is set",
                "Set connection_id (the connection's UUID) or name (its exact name).",
            )),
            _ => {}
        }
        if let Known::Value(id) = id {
            problems.extend(connection_id_problem(id));
        }
        if name == Known::Value("") {
            problems.push(
                Diagnostic::error("Empty name", "A connection's name is not empty.").at("name"),
            );
        }
        problems.extend(validate_location(config));
        problems
    }

    async fn read(
        &self,
        cx: &Context,
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>> {
        let reader = Reader::for_config(cx, config, cancel).await?;
        let own = |name| config.attr(name).as_str().known();
        let (connection_id, id_attribute) = match (own("connection_id"), own("name")) {
            (Some(id), _) => (id.to_owned(), "connection_id"),
            (None, Some(name)) => (find_by_name(&reader, name, cancel).await?, "name"),
            (None, None) => unreachable!("validate requires one of them"),
        };
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
    let mut attributes = vec![
        Attribute::new(
            "connection_id",
            Type::String,
            OptionalComputed,
            "ID (a UUID) of the enhanced connection to read. Set exactly one of `connection_id` \
             and `name`; the other is filled in from DLI.",
        ),
        Attribute::new(
            "region",
            Type::String,
            OptionalComputed,
            "Region to read from; defaults to the provider's `region`. Not allowed when the provider sets `endpoint`.",
        ),
        Attribute::new(
            "project_id",
            Type::String,
            OptionalComputed,
            "Project to read from; defaults to the provider's `project_id`.",
        ),
    ];
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

/// True for the canonical `8-4-4-4-12` hexadecimal UUID form.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn connection_id_problem(id: &str) -> Option<Diagnostic> {
    (!is_uuid(id)).then(|| {
        Diagnostic::error(
            "Invalid connection_id",
            format!(
                "{id:?} is not a connection ID. Enhanced connection IDs are UUIDs such as \
                 \"4c693ecc-bab8-4113-a838-129cedc9a563\"."
            ),
        )
        .at("connection_id")
    })
}

/// The id of the one live connection named exactly `name`.
async fn find_by_name(
    reader: &Reader<'_>,
    name: &str,
    cancel: &CancellationToken,
) -> Result<String, Vec<Diagnostic>> {
    let context = reader.context(
        format!("the enhanced connections named {name:?}"),
        Some("name"),
    );
    let filter = ListQuery {
        name: Some(name.to_owned()),
        ..ListQuery::default()
    };
    let found = reader
        .list(&filter, cancel)
        .await
        .map_err(|e| vec![diagnose::list_failure(&e, &context)])?;
    let live = |c: &&model::EnhancedConnection| c.status.as_deref() != Some("DELETED");
    let matches: Vec<&model::EnhancedConnection> = found
        .iter()
        .filter(live)
        .filter(|c| c.name.as_deref() == Some(name))
        .collect();
    match matches.as_slice() {
        [one] => one.id.clone().ok_or_else(|| {
            vec![Diagnostic::error(
                format!("Connection {name:?} has no ID"),
                format!(
                    "DLI listed a connection named {name:?} in {} without its ID.",
                    context.place()
                ),
            )]
        }),
        [] => {
            let mut similar: Vec<&str> = found
                .iter()
                .filter(live)
                .filter_map(|c| c.name.as_deref())
                .collect();
            similar.dedup();
            similar.truncate(SUGGESTIONS);
            let hint = if similar.is_empty() {
                String::new()
            } else {
                format!(" Similar names: {}.", quoted(&similar))
            };
            Err(vec![
                Diagnostic::error(
                    format!("No enhanced connection named {name:?}"),
                    format!(
                        "No connection in {} is named exactly {name:?} (names are \
                         case-sensitive; deleted connections do not count).{hint}",
                        context.place()
                    ),
                )
                .at("name"),
            ])
        }
        several => {
            let ids: Vec<&str> = several.iter().filter_map(|c| c.id.as_deref()).collect();
            Err(vec![
                Diagnostic::error(
                    format!("{} enhanced connections are named {name:?}", several.len()),
                    format!(
                        "In {}, the connections {} all have this name. Set connection_id to the \
                         one you mean instead of name.",
                        context.place(),
                        quoted(&ids)
                    ),
                )
                .at("name"),
            ])
        }
    }
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The state: the connection's attributes, plus how it was looked up.
pub fn to_state(
    c: &model::EnhancedConnection,
    connection_id: &str,
    region: Option<&str>,
    project_id: &str,
) -> Value {
    let mut attributes = state::attributes(c);
    attributes.extend([
        ("connection_id", Value::String(connection_id.to_owned())),
        ("region", Value::string_or_null(region)),
        ("project_id", Value::String(project_id.to_owned())),
    ]);
    Value::object(attributes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::DataSource;

    #[test]
    fn uuids_are_recognised() {
        assert!(is_uuid("4c693ecc-bab8-4113-a838-129cedc9a563"));
        assert!(is_uuid("4C693ECC-BAB8-4113-A838-129CEDC9A563"));
        assert!(!is_uuid("4c693ecc-bab8-4113-a838-129cedc9a56"));
        assert!(!is_uuid("4c693eccbab84113a838129cedc9a563"));
        assert!(!is_uuid("{4c693ecc-bab8-4113-a838-129cedc9a563}"));
        assert!(!is_uuid("zc693ecc-bab8-4113-a838-129cedc9a563"));
        assert!(!is_uuid(""));
    }

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
