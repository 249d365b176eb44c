//! Where a read goes: a data source's own `region` and `project_id`,
//! declared once for every data source and flattened into each.

use tfplugin::{Known, Model};

/// A data source's `region` and `project_id`: set in its config to
/// override the provider's, and in its state where the read went.
#[derive(Debug, Model)]
pub struct Location {
    /// Region to read from; defaults to the provider's `region`. Not allowed when the provider
    /// sets `endpoint`.
    #[tf(optional, computed)]
    pub region: Known<String>,
    /// Project to read from; defaults to the provider's `project_id`.
    #[tf(optional, computed)]
    pub project_id: Known<String>,
}

impl Location {
    /// Where a read went: its region (none with an endpoint and no region
    /// anywhere) and project.
    pub fn of_read(region: Option<&str>, project_id: &str) -> Self {
        Location {
            region: region.map_or(Known::Null, |r| Known::Value(r.to_owned())),
            project_id: Known::Value(project_id.to_owned()),
        }
    }
}
