//! The answers of the API, as DLI sends them. Every field may be absent (or
//! null); unknown fields are ignored.

use serde::{Deserialize, Serialize};

use super::paging::{Page, PageQuery, Row};
use crate::transport::{Outcome, reported_failure};

/// An enhanced connection: the answer of
/// `GET /v2.0/{project_id}/datasource/enhanced-connections/{id}`, and a row
/// of the list.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct EnhancedConnection {
    /// `false` (with `message`) when the call failed despite a 2xx status.
    pub is_success: Option<bool>,
    /// The failure message, or empty.
    pub message: Option<String>,
    /// The connection's ID.
    pub id: Option<String>,
    /// The connection's name.
    pub name: Option<String>,
    /// `ACTIVE`, `CREATING`, `FAILED` or `DELETED`.
    pub status: Option<String>,
    /// The queues bound to the connection.
    pub available_queue_info: Option<Vec<QueueInfo>>,
    /// The elastic resource pools bound to the connection.
    pub elastic_resource_pools: Option<Vec<QueueInfo>>,
    /// The VPC the connection reaches.
    pub dest_vpc_id: Option<String>,
    /// The subnet the connection reaches.
    pub dest_network_id: Option<String>,
    /// Epoch milliseconds, UTC.
    pub create_time: Option<i64>,
    /// Host names the queues resolve.
    pub hosts: Option<Vec<Host>>,
    /// Custom routes.
    pub routes: Option<Vec<Route>>,
    /// Whether the connection carries IPv6.
    pub ipv6_enable: Option<bool>,
}

/// A queue's (or elastic resource pool's) link to the connection.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct QueueInfo {
    /// The peering's ID.
    pub peer_id: Option<String>,
    /// The binding's status, e.g. `ACTIVE`.
    pub status: Option<String>,
    /// The queue's (or pool's) name.
    pub name: Option<String>,
    /// Why the binding failed, if it did.
    pub err_msg: Option<String>,
    /// Epoch milliseconds, UTC.
    pub update_time: Option<i64>,
}

/// A host name and the address the queues resolve it to.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Host {
    /// The host name.
    pub name: Option<String>,
    /// Its IP address.
    pub ip: Option<String>,
}

/// A custom route of the connection.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Route {
    /// The route's name.
    pub name: Option<String>,
    /// The destination CIDR.
    pub cidr: Option<String>,
    /// Epoch milliseconds, UTC.
    pub create_time: Option<i64>,
}

/// One page of `GET /v2.0/{project_id}/datasource/enhanced-connections`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct ConnectionList {
    /// `false` (with `message`) when the call failed despite a 2xx status.
    pub is_success: Option<bool>,
    /// The failure message, or empty.
    pub message: Option<String>,
    /// Matches before paging.
    pub count: Option<u64>,
    /// The page's connections.
    pub connections: Option<Vec<EnhancedConnection>>,
}

/// The answer of
/// `GET /v2.0/{project_id}/datasource/enhanced-connections/{id}/privileges`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct ConnectionPrivileges {
    /// `false` (with `message`) when the call failed despite a 2xx status.
    pub is_success: Option<bool>,
    /// The failure message, or empty.
    pub message: Option<String>,
    /// The connection asked about.
    pub connection_id: Option<String>,
    /// One entry per project granted rights.
    pub privileges: Option<Vec<Privilege>>,
}

/// What one project may do with the connection.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct Privilege {
    /// `edsconnections.<connection_id>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The project granted the rights, as the API reference names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applicant_project_id: Option<String>,
    /// The same, as other clients read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// E.g. `BIND_QUEUE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privileges: Option<Vec<String>>,
}

impl Privilege {
    /// The project granted the rights: `applicant_project_id` where both
    /// names are given.
    pub fn project(&self) -> Option<&str> {
        self.applicant_project_id
            .as_deref()
            .or(self.project_id.as_deref())
    }
}

/// The list API's filters and page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Fuzzy: a case-insensitive substring.
    pub name: Option<String>,
    /// Exact, e.g. `ACTIVE`.
    pub status: Option<String>,
    /// Sent as `k1=v1,k2=v2`.
    pub tags: Vec<(String, String)>,
    /// Rows per page (set by [`crate::paging`] when it reads every page).
    pub limit: u32,
    /// Rows to skip.
    pub offset: u64,
}

impl ListQuery {
    /// The query pairs to send.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![
            ("limit".to_owned(), self.limit.to_string()),
            ("offset".to_owned(), self.offset.to_string()),
        ];
        if let Some(name) = &self.name {
            pairs.push(("name".into(), name.clone()));
        }
        if let Some(status) = &self.status {
            pairs.push(("status".into(), status.clone()));
        }
        pairs.extend(tags_pair(&self.tags));
        pairs
    }
}

/// `tags=k1=v1,k2=v2`, the tag filter of every list, unless there are none.
pub(crate) fn tags_pair(tags: &[(String, String)]) -> Option<(String, String)> {
    let joined: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    (!joined.is_empty()).then(|| ("tags".to_owned(), joined.join(",")))
}

/// An elastic resource pool, a row of
/// `GET /v3/{project_id}/elastic-resource-pools`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct ElasticResourcePool {
    /// The pool's name, its identity for users.
    pub elastic_resource_pool_name: Option<String>,
    /// DLI's number for the pool.
    #[serde(default, deserialize_with = "whole_number")]
    pub id: Option<i64>,
    /// `AVAILABLE`, `SCALING`, `CREATING` or `FAILED`.
    pub status: Option<String>,
    /// The pool's description.
    pub description: Option<String>,
    /// Who created it.
    pub owner: Option<String>,
    /// The most CUs it may scale to.
    #[serde(default, deserialize_with = "whole_number")]
    pub max_cu: Option<i64>,
    /// The fewest CUs it keeps.
    #[serde(default, deserialize_with = "whole_number")]
    pub min_cu: Option<i64>,
    /// The CUs it has now.
    #[serde(default, deserialize_with = "whole_number")]
    pub actual_cu: Option<i64>,
    /// The CUs it is scaling to.
    #[serde(default, deserialize_with = "whole_number")]
    pub current_cu: Option<i64>,
    /// The CUs paid in advance.
    #[serde(default, deserialize_with = "whole_number")]
    pub prepay_cu: Option<i64>,
    /// The pool's CIDR in its VPC.
    pub cidr_in_vpc: Option<String>,
    /// Its IPv6 CIDR, when IPv6 is on.
    pub ipv6_cidr_in_subnet: Option<String>,
    /// Whether IPv6 is on.
    pub ipv6_enable: Option<bool>,
    /// The names of its queues, in DLI's order.
    pub queues: Option<Vec<String>>,
    /// Why it failed, if it did.
    pub fail_reason: Option<String>,
    /// Its resource ID.
    pub resource_id: Option<String>,
    /// Its enterprise project.
    pub enterprise_project_id: Option<String>,
    /// How it is billed, as DLI numbers it.
    #[serde(default, deserialize_with = "whole_number")]
    pub charging_mode: Option<i64>,
    /// Who manages it (e.g. `DLI`).
    pub manager: Option<String>,
    /// Its labels.
    pub label: Option<std::collections::BTreeMap<String, String>>,
    /// Epoch milliseconds, UTC.
    #[serde(default, deserialize_with = "whole_number")]
    pub create_time: Option<i64>,
    /// Epoch milliseconds, UTC.
    #[serde(default, deserialize_with = "whole_number")]
    pub update_time: Option<i64>,
}

/// One page of `GET /v3/{project_id}/elastic-resource-pools` (the same
/// filters as the connection list: [`ListQuery`]).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct PoolList {
    /// `false` (with `message`) when the call failed despite a 2xx status.
    pub is_success: Option<bool>,
    /// The failure message, or empty.
    pub message: Option<String>,
    /// Matches before paging.
    pub count: Option<u64>,
    /// The page's pools.
    pub elastic_resource_pools: Option<Vec<ElasticResourcePool>>,
}

/// A queue, a row of `GET /v1.0/{project_id}/queues`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Queue {
    /// The queue's name, its identity for users.
    pub queue_name: Option<String>,
    /// DLI's number for the queue.
    #[serde(default, deserialize_with = "whole_number")]
    pub queue_id: Option<i64>,
    /// `sql` or `general`.
    pub queue_type: Option<String>,
    /// The queue's description.
    pub description: Option<String>,
    /// Who created it.
    pub owner: Option<String>,
    /// Its engine, e.g. `spark`.
    pub engine: Option<String>,
    /// Its CUs.
    #[serde(default, deserialize_with = "whole_number")]
    pub cu_count: Option<i64>,
    /// How it is billed, as DLI numbers it.
    #[serde(default, deserialize_with = "whole_number")]
    pub charging_mode: Option<i64>,
    /// Its resource ID.
    pub resource_id: Option<String>,
    /// Its enterprise project.
    pub enterprise_project_id: Option<String>,
    /// Its CIDR in the VPC.
    pub cidr_in_vpc: Option<String>,
    /// Its management subnet's CIDR.
    pub cidr_in_mgntsubnet: Option<String>,
    /// Its subnet's CIDR.
    pub cidr_in_subnet: Option<String>,
    /// 0: shared; 1: dedicated.
    #[serde(default, deserialize_with = "whole_number")]
    pub resource_mode: Option<i64>,
    /// Whether it is restarting.
    pub is_restarting: Option<bool>,
    /// Its CU specification.
    #[serde(default, deserialize_with = "whole_number")]
    pub cu_spec: Option<i64>,
    /// The most CUs it scales out to.
    #[serde(default, deserialize_with = "whole_number")]
    pub cu_scale_out_limit: Option<i64>,
    /// The fewest CUs it scales in to.
    #[serde(default, deserialize_with = "whole_number")]
    pub cu_scale_in_limit: Option<i64>,
    /// The elastic resource pool it is in, if any.
    pub elastic_resource_pool_name: Option<String>,
    /// The Spark versions it runs.
    pub support_spark_versions: Option<Vec<String>>,
    /// Its default Spark version.
    pub default_spark_version: Option<String>,
    /// Epoch milliseconds, UTC.
    #[serde(default, deserialize_with = "whole_number")]
    pub create_time: Option<i64>,
}

/// The answer of `GET /v1.0/{project_id}/queues` (no paging).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct QueueList {
    /// `false` (with `message`) when the call failed despite a 2xx status.
    pub is_success: Option<bool>,
    /// The failure message, or empty.
    pub message: Option<String>,
    /// The queues.
    pub queues: Option<Vec<Queue>>,
}

/// Which queues the queue list returns. DLI's own default is `sql`: a
/// list without `all` silently leaves out every `general` queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueueType {
    /// SQL queues only.
    Sql,
    /// General-purpose queues only (Flink, Spark jobs).
    General,
    /// Every queue.
    #[default]
    All,
}

impl QueueType {
    /// The value DLI's `queue_type` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            QueueType::Sql => "sql",
            QueueType::General => "general",
            QueueType::All => "all",
        }
    }
}

/// A whole number as DLI may send it: an integer, or a float without a
/// fraction. Anything else is null, so that one odd figure never makes a
/// whole pool or queue list unreadable.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    Ok(value.and_then(|v| {
        v.as_i64().or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
    }))
}

impl PageQuery for ListQuery {
    fn page(&self, offset: u64, limit: u32) -> Self {
        ListQuery {
            limit,
            offset,
            ..self.clone()
        }
    }
}

impl Page for ConnectionList {
    type Row = EnhancedConnection;

    fn count(&self) -> Option<u64> {
        self.count
    }

    fn into_rows(self) -> Vec<EnhancedConnection> {
        self.connections.unwrap_or_default()
    }
}

impl Row for EnhancedConnection {
    const PLURAL: &'static str = "connections";
    const SINGULAR: &'static str = "connection";

    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

impl Page for PoolList {
    type Row = ElasticResourcePool;

    fn count(&self) -> Option<u64> {
        self.count
    }

    fn into_rows(self) -> Vec<ElasticResourcePool> {
        self.elastic_resource_pools.unwrap_or_default()
    }
}

/// A pool is told apart by its name, which is unique in a project.
impl Row for ElasticResourcePool {
    const PLURAL: &'static str = "elastic resource pools";
    const SINGULAR: &'static str = "elastic resource pool";

    fn id(&self) -> Option<&str> {
        self.elastic_resource_pool_name.as_deref()
    }
}

impl Outcome for PoolList {
    fn unsuccessful(&self) -> Option<String> {
        reported_failure(self.is_success, &self.message)
    }
}

impl Outcome for QueueList {
    fn unsuccessful(&self) -> Option<String> {
        reported_failure(self.is_success, &self.message)
    }
}

impl Outcome for EnhancedConnection {
    fn unsuccessful(&self) -> Option<String> {
        reported_failure(self.is_success, &self.message)
    }
}

impl Outcome for ConnectionPrivileges {
    fn unsuccessful(&self) -> Option<String> {
        reported_failure(self.is_success, &self.message)
    }
}

impl Outcome for ConnectionList {
    fn unsuccessful(&self) -> Option<String> {
        reported_failure(self.is_success, &self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(body: &[u8]) -> Result<EnhancedConnection, String> {
        crate::transport::decode_as(body)
    }

    /// The example response of the API reference.
    pub(crate) const SEED_EXAMPLE: &str =
        include_str!("../../../tests/fixtures/seed-example-response.json");

    #[test]
    fn seed_example_maps_field_by_field() {
        let c = decode(SEED_EXAMPLE.as_bytes()).unwrap();
        assert_eq!(c.is_success, Some(true));
        assert_eq!(c.message.as_deref(), Some(""));
        assert_eq!(c.name.as_deref(), Some("withvpc"));
        assert_eq!(
            c.id.as_deref(),
            Some("4c693ecc-bab8-4113-a838-129cedc9a563")
        );
        assert_eq!(
            c.dest_vpc_id.as_deref(),
            Some("22094d8f-c310-4621-913d-4c4d655d8495")
        );
        assert_eq!(
            c.dest_network_id.as_deref(),
            Some("78f2562a-36e4-4b39-95b9-f5aab22e1281")
        );
        assert_eq!(c.create_time, Some(1566888011125));
        assert_eq!(c.status.as_deref(), Some("ACTIVE"));
        let queues = c.available_queue_info.unwrap();
        assert_eq!(
            queues,
            [QueueInfo {
                peer_id: Some("d2ae6628-fa37-4e04-806d-c59c497492d1".into()),
                status: Some("ACTIVE".into()),
                name: Some("resource_mode_1".into()),
                err_msg: Some(String::new()),
                update_time: Some(1566889577861),
            }]
        );
        let hosts = c.hosts.unwrap();
        assert_eq!(hosts.len(), 2);
        assert_eq!(hosts[0].ip.as_deref(), Some("192.168.0.1"));
        assert_eq!(hosts[1].name.as_deref(), Some("ecs-97f8-0002"));
        assert_eq!(c.elastic_resource_pools, None);
        assert_eq!(c.routes, None);
    }

    #[test]
    fn absent_null_and_extra_fields_are_tolerated() {
        let c = decode(br#"{"id":"x","name":null,"future_field":{"a":[1]},"routes":[{"cidr":"10.0.0.0/8","extra":1}]}"#).unwrap();
        assert_eq!(c.id.as_deref(), Some("x"));
        assert_eq!(c.name, None);
        assert_eq!(c.routes.unwrap()[0].cidr.as_deref(), Some("10.0.0.0/8"));
        assert_eq!(decode(b"{}").unwrap(), EnhancedConnection::default());
    }

    #[test]
    fn list_pages_decode_and_queries_encode() {
        let page: ConnectionList = crate::transport::decode_as(
            br#"{"is_success":true,"message":"","count":3,"connections":[{"id":"a","name":"x"}]}"#,
        )
        .unwrap();
        assert_eq!(page.count, Some(3));
        assert_eq!(page.connections.unwrap()[0].name.as_deref(), Some("x"));
        let query = ListQuery {
            name: Some("ord".into()),
            status: None,
            tags: vec![
                ("env".into(), "prod".into()),
                ("team".into(), "data".into()),
            ],
            limit: 100,
            offset: 200,
        };
        assert_eq!(
            dli_signer::canonical_query(&query.pairs()),
            "limit=100&name=ord&offset=200&tags=env%3Dprod%2Cteam%3Ddata"
        );
    }

    #[test]
    fn wrong_types_name_the_field() {
        let err = decode(br#"{"available_queue_info":[{"update_time":"yesterday"}]}"#).unwrap_err();
        assert!(err.contains("available_queue_info[0].update_time"), "{err}");
        assert!(decode(br#"{"id":"x""#).is_err());
        assert!(decode(b"<html>").is_err());
    }

    #[test]
    fn odd_figures_of_a_pool_or_queue_are_null_not_an_unreadable_list() {
        let pools: PoolList = crate::transport::decode_as(
            br#"{"elastic_resource_pools":[{"elastic_resource_pool_name":"a","max_cu":64.0,
                 "min_cu":"16","actual_cu":1.5,"current_cu":null,"prepay_cu":7}]}"#,
        )
        .unwrap();
        let pool = &pools.elastic_resource_pools.unwrap()[0];
        assert_eq!(pool.max_cu, Some(64));
        assert_eq!(
            (pool.min_cu, pool.actual_cu, pool.current_cu),
            (None, None, None)
        );
        assert_eq!(pool.prepay_cu, Some(7));
        let queues: QueueList =
            crate::transport::decode_as(br#"{"queues":[{"queue_name":"q","cu_count":16.0}]}"#)
                .unwrap();
        assert_eq!(queues.queues.unwrap()[0].cu_count, Some(16));
    }
}
