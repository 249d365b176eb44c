//! `dli_enhanced_connection_privileges`: which projects may use a
//! connection (bind their queues to it), found by the connection's id or
//! exact name as `dli_enhanced_connection` finds it.

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::connection::{Reader, diagnose, lookup};
use super::{Context, Location};
use crate::dli::Privilege;
use tfplugin::{Attribute, Diagnostic, Mode, Model, Nesting, Schema, Type, Value};

pub const TYPE_NAME: &str = "dli_enhanced_connection_privileges";

/// What reading a connection's grants needs in the identity-policy model;
/// reading the connection needs another.
const PERMISSION: &str = "dli::listAuth";

/// The `dli_enhanced_connection_privileges` data source.
pub struct EnhancedConnectionPrivileges;

#[async_trait]
impl tfplugin::DataSource<Context> for EnhancedConnectionPrivileges {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value) -> Vec<Diagnostic> {
        lookup::validate(config)
    }

    async fn read(
        &self,
        cx: &Context,
        config: &Value,
        cancel: &CancellationToken,
    ) -> Result<Value, Vec<Diagnostic>> {
        let reader = Reader::for_config(cx, config, cancel).await?;
        let (connection_id, id_attribute) = lookup::connection_id(&reader, config, cancel).await?;
        let context = reader
            .context(
                format!("enhanced connection {connection_id}"),
                Some(id_attribute),
            )
            .needing(PERMISSION);
        let answer = reader
            .privileges(&connection_id, cancel)
            .await
            .map_err(|e| vec![diagnose::read_failure(&e, &context)])?;
        let entries = answer.privileges.unwrap_or_default();
        let grants = grants(&entries).map_err(|entry| {
            vec![Diagnostic::error(
                format!("A privilege on enhanced connection {connection_id} names no project"),
                format!(
                    "DLI listed a privilege in {} with neither applicant_project_id nor \
                     project_id: {entry}.",
                    context.place()
                ),
            )]
        })?;
        let location = Location::of_read(reader.target.region.as_deref(), &reader.project_id);
        Ok(location.state_with([
            ("id", Value::String(connection_id.clone())),
            ("connection_id", Value::String(connection_id)),
            ("name", config.attr("name").clone()),
            ("privileges", privileges_value(&grants)),
            ("projects", projects_value(&grants)),
        ]))
    }
}

/// One entry of the answer, its project settled.
struct Grant<'a> {
    project_id: &'a str,
    privileges: &'a [String],
    object: Option<&'a str>,
}

/// The entries in the API's order; the first without a project is the
/// error, shown as DLI sent it.
fn grants(entries: &[Privilege]) -> Result<Vec<Grant<'_>>, String> {
    entries
        .iter()
        .map(|entry| match entry.project() {
            Some(project_id) => Ok(Grant {
                project_id,
                privileges: entry.privileges.as_deref().unwrap_or_default(),
                object: entry.object.as_deref(),
            }),
            None => Err(serde_json::to_string(entry).unwrap_or_else(|_| format!("{entry:?}"))),
        })
        .collect()
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().cloned().map(Value::String).collect())
}

fn privileges_value(grants: &[Grant<'_>]) -> Value {
    Value::List(
        grants
            .iter()
            .map(|g| {
                Value::object([
                    ("project_id", Value::String(g.project_id.to_owned())),
                    ("privileges", strings(g.privileges)),
                    ("object", Value::string_or_null(g.object)),
                ])
            })
            .collect(),
    )
}

/// Project id → its privileges; a project listed twice gets the union, in
/// the order the rights first appear.
fn projects_value(grants: &[Grant<'_>]) -> Value {
    let mut projects: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for grant in grants {
        let rights = projects.entry(grant.project_id.to_owned()).or_default();
        for right in grant.privileges {
            if !rights.contains(right) {
                rights.push(right.clone());
            }
        }
    }
    Value::Map(
        projects
            .into_iter()
            .map(|(project, rights)| (project, strings(&rights)))
            .collect(),
    )
}

pub fn schema() -> Schema {
    use Mode::{Computed, OptionalComputed};
    let privilege = vec![
        Attribute::new(
            "project_id",
            Type::String,
            Computed,
            "The project granted the rights (`applicant_project_id` in the API; `project_id` \
             where an answer names it so).",
        ),
        Attribute::new(
            "privileges",
            Type::list(Type::String),
            Computed,
            "The rights, as DLI names them (e.g. `BIND_QUEUE`).",
        ),
        Attribute::new(
            "object",
            Type::String,
            Computed,
            "What they are granted on: `edsconnections.<connection_id>`.",
        ),
    ];
    Schema::new(
        "Reads who may use a DLI enhanced datasource connection: the projects its owner granted \
         rights on it (such as `BIND_QUEUE`, to bind their queues to it), found by the \
         connection's ID or exact name.",
        [
            vec![
                Attribute::new(
                    "connection_id",
                    Type::String,
                    OptionalComputed,
                    "ID (a UUID) of the connection. Set exactly one of `connection_id` and `name`; \
                 looked up by name, this is filled in.",
                ),
                Attribute::new(
                    "name",
                    Type::String,
                    OptionalComputed,
                    "Exact name of the connection, instead of `connection_id`: exactly one \
                 connection (not `DELETED`) must have it, matched case-sensitively. Null when \
                 the connection is given by `connection_id`.",
                ),
                Attribute::new("id", Type::String, Computed, "The connection's ID."),
                Attribute::nested(
                    "privileges",
                    Nesting::List,
                    privilege,
                    Computed,
                    "Every grant on the connection, in DLI's order: a project and its rights.",
                ),
                Attribute::new(
                    "projects",
                    Type::map(Type::list(Type::String)),
                    Computed,
                    "Project ID → its rights on the connection, for checks such as \
                 `contains(lookup(projects, var.project, []), \"BIND_QUEUE\")`. A project \
                 granted twice has the rights of both, each once.",
                ),
            ],
            Location::attributes(),
        ]
        .concat(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::DataSource;

    fn entry(applicant: Option<&str>, project: Option<&str>, rights: &[&str]) -> Privilege {
        Privilege {
            object: Some("edsconnections.c".into()),
            applicant_project_id: applicant.map(Into::into),
            project_id: project.map(Into::into),
            privileges: Some(rights.iter().map(|r| (*r).to_owned()).collect()),
        }
    }

    #[test]
    fn either_field_names_the_project_and_applicant_project_id_wins() {
        let entries = [
            entry(Some("a"), None, &["BIND_QUEUE"]),
            entry(None, Some("b"), &["BIND_QUEUE"]),
            entry(Some("c"), Some("ignored"), &[]),
        ];
        let projects: Vec<&str> = grants(&entries)
            .unwrap()
            .iter()
            .map(|g| g.project_id)
            .collect();
        assert_eq!(projects, ["a", "b", "c"]);
    }

    #[test]
    fn an_entry_without_a_project_is_shown() {
        let entries = [entry(Some("a"), None, &[]), entry(None, None, &["X"])];
        let shown = grants(&entries).err().unwrap();
        assert_eq!(shown, r#"{"object":"edsconnections.c","privileges":["X"]}"#);
    }

    #[test]
    fn a_project_granted_twice_gets_the_union_in_order() {
        let entries = [
            entry(Some("p"), None, &["BIND_QUEUE", "USE"]),
            entry(Some("q"), None, &[]),
            entry(Some("p"), None, &["DROP", "BIND_QUEUE"]),
        ];
        let projects = projects_value(&grants(&entries).unwrap());
        let list = |items: &[&str]| Value::List(items.iter().map(|&s| Value::from(s)).collect());
        assert_eq!(
            projects,
            Value::Map(
                [
                    ("p".to_owned(), list(&["BIND_QUEUE", "USE", "DROP"])),
                    ("q".to_owned(), list(&[])),
                ]
                .into()
            )
        );
    }

    #[test]
    fn validation_is_that_of_the_connection_lookup() {
        let both = Value::object([
            (
                "connection_id",
                Value::from("4c693ecc-bab8-4113-a838-129cedc9a563"),
            ),
            ("name", Value::from("x")),
        ]);
        assert_eq!(EnhancedConnectionPrivileges.validate(&both).len(), 1);
        assert_eq!(
            EnhancedConnectionPrivileges
                .validate(&Value::object([]))
                .len(),
            1
        );
    }

    #[test]
    fn every_attribute_and_field_is_described() {
        for a in schema().attributes {
            assert!(a.description.len() > 10, "{} lacks a description", a.name);
        }
        let privileges = schema().attribute("privileges").cloned().unwrap();
        let fields = privileges.nested.unwrap().attributes;
        assert_eq!(fields.len(), 3);
        assert!(fields.iter().all(|f| f.description.len() > 10));
    }
}
