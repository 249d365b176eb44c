//! Fetching connections for one read: where to send, which project, which
//! credentials and retry policy, resolved once from the context and the data
//! source's own arguments.

use tokio_util::sync::CancellationToken;

use super::diagnose::ReadContext;
use crate::data_source::{Context, Location, Own, Target};
use dli_client::model::{
    ConnectionPrivileges, ElasticResourcePool, EnhancedConnection, ListQuery, Queue, QueueType,
};
use dli_client::paging::Page;
use dli_client::paging::{self, ListError};
use dli_client::retry::{self, RetryError, RetryPolicy};
use dli_client::{ApiError, Credentials, ErrorKind, endpoint};
use tfplugin::Diagnostic;

pub struct Reader<'a> {
    cx: &'a Context,
    pub target: Target,
    pub project_id: String,
    policy: RetryPolicy,
}

impl<'a> Reader<'a> {
    /// The credentials to sign one attempt with: asked for again at every
    /// attempt, so that no retry or later page signs with credentials that
    /// could expire in flight (cheap while the cached ones are valid).
    async fn credentials(&self, cancel: &CancellationToken) -> Result<Credentials, ApiError> {
        self.cx.credentials(cancel).await.map_err(|d| {
            ApiError::unanswered(
                ErrorKind::NoCredentials,
                &endpoint::host_header(&self.target.base),
                d.detail,
            )
        })
    }

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
        let credentials = cx.credentials(cancel).await?;
        let project_id = cx
            .project_id(&project, &target, &credentials, cancel)
            .await?;
        endpoint::check_project_id(&project_id)
            .map_err(|why| Diagnostic::error("Invalid project_id", why).at(project.argument))?;
        Ok(Reader {
            cx,
            target,
            project_id,
            policy: cx.retry_policy(),
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

    /// `call` with retries, each attempt with the credentials of its own
    /// moment.
    async fn with_retries<T, F, Fut>(
        &self,
        cancel: &CancellationToken,
        call: F,
    ) -> Result<T, RetryError>
    where
        F: Fn(Credentials) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        retry::with_retries(self.policy, cancel, || async {
            let credentials = self.credentials(cancel).await?;
            call(credentials).await
        })
        .await
    }

    /// One connection by id, with retries.
    pub async fn get(
        &self,
        connection_id: &str,
        cancel: &CancellationToken,
    ) -> Result<EnhancedConnection, RetryError> {
        let (client, base, project) = (&self.cx.client, &self.target.base, &self.project_id);
        self.with_retries(cancel, |credentials| async move {
            client
                .get_enhanced_connection(base, &credentials, project, connection_id)
                .await
        })
        .await
    }

    /// Who holds which rights on a connection, with retries.
    pub async fn privileges(
        &self,
        connection_id: &str,
        cancel: &CancellationToken,
    ) -> Result<ConnectionPrivileges, RetryError> {
        let (client, base, project) = (&self.cx.client, &self.target.base, &self.project_id);
        self.with_retries(cancel, |credentials| async move {
            client
                .get_enhanced_connection_privileges(base, &credentials, project, connection_id)
                .await
        })
        .await
    }

    /// Every row the filter matches, page by page, each page fetched by
    /// `page` with retries.
    async fn every_page<P, F, Fut>(
        &self,
        filter: &ListQuery,
        cancel: &CancellationToken,
        page: F,
    ) -> Result<Vec<P::Row>, ListError<RetryError>>
    where
        P: Page,
        F: Fn(Credentials, ListQuery) -> Fut,
        Fut: Future<Output = Result<P, ApiError>>,
    {
        let page = &page;
        paging::read_all(filter, |query| async move {
            self.with_retries(cancel, |credentials| page(credentials, query.clone()))
                .await
        })
        .await
    }

    /// Every connection the filter matches.
    pub async fn list(
        &self,
        filter: &ListQuery,
        cancel: &CancellationToken,
    ) -> Result<Vec<EnhancedConnection>, ListError<RetryError>> {
        let (client, base, project) = (&self.cx.client, &self.target.base, &self.project_id);
        self.every_page(filter, cancel, |credentials, query| async move {
            client
                .list_enhanced_connections(base, &credentials, project, &query)
                .await
        })
        .await
    }

    /// Every elastic resource pool the filter matches.
    pub async fn pools(
        &self,
        filter: &ListQuery,
        cancel: &CancellationToken,
    ) -> Result<Vec<ElasticResourcePool>, ListError<RetryError>> {
        let (client, base, project) = (&self.cx.client, &self.target.base, &self.project_id);
        self.every_page(filter, cancel, |credentials, query| async move {
            client
                .list_elastic_resource_pools(base, &credentials, project, &query)
                .await
        })
        .await
    }

    /// Every queue of `queue_type` with all of `tags` (one call: the queue
    /// list has no pages), with retries.
    pub async fn queues(
        &self,
        queue_type: QueueType,
        tags: &[(String, String)],
        cancel: &CancellationToken,
    ) -> Result<Vec<Queue>, RetryError> {
        let (client, base, project) = (&self.cx.client, &self.target.base, &self.project_id);
        self.with_retries(cancel, |credentials| async move {
            client
                .list_queues(base, &credentials, project, queue_type, tags)
                .await
        })
        .await
        .map(|list| list.queues.unwrap_or_default())
    }
}
