//! `dli_enhanced_connection_privileges`: which projects may use a
//! connection (bind their queues to it), found by the connection's id or
//! exact name as `dli_enhanced_connection` finds it.

use std::collections::BTreeMap;

use async_trait::async_trait;
use tfplugin::{Diagnostic, Diagnostics, Known, Model, ModelDataSource, Read, ReadRequest};

use super::Context;
use super::connection::lookup::{self, Lookup};
use super::connection::{Reader, diagnose};
use dli_client::model::Privilege;

/// What reading a connection's grants needs in the identity-policy model;
/// reading the connection needs another.
const PERMISSION: &str = "dli::listAuth";

/// The `dli_enhanced_connection_privileges` data source.
pub struct EnhancedConnectionPrivileges;

/// Everything a read sets. `name` stays as configured: null when the
/// connection is given by `connection_id`.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct State {
    #[tf(flatten)]
    pub lookup: Lookup,
    /// The connection's ID.
    pub id: String,
    /// Every grant on the connection, in DLI's order: a project and its rights.
    pub privileges: Vec<GrantEntry>,
    /// Project ID → its rights on the connection, for checks such as
    /// `contains(lookup(projects, var.project, []), "BIND_QUEUE")`. A project granted twice
    /// has the rights of both, each once.
    pub projects: BTreeMap<String, Vec<String>>,
}

/// One grant: a project and its rights.
#[derive(Debug, Model)]
#[tf(computed)]
pub struct GrantEntry {
    /// The project granted the rights (`applicant_project_id` in the API; `project_id` where
    /// an answer names it so).
    pub project_id: String,
    /// The rights, as DLI names them (e.g. `BIND_QUEUE`).
    pub privileges: Vec<String>,
    /// What they are granted on: `edsconnections.<connection_id>`.
    pub object: Option<String>,
}

#[async_trait]
impl ModelDataSource<Context> for EnhancedConnectionPrivileges {
    type Config = Lookup;
    type State = State;
    const TYPE_NAME: &'static str = "dli_enhanced_connection_privileges";
    const DESCRIPTION: &'static str = "Reads who may use a DLI enhanced datasource connection: \
        the projects its owner granted rights on it (such as `BIND_QUEUE`, to bind their queues \
        to it), found by the connection's ID or exact name.";

    fn validate(&self, config: &Lookup) -> Diagnostics {
        lookup::validate(config)
    }

    async fn read(
        &self,
        request: ReadRequest<'_, Context, Lookup>,
    ) -> Result<Read<State>, Diagnostics> {
        let (cx, cancel, config) = (request.configured, request.cancel, request.config);
        let reader = Reader::at(cx, &config.location, cancel).await?;
        let (connection_id, id_attribute) = lookup::connection_id(&reader, &config, cancel).await?;
        let context = reader
            .context(
                format!("enhanced connection {connection_id}"),
                Some(id_attribute),
            )
            .needing(PERMISSION);
        let answer = reader
            .api
            .enhanced_connection_privileges(&connection_id, cancel)
            .await
            .map_err(|e| diagnose::read_failure(&e, &context))?;
        let entries = answer.privileges.unwrap_or_default();
        let grants = grants(&entries).map_err(|entry| {
            Diagnostic::error(
                format!("A privilege on enhanced connection {connection_id} names no project"),
                format!(
                    "DLI listed a privilege in {} with neither applicant_project_id nor \
                     project_id: {entry}.",
                    context.place()
                ),
            )
        })?;
        Ok(State {
            lookup: Lookup {
                connection_id: Known::Value(connection_id.clone()),
                location: reader.location(),
                ..config
            },
            id: connection_id,
            projects: projects(&grants),
            privileges: grants.iter().map(GrantEntry::of).collect(),
        }
        .into())
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

impl GrantEntry {
    fn of(grant: &Grant<'_>) -> Self {
        GrantEntry {
            project_id: grant.project_id.to_owned(),
            privileges: grant.privileges.to_vec(),
            object: grant.object.map(str::to_owned),
        }
    }
}

/// Project id → its privileges; a project listed twice gets the union, in
/// the order the rights first appear.
fn projects(grants: &[Grant<'_>]) -> BTreeMap<String, Vec<String>> {
    let mut projects: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for grant in grants {
        let rights = projects.entry(grant.project_id.to_owned()).or_default();
        for right in grant.privileges {
            if !rights.contains(right) {
                rights.push(right.clone());
            }
        }
    }
    projects
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin::{DataSource, Value};

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
        let projects = projects(&grants(&entries).unwrap());
        let rights = |items: &[&str]| items.iter().map(|&s| s.to_owned()).collect::<Vec<_>>();
        assert_eq!(
            projects,
            BTreeMap::from([
                ("p".to_owned(), rights(&["BIND_QUEUE", "USE", "DROP"])),
                ("q".to_owned(), rights(&[])),
            ])
        );
    }

    #[test]
    fn validation_is_that_of_the_connection_lookup() {
        let validate = |config| DataSource::validate(&EnhancedConnectionPrivileges, &config);
        let both = Value::object([
            (
                Lookup::CONNECTION_ID,
                Value::from("4c693ecc-bab8-4113-a838-129cedc9a563"),
            ),
            (Lookup::NAME, Value::from("x")),
        ]);
        assert_eq!(validate(both).len(), 1);
        assert_eq!(validate(Value::object([])).len(), 1);
    }

    #[test]
    fn every_attribute_and_field_is_described() {
        let schema = DataSource::schema(&EnhancedConnectionPrivileges);
        for a in &schema.attributes {
            assert!(a.description.len() > 10, "{} lacks a description", a.name);
        }
        let privileges = schema.attribute(State::PRIVILEGES).cloned().unwrap();
        let fields = privileges.nested.unwrap().attributes;
        assert_eq!(fields.len(), 3);
        assert!(fields.iter().all(|f| f.description.len() > 10));
    }
}
