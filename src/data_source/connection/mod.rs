//! What the connection data sources share: a connection's attributes (its
//! models and their mapping), how a connection is looked up, the reader
//! that fetches connections for a read, and the diagnostics for failed
//! reads.

pub mod diagnose;
pub mod lookup;
pub mod reader;
pub mod state;

use super::Location;
use dli_client::endpoint;
use tfplugin::{Diagnostic, Diagnostics, Known};

pub use reader::Reader;
pub use state::{Details, Listed};

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
pub fn validate_location(location: &Location) -> Diagnostics {
    let mut problems = Diagnostics::new();
    if let Known::Value(region) = &location.region {
        problems.extend(region_problem(region));
    }
    if let Known::Value(project_id) = &location.project_id {
        problems.extend(project_id_problem(project_id));
    }
    problems
}
