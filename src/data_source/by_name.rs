//! One pool or queue by its exact name: the config both data sources take,
//! and the pick among what DLI listed, with the near names for an error.

use tfplugin::{Diagnostic, Diagnostics, Known, Model};

use super::Location;
use super::connection::validate_location;
use dli_client::model::{ElasticResourcePool, Queue};

/// Names near a missing one that an error shows at most.
const SUGGESTIONS: usize = 5;

/// Which one, and where.
#[derive(Debug, Model)]
pub struct ByName {
    /// The exact name (case-sensitive), e.g. as a connection's `elastic_resource_pools[].name`
    /// or `queues[].name`, or a pool's `queues`, give it.
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

/// The row named exactly `name`, or an error naming `kind`, `name`, the
/// place and up to five names that contain it or that it contains.
pub fn pick<R: Named>(rows: Vec<R>, name: &str, kind: &str, place: &str) -> Result<R, Diagnostic> {
    let wanted = name.to_lowercase();
    let mut near = Vec::new();
    for row in rows {
        match row.name() {
            Some(other) if other == name => return Ok(row),
            Some(other) => {
                let lower = other.to_lowercase();
                if lower.contains(&wanted) || wanted.contains(&lower) {
                    near.push(other.to_owned());
                }
            }
            None => {}
        }
    }
    near.truncate(SUGGESTIONS);
    let hint = if near.is_empty() {
        String::new()
    } else {
        format!(" Similar names: {}.", near.join(", "))
    };
    Err(Diagnostic::error(
        format!("No {kind} named {name:?}"),
        format!("No {kind} in {place} is named exactly {name:?} (names are case-sensitive).{hint}"),
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
        let error = pick(rows, "Lake", "pool", "project p").unwrap_err();
        assert_eq!(error.summary, r#"No pool named "Lake""#);
        assert!(error.detail.contains("in project p"), "{}", error.detail);
        assert!(
            error
                .detail
                .ends_with("Similar names: lakehouse_dev, lakehouse."),
            "{}",
            error.detail
        );
    }
}
