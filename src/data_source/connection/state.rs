//! Maps the API's connection to state values. An absent scalar is null, an
//! absent list is empty, order is the API's, times are RFC 3339 UTC.

use crate::dli::model::{EnhancedConnection, Host, QueueInfo, Route};
use tfplugin::Value;

/// A connection as an object of the attributes in [`super::attributes`].
pub fn object(c: &EnhancedConnection) -> Value {
    Value::object(attributes(c))
}

/// The values of the attributes in [`super::attributes`].
pub fn attributes(c: &EnhancedConnection) -> Vec<(&'static str, Value)> {
    vec![
        ("id", text(&c.id)),
        ("name", text(&c.name)),
        ("status", text(&c.status)),
        ("vpc_id", text(&c.dest_vpc_id)),
        ("subnet_id", text(&c.dest_network_id)),
        ("created_at", time_of(c.create_time)),
        ("queues", list(&c.available_queue_info, queue)),
        (
            "elastic_resource_pools",
            list(&c.elastic_resource_pools, queue),
        ),
        ("hosts", list(&c.hosts, host)),
        ("routes", list(&c.routes, route)),
        (
            "ipv6_enabled",
            c.ipv6_enable.map_or(Value::Null, Value::Bool),
        ),
    ]
}

fn queue(q: &QueueInfo) -> Value {
    Value::object([
        ("name", text(&q.name)),
        ("peer_id", text(&q.peer_id)),
        ("status", text(&q.status)),
        ("error_msg", text(&q.err_msg)),
        ("updated_at", time_of(q.update_time)),
    ])
}

fn host(h: &Host) -> Value {
    Value::object([("name", text(&h.name)), ("ip", text(&h.ip))])
}

fn route(r: &Route) -> Value {
    Value::object([
        ("name", text(&r.name)),
        ("cidr", text(&r.cidr)),
        ("created_at", time_of(r.create_time)),
    ])
}

fn text(s: &Option<String>) -> Value {
    Value::string_or_null(s.clone())
}

fn list<T>(items: &Option<Vec<T>>, map: fn(&T) -> Value) -> Value {
    Value::List(items.iter().flatten().map(map).collect())
}

/// RFC 3339 in UTC with exactly three fractional digits, so times sort
/// correctly as strings.
const RFC3339_MILLIS: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
);

/// Epoch milliseconds as RFC 3339 in UTC; null when absent or out of range.
pub fn time_of(epoch_ms: Option<i64>) -> Value {
    let Some(ms) = epoch_ms else {
        return Value::Null;
    };
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .filter(|t| (0..=9999).contains(&t.year()))
        .and_then(|t| t.format(RFC3339_MILLIS).ok())
        .map_or(Value::Null, Value::String)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dli::model;

    #[test]
    fn times_are_rfc3339_utc_with_milliseconds() {
        assert_eq!(
            time_of(Some(1566888011125)),
            Value::String("2019-08-27T06:40:11.125Z".into())
        );
        assert_eq!(
            time_of(Some(1566888011100)),
            Value::String("2019-08-27T06:40:11.100Z".into())
        );
        assert_eq!(
            time_of(Some(1566889577000)),
            Value::String("2019-08-27T07:06:17.000Z".into())
        );
        assert_eq!(
            time_of(Some(0)),
            Value::String("1970-01-01T00:00:00.000Z".into())
        );
        assert_eq!(
            time_of(Some(-1000)),
            Value::String("1969-12-31T23:59:59.000Z".into())
        );
        assert_eq!(time_of(None), Value::Null);
        assert_eq!(time_of(Some(i64::MAX)), Value::Null);
    }

    #[test]
    fn seed_example_maps_to_every_attribute() {
        let c = model::decode(include_bytes!(
            "../../../tests/fixtures/seed-example-response.json"
        ))
        .unwrap();
        let s = object(&c);
        let str_of = |v: &Value| v.as_str().known().map(str::to_owned);
        assert_eq!(str_of(s.attr("name")).as_deref(), Some("withvpc"));
        assert_eq!(
            str_of(s.attr("vpc_id")).as_deref(),
            Some("22094d8f-c310-4621-913d-4c4d655d8495")
        );
        assert_eq!(
            str_of(s.attr("subnet_id")).as_deref(),
            Some("78f2562a-36e4-4b39-95b9-f5aab22e1281")
        );
        assert_eq!(
            str_of(s.attr("created_at")).as_deref(),
            Some("2019-08-27T06:40:11.125Z")
        );
        let Value::List(queues) = s.attr("queues") else {
            panic!()
        };
        assert_eq!(
            str_of(queues[0].attr("updated_at")).as_deref(),
            Some("2019-08-27T07:06:17.861Z")
        );
        assert_eq!(str_of(queues[0].attr("error_msg")).as_deref(), Some(""));
        assert_eq!(s.attr("elastic_resource_pools"), &Value::List(vec![]));
        assert_eq!(s.attr("routes"), &Value::List(vec![]));
        let Value::List(hosts) = s.attr("hosts") else {
            panic!()
        };
        assert_eq!(str_of(hosts[1].attr("ip")).as_deref(), Some("192.168.0.2"));
    }

    #[test]
    fn absent_scalars_are_null() {
        let s = object(&EnhancedConnection::default());
        assert_eq!(s.attr("name"), &Value::Null);
        assert_eq!(s.attr("hosts"), &Value::List(vec![]));
        assert_eq!(s.attr("ipv6_enabled"), &Value::Null);
    }

    #[test]
    fn ipv6_enable_maps_to_ipv6_enabled() {
        let c = EnhancedConnection {
            ipv6_enable: Some(true),
            ..EnhancedConnection::default()
        };
        assert_eq!(object(&c).attr("ipv6_enabled"), &Value::Bool(true));
    }
}
