//! `dli_enhanced_connections`: every connection matching optional filters
//! (the API's fuzzy name, status, tags), all pages, in the API's order.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tfplugin::{Diagnostic, Diagnostics, Known, Model, ModelDataSource, Read, ReadRequest};

use super::connection::{Listed, Reader, diagnose, validate_location};
use super::{Context, Location};
use dli_client::model::ListQuery;

/// The `dli_enhanced_connections` data source.
pub struct EnhancedConnections;

/// The filters, as set in the config and kept in the state.
#[derive(Debug, Model)]
pub struct Filter {
    /// Only connections whose name contains this text, ignoring case (DLI's own filter). For
    /// one connection by its exact name, use the `dli_enhanced_connection` data source's `name`.
    #[tf(optional)]
    pub name: Known<String>,
    /// Only connections with this status, e.g. `ACTIVE`. Without it, `DELETED` connections are
    /// left out; `status = "DELETED"` lists them.
    #[tf(optional)]
    pub status: Known<String>,
    /// Only connections with all these tags (key and value).
    #[tf(optional)]
    pub tags: Known<Tags>,
    #[tf(flatten)]
    pub location: Location,
}

/// Everything a read sets.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct State {
    #[tf(flatten)]
    pub filter: Filter,
    /// An ID for this list, the same for the same filters, region and project.
    pub id: String,
    /// IDs of the connections, in the order of `connections`.
    pub ids: Vec<Option<String>>,
    /// The connections, in DLI's order, each with the same attributes (names and formats) as
    /// the `dli_enhanced_connection` data source.
    pub connections: Vec<Listed>,
}

#[async_trait]
impl ModelDataSource<Context> for EnhancedConnections {
    type Config = Filter;
    type State = State;
    const TYPE_NAME: &'static str = "dli_enhanced_connections";
    const DESCRIPTION: &'static str = "Lists DLI enhanced datasource connections, optionally \
        filtered by name, status and tags: every page, in DLI's order (creation order).";

    /// Checks what is known; unknown values are checked at read time.
    fn validate(&self, config: &Filter) -> Diagnostics {
        filter_problems(&config.name, &config.status, &config.tags, &config.location)
    }

    async fn read(
        &self,
        request: ReadRequest<'_, Context, Filter>,
    ) -> Result<Read<State>, Diagnostics> {
        let (cx, cancel, filter) = (request.configured, request.cancel, request.config);
        let reader = Reader::at(cx, &filter.location, cancel).await?;
        let query = query_of(&filter.name, &filter.status, &filter.tags);
        let context = reader.context("the enhanced connections".into(), None);
        let mut found = reader
            .api
            .enhanced_connections(&query, cancel)
            .await
            .map_err(|e| diagnose::list_failure(&e, &context))?;
        if query.status.is_none() {
            found.retain(|c| c.status.as_deref() != Some("DELETED"));
        }
        let ids = found.iter().map(|c| c.id.clone()).collect();
        // Each connection's model is taken apart as it is mapped: a long
        // list is never held twice.
        let connections = found.into_iter().map(Listed::from_api).collect();
        let location = reader.location();
        let id = stable_id(&query, reader.target.region.as_deref(), &reader.project_id);
        Ok(State {
            filter: Filter { location, ..filter },
            id,
            ids,
            connections,
        }
        .into())
    }
}

/// The problems of a list's filters, as far as they are known: an empty name
/// or status, tags the API cannot take, a bad region or project. The pool
/// list's filters have the same names.
pub fn filter_problems(
    name: &Known<String>,
    status: &Known<String>,
    tags: &Known<Tags>,
    location: &Location,
) -> Diagnostics {
    let mut problems = validate_location(location);
    for (argument, value) in [(Filter::NAME, name), (Filter::STATUS, status)] {
        if value.as_deref_known() == Some("") {
            problems.push(
                Diagnostic::error(
                    format!("Empty {argument}"),
                    format!("Leave {argument} out to list without that filter."),
                )
                .at(argument),
            );
        }
    }
    if let Known::Value(tags) = tags {
        problems.extend(tag_problems(tags));
    }
    problems
}

/// A tag filter as configured.
pub type Tags = BTreeMap<String, Known<String>>;

/// Tags as the API takes them (`k1=v1,k2=v2`): neither side may hold `,` or
/// `=`, and keys are not empty.
fn tag_problems(tags: &BTreeMap<String, Known<String>>) -> Diagnostics {
    let mut problems = Diagnostics::new();
    for (key, value) in tags {
        let text = tag_value(value);
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
                .at(Filter::TAGS),
            );
        }
    }
    problems
}

/// A tag's value as sent: a null one (and, before apply, an unknown one)
/// is empty.
fn tag_value(value: &Known<String>) -> &str {
    value.as_deref_known().unwrap_or_default()
}

/// Tags as sent, in key order.
pub fn tags_of(tags: &Known<Tags>) -> Vec<(String, String)> {
    match tags {
        Known::Value(tags) => (tags.iter())
            .map(|(key, value)| (key.clone(), tag_value(value).to_owned()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The list query of a list's filters.
pub fn query_of(name: &Known<String>, status: &Known<String>, tags: &Known<Tags>) -> ListQuery {
    let own = |value: &Known<String>| value.as_deref_known().map(str::to_owned);
    ListQuery {
        name: own(name),
        status: own(status),
        tags: tags_of(tags),
        ..ListQuery::default()
    }
}

/// The same for the same filters, region and project; different otherwise.
pub fn stable_id(filter: &ListQuery, region: Option<&str>, project_id: &str) -> String {
    digest_id(&serde_json::json!([
        project_id,
        region,
        filter.name,
        filter.status,
        filter.tags
    ]))
}

/// A short digest of what a list read was for, as its `id`.
pub fn digest_id(key: &serde_json::Value) -> String {
    let digest = Sha256::digest(key.to_string().as_bytes());
    hex::encode(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{AttributePath, DataSource, Value};

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
        let with_tag = |key: &str, value: &str| {
            let tags = Value::Map([(key.to_owned(), Value::from(value))].into());
            Value::object([(Filter::TAGS, tags)])
        };
        let problems = DataSource::validate(&EnhancedConnections, &with_tag("a,b", "x"));
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].attribute,
            Some(AttributePath::attribute(Filter::TAGS))
        );
        let fine = with_tag("env", "prod");
        assert!(DataSource::validate(&EnhancedConnections, &fine).is_empty());
        let filter = Filter::from_value(&fine).unwrap();
        assert_eq!(
            query_of(&filter.name, &filter.status, &filter.tags).tags,
            [("env".to_owned(), "prod".to_owned())]
        );
    }

    #[test]
    fn a_null_or_unknown_tag_value_is_sent_empty_and_checks_go_on() {
        let tags = Value::Map(
            [
                ("env".to_owned(), Value::Null),
                ("team".to_owned(), Value::Unknown),
            ]
            .into(),
        );
        let config = Value::object([(Filter::TAGS, tags), (Filter::STATUS, "".into())]);
        let problems = DataSource::validate(&EnhancedConnections, &config);
        let at: Vec<_> = problems.iter().map(|d| d.attribute.clone()).collect();
        assert_eq!(at, [Some(AttributePath::attribute(Filter::STATUS))]);
        let filter = Filter::from_value(&config).unwrap();
        assert_eq!(
            query_of(&filter.name, &filter.status, &filter.tags).tags,
            [
                ("env".to_owned(), String::new()),
                ("team".to_owned(), String::new())
            ]
        );
        assert_eq!(
            filter.to_value().attr(Filter::TAGS),
            config.attr(Filter::TAGS)
        );
    }

    #[test]
    fn an_empty_filter_is_refused_on_its_attribute() {
        let config = Value::object([(Filter::STATUS, "".into()), (Filter::NAME, Value::Unknown)]);
        let problems = DataSource::validate(&EnhancedConnections, &config);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].attribute,
            Some(AttributePath::attribute(Filter::STATUS))
        );
    }

    #[test]
    fn every_attribute_is_described() {
        for a in DataSource::schema(&EnhancedConnections).attributes {
            assert!(a.description.len() > 10, "{} lacks a description", a.name);
        }
    }
}
