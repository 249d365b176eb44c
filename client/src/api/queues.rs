//! The queue list, whole in one call (the API has no paging).

use reqwest::Url;

use super::model::{QueueList, QueueType, tags_pair};
use crate::endpoint::under;
use crate::error::ApiError;
use crate::transport::{Client, Signing};

impl Client {
    /// `GET /v1.0/{project_id}/queues?queue_type=…&with-charge-info=true&tags=…`:
    /// every queue of `queue_type` with all of `tags`.
    pub(crate) async fn queues(
        &self,
        base: &Url,
        signing: &impl Signing,
        project_id: &str,
        queue_type: QueueType,
        tags: &[(String, String)],
    ) -> Result<QueueList, ApiError> {
        let url = under(base, &["v1.0", project_id, "queues"]);
        // `with-charge-info`: DLI returns billing information (the queue's
        // `charging_mode`) only when asked ("Querying All Queues",
        // <https://support.huaweicloud.com/eu/es-es/api-dli/dli_02_0196.html>:
        // "Whether to return billing information"), as the SDK's
        // `ListQueuesRequest` can.
        let mut pairs = vec![
            ("queue_type".to_owned(), queue_type.as_str().to_owned()),
            ("with-charge-info".to_owned(), "true".to_owned()),
        ];
        pairs.extend(tags_pair(tags));
        self.get_json(url, &pairs, signing, Some(project_id), "a queue list")
            .await
    }
}
