//! The operations of one DLI project at one endpoint, each run to its end
//! inside the client: every attempt waits for its turn, takes credentials
//! of that moment from the [`CredentialProvider`], passes their gate, is
//! signed and sent, and its answer classified; what can be retried is, with
//! the [`RetryPolicy`]. A caller only says what it wants.

use std::sync::Arc;

use reqwest::Url;
use tokio_util::sync::CancellationToken;

use super::model::{ConnectionPrivileges, ElasticResourcePool, EnhancedConnection};
use super::model::{ListQuery, Queue, QueueType};
use super::paging::{self, ListError, Page};
use crate::credentials::{CredentialProvider, FromProvider};
use crate::error::ApiError;
use crate::transport::Client;
use crate::transport::retry::{self, RetryError, RetryPolicy};

/// A client for one project at one DLI endpoint. Cheap to clone; clones
/// share the [`Client`]'s connections, paces and gates.
#[derive(Clone, Debug)]
pub struct ProjectClient {
    client: Client,
    base: Url,
    project_id: String,
    credentials: Arc<CredentialProvider>,
    policy: RetryPolicy,
}

impl Client {
    /// The operations of `project_id` at `base` (e.g. from
    /// [`crate::endpoint::resolve`]), signed with `credentials` and
    /// retried with `policy`.
    pub fn project(
        &self,
        base: Url,
        project_id: impl Into<String>,
        credentials: Arc<CredentialProvider>,
        policy: RetryPolicy,
    ) -> ProjectClient {
        ProjectClient {
            client: self.clone(),
            base,
            project_id: project_id.into(),
            credentials,
            policy,
        }
    }
}

impl ProjectClient {
    /// The project every call is for.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The endpoint every call goes to.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// What each attempt of an operation is made with: credentials asked
    /// for at every attempt, after its wait, cancellable by `cancel`.
    fn call<'a>(&'a self, cancel: &'a CancellationToken) -> Call<'a> {
        Call {
            client: &self.client,
            base: &self.base,
            project_id: &self.project_id,
            signing: FromProvider {
                provider: &self.credentials,
                client: &self.client,
                policy: self.policy,
                cancel,
            },
        }
    }

    /// Every row a list's filter matches, each page fetched with retries.
    async fn every_page<P, F, Fut>(
        &self,
        filter: &ListQuery,
        cancel: &CancellationToken,
        page: F,
    ) -> Result<Vec<P::Row>, ListError<RetryError>>
    where
        P: Page,
        F: Fn(ListQuery) -> Fut,
        Fut: Future<Output = Result<P, ApiError>>,
    {
        let page = &page;
        paging::read_all(filter, |query| async move {
            retry::with_retries(self.policy, cancel, || page(query.clone())).await
        })
        .await
    }

    /// `GET /v2.0/{project_id}/datasource/enhanced-connections/{connection_id}`:
    /// one connection.
    pub async fn enhanced_connection(
        &self,
        connection_id: &str,
        cancel: &CancellationToken,
    ) -> Result<EnhancedConnection, RetryError> {
        let c = self.call(cancel);
        retry::with_retries(self.policy, cancel, || {
            c.client
                .enhanced_connection(c.base, &c.signing, c.project_id, connection_id)
        })
        .await
    }

    /// `GET …/enhanced-connections/{connection_id}/privileges`: which
    /// projects hold which rights on a connection.
    pub async fn enhanced_connection_privileges(
        &self,
        connection_id: &str,
        cancel: &CancellationToken,
    ) -> Result<ConnectionPrivileges, RetryError> {
        let c = self.call(cancel);
        retry::with_retries(self.policy, cancel, || {
            c.client
                .enhanced_connection_privileges(c.base, &c.signing, c.project_id, connection_id)
        })
        .await
    }

    /// Every connection `filter` matches, page by page (see [`paging`]).
    pub async fn enhanced_connections(
        &self,
        filter: &ListQuery,
        cancel: &CancellationToken,
    ) -> Result<Vec<EnhancedConnection>, ListError<RetryError>> {
        let c = &self.call(cancel);
        self.every_page(filter, cancel, |query| async move {
            c.client
                .enhanced_connections_page(c.base, &c.signing, c.project_id, &query)
                .await
        })
        .await
    }

    /// Every elastic resource pool `filter` matches, page by page.
    pub async fn elastic_resource_pools(
        &self,
        filter: &ListQuery,
        cancel: &CancellationToken,
    ) -> Result<Vec<ElasticResourcePool>, ListError<RetryError>> {
        let c = &self.call(cancel);
        self.every_page(filter, cancel, |query| async move {
            c.client
                .elastic_resource_pools_page(c.base, &c.signing, c.project_id, &query)
                .await
        })
        .await
    }

    /// Every queue of `queue_type` with all of `tags` (one call: the queue
    /// list has no pages).
    pub async fn queues(
        &self,
        queue_type: QueueType,
        tags: &[(String, String)],
        cancel: &CancellationToken,
    ) -> Result<Vec<Queue>, RetryError> {
        let c = self.call(cancel);
        retry::with_retries(self.policy, cancel, || {
            c.client
                .queues(c.base, &c.signing, c.project_id, queue_type, tags)
        })
        .await
        .map(|list| list.queues.unwrap_or_default())
    }
}

/// What one attempt of an operation is made with.
struct Call<'a> {
    client: &'a Client,
    base: &'a Url,
    project_id: &'a str,
    signing: FromProvider<'a>,
}
