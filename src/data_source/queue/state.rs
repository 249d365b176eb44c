//! A queue's attributes as DLI's queue list reports them (the single-queue
//! GET lacks `cidr_in_vpc` and `is_restarting` and names some fields in
//! camelCase, so both queue data sources read the list), declared once as
//! models, and their mapping from the API's queue.

use tfplugin::Model;

use crate::data_source::connection::state::time_of;
use dli_client::model::Queue;

/// What DLI reports of a queue but its name, whose mode differs from data
/// source to data source.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct QueueDetails {
    /// The queue's name, which is its ID.
    pub id: Option<String>,
    /// The queue's type: `sql` (SQL jobs) or `general` (Flink and Spark jar jobs).
    #[tf(rename = "type")]
    pub queue_type: Option<String>,
    /// The queue's CUs.
    pub cu_count: Option<i64>,
    /// 0: shared; 1: dedicated.
    pub resource_mode: Option<i64>,
    /// The elastic resource pool the queue is in; null for a queue outside pools.
    pub elastic_resource_pool_name: Option<String>,
    /// The queue's CIDR in its VPC, which must not overlap the subnets of the data sources
    /// it connects to.
    pub cidr_in_vpc: Option<String>,
    /// The CIDR of the queue's subnet.
    pub cidr_in_subnet: Option<String>,
    /// The CIDR of the queue's management subnet.
    pub cidr_in_mgntsubnet: Option<String>,
    /// Whether the queue is restarting (a job submitted now waits).
    pub is_restarting: Option<bool>,
    /// Who created the queue.
    pub owner: Option<String>,
    /// The queue's description.
    pub description: Option<String>,
    /// The queue's engine, e.g. `spark`.
    pub engine: Option<String>,
    /// How the queue is billed, as DLI numbers it (`charging_mode`).
    pub charging_mode: Option<i64>,
    /// The queue's CU specification.
    pub cu_spec: Option<i64>,
    /// The most CUs the queue scales out to.
    pub cu_scale_out_limit: Option<i64>,
    /// The fewest CUs the queue scales in to.
    pub cu_scale_in_limit: Option<i64>,
    /// The queue's resource ID.
    pub resource_id: Option<String>,
    /// The queue's enterprise project.
    pub enterprise_project_id: Option<String>,
    /// The Spark versions the queue runs (`support_spark_versions`).
    pub spark_versions: Vec<String>,
    /// The queue's default Spark version.
    pub default_spark_version: Option<String>,
    /// When the queue was created, RFC 3339 in UTC with milliseconds.
    pub created_at: Option<String>,
}

/// A queue in a list: its name and the rest.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct ListedQueue {
    /// Name of the queue.
    pub name: Option<String>,
    #[tf(flatten)]
    pub details: QueueDetails,
}

impl QueueDetails {
    /// The attributes of `queue`, taking it apart.
    pub fn from_api(queue: Queue) -> Self {
        QueueDetails {
            id: queue.queue_name,
            queue_type: queue.queue_type,
            cu_count: queue.cu_count,
            resource_mode: queue.resource_mode,
            elastic_resource_pool_name: queue.elastic_resource_pool_name,
            cidr_in_vpc: queue.cidr_in_vpc,
            cidr_in_subnet: queue.cidr_in_subnet,
            cidr_in_mgntsubnet: queue.cidr_in_mgntsubnet,
            is_restarting: queue.is_restarting,
            owner: queue.owner,
            description: queue.description,
            engine: queue.engine,
            charging_mode: queue.charging_mode,
            cu_spec: queue.cu_spec,
            cu_scale_out_limit: queue.cu_scale_out_limit,
            cu_scale_in_limit: queue.cu_scale_in_limit,
            resource_id: queue.resource_id,
            enterprise_project_id: queue.enterprise_project_id,
            spark_versions: queue.support_spark_versions.unwrap_or_default(),
            default_spark_version: queue.default_spark_version,
            created_at: time_of(queue.create_time),
        }
    }
}

impl ListedQueue {
    /// The list entry of `queue`.
    pub fn from_api(queue: Queue) -> Self {
        ListedQueue {
            name: queue.queue_name.clone(),
            details: QueueDetails::from_api(queue),
        }
    }
}
