//! `dli_elastic_resource_pools`: every pool matching optional filters (the
//! API's fuzzy name, status, tags), all pages, in DLI's order.

use async_trait::async_trait;
use tfplugin::{Diagnostics, Known, Model, ModelDataSource, Read, ReadRequest};

use super::connection::{Reader, diagnose};
use super::enhanced_connections::{Tags, filter_problems, query_of, stable_id};
use super::pool::{ListedPool, PERMISSION};
use super::{Context, Location};

/// The `dli_elastic_resource_pools` data source.
pub struct ElasticResourcePools;

/// The filters, as set in the config and kept in the state.
#[derive(Debug, Model)]
pub struct PoolFilter {
    /// Only pools whose name contains this text, ignoring case (DLI's own filter). For one pool
    /// by its exact name, use the `dli_elastic_resource_pool` data source.
    #[tf(optional)]
    pub name: Known<String>,
    /// Only pools with this status: `AVAILABLE`, `SCALING`, `CREATING` or `FAILED`.
    #[tf(optional)]
    pub status: Known<String>,
    /// Only pools with all these tags (key and value).
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
    pub filter: PoolFilter,
    /// An ID for this list, the same for the same filters, region and project.
    pub id: String,
    /// Names of the pools, in the order of `pools`.
    pub names: Vec<Option<String>>,
    /// The pools, in DLI's order, each with the same attributes (names and formats) as the
    /// `dli_elastic_resource_pool` data source.
    pub pools: Vec<ListedPool>,
}

#[async_trait]
impl ModelDataSource<Context> for ElasticResourcePools {
    type Config = PoolFilter;
    type State = State;
    const TYPE_NAME: &'static str = "dli_elastic_resource_pools";
    const DESCRIPTION: &'static str = "Lists DLI elastic resource pools, optionally filtered by \
        name, status and tags: every page, in DLI's order.";

    /// Checks what is known; unknown values are checked at read time.
    fn validate(&self, config: &PoolFilter) -> Diagnostics {
        filter_problems(&config.name, &config.status, &config.tags, &config.location)
    }

    async fn read(
        &self,
        request: ReadRequest<'_, Context, PoolFilter>,
    ) -> Result<Read<State>, Diagnostics> {
        let (cx, cancel, filter) = (request.configured, request.cancel, request.config);
        let reader = Reader::at(cx, &filter.location, cancel).await?;
        let query = query_of(&filter.name, &filter.status, &filter.tags);
        let context = reader
            .context("the elastic resource pools".into(), None)
            .needing(PERMISSION);
        let found = reader
            .api
            .elastic_resource_pools(&query, cancel)
            .await
            .map_err(|e| diagnose::list_failure(&e, &context))?;
        let names = found
            .iter()
            .map(|p| p.elastic_resource_pool_name.clone())
            .collect();
        let pools = found.into_iter().map(ListedPool::from_api).collect();
        let location = reader.location();
        let id = stable_id(&query, reader.target.region.as_deref(), &reader.project_id);
        Ok(State {
            filter: PoolFilter { location, ..filter },
            id,
            names,
            pools,
        }
        .into())
    }
}
