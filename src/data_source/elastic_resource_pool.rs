//! `dli_elastic_resource_pool`: one pool by its name (in any case), found through
//! the pool list's fuzzy `name` filter (every page), so that a follow-up of
//! a connection's `elastic_resource_pools[].name` needs nothing else.

use async_trait::async_trait;
use tfplugin::{Diagnostics, Model, ModelDataSource, Read, ReadRequest};

use super::Context;
use super::by_name::{ByName, dli_name, pick};
use super::connection::{Reader, diagnose};
use super::pool::{PERMISSION, PoolDetails};
use dli_client::model::ListQuery;

/// The `dli_elastic_resource_pool` data source.
pub struct ElasticResourcePool;

/// Everything a read sets.
#[derive(Debug, Model)]
pub struct State {
    #[tf(flatten)]
    pub config: ByName,
    #[tf(flatten)]
    pub details: PoolDetails,
}

#[async_trait]
impl ModelDataSource<Context> for ElasticResourcePool {
    type Config = ByName;
    type State = State;
    const TYPE_NAME: &'static str = "dli_elastic_resource_pool";
    const DESCRIPTION: &'static str = "Reads one DLI elastic resource pool by its name (in any case): \
        its status, CIDR in the VPC, CU figures and queues.";

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
            .context(
                format!("the elastic resource pools named {name:?}"),
                // A list: a name that matches none is no 404.
                None,
            )
            .needing(PERMISSION);
        // DLI's names are lowercase: so is the filter.
        let filter = ListQuery {
            name: Some(name.to_ascii_lowercase()),
            ..ListQuery::default()
        };
        let found = reader
            .api
            .elastic_resource_pools(&filter, cancel)
            .await
            .map_err(|e| diagnose::list_failure(&e, &context))?;
        let pool = pick(found, name, "elastic resource pool", &context.place())?;
        let location = reader.location();
        Ok(State {
            config: ByName {
                name: dli_name(&pool, name),
                location,
            },
            details: PoolDetails::from_api(pool),
        }
        .into())
    }
}
