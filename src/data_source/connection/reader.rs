//! Fetching for one read: where to send, which project, which credentials
//! and retry policy, resolved once from the context and the data source's
//! own arguments. Each call is one operation of the DLI client, which runs
//! its attempts (credentials, pace, gate, retries) itself.

use tokio_util::sync::CancellationToken;

use super::diagnose::ReadContext;
use crate::data_source::{Context, Location, Own, Target};
use dli_client::ProjectClient;
use dli_client::endpoint;
use tfplugin::Diagnostic;

pub struct Reader<'a> {
    cx: &'a Context,
    pub target: Target,
    pub project_id: String,
    /// The DLI operations for this read's project and endpoint.
    pub api: ProjectClient,
}

impl<'a> Reader<'a> {
    /// A reader for a data source's own `region` and `project_id`: resolves
    /// the read's target, credentials and project, or says what is missing.
    pub async fn at(
        cx: &'a Context,
        location: &Location,
        cancel: &CancellationToken,
    ) -> Result<Self, Diagnostic> {
        let region = Own {
            argument: Location::REGION,
            value: location.region.as_deref_known(),
        };
        let project = Own {
            argument: Location::PROJECT_ID,
            value: location.project_id.as_deref_known(),
        };
        cx.check_requests_possible()?;
        let target = cx.target(&region)?;
        // Credentials that cannot be had fail the read here, in their own
        // words; each request still takes those of its own moment.
        let credentials = cx.credential_provider()?;
        cx.credentials(cancel).await?;
        let project_id = cx
            .project_id(&project, &target, credentials, cancel)
            .await?;
        endpoint::check_project_id(&project_id)
            .map_err(|why| Diagnostic::error("Invalid project_id", why).at(project.argument))?;
        let api = cx.client.project(
            target.base.clone(),
            project_id.clone(),
            credentials.clone(),
            cx.retry_policy(),
        );
        Ok(Reader {
            cx,
            target,
            project_id,
            api,
        })
    }

    /// Where the read went, for its state.
    pub fn location(&self) -> Location {
        Location::of_read(self.target.region.as_deref(), &self.project_id)
    }

    /// The context for diagnostics about `subject`.
    pub fn context(&self, subject: String, id_attribute: Option<&'static str>) -> ReadContext<'_> {
        ReadContext {
            subject,
            id_attribute,
            project_id: &self.project_id,
            target: &self.target,
            max_retries: self.cx.max_retries,
            permission: None,
        }
    }
}
