//! `dli_elastic_resource_pool`: one pool by its exact name, found through
//! the pool list's fuzzy `name` filter (every page), so that a follow-up of
//! a connection's `elastic_resource_pools[].name` needs nothing else.

use async_trait::async_trait;
use tfplugin::{Diagnostic, Diagnostics, Known, Model, ModelDataSource, Read, ReadRequest};
use tokio_util::sync::CancellationToken;

use super::connection::{Reader, diagnose, validate_location};
use super::pool::{PERMISSION, PoolDetails};
use super::{Context, Location};
use dli_client::model::{ElasticResourcePool as ApiPool, ListQuery};

/// The `dli_elastic_resource_pool` data source.
pub struct ElasticResourcePool;

/// Names a pool near a missing one shows at most.
const SUGGESTIONS: usize = 5;

/// Which pool, and where.
#[derive(Debug, Model)]
pub struct PoolName {
    /// The pool's exact name (case-sensitive), e.g. from a connection's
    /// `elastic_resource_pools[].name`.
    #[tf(required)]
    pub name: Known<String>,
    #[tf(flatten)]
    pub location: Location,
}

/// Everything a read sets.
#[derive(Debug, Model)]
pub struct State {
    #[tf(flatten)]
    pub config: PoolName,
    #[tf(flatten)]
    pub details: PoolDetails,
}

#[async_trait]
impl ModelDataSource<Context> for ElasticResourcePool {
    type Config = PoolName;
    type State = State;
    const TYPE_NAME: &'static str = "dli_elastic_resource_pool";
    const DESCRIPTION: &'static str = "Reads one DLI elastic resource pool by its exact name: \
        its status, CIDR in the VPC, CU figures and queues.";

    /// Checks what is known; unknown values are checked at read time.
    fn validate(&self, config: &PoolName) -> Diagnostics {
        let mut problems = validate_location(&config.location);
        if config
            .name
            .as_deref_known()
            .is_some_and(|n| n.trim().is_empty())
        {
            problems.push(
                Diagnostic::error("Empty name", "Give the elastic resource pool's name.")
                    .at(PoolName::NAME),
            );
        }
        problems
    }

    async fn read(
        &self,
        request: ReadRequest<'_, Context, PoolName>,
    ) -> Result<Read<State>, Diagnostics> {
        let (cx, cancel, config) = (request.configured, request.cancel, request.config);
        let Known::Value(name) = &config.name else {
            return Err(
                Diagnostic::error("Missing name", "A pool name is required.")
                    .at(PoolName::NAME)
                    .into(),
            );
        };
        let reader = Reader::at(cx, &config.location, cancel).await?;
        let pool = find(&reader, name, cancel).await?;
        let location = reader.location();
        Ok(State {
            config: PoolName { location, ..config },
            details: PoolDetails::from_api(pool),
        }
        .into())
    }
}

/// The one pool named exactly `name`, or an error naming the pool, project,
/// region and the near matches.
async fn find(
    reader: &Reader<'_>,
    name: &str,
    cancel: &CancellationToken,
) -> Result<ApiPool, Diagnostic> {
    let context = reader
        .context(
            format!("the elastic resource pools named {name:?}"),
            Some(PoolName::NAME),
        )
        .needing(PERMISSION);
    let filter = ListQuery {
        name: Some(name.to_owned()),
        ..ListQuery::default()
    };
    let found = reader
        .pools(&filter, cancel)
        .await
        .map_err(|e| diagnose::list_failure(&e, &context))?;
    let exact = |p: &ApiPool| p.elastic_resource_pool_name.as_deref() == Some(name);
    let count = found.iter().filter(|p| exact(p)).count();
    if count > 1 {
        return Err(Diagnostic::error(
            format!("{count} elastic resource pools are named {name:?}"),
            format!(
                "DLI lists {count} pools named {name:?} in {}, though names are unique.",
                context.place()
            ),
        )
        .at(PoolName::NAME));
    }
    let mut near: Vec<String> = Vec::new();
    for pool in found {
        if exact(&pool) {
            return Ok(pool);
        }
        near.extend(pool.elastic_resource_pool_name);
    }
    near.truncate(SUGGESTIONS);
    let hint = if near.is_empty() {
        String::new()
    } else {
        format!(" Similar names: {}.", near.join(", "))
    };
    Err(Diagnostic::error(
        format!("No elastic resource pool named {name:?}"),
        format!(
            "No pool in {} is named exactly {name:?} (names are case-sensitive).{hint}",
            context.place()
        ),
    )
    .at(PoolName::NAME))
}
