//! IAM calls: the project of a region (`GET /v3/projects?name=`) and
//! temporary credentials of an agency
//! (`POST /v3.0/OS-CREDENTIAL/securitytokens`). Both are signed like every
//! other call.

use reqwest::Url;
use serde::Deserialize;

use super::temporary::{self, Temporary};
use crate::endpoint::under;
use crate::error::{ApiError, ErrorKind};
use crate::transport::{Client, Outcome, Request, Signing};

/// A project as IAM lists it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub(crate) struct Project {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) name: String,
}

#[derive(Debug, Deserialize)]
struct Projects {
    #[serde(default)]
    projects: Vec<Project>,
}

impl Outcome for Projects {
    fn unsuccessful(&self) -> Option<String> {
        None
    }
}

/// The projects named `name` that the credentials can see.
pub(crate) async fn projects_named(
    client: &Client,
    auth_url: &Url,
    signing: &impl Signing,
    name: &str,
) -> Result<Vec<Project>, ApiError> {
    let url = under(auth_url, &["projects"]);
    let query = [("name".to_owned(), name.to_owned())];
    let answer: Projects = client
        .get_json(url, &query, signing, None, "a project list")
        .await?;
    Ok(answer.projects)
}

/// What to ask IAM for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRole {
    /// The agency to assume.
    pub agency_name: String,
    /// The account (domain) that owns the agency.
    pub domain_name: String,
    /// How long the temporary credentials last, 900 to 86400 s.
    pub duration_seconds: u32,
}

/// Temporary credentials of an agency, asked for with a permanent key. The
/// call goes to the auth URL's host, whatever its path.
pub(crate) async fn assume_role(
    client: &Client,
    auth_url: &Url,
    signing: &impl Signing,
    role: &AssumeRole,
) -> Result<Temporary, ApiError> {
    let mut url = auth_url.clone();
    url.set_path("/v3.0/OS-CREDENTIAL/securitytokens");
    let body = serde_json::json!({"auth": {"identity": {
        "methods": ["assume_role"],
        "assume_role": {
            "agency_name": role.agency_name,
            "domain_name": role.domain_name,
            "duration_seconds": role.duration_seconds,
        }
    }}})
    .to_string();
    let request = Request {
        method: reqwest::Method::POST,
        url,
        query: &[],
        project_id: None,
        json_body: Some(&body),
    };
    let answer = client.send(request, signing).await?;
    temporary::decode(&answer.body)
        .map_err(|why| answer.failure(ErrorKind::Undecodable, format!("IAM's answer: {why}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_go_under_the_auth_url() {
        let base = Url::parse("https://iam.cn-north-4.myhuaweicloud.com/v3").unwrap();
        assert_eq!(
            under(&base, &["projects"]).as_str(),
            "https://iam.cn-north-4.myhuaweicloud.com/v3/projects"
        );
        let slash = Url::parse("http://127.0.0.1:8080/v3/").unwrap();
        assert_eq!(under(&slash, &["projects"]).path(), "/v3/projects");
    }
}
