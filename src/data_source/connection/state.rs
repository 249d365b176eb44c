//! A connection's attributes as DLI reports them, declared once as models,
//! and their mapping from the API's connection. An absent scalar is null, an
//! absent list is empty, order is the API's, times are RFC 3339 UTC.

use tfplugin::Model;

use dli_client::model::{EnhancedConnection, Host, QueueInfo, Route};

/// What DLI reports of a connection but its name, whose mode differs from
/// data source to data source.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct Details {
    /// ID of the connection, as DLI reports it.
    pub id: Option<String>,
    /// Status of the connection: `ACTIVE`, `CREATING`, `FAILED` or `DELETED`.
    pub status: Option<String>,
    /// ID of the VPC the connection links to (`dest_vpc_id`).
    pub vpc_id: Option<String>,
    /// ID of the subnet the connection links to (`dest_network_id`).
    pub subnet_id: Option<String>,
    /// When the connection was created, RFC 3339 in UTC with milliseconds (e.g.
    /// `2019-08-27T06:40:11.125Z`).
    pub created_at: Option<String>,
    /// Queues bound to the connection (`available_queue_info`), in the API's order.
    pub queues: Vec<Binding>,
    /// Elastic resource pools bound to the connection, with the same fields as `queues`.
    pub elastic_resource_pools: Vec<Binding>,
    /// Host entries of the connection.
    pub hosts: Vec<HostEntry>,
    /// Routes of the connection.
    pub routes: Vec<RouteEntry>,
    /// Whether the connection's subnet has IPv6 enabled (`ipv6_enable`); null when DLI
    /// does not say.
    pub ipv6_enabled: Option<bool>,
}

/// A connection in a list: its name and the rest.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct Listed {
    /// Name of the connection.
    pub name: Option<String>,
    #[tf(flatten)]
    pub details: Details,
}

/// One binding of a queue or pool to the connection.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct Binding {
    /// Name of the queue or elastic resource pool.
    pub name: Option<String>,
    /// ID of the queue's link to the connection.
    pub peer_id: Option<String>,
    /// Status of the link: `ACTIVE`, `CREATING` or `FAILED`.
    pub status: Option<String>,
    /// Why the link `FAILED`; empty otherwise.
    pub error_msg: Option<String>,
    /// When the link last changed, RFC 3339 in UTC.
    pub updated_at: Option<String>,
}

/// One host entry of the connection.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct HostEntry {
    /// Host name, as mapped on the connection.
    pub name: Option<String>,
    /// IPv4 address of the host.
    pub ip: Option<String>,
}

/// One route of the connection.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct RouteEntry {
    /// Name of the route.
    pub name: Option<String>,
    /// Destination network of the route, in CIDR notation.
    pub cidr: Option<String>,
    /// When the route was created, RFC 3339 in UTC.
    pub created_at: Option<String>,
}

impl Details {
    /// The connection's attributes but its name; the API's model is taken
    /// apart, not copied.
    pub fn from_api(c: EnhancedConnection) -> Self {
        Details {
            id: c.id,
            status: c.status,
            vpc_id: c.dest_vpc_id,
            subnet_id: c.dest_network_id,
            created_at: time_of(c.create_time),
            queues: list(c.available_queue_info, Binding::from_api),
            elastic_resource_pools: list(c.elastic_resource_pools, Binding::from_api),
            hosts: list(c.hosts, HostEntry::from_api),
            routes: list(c.routes, RouteEntry::from_api),
            ipv6_enabled: c.ipv6_enable,
        }
    }
}

impl Listed {
    /// A connection of a list.
    pub fn from_api(mut c: EnhancedConnection) -> Self {
        Listed {
            name: c.name.take(),
            details: Details::from_api(c),
        }
    }
}

impl Binding {
    fn from_api(q: QueueInfo) -> Self {
        Binding {
            name: q.name,
            peer_id: q.peer_id,
            status: q.status,
            error_msg: q.err_msg,
            updated_at: time_of(q.update_time),
        }
    }
}

impl HostEntry {
    fn from_api(h: Host) -> Self {
        HostEntry {
            name: h.name,
            ip: h.ip,
        }
    }
}

impl RouteEntry {
    fn from_api(r: Route) -> Self {
        RouteEntry {
            name: r.name,
            cidr: r.cidr,
            created_at: time_of(r.create_time),
        }
    }
}

fn list<T, U>(items: Option<Vec<T>>, map: fn(T) -> U) -> Vec<U> {
    items.into_iter().flatten().map(map).collect()
}

/// RFC 3339 in UTC with exactly three fractional digits, so times sort
/// correctly as strings.
const RFC3339_MILLIS: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
);

/// Epoch milliseconds as RFC 3339 in UTC; none when absent or out of range.
pub fn time_of(epoch_ms: Option<i64>) -> Option<String> {
    let ms = epoch_ms?;
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .filter(|t| (0..=9999).contains(&t.year()))
        .and_then(|t| t.format(RFC3339_MILLIS).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dli_client::model;
    use tfplugin::Value;

    #[test]
    fn times_are_rfc3339_utc_with_milliseconds() {
        let time = |ms| time_of(Some(ms));
        assert_eq!(time(1566888011125).unwrap(), "2019-08-27T06:40:11.125Z");
        assert_eq!(time(1566888011100).unwrap(), "2019-08-27T06:40:11.100Z");
        assert_eq!(time(1566889577000).unwrap(), "2019-08-27T07:06:17.000Z");
        assert_eq!(time(0).unwrap(), "1970-01-01T00:00:00.000Z");
        assert_eq!(time(-1000).unwrap(), "1969-12-31T23:59:59.000Z");
        assert_eq!(time_of(None), None);
        assert_eq!(time(i64::MAX), None);
    }

    #[test]
    fn seed_example_maps_to_every_attribute() {
        let c: model::EnhancedConnection = serde_json::from_slice(include_bytes!(
            "../../../tests/fixtures/seed-example-response.json"
        ))
        .unwrap();
        let listed = Listed::from_api(c);
        assert_eq!(listed.name.as_deref(), Some("withvpc"));
        let d = &listed.details;
        assert_eq!(
            d.vpc_id.as_deref(),
            Some("22094d8f-c310-4621-913d-4c4d655d8495")
        );
        assert_eq!(
            d.subnet_id.as_deref(),
            Some("78f2562a-36e4-4b39-95b9-f5aab22e1281")
        );
        assert_eq!(d.created_at.as_deref(), Some("2019-08-27T06:40:11.125Z"));
        assert_eq!(
            d.queues[0].updated_at.as_deref(),
            Some("2019-08-27T07:06:17.861Z")
        );
        assert_eq!(d.queues[0].error_msg.as_deref(), Some(""));
        assert!(d.elastic_resource_pools.is_empty() && d.routes.is_empty());
        assert_eq!(d.hosts[1].ip.as_deref(), Some("192.168.0.2"));
    }

    #[test]
    fn absent_scalars_are_null_and_absent_lists_empty() {
        let state = Listed::from_api(EnhancedConnection::default()).to_value();
        assert_eq!(state.attr(Listed::NAME), &Value::Null);
        assert_eq!(state.attr(Details::HOSTS), &Value::List(vec![]));
        assert_eq!(state.attr(Details::IPV6_ENABLED), &Value::Null);
    }

    #[test]
    fn ipv6_enable_maps_to_ipv6_enabled() {
        let c = EnhancedConnection {
            ipv6_enable: Some(true),
            ..EnhancedConnection::default()
        };
        assert_eq!(Details::from_api(c).ipv6_enabled, Some(true));
    }
}
