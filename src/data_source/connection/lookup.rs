//! Which connection a data source means: exactly one of `connection_id`
//! (a UUID) and `name` (matched exactly, among connections not `DELETED`),
//! checked before the read and resolved during it.
//!
//! DLI's API reference states no case rule for connection names ("Creating
//! an Enhanced Datasource Connection",
//! <https://support.huaweicloud.com/en-us/api-dli/dli_02_0187.html>: digits,
//! letters and underscores, up to 64 characters; nothing lower-cased, unlike
//! queue and pool names), so a name matches as written.
//!
//! A list row carries every field of the single connection's answer: the
//! official SDK's row model (`EnhancedConnection`) has every field of its
//! answer model (`ShowEnhancedConnectionResponse`) but the envelope's
//! `is_success` and `message`, and more (`isPrivis`, `ipv6_enable`). So
//! when the filtered list is whole in its first page, the row found is the
//! answer, in one round trip.

use tokio_util::sync::CancellationToken;

use super::{Reader, diagnose, validate_location};
use crate::data_source::Location;
use dli_client::model::{self, EnhancedConnection, ListQuery};
use dli_client::paging::PAGE_SIZE;
use tfplugin::{Diagnostic, Diagnostics, Known, Model};

/// How many similar names a not-found error suggests.
const SUGGESTIONS: usize = 5;

/// Which connection a data source means, and where: its config, and the
/// part of its state that says how the connection was found.
#[derive(Debug, Model)]
pub struct Lookup {
    /// ID (a UUID) of the connection. Set exactly one of `connection_id` and `name`; when
    /// the connection is found by name, this is filled in.
    #[tf(optional, computed)]
    pub connection_id: Known<String>,
    /// Exact name of the connection, instead of `connection_id`: exactly one connection (not
    /// `DELETED`) must have it, matched case-sensitively.
    #[tf(optional, computed)]
    pub name: Known<String>,
    #[tf(flatten)]
    pub location: Location,
}

/// Checks `connection_id`, `name`, `region` and `project_id` as far as they
/// are known.
pub fn validate(lookup: &Lookup) -> Diagnostics {
    let mut problems = Diagnostics::new();
    let (id, name) = (&lookup.connection_id, &lookup.name);
    match (id, name) {
        (Known::Value(_), Known::Value(_)) => problems.push(
            Diagnostic::error(
                "Both connection_id and name are set",
                "Set exactly one of connection_id and name: a connection is found either by its \
                 ID or by its name.",
            )
            .at(Lookup::NAME),
        ),
        (Known::Null, Known::Null) => problems.push(neither_set()),
        _ => {}
    }
    if let Known::Value(id) = id {
        problems.extend(connection_id_problem(id));
    }
    if name.as_deref_known() == Some("") {
        problems.push(
            Diagnostic::error("Empty name", "A connection's name is not empty.").at(Lookup::NAME),
        );
    }
    problems.extend(validate_location(&lookup.location));
    problems
}

/// The connection `lookup` names, as far as finding it told.
pub enum Found {
    /// Its id: read it by id.
    Id(String),
    /// Its row in a list read whole in one page: the answer a read by id
    /// would give.
    Row(String, Box<EnhancedConnection>),
}

impl Found {
    pub fn into_id(self) -> String {
        match self {
            Found::Id(id) | Found::Row(id, _) => id,
        }
    }
}

/// The connection `lookup` names, and the attribute it came from
/// (`connection_id`, or `name` once found).
pub async fn find(
    reader: &Reader<'_>,
    lookup: &Lookup,
    cancel: &CancellationToken,
) -> Result<(Found, &'static str), Diagnostics> {
    let id = lookup.connection_id.as_deref_known();
    match (id, lookup.name.as_deref_known()) {
        (Some(id), _) => Ok((Found::Id(id.to_owned()), Lookup::CONNECTION_ID)),
        (None, Some(name)) => Ok((find_by_name(reader, name, cancel).await?, Lookup::NAME)),
        (None, None) => Err(neither_set().into()),
    }
}

/// The id of the connection `lookup` names, and the attribute it came
/// from (`connection_id`, or `name` once found).
pub async fn connection_id(
    reader: &Reader<'_>,
    lookup: &Lookup,
    cancel: &CancellationToken,
) -> Result<(String, &'static str), Diagnostics> {
    let (found, attribute) = find(reader, lookup, cancel).await?;
    Ok((found.into_id(), attribute))
}

fn neither_set() -> Diagnostic {
    Diagnostic::error(
        "Neither connection_id nor name is set",
        "Set connection_id (the connection's UUID) or name (its exact name).",
    )
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
        .at(Lookup::CONNECTION_ID)
    })
}

/// The one live connection named exactly `name`.
async fn find_by_name(
    reader: &Reader<'_>,
    name: &str,
    cancel: &CancellationToken,
) -> Result<Found, Diagnostic> {
    let context = reader.context(
        format!("the enhanced connections named {name:?}"),
        // A list: a name that matches none is no 404.
        None,
    );
    let filter = ListQuery {
        name: Some(name.to_owned()),
        ..ListQuery::default()
    };
    let found = reader
        .api
        .enhanced_connections(&filter, cancel)
        .await
        .map_err(|e| diagnose::list_failure(&e, &context))?;
    // Fewer rows than a page: the list ended on its first page (a list of
    // several pages has a whole first page), so the rows are one answer.
    let one_page = found.len() < PAGE_SIZE as usize;
    let live = |c: &&model::EnhancedConnection| c.status.as_deref() != Some("DELETED");
    let matches: Vec<&model::EnhancedConnection> = found
        .iter()
        .filter(live)
        .filter(|c| c.name.as_deref() == Some(name))
        .collect();
    match matches.as_slice() {
        [one] => {
            let id = one.id.clone().ok_or_else(|| {
                Diagnostic::error(
                    format!("Connection {name:?} has no ID"),
                    format!(
                        "DLI listed a connection named {name:?} in {} without its ID.",
                        context.place()
                    ),
                )
            })?;
            Ok(match one_page {
                true => Found::Row(id, Box::new((*one).clone())),
                false => Found::Id(id),
            })
        }
        [] => {
            // The same name in another case first: the likeliest slip.
            let mut similar: Vec<&str> = found
                .iter()
                .filter(live)
                .filter_map(|c| c.name.as_deref())
                .collect();
            similar.sort_by_key(|other| !other.eq_ignore_ascii_case(name));
            let mut seen = std::collections::HashSet::new();
            similar.retain(|other| seen.insert(*other));
            similar.truncate(SUGGESTIONS);
            let hint = if similar.is_empty() {
                String::new()
            } else {
                format!(" Similar names: {}.", quoted(&similar))
            };
            Err(Diagnostic::error(
                format!("No enhanced connection named {name:?}"),
                format!(
                    "No connection in {} is named exactly {name:?} (DLI keeps connection \
                         names as they were created, and they match only in the same case; \
                         deleted connections do not count).{hint}",
                    context.place()
                ),
            )
            .at(Lookup::NAME))
        }
        several => {
            let ids: Vec<&str> = several.iter().filter_map(|c| c.id.as_deref()).collect();
            Err(Diagnostic::error(
                format!("{} enhanced connections are named {name:?}", several.len()),
                format!(
                    "In {}, the connections {} all have this name. Set connection_id to the \
                         one you mean instead of name.",
                    context.place(),
                    quoted(&ids)
                ),
            )
            .at(Lookup::NAME))
        }
    }
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
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
}
