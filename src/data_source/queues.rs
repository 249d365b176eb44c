//! `dli_queues`: every queue of a type (`all` by default: DLI's own default
//! is `sql`, which silently leaves out every `general` queue) with optional
//! tags, in DLI's order.

use async_trait::async_trait;
use tfplugin::{Diagnostic, Diagnostics, Known, Model, ModelDataSource, Read, ReadRequest};

use super::connection::{Reader, diagnose};
use super::enhanced_connections::{Tags, digest_id, tags_of};
use super::queue::{ListedQueue, PERMISSION};
use super::{Context, Location};
use dli_client::model::QueueType;

/// The `dli_queues` data source.
pub struct Queues;

/// The types `type` takes, and the default.
const TYPES: [(&str, QueueType); 3] = [
    ("all", QueueType::All),
    ("sql", QueueType::Sql),
    ("general", QueueType::General),
];

/// The filters, as set in the config and kept in the state.
#[derive(Debug, Model)]
pub struct QueueFilter {
    /// Only queues of this type: `sql`, `general` or `all`. Defaults to `all` (DLI's own API
    /// defaults to `sql` and leaves out `general` queues).
    #[tf(optional, computed, rename = "type")]
    pub queue_type: Known<String>,
    /// Only queues with all these tags (key and value).
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
    pub filter: QueueFilter,
    /// An ID for this list, the same for the same filters, region and project.
    pub id: String,
    /// Names of the queues, in the order of `queues`.
    pub names: Vec<Option<String>>,
    /// The queues, in DLI's order, each with the same attributes (names and formats) as the
    /// `dli_queue` data source.
    pub queues: Vec<ListedQueue>,
}

/// The type a filter asks for, or why it is none.
fn queue_type(filter: &QueueFilter) -> Result<(&'static str, QueueType), Diagnostic> {
    let wanted = filter.queue_type.as_deref_known().unwrap_or("all");
    TYPES
        .into_iter()
        .find(|(name, _)| *name == wanted)
        .ok_or_else(|| {
            Diagnostic::error(
                "Invalid type",
                format!("{wanted:?} is not a queue type: use \"sql\", \"general\" or \"all\"."),
            )
            .at(QueueFilter::QUEUE_TYPE)
        })
}

#[async_trait]
impl ModelDataSource<Context> for Queues {
    type Config = QueueFilter;
    type State = State;
    const TYPE_NAME: &'static str = "dli_queues";
    const DESCRIPTION: &'static str = "Lists DLI queues of a type (`all` by default), \
        optionally with tags, in DLI's order.";

    /// Checks what is known; unknown values are checked at read time.
    fn validate(&self, config: &QueueFilter) -> Diagnostics {
        // The tags are checked as the other lists' are.
        let none = Known::Null;
        let mut problems = super::enhanced_connections::filter_problems(
            &none,
            &none,
            &config.tags,
            &config.location,
        );
        if !matches!(config.queue_type, Known::Unknown) {
            problems.extend(queue_type(config).err());
        }
        problems
    }

    async fn read(
        &self,
        request: ReadRequest<'_, Context, QueueFilter>,
    ) -> Result<Read<State>, Diagnostics> {
        let (cx, cancel, filter) = (request.configured, request.cancel, request.config);
        let (type_name, kind) = queue_type(&filter)?;
        let tags = tags_of(&filter.tags);
        let reader = Reader::at(cx, &filter.location, cancel).await?;
        let context = reader
            .context(queues_subject(type_name), None)
            .needing(PERMISSION);
        let found = reader
            .api
            .queues(kind, &tags, cancel)
            .await
            .map_err(|e| diagnose::read_failure(&e, &context))?;
        let names = found.iter().map(|q| q.queue_name.clone()).collect();
        let queues = found.into_iter().map(ListedQueue::from_api).collect();
        let region = reader.target.region.clone();
        let id = digest_id(&serde_json::json!([
            reader.project_id,
            region,
            type_name,
            tags
        ]));
        let location = reader.location();
        Ok(State {
            filter: QueueFilter {
                queue_type: Known::Value(type_name.to_owned()),
                location,
                ..filter
            },
            id,
            names,
            queues,
        }
        .into())
    }
}

/// What a queue list read is about, in errors: `the queues` for every
/// type, else `the sql queues`.
fn queues_subject(type_name: &str) -> String {
    match type_name {
        "all" => "the queues".to_owned(),
        one => format!("the {one} queues"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{AttributePath, DataSource, Value};

    #[test]
    fn the_type_defaults_to_all_and_others_are_refused_on_it() {
        let validate = |config: Value| DataSource::validate(&Queues, &config);
        assert!(validate(Value::object([])).is_empty());
        for fine in ["sql", "general", "all"] {
            assert!(validate(Value::object([("type", fine.into())])).is_empty());
        }
        assert!(validate(Value::object([("type", Value::Unknown)])).is_empty());
        let problems = validate(Value::object([("type", "SQL".into())]));
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].attribute,
            Some(AttributePath::attribute(QueueFilter::QUEUE_TYPE))
        );
    }
}
