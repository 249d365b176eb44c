//! What the connection data sources share: a connection's attributes (schema
//! and mapping), the reader that fetches connections for a read, and the
//! diagnostics for failed reads.

pub mod diagnose;
pub mod lookup;
pub mod reader;
pub mod state;

use crate::dli::endpoint;
use tfplugin::{Attribute, Diagnostic, Known, Mode, Type, Value};

pub use reader::Reader;

/// The object type of `queues` and `elastic_resource_pools` elements.
fn queue_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("peer_id", Type::String),
        ("status", Type::String),
        ("error_msg", Type::String),
        ("updated_at", Type::String),
    ])
}

/// A connection's attributes as DLI reports them, all computed; the order
/// of [`state::attributes`].
pub fn attributes() -> Vec<Attribute> {
    use Mode::Computed;
    vec![
        Attribute::new(
            "id",
            Type::String,
            Computed,
            "ID of the connection, as DLI reports it.",
        ),
        Attribute::new("name", Type::String, Computed, "Name of the connection."),
        Attribute::new(
            "status",
            Type::String,
            Computed,
            "Status of the connection: `ACTIVE`, `CREATING`, `FAILED` or `DELETED`.",
        ),
        Attribute::new(
            "vpc_id",
            Type::String,
            Computed,
            "ID of the VPC the connection links to (`dest_vpc_id`).",
        ),
        Attribute::new(
            "subnet_id",
            Type::String,
            Computed,
            "ID of the subnet the connection links to (`dest_network_id`).",
        ),
        Attribute::new(
            "created_at",
            Type::String,
            Computed,
            "When the connection was created, RFC 3339 in UTC with milliseconds (e.g. `2019-08-27T06:40:11.125Z`).",
        ),
        Attribute::new(
            "queues",
            Type::list(queue_type()),
            Computed,
            "Queues bound to the connection (`available_queue_info`), in the API's order. Each has \
             `name`, `peer_id`, `status`, `error_msg` (why it `FAILED`) and `updated_at` (RFC 3339, UTC).",
        ),
        Attribute::new(
            "elastic_resource_pools",
            Type::list(queue_type()),
            Computed,
            "Elastic resource pools bound to the connection, with the same fields as `queues`.",
        ),
        Attribute::new(
            "hosts",
            Type::list(Type::object([("name", Type::String), ("ip", Type::String)])),
            Computed,
            "Host entries of the connection: each has `name` and `ip` (IPv4).",
        ),
        Attribute::new(
            "routes",
            Type::list(Type::object([
                ("name", Type::String),
                ("cidr", Type::String),
                ("created_at", Type::String),
            ])),
            Computed,
            "Routes of the connection: each has `name`, `cidr` and `created_at` (RFC 3339, UTC).",
        ),
        Attribute::new(
            "ipv6_enabled",
            Type::Bool,
            Computed,
            "Whether the connection's subnet has IPv6 enabled (`ipv6_enable`); null when DLI \
             does not say.",
        ),
    ]
}

/// The object type of one connection.
pub fn object_type() -> Type {
    Type::Object(
        attributes()
            .into_iter()
            .map(|a| (a.name.to_owned(), a.ty))
            .collect(),
    )
}

/// Descriptions of the fields inside a connection's object-typed
/// attributes, for the docs.
pub fn nested_field_descriptions(attribute: &str) -> Vec<(&'static str, &'static str)> {
    const QUEUE: &[(&str, &str)] = &[
        ("name", "Name of the queue or elastic resource pool."),
        ("peer_id", "ID of the queue's link to the connection."),
        (
            "status",
            "Status of the link: `ACTIVE`, `CREATING` or `FAILED`.",
        ),
        ("error_msg", "Why the link `FAILED`; empty otherwise."),
        ("updated_at", "When the link last changed, RFC 3339 in UTC."),
    ];
    match attribute {
        "queues" | "elastic_resource_pools" => QUEUE.to_vec(),
        "hosts" => vec![
            ("name", "Host name, as mapped on the connection."),
            ("ip", "IPv4 address of the host."),
        ],
        "routes" => vec![
            ("name", "Name of the route."),
            (
                "cidr",
                "Destination network of the route, in CIDR notation.",
            ),
            ("created_at", "When the route was created, RFC 3339 in UTC."),
        ],
        _ => Vec::new(),
    }
}

/// A `project_id` that is not a project ID, on its attribute.
pub fn project_id_problem(project_id: &str) -> Option<Diagnostic> {
    endpoint::check_project_id(project_id)
        .err()
        .map(|why| Diagnostic::error("Invalid project_id", why).at("project_id"))
}

/// A data source `region` that is not a region name.
pub fn region_problem(region: &str) -> Option<Diagnostic> {
    endpoint::check_region(region).err().map(|why| {
        Diagnostic::error(
            "Invalid region",
            format!("{why}. Leave region out to use the provider's."),
        )
        .at("region")
    })
}

/// Checks the arguments every connection data source shares: region and
/// project_id, when known.
pub fn validate_location(config: &Value) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let Known::Value(region) = config.attr("region").as_str() {
        problems.extend(region_problem(region));
    }
    if let Known::Value(project_id) = config.attr("project_id").as_str() {
        problems.extend(project_id_problem(project_id));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dli::EnhancedConnection;

    #[test]
    fn the_mapping_fills_exactly_the_declared_attributes() {
        let declared: Vec<&str> = attributes().iter().map(|a| a.name).collect();
        let mapped: Vec<&str> = state::attributes(&EnhancedConnection::default())
            .iter()
            .map(|(name, _)| *name)
            .collect();
        assert_eq!(declared, mapped);
    }
}
