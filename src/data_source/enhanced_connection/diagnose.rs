//! Turns a failed read into one diagnostic: a short summary, and a detail
//! with the connection, project, region, DLI code, request id and what to do.

use crate::data_source::Target;
use crate::dli::error::{ApiError, ErrorKind};
use crate::dli::model::EnhancedConnection;
use crate::dli::retry::RetryError;
use crate::plugin::Diagnostic;

pub struct ReadContext<'a> {
    pub connection_id: &'a str,
    pub project_id: &'a str,
    pub target: &'a Target,
    pub max_retries: u32,
}

impl ReadContext<'_> {
    fn place(&self) -> String {
        match &self.target.region {
            Some(region) => format!("project {} in region {region}", self.project_id),
            None => format!("project {}", self.project_id),
        }
    }
}

fn dli_said(e: &ApiError) -> String {
    let mut text = match (&e.status, &e.code) {
        (Some(status), Some(code)) => format!("HTTP {status}, {code}: {}", e.message),
        (Some(status), None) => format!("HTTP {status}: {}", e.message),
        _ => e.message.clone(),
    };
    if let Some(id) = &e.request_id {
        text.push_str(&format!(" (request id {id})"));
    }
    text
}

pub fn read_failure(error: &RetryError, cx: &ReadContext<'_>) -> Diagnostic {
    let id = cx.connection_id;
    let (e, attempts) = match error {
        RetryError::Cancelled { .. } => {
            return Diagnostic::error(
                format!("Read of enhanced connection {id} cancelled"),
                "Terraform asked the provider to stop (for example after Ctrl-C) before DLI answered.",
            );
        }
        RetryError::Failed { error, attempts } => (error, *attempts),
        RetryError::WaitTooLong { error, wait, limit } => {
            return Diagnostic::error(
                format!("DLI asked to wait too long for enhanced connection {id}"),
                format!(
                    "{} in {}: {}. It asked to retry after {} s, longer than the {} s this \
                     provider waits for a server; try again later.",
                    error.host,
                    cx.place(),
                    dli_said(error),
                    wait.as_secs(),
                    limit.as_secs()
                ),
            );
        }
    };
    let said = dli_said(e);
    match e.kind {
        ErrorKind::NotFound => Diagnostic::error(
            format!("Enhanced connection {id} not found in {}", cx.place()),
            format!(
                "DLI answered: {said}. Check connection_id, and that project_id and region are \
                 the ones the connection was created in."
            ),
        )
        .at("connection_id"),
        ErrorKind::WrongEndpoint => Diagnostic::error(
            format!("No DLI API at {}", e.host),
            format!(
                "The API gateway at {} does not know the DLI API ({said}). The endpoint or region \
                 is probably wrong: the host came from the {}.",
                e.host, cx.target.origin
            ),
        ),
        ErrorKind::UnresolvedHost => Diagnostic::error(
            format!("Cannot find the DLI API host {}", e.host),
            format!(
                "{said}. The host name came from the {}: check them for a typo (a region such \
                 as cn-north-4, a cloud such as myhuaweicloud.com). Not retried.",
                cx.target.origin
            ),
        ),
        ErrorKind::Authentication => Diagnostic::error(
            "DLI refused the credentials",
            format!(
                "Reading enhanced connection {id} in {} was refused: {said}. Check access_key and \
                 secret_key (and security_token for temporary credentials), the project's \
                 permissions, and this machine's clock (signatures more than 15 minutes off are \
                 refused). Not retried: repeated signature failures lock the access key.",
                cx.place()
            ),
        ),
        ErrorKind::Tls => Diagnostic::error(
            format!("TLS connection to {} failed", e.host),
            format!(
                "{said}. If the endpoint uses a private CA, set cacert_file (HW_CACERT_FILE) to its \
                 PEM bundle; insecure = true (HW_INSECURE) skips verification, for tests only."
            ),
        ),
        ErrorKind::Unsuccessful => Diagnostic::error(
            format!("DLI could not return enhanced connection {id}"),
            format!("DLI reported failure for {}: {said}", cx.place()),
        ),
        ErrorKind::Undecodable => Diagnostic::error(
            format!("Unreadable answer for enhanced connection {id}"),
            format!("{}: {said}", e.host),
        ),
        ErrorKind::Client => Diagnostic::error(
            format!("DLI rejected the request for enhanced connection {id}"),
            format!("{} in {}: {said}", e.host, cx.place()),
        ),
        ErrorKind::Throttled | ErrorKind::Server | ErrorKind::Transport => Diagnostic::error(
            format!("Cannot read enhanced connection {id}"),
            format!(
                "{} in {}: {said}. Gave up after {attempts} attempt{} (max_retries = {}).",
                e.host,
                cx.place(),
                if attempts == 1 { "" } else { "s" },
                cx.max_retries
            ),
        ),
    }
}

pub fn deleted(c: &EnhancedConnection, cx: &ReadContext<'_>) -> Diagnostic {
    let name = c
        .name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    Diagnostic::error(
        format!("Enhanced connection {} was deleted", cx.connection_id),
        format!(
            "DLI reports status DELETED for connection {}{name} in {}. Point the data source at \
             an existing connection, or remove it.",
            cx.connection_id,
            cx.place()
        ),
    )
    .at("connection_id")
}
