//! `dli_queue`: one queue by its exact name. DLI's single-queue GET lacks
//! `cidr_in_vpc` and `is_restarting`, so it reads the queue list with
//! `queue_type=all` (the list has no name filter and no pages) and picks
//! the name.

use async_trait::async_trait;
use tfplugin::{Diagnostic, Diagnostics, Known, Model, ModelDataSource, Read, ReadRequest};

use super::{PERMISSION, QueueDetails};
use crate::data_source::connection::{Reader, diagnose, validate_location};
use crate::data_source::{Context, Location};
use dli_client::model::{Queue as ApiQueue, QueueType};

/// The `dli_queue` data source.
pub struct Queue;

/// Names near a missing queue's that an error shows at most.
const SUGGESTIONS: usize = 5;

/// Which queue, and where.
#[derive(Debug, Model)]
pub struct QueueName {
    /// The queue's exact name (case-sensitive), e.g. from a connection's `queues[].name` or a
    /// pool's `queues`.
    #[tf(required)]
    pub name: Known<String>,
    #[tf(flatten)]
    pub location: Location,
}

/// Everything a read sets.
#[derive(Debug, Model)]
pub struct State {
    #[tf(flatten)]
    pub config: QueueName,
    #[tf(flatten)]
    pub details: QueueDetails,
}

#[async_trait]
impl ModelDataSource<Context> for Queue {
    type Config = QueueName;
    type State = State;
    const TYPE_NAME: &'static str = "dli_queue";
    const DESCRIPTION: &'static str = "Reads one DLI queue by its exact name, of either type \
        (`sql` or `general`): its CUs, mode, pool, CIDRs and whether it is restarting.";

    /// Checks what is known; unknown values are checked at read time.
    fn validate(&self, config: &QueueName) -> Diagnostics {
        let mut problems = validate_location(&config.location);
        if config
            .name
            .as_deref_known()
            .is_some_and(|n| n.trim().is_empty())
        {
            problems.push(
                Diagnostic::error("Empty name", "Give the queue's name.").at(QueueName::NAME),
            );
        }
        problems
    }

    async fn read(
        &self,
        request: ReadRequest<'_, Context, QueueName>,
    ) -> Result<Read<State>, Diagnostics> {
        let (cx, cancel, config) = (request.configured, request.cancel, request.config);
        let Known::Value(name) = &config.name else {
            return Err(
                Diagnostic::error("Missing name", "A queue name is required.")
                    .at(QueueName::NAME)
                    .into(),
            );
        };
        let reader = Reader::at(cx, &config.location, cancel).await?;
        let context = reader
            .context(format!("queue {name:?}"), Some(QueueName::NAME))
            .needing(PERMISSION);
        let queues = reader
            .queues(QueueType::All, &[], cancel)
            .await
            .map_err(|e| diagnose::read_failure(&e, &context))?;
        let queue = pick(queues, name).map_err(|near| {
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!(" Similar names: {}.", near.join(", "))
            };
            Diagnostic::error(
                format!("No queue named {name:?}"),
                format!(
                    "No queue of any type in {} is named exactly {name:?} (names are \
                     case-sensitive).{hint}",
                    context.place()
                ),
            )
            .at(QueueName::NAME)
        })?;
        let location = reader.location();
        Ok(State {
            config: QueueName { location, ..config },
            details: QueueDetails::from_api(queue),
        }
        .into())
    }
}

/// The queue named exactly `name`, or the names that look like it.
fn pick(queues: Vec<ApiQueue>, name: &str) -> Result<ApiQueue, Vec<String>> {
    let wanted = name.to_lowercase();
    let mut near = Vec::new();
    for queue in queues {
        if queue.queue_name.as_deref() == Some(name) {
            return Ok(queue);
        }
        let Some(other) = queue.queue_name else {
            continue;
        };
        let lower = other.to_lowercase();
        if lower.contains(&wanted) || wanted.contains(&lower) {
            near.push(other);
        }
    }
    near.truncate(SUGGESTIONS);
    Err(near)
}
