//! The elastic resource pool list, one page a call.

use reqwest::Url;

use super::model::{ListQuery, PoolList};
use crate::endpoint::under;
use crate::error::ApiError;
use crate::transport::{Client, Signing};

impl Client {
    /// `GET /v3/{project_id}/elastic-resource-pools?…`: one page of the
    /// pools (see [`crate::paging`] for every page). `name` is fuzzy, as
    /// for connections.
    pub(crate) async fn elastic_resource_pools_page(
        &self,
        base: &Url,
        signing: &impl Signing,
        project_id: &str,
        query: &ListQuery,
    ) -> Result<PoolList, ApiError> {
        let url = under(base, &["v3", project_id, "elastic-resource-pools"]);
        let pairs = query.pairs();
        let what = "an elastic resource pool list";
        self.get_json(url, &pairs, signing, Some(project_id), what)
            .await
    }
}
