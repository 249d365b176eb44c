//! `dli_enhanced_connections`: every connection matching optional filters
//! (the API's fuzzy name, status, tags), all pages, in the API's order.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use super::connection::validate_location;
use super::connection::{self, Reader, diagnose, state};
use super::{Context, Location};
use crate::dli::ListQuery;
use tfplugin::{Attribute, Diagnostic, Known, Mode, Model, Nesting, Schema, Type, Value};

pub const TYPE_NAME: &str = "dli_enhanced_connections";

/// The `dli_enhanced_connections` data source.
pub struct EnhancedConnections;

#[async_trait]
impl tfplugin::DataSource<Context> for EnhancedConnections {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    /// Checks what is known; unknown values are checked at read time.
    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        let mut problems = validate_location(config);
        for argument in ["name", "status"] {
            if config.attr(argument).as_str() == Known::Value("") {
                problems.push(
                    Diagnostic::error(
                        format!("Empty {argument}"),
                        format!("Leave {argument} out to list without that filter."),
                    )
                    .at(argument),
                );
            }
        }
        if let Value::Map(tags) = config.attr("tags") {
            problems.extend(tag_problems(tags));
        }
        problems
    }

    async fn read(
        &self,
        cx: &Context,
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>> {
        let reader = Reader::for_config(cx, config, cancel).await?;
        let filter = filter_of(config);
        let context = reader.context("the enhanced connections".into(), None);
        let mut found = reader
            .list(&filter, cancel)
            .await
            .map_err(|e| vec![diagnose::list_failure(&e, &context)])?;
        if filter.status.is_none() {
            found.retain(|c| c.status.as_deref() != Some("DELETED"));
        }
        let ids = found
            .iter()
            .map(|c| Value::string_or_null(c.id.clone()))
            .collect();
        // Each connection's model is dropped as soon as it is mapped: a long
        // list is never held twice.
        let connections = found.drain(..).map(|c| state::object(&c)).collect();
        let region = reader.target.region.as_deref();
        Ok(Location::of_read(region, &reader.project_id).state_with([
            ("name", Value::string_or_null(filter.name.clone())),
            ("status", Value::string_or_null(filter.status.clone())),
            ("tags", config.attr("tags").clone()),
            (
                "id",
                Value::String(stable_id(&filter, region, &reader.project_id)),
            ),
            ("ids", Value::List(ids)),
            ("connections", Value::List(connections)),
        ]))
    }
}

pub fn schema() -> Schema {
    use Mode::{Computed, Optional};
    Schema {
        version: 0,
        description: "Lists DLI enhanced datasource connections, optionally filtered by name, \
                      status and tags: every page, in DLI's order (creation order).",
        attributes: [
            vec![
            Attribute::new(
                "name",
                Type::String,
                Optional,
                "Only connections whose name contains this text, ignoring case (DLI's own \
                 filter). For one connection by its exact name, use the `dli_enhanced_connection` \
                 data source's `name`.",
            ),
            Attribute::new(
                "status",
                Type::String,
                Optional,
                "Only connections with this status, e.g. `ACTIVE`. Without it, `DELETED` \
                 connections are left out; `status = \"DELETED\"` lists them.",
            ),
            Attribute::new(
                "tags",
                Type::map(Type::String),
                Optional,
                "Only connections with all these tags (key and value).",
            ),
            Attribute::new(
                "id",
                Type::String,
                Computed,
                "An ID for this list, the same for the same filters, region and project.",
            ),
            Attribute::new(
                "ids",
                Type::list(Type::String),
                Computed,
                "IDs of the connections, in the order of `connections`.",
            ),
            Attribute::nested(
                "connections",
                Nesting::List,
                connection::attributes(),
                Computed,
                "The connections, in DLI's order, each with the same attributes (names and formats) \
                 as the `dli_enhanced_connection` data source.",
            ),
        ],
            Location::attributes(),
        ]
        .concat(),
        blocks: Vec::new(),
    }
}

/// Tags as the API takes them (`k1=v1,k2=v2`): neither side may hold `,` or
/// `=`, and keys are not empty.
fn tag_problems(tags: &BTreeMap<String, Value>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for (key, value) in tags {
        let text = value.as_str().known().unwrap_or_default();
        let bad = |s: &str| s.contains([',', '=']);
        if key.is_empty() || bad(key) || bad(text) {
            problems.push(
                Diagnostic::error(
                    "Invalid tag filter",
                    format!(
                        "Tag {key:?} = {text:?} cannot be sent: keys must not be empty, and \
                         neither keys nor values may contain \",\" or \"=\"."
                    ),
                )
                .at("tags"),
            );
        }
    }
    problems
}

fn filter_of(config: &Value) -> ListQuery {
    let own = |name| config.attr(name).as_str().known().map(str::to_owned);
    let tags = match config.attr("tags") {
        Value::Map(tags) => tags
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().known().unwrap_or_default().to_owned()))
            .collect(),
        _ => Vec::new(),
    };
    ListQuery {
        name: own("name"),
        status: own("status"),
        tags,
        ..ListQuery::default()
    }
}

/// The same for the same filters, region and project; different otherwise.
fn stable_id(filter: &ListQuery, region: Option<&str>, project_id: &str) -> String {
    let key = serde_json::json!([project_id, region, filter.name, filter.status, filter.tags]);
    let digest = Sha256::digest(key.to_string().as_bytes());
    hex::encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::DataSource;

    #[test]
    fn the_id_is_stable_for_the_same_filters_only() {
        let a = ListQuery {
            name: Some("orders".into()),
            ..ListQuery::default()
        };
        let b = ListQuery {
            name: Some("orders2".into()),
            ..ListQuery::default()
        };
        assert_eq!(
            stable_id(&a, Some("r"), "p"),
            stable_id(&a.clone(), Some("r"), "p")
        );
        assert_ne!(stable_id(&a, Some("r"), "p"), stable_id(&b, Some("r"), "p"));
        assert_ne!(
            stable_id(&a, Some("r"), "p"),
            stable_id(&a, Some("r2"), "p")
        );
    }

    #[test]
    fn tags_that_cannot_be_sent_are_refused_on_the_attribute() {
        let config = Value::object([(
            "tags",
            Value::Map([("a,b".to_owned(), Value::String("x".into()))].into()),
        )]);
        let problems = EnhancedConnections.validate(&config);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].attribute,
            Some(tfplugin::AttributePath::attribute("tags"))
        );
        let fine = Value::object([(
            "tags",
            Value::Map([("env".to_owned(), Value::String("prod".into()))].into()),
        )]);
        assert!(EnhancedConnections.validate(&fine).is_empty());
        assert_eq!(
            filter_of(&fine).tags,
            [("env".to_owned(), "prod".to_owned())]
        );
    }

    #[test]
    fn every_attribute_is_described() {
        for a in schema().attributes {
            assert!(a.description.len() > 10, "{} lacks a description", a.name);
        }
    }
}
