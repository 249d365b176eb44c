//! An elastic resource pool's attributes as DLI reports them, declared once
//! as models for both pool data sources, and their mapping from the API's
//! pool. An absent scalar is null, an absent list or map is empty, order is
//! DLI's, times are RFC 3339 UTC with milliseconds.

use tfplugin::Model;

use crate::data_source::connection::state::time_of;
use dli_client::model::ElasticResourcePool;

/// What DLI reports of a pool but its name, whose mode differs from data
/// source to data source.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct PoolDetails {
    /// The pool's name, which is its ID.
    pub id: Option<String>,
    /// Status of the pool as DLI sends it: `AVAILABLE`, `SCALING`, `CREATING` or `FAILED`.
    pub status: Option<String>,
    /// The pool's description.
    pub description: Option<String>,
    /// Who created the pool.
    pub owner: Option<String>,
    /// The pool's CIDR in its VPC: the block security-group and SNAT rules need, which
    /// must not overlap the subnets of the data sources it connects to.
    pub cidr_in_vpc: Option<String>,
    /// The pool's IPv6 CIDR, when IPv6 is enabled.
    pub ipv6_cidr_in_subnet: Option<String>,
    /// Whether IPv6 is enabled (`ipv6_enable`); null when DLI does not say.
    pub ipv6_enabled: Option<bool>,
    /// The fewest CUs the pool keeps.
    pub min_cu: Option<i64>,
    /// The most CUs the pool may scale to.
    pub max_cu: Option<i64>,
    /// The CUs the pool is scaling to.
    pub current_cu: Option<i64>,
    /// The CUs the pool has now.
    pub actual_cu: Option<i64>,
    /// The CUs paid in advance.
    pub prepay_cu: Option<i64>,
    /// Names of the queues in the pool, in DLI's order.
    pub queues: Vec<String>,
    /// Why the pool `FAILED`, as DLI sends it: otherwise null or empty, whichever DLI sent.
    pub fail_reason: Option<String>,
    /// The pool's resource ID.
    pub resource_id: Option<String>,
    /// The pool's enterprise project.
    pub enterprise_project_id: Option<String>,
    /// How the pool is billed, as DLI numbers it (`charging_mode`).
    pub charging_mode: Option<i64>,
    /// Who manages the pool, e.g. `DLI`.
    pub manager: Option<String>,
    /// The pool's labels (`label`).
    pub labels: std::collections::BTreeMap<String, String>,
    /// When the pool was created, RFC 3339 in UTC with milliseconds.
    pub created_at: Option<String>,
    /// When the pool last changed, RFC 3339 in UTC with milliseconds.
    pub updated_at: Option<String>,
}

/// A pool in a list: its name and the rest.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct ListedPool {
    /// Name of the pool.
    pub name: Option<String>,
    #[tf(flatten)]
    pub details: PoolDetails,
}

impl PoolDetails {
    /// The attributes of `pool`, taking it apart.
    pub fn from_api(pool: ElasticResourcePool) -> Self {
        PoolDetails {
            id: pool.elastic_resource_pool_name,
            status: pool.status,
            description: pool.description,
            owner: pool.owner,
            cidr_in_vpc: pool.cidr_in_vpc,
            ipv6_cidr_in_subnet: pool.ipv6_cidr_in_subnet,
            ipv6_enabled: pool.ipv6_enable,
            min_cu: pool.min_cu,
            max_cu: pool.max_cu,
            current_cu: pool.current_cu,
            actual_cu: pool.actual_cu,
            prepay_cu: pool.prepay_cu,
            queues: pool.queues.unwrap_or_default(),
            fail_reason: pool.fail_reason,
            resource_id: pool.resource_id,
            enterprise_project_id: pool.enterprise_project_id,
            charging_mode: pool.charging_mode,
            manager: pool.manager,
            labels: pool.label.unwrap_or_default(),
            created_at: time_of(pool.create_time),
            updated_at: time_of(pool.update_time),
        }
    }
}

impl ListedPool {
    /// The list entry of `pool`.
    pub fn from_api(pool: ElasticResourcePool) -> Self {
        ListedPool {
            name: pool.elastic_resource_pool_name.clone(),
            details: PoolDetails::from_api(pool),
        }
    }
}
