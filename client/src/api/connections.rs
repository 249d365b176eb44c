//! The enhanced-connection calls, one attempt each: a connection, its
//! privileges, and a page of the list ([`super::ProjectClient`] retries them).

use reqwest::Url;

use super::model::{ConnectionList, ConnectionPrivileges, EnhancedConnection, ListQuery};
use crate::endpoint::under;
use crate::error::ApiError;
use crate::transport::{Client, Signing};

/// `{base}/v2.0/{project_id}/datasource/enhanced-connections/{tail…}`, in
/// one go: an empty segment stays a segment.
fn connections_url(base: &Url, project_id: &str, tail: &[&str]) -> Url {
    let mut segments = vec!["v2.0", project_id, "datasource", "enhanced-connections"];
    segments.extend(tail);
    under(base, &segments)
}

impl Client {
    /// `GET /v2.0/{project_id}/datasource/enhanced-connections/{connection_id}`:
    /// one connection.
    pub(crate) async fn enhanced_connection(
        &self,
        base: &Url,
        signing: &impl Signing,
        project_id: &str,
        connection_id: &str,
    ) -> Result<EnhancedConnection, ApiError> {
        let url = connections_url(base, project_id, &[connection_id]);
        self.get_json(url, &[], signing, Some(project_id), "a connection")
            .await
    }

    /// `GET …/enhanced-connections/{connection_id}/privileges`: which
    /// projects hold which rights on a connection.
    pub(crate) async fn enhanced_connection_privileges(
        &self,
        base: &Url,
        signing: &impl Signing,
        project_id: &str,
        connection_id: &str,
    ) -> Result<ConnectionPrivileges, ApiError> {
        let url = connections_url(base, project_id, &[connection_id, "privileges"]);
        self.get_json(url, &[], signing, Some(project_id), "a privilege list")
            .await
    }

    /// `GET /v2.0/{project_id}/datasource/enhanced-connections?…`: one page
    /// of the list (see [`crate::paging`] for every page).
    pub(crate) async fn enhanced_connections_page(
        &self,
        base: &Url,
        signing: &impl Signing,
        project_id: &str,
        query: &ListQuery,
    ) -> Result<ConnectionList, ApiError> {
        let url = connections_url(base, project_id, &[]);
        let pairs = query.pairs();
        let what = "a connection list";
        self.get_json(url, &pairs, signing, Some(project_id), what)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_segment_is_kept_and_encoded() {
        let base = Url::parse("http://127.0.0.1:8080/prefix/").unwrap();
        let path = |tail: &[&str]| connections_url(&base, "p/1", tail).path().to_owned();
        let root = "/prefix/v2.0/p%2F1/datasource/enhanced-connections";
        assert_eq!(path(&[]), root);
        assert_eq!(path(&["a b"]), format!("{root}/a%20b"));
        assert_eq!(path(&["c1", "privileges"]), format!("{root}/c1/privileges"));
        // An empty id is not the connection named `privileges`.
        assert_eq!(path(&["", "privileges"]), format!("{root}//privileges"));
    }
}
