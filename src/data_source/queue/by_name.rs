//! `dli_queue`: one queue by its name, in any case. DLI's single-queue GET lacks
//! `cidr_in_vpc` and `is_restarting`, so it reads the queue list with
//! `queue_type=all` (the list has no name filter and no pages) and picks
//! the name.

use async_trait::async_trait;
use tfplugin::{Diagnostics, Model, ModelDataSource, Read, ReadRequest};

use super::{PERMISSION, QueueDetails};
use crate::data_source::Context;
use crate::data_source::by_name::{ByName, dli_name, pick};
use crate::data_source::connection::{Reader, diagnose};
use dli_client::model::QueueType;

/// The `dli_queue` data source.
pub struct Queue;

/// Everything a read sets.
#[derive(Debug, Model)]
pub struct State {
    #[tf(flatten)]
    pub config: ByName,
    #[tf(flatten)]
    pub details: QueueDetails,
}

#[async_trait]
impl ModelDataSource<Context> for Queue {
    type Config = ByName;
    type State = State;
    const TYPE_NAME: &'static str = "dli_queue";
    const DESCRIPTION: &'static str = "Reads one DLI queue by its name (in any case), of either type \
        (`sql` or `general`): its CUs, mode, pool, CIDRs and whether it is restarting.";

    /// Checks what is known; unknown values are checked at read time.
    fn validate(&self, config: &ByName) -> Diagnostics {
        config.problems()
    }

    async fn read(
        &self,
        request: ReadRequest<'_, Context, ByName>,
    ) -> Result<Read<State>, Diagnostics> {
        let (cx, cancel, config) = (request.configured, request.cancel, request.config);
        let name = config.known_name()?;
        let reader = Reader::at(cx, &config.location, cancel).await?;
        let context = reader
            // A list: a name that matches none is no 404.
            .context("the queues".to_owned(), None)
            .needing(PERMISSION);
        let queues = reader
            .api
            .queues(QueueType::All, &[], cancel)
            .await
            .map_err(|e| diagnose::read_failure(&e, &context))?;
        let queue = pick(queues, name, "queue", &context.place())?;
        let location = reader.location();
        Ok(State {
            config: ByName {
                name: dli_name(&queue, name),
                location,
            },
            details: QueueDetails::from_api(queue),
        }
        .into())
    }
}
