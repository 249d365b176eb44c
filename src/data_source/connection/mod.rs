//! What the connection data sources share: a connection's attributes (schema
//! and mapping), the reader that fetches connections for a read, and the
//! diagnostics for failed reads.

pub mod diagnose;
pub mod lookup;
pub mod reader;
pub mod state;

use super::Location;
use crate::dli::endpoint;
use tfplugin::{Attribute, Diagnostic, Known, Mode, Nesting, Type, Value};

pub use reader::Reader;

/// The attributes of a `queues` or `elastic_resource_pools` element: one
/// binding of a queue or pool to the connection.
fn binding_attributes() -> Vec<Attribute> {
    use Mode::Computed;
    vec![
        Attribute::new(
            "name",
            Type::String,
            Computed,
            "Name of the queue or elastic resource pool.",
        ),
        Attribute::new(
            "peer_id",
            Type::String,
            Computed,
            "ID of the queue's link to the connection.",
        ),
        Attribute::new(
            "status",
            Type::String,
            Computed,
            "Status of the link: `ACTIVE`, `CREATING` or `FAILED`.",
        ),
        Attribute::new(
            "error_msg",
            Type::String,
            Computed,
            "Why the link `FAILED`; empty otherwise.",
        ),
        Attribute::new(
            "updated_at",
            Type::String,
            Computed,
            "When the link last changed, RFC 3339 in UTC.",
        ),
    ]
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
        Attribute::nested(
            "queues",
            Nesting::List,
            binding_attributes(),
            Computed,
            "Queues bound to the connection (`available_queue_info`), in the API's order.",
        ),
        Attribute::nested(
            "elastic_resource_pools",
            Nesting::List,
            binding_attributes(),
            Computed,
            "Elastic resource pools bound to the connection, with the same fields as `queues`.",
        ),
        Attribute::nested(
            "hosts",
            Nesting::List,
            vec![
                Attribute::new(
                    "name",
                    Type::String,
                    Computed,
                    "Host name, as mapped on the connection.",
                ),
                Attribute::new("ip", Type::String, Computed, "IPv4 address of the host."),
            ],
            Computed,
            "Host entries of the connection.",
        ),
        Attribute::nested(
            "routes",
            Nesting::List,
            vec![
                Attribute::new("name", Type::String, Computed, "Name of the route."),
                Attribute::new(
                    "cidr",
                    Type::String,
                    Computed,
                    "Destination network of the route, in CIDR notation.",
                ),
                Attribute::new(
                    "created_at",
                    Type::String,
                    Computed,
                    "When the route was created, RFC 3339 in UTC.",
                ),
            ],
            Computed,
            "Routes of the connection.",
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

/// A `project_id` that is not a project ID, on its attribute.
pub fn project_id_problem(project_id: &str) -> Option<Diagnostic> {
    endpoint::check_project_id(project_id)
        .err()
        .map(|why| Diagnostic::error("Invalid project_id", why).at(Location::PROJECT_ID))
}

/// A data source `region` that is not a region name.
pub fn region_problem(region: &str) -> Option<Diagnostic> {
    endpoint::check_region(region).err().map(|why| {
        Diagnostic::error(
            "Invalid region",
            format!("{why}. Leave region out to use the provider's."),
        )
        .at(Location::REGION)
    })
}

/// Checks the arguments every connection data source shares: region and
/// project_id, when known.
pub fn validate_location(config: &Value) -> Vec<Diagnostic> {
    let location = Location::of_config(config);
    let mut problems = Vec::new();
    if let Known::Value(region) = &location.region {
        problems.extend(region_problem(region));
    }
    if let Known::Value(project_id) = &location.project_id {
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
