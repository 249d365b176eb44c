//! `dli_enhanced_connection`: schema, validation and read. The mapping of the
//! API model to state is in `state`, API errors to diagnostics in `diagnose`.

mod diagnose;
mod state;

use tokio_util::sync::CancellationToken;

use crate::dli::endpoint;
use crate::dli::retry::{self, RetryPolicy};
use crate::plugin::{Attribute, Diagnostic, Known, Mode, Schema, Type, Value};
use crate::provider::Configured;
use crate::provider::config::env_var_of;
use diagnose::ReadContext;

pub const TYPE_NAME: &str = "dli_enhanced_connection";

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
                "Region to read from; defaults to the provider's `region`.",
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

/// Checks what is known; unknown values are checked at read time.
pub fn validate(config: &Value) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if let Known::Value(id) = config.attr("connection_id").as_str() {
        problems.extend(connection_id_problem(id));
    }
    if config.attr("region").as_str() == Known::Value("") {
        problems.push(
            Diagnostic::error(
                "Empty region",
                "Leave region out to use the provider's, or set a value.",
            )
            .at("region"),
        );
    }
    if let Known::Value(project_id) = config.attr("project_id").as_str() {
        problems.extend(project_id_problem(project_id));
    }
    problems
}

pub async fn read(
    configured: &Configured,
    config: &Value,
    cancel: &CancellationToken,
) -> Result<Value, Vec<Diagnostic>> {
    let settings = &configured.settings;
    let connection_id = config
        .attr("connection_id")
        .as_str()
        .known()
        .unwrap_or_default();
    if let Some(problem) = connection_id_problem(connection_id) {
        return Err(vec![problem]);
    }
    if !settings.unknown.is_empty() {
        return Err(vec![Diagnostic::error(
            "Provider configuration not known yet",
            format!(
                "The provider arguments {} are unknown until apply, so this data source cannot be \
                 read now. Use values known at plan time for the provider's configuration.",
                settings.unknown.join(", ")
            ),
        )]);
    }
    let own = |name| config.attr(name).as_str().known().map(str::to_owned);
    let region = own("region").or_else(|| settings.region.clone());
    let Some(project_id) = own("project_id").or_else(|| settings.project_id.clone()) else {
        return Err(vec![Diagnostic::error(
            "Missing project_id",
            format!(
                "No project is set for this read. Set the provider argument \"project_id\" or the \
                 environment variable {}, or this data source's \"project_id\".",
                env_var_of("project_id")
            ),
        )]);
    };
    if let Some(problem) = project_id_problem(&project_id) {
        return Err(vec![problem]);
    }
    let credentials = settings.credentials().map_err(|d| vec![d])?;
    let base = endpoint::resolve(
        settings.endpoint.as_deref(),
        region.as_deref(),
        settings.cloud.as_deref(),
    )
    .map_err(|why| {
        vec![Diagnostic::error(
            "Cannot tell where the DLI API is",
            format!(
                "{why}. Set the provider argument \"region\" or the environment variable {}, \
                     or \"endpoint\" / {}.",
                env_var_of("region"),
                env_var_of("endpoint")
            ),
        )]
    })?;
    let context = ReadContext {
        connection_id,
        project_id: &project_id,
        region: region.as_deref(),
        max_retries: settings.max_retries,
    };
    let policy = RetryPolicy {
        max_retries: settings.max_retries,
        ..RetryPolicy::default()
    };
    let connection = retry::with_retries(policy, cancel, || {
        configured
            .client
            .get_enhanced_connection(&base, &credentials, &project_id, connection_id)
    })
    .await
    .map_err(|e| vec![diagnose::read_failure(&e, &context)])?;
    if connection.status.as_deref() == Some("DELETED") {
        return Err(vec![diagnose::deleted(&connection, &context)]);
    }
    Ok(state::to_state(
        &connection,
        connection_id,
        region.as_deref(),
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
    fn every_attribute_is_described() {
        for a in schema().attributes {
            assert!(a.description.len() > 10, "{} lacks a description", a.name);
        }
    }
}
