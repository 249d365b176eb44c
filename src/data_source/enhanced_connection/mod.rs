//! `dli_enhanced_connection`: schema, validation and read. The mapping of the
//! API model to state is in `state`, API errors to diagnostics in `diagnose`.

mod diagnose;
mod state;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::{Context, DataSource, Own};
use crate::dli::endpoint;
use crate::dli::retry::{self, RetryPolicy};
use crate::plugin::{Attribute, Diagnostic, Known, Mode, Schema, Type, Value};
use diagnose::ReadContext;

pub const TYPE_NAME: &str = "dli_enhanced_connection";

/// The `dli_enhanced_connection` data source.
pub struct EnhancedConnection;

#[async_trait]
impl DataSource for EnhancedConnection {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn nested_field_descriptions(
        &self,
        attribute: &str,
    ) -> &'static [(&'static str, &'static str)] {
        nested_field_descriptions(attribute)
    }

    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        validate(config)
    }

    async fn read(
        &self,
        cx: &Context,
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>> {
        read(cx, config, cancel).await
    }
}

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

/// Descriptions of the fields inside the object-typed attributes, for the docs.
pub fn nested_field_descriptions(attribute: &str) -> &'static [(&'static str, &'static str)] {
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
        "queues" | "elastic_resource_pools" => QUEUE,
        "hosts" => &[
            ("name", "Host name, as mapped on the connection."),
            ("ip", "IPv4 address of the host."),
        ],
        "routes" => &[
            ("name", "Name of the route."),
            (
                "cidr",
                "Destination network of the route, in CIDR notation.",
            ),
            ("created_at", "When the route was created, RFC 3339 in UTC."),
        ],
        _ => &[],
    }
}

pub fn schema() -> Schema {
    use Mode::{Computed, OptionalComputed, Required};
    Schema {
        version: 0,
        description: "Reads one DLI enhanced datasource connection: the VPC and subnet it links \
                      to, the queues and elastic resource pools bound to it, its host entries and \
                      routes.",
        attributes: vec![
            Attribute::new(
                "connection_id",
                Type::String,
                Required,
                "ID (a UUID) of the enhanced connection to read.",
            ),
            Attribute::new(
                "region",
                Type::String,
                OptionalComputed,
                "Region to read from; defaults to the provider's `region`. Not allowed when the provider sets `endpoint`.",
            ),
            Attribute::new(
                "project_id",
                Type::String,
                OptionalComputed,
                "Project to read from; defaults to the provider's `project_id`.",
            ),
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
                "Status of the connection: `ACTIVE`, `CREATING` or `FAILED`.",
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
                "When the connection was created, RFC 3339 in UTC (e.g. `2019-08-27T06:40:11.125Z`).",
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
        ],
    }
}

/// True for the canonical `8-4-4-4-12` hexadecimal UUID form.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn connection_id_problem(id: &str) -> Option<Diagnostic> {
    (!is_uuid(id)).then(|| {
        Diagnostic::error(
            "Invalid connection_id",
            format!(
                "{id:?} is not a connection ID. Enhanced connection IDs are UUIDs such as \
                 \"4c693ecc-bab8-4113-a838-129cedc9a563\"."
            ),
        )
        .at("connection_id")
    })
}

fn project_id_problem(project_id: &str) -> Option<Diagnostic> {
    endpoint::check_project_id(project_id)
        .err()
        .map(|why| Diagnostic::error("Invalid project_id", why).at("project_id"))
}

fn region_problem(region: &str) -> Option<Diagnostic> {
    endpoint::check_region(region).err().map(|why| {
        Diagnostic::error(
            "Invalid region",
            format!("{why}. Leave region out to use the provider's."),
        )
        .at("region")
    })
}

/// Checks what is known; unknown values are checked at read time.
pub fn validate(config: &Value) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let Known::Value(id) = config.attr("connection_id").as_str() {
        problems.extend(connection_id_problem(id));
    }
    if let Known::Value(region) = config.attr("region").as_str() {
        problems.extend(region_problem(region));
    }
    if let Known::Value(project_id) = config.attr("project_id").as_str() {
        problems.extend(project_id_problem(project_id));
    }
    problems
}

pub async fn read(
    cx: &Context,
    config: &Value,
    cancel: &CancellationToken,
) -> Result<Value, Vec<Diagnostic>> {
    // A read's config is wholly known, but it was validated only if
    // Terraform chose to: check again.
    let problems = validate(config);
    if !problems.is_empty() {
        return Err(problems);
    }
    let own = |name| config.attr(name).as_str().known();
    let connection_id = own("connection_id").unwrap_or_default();
    let region = Own {
        argument: "region",
        value: own("region"),
    };
    let project = Own {
        argument: "project_id",
        value: own("project_id"),
    };
    let one = |d| vec![d];
    cx.check_requests_possible().map_err(one)?;
    let target = cx.target(&region).map_err(one)?;
    let project_id = cx.project_id(&project).map_err(one)?;
    if let Some(problem) = project_id_problem(&project_id) {
        return Err(vec![problem]);
    }
    let credentials = cx.credentials().map_err(one)?;
    let context = ReadContext {
        connection_id,
        project_id: &project_id,
        target: &target,
        max_retries: cx.max_retries,
    };
    let policy = RetryPolicy {
        max_retries: cx.max_retries,
        ..RetryPolicy::default()
    };
    let connection = retry::with_retries(policy, cancel, || {
        cx.client
            .get_enhanced_connection(&target.base, &credentials, &project_id, connection_id)
    })
    .await
    .map_err(|e| vec![diagnose::read_failure(&e, &context)])?;
    if connection.status.as_deref() == Some("DELETED") {
        return Err(vec![diagnose::deleted(&connection, &context)]);
    }
    Ok(state::to_state(
        &connection,
        connection_id,
        target.region.as_deref(),
        &project_id,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_recognised() {
        assert!(is_uuid("4c693ecc-bab8-4113-a838-129cedc9a563"));
        assert!(is_uuid("4C693ECC-BAB8-4113-A838-129CEDC9A563"));
        assert!(!is_uuid("4c693ecc-bab8-4113-a838-129cedc9a56"));
        assert!(!is_uuid("4c693eccbab84113a838129cedc9a563"));
        assert!(!is_uuid("{4c693ecc-bab8-4113-a838-129cedc9a563}"));
        assert!(!is_uuid("zc693ecc-bab8-4113-a838-129cedc9a563"));
        assert!(!is_uuid(""));
    }

    #[test]
    fn validation_points_at_connection_id_and_tolerates_unknown() {
        let bad = Value::object([("connection_id", Value::String("nope".into()))]);
        let problems = validate(&bad);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].attribute,
            Some(crate::plugin::AttributePath::attribute("connection_id"))
        );
        assert!(validate(&Value::object([("connection_id", Value::Unknown)])).is_empty());
    }

    #[test]
    fn a_bad_region_is_refused_on_its_attribute() {
        for region in ["", "cn north", "cn-north-4.evil.example"] {
            let config = Value::object([
                (
                    "connection_id",
                    Value::String("4c693ecc-bab8-4113-a838-129cedc9a563".into()),
                ),
                ("region", Value::String(region.into())),
            ]);
            let problems = validate(&config);
            assert_eq!(problems.len(), 1, "{region:?}");
            assert_eq!(
                problems[0].attribute,
                Some(crate::plugin::AttributePath::attribute("region"))
            );
        }
    }

    #[test]
    fn every_attribute_is_described() {
        for a in schema().attributes {
            assert!(a.description.len() > 10, "{} lacks a description", a.name);
        }
    }
}
