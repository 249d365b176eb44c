//! One pool or queue by its name: the config both data sources take, and
//! the pick among what DLI listed, with the near names for an error.
//!
//! DLI compares these names without case: it lower-cases queue and pool
//! names when it creates them. Its API reference says so for queues
//! ("Querying Queue Details", `queue_name`: "The queue name is
//! case-insensitive. The uppercase letters will be automatically converted
//! to lowercase letters.",
//! <https://support.huaweicloud.com/en-us/api-dli/dli_02_0251.html>) and
//! for pools ("Creating an Elastic Resource Pool",
//! `elastic_resource_pool_name`: "If the name contains uppercase letters,
//! the system automatically converts them to lowercase letters.",
//! <https://support.huaweicloud.com/eu/api-dli/dli_02_0326.html>).

use tfplugin::{Diagnostic, Diagnostics, Known, Model};

use super::Location;
use super::connection::validate_location;
use dli_client::model::{ElasticResourcePool, Queue};

/// Names near a missing one that an error shows at most.
const SUGGESTIONS: usize = 5;

/// Which one, and where.
#[derive(Debug, Model)]
pub struct ByName {
    /// The name, in any case (DLI lower-cases queue and pool names when it creates them, see
    /// its API reference, "Creating a Queue" and "Creating an Elastic Resource Pool"), e.g. as
    /// a connection's `elastic_resource_pools[].name` or `queues[].name`, or a pool's `queues`,
    /// give it. After the read it holds DLI's own (lowercase) name.
    #[tf(required)]
    pub name: Known<String>,
    #[tf(flatten)]
    pub location: Location,
}

impl ByName {
    /// What is known that is wrong: an empty name, a bad region or project.
    pub fn problems(&self) -> Diagnostics {
        let mut problems = validate_location(&self.location);
        if self
            .name
            .as_deref_known()
            .is_some_and(|n| n.trim().is_empty())
        {
            problems.push(Diagnostic::error("Empty name", "Give the name.").at(ByName::NAME));
        }
        problems
    }

    /// The name, which a read's config always knows.
    pub fn known_name(&self) -> Result<&str, Diagnostic> {
        self.name.as_deref_known().ok_or_else(|| {
            Diagnostic::error("Missing name", "A name is required.").at(ByName::NAME)
        })
    }
}

/// The name for the state: DLI's own, else the one asked for.
pub fn dli_name<R: Named>(row: &R, asked: &str) -> Known<String> {
    Known::Value(row.name().unwrap_or(asked).to_owned())
}

/// A row DLI lists under a name.
pub trait Named {
    /// Its name, if DLI sent one.
    fn name(&self) -> Option<&str>;
}

impl Named for ElasticResourcePool {
    fn name(&self) -> Option<&str> {
        self.elastic_resource_pool_name.as_deref()
    }
}

impl Named for Queue {
    fn name(&self) -> Option<&str> {
        self.queue_name.as_deref()
    }
}

/// The row named `name` as DLI compares names (without case; one named
/// exactly so first), or an error naming `kind`, `name`, the place and up
/// to five names that contain it or that it contains.
pub fn pick<R: Named>(rows: Vec<R>, name: &str, kind: &str, place: &str) -> Result<R, Diagnostic> {
    let wanted = name.to_lowercase();
    let mut same_but_case = None;
    let mut near = Vec::new();
    for row in rows {
        match row.name() {
            Some(other) if other == name => return Ok(row),
            Some(other) if other.eq_ignore_ascii_case(name) => {
                same_but_case.get_or_insert(row);
            }
            Some(other) => {
                let lower = other.to_lowercase();
                if lower.contains(&wanted) || wanted.contains(&lower) {
                    near.push(other.to_owned());
                }
            }
            None => {}
        }
    }
    if let Some(row) = same_but_case {
        return Ok(row);
    }
    near.truncate(SUGGESTIONS);
    let hint = if near.is_empty() {
        String::new()
    } else {
        format!(" Similar names: {}.", near.join(", "))
    };
    Err(Diagnostic::error(
        format!("No {kind} named {name:?}"),
        format!(
            "No {kind} in {place} is named {name:?}, in any case (DLI lower-cases {kind} names \
             when it creates them).{hint}"
        ),
    )
    .at(ByName::NAME))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(name: &str) -> ElasticResourcePool {
        ElasticResourcePool {
            elastic_resource_pool_name: Some(name.into()),
            ..ElasticResourcePool::default()
        }
    }

    #[test]
    fn the_exact_name_wins_and_near_names_are_suggested() {
        let rows = vec![pool("lakehouse_dev"), pool("lakehouse"), pool("other")];
        let found = pick(rows.clone(), "lakehouse", "pool", "p").unwrap();
        assert_eq!(found.name(), Some("lakehouse"));
        let error = pick(rows, "Lak", "pool", "project p").unwrap_err();
        assert_eq!(error.summary, r#"No pool named "Lak""#);
        assert!(error.detail.contains("in any case"), "{}", error.detail);
        assert!(error.detail.contains("in project p"), "{}", error.detail);
        assert!(
            error
                .detail
                .ends_with("Similar names: lakehouse_dev, lakehouse."),
            "{}",
            error.detail
        );
    }

    #[test]
    fn names_match_in_any_case_as_dli_compares_them() {
        let rows = vec![pool("q_sql"), pool("pool_prod")];
        for asked in ["Q_SQL", "q_SQL", "Q_sql"] {
            let found = pick(rows.clone(), asked, "queue", "p").unwrap();
            assert_eq!(found.name(), Some("q_sql"), "{asked}");
        }
        let found = pick(rows.clone(), "Pool_Prod", "elastic resource pool", "p").unwrap();
        assert_eq!(found.name(), Some("pool_prod"));
        // One named exactly so wins over one that differs only in case.
        let both = vec![pool("a_b"), pool("A_b")];
        assert_eq!(pick(both, "A_b", "queue", "p").unwrap().name(), Some("A_b"));
    }
}
