//! Turns a failed read into one diagnostic: a short summary, and a detail
//! with what was read, the project, region, DLI code, request id and what to
//! do.

use crate::data_source::Target;
use dli_client::model::EnhancedConnection;
use dli_client::retry::RetryError;
use dli_client::{ApiError, ErrorKind};
use tfplugin::Diagnostic;

pub struct ReadContext<'a> {
    /// What was read, e.g. `enhanced connection 4c69…` or `the enhanced
    /// connections named "orders"`.
    pub subject: String,
    /// The attribute a not-found error points at, if any.
    pub id_attribute: Option<&'static str>,
    pub project_id: &'a str,
    pub target: &'a Target,
    pub max_retries: u32,
    /// The IAM permission the read needs, when it is not the one for
    /// reading connections.
    pub permission: Option<&'static str>,
}

impl ReadContext<'_> {
    /// The same context for a read that needs `permission`.
    pub fn needing(self, permission: &'static str) -> Self {
        ReadContext {
            permission: Some(permission),
            ..self
        }
    }

    /// The subject at the start of a sentence.
    fn subject_capitalized(&self) -> String {
        let mut chars = self.subject.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(chars).collect()
        })
    }

    /// `project P in region R`, for messages.
    pub fn place(&self) -> String {
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
    let id = &cx.subject;
    let at_id = |d: Diagnostic| match cx.id_attribute {
        Some(attribute) => d.at(attribute),
        None => d,
    };
    let (e, attempts) = match error {
        RetryError::Cancelled { .. } => {
            return Diagnostic::error(
                format!("Read of {id} cancelled"),
                "Terraform asked the provider to stop (for example after Ctrl-C) before DLI answered.",
            );
        }
        RetryError::Failed { error, attempts } => (error, *attempts),
        RetryError::WaitTooLong { error, sent, limit } => {
            return Diagnostic::error(
                format!("DLI asked to wait too long for {id}"),
                format!(
                    "{} in {}: {}. It sent \"Retry-After: {sent}\", longer than the {} s this \
                     provider waits for a server; try again later.",
                    error.host,
                    cx.place(),
                    dli_said(error),
                    limit.as_secs()
                ),
            );
        }
        other => {
            return Diagnostic::error(
                format!("Cannot read {id}"),
                format!("{}: {other}", cx.place()),
            );
        }
    };
    let said = dli_said(e);
    match e.kind {
        ErrorKind::NotFound => match cx.id_attribute {
            Some(attribute) => at_id(Diagnostic::error(
                format!("{} not found in {}", cx.subject_capitalized(), cx.place()),
                format!(
                    "DLI answered: {said}. Check {attribute}, and that project_id and region \
                     are the ones it was created in."
                ),
            )),
            // A list has nothing to check but where it was asked.
            None => Diagnostic::error(
                format!("Cannot list {} in {}", cx.subject, cx.place()),
                format!(
                    "DLI answered not found: {said}. Check that project_id and region are \
                     right."
                ),
            ),
        },
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
                "Reading {id} in {} was refused: {said}. Check access_key and \
                 secret_key (and security_token for temporary credentials), the project's \
                 permissions, and this machine's clock (signatures more than 15 minutes off are \
                 refused). Not retried: repeated signature failures lock the access key.",
                cx.place()
            ),
        ),
        ErrorKind::Forbidden => {
            let permission = match cx.permission {
                Some(p) => format!(
                    " This read needs the permission {p}: grant it to the key's user or \
                     agency."
                ),
                None => String::new(),
            };
            Diagnostic::error(
                format!("DLI refused the request for {id}"),
                format!(
                    "Reading {id} in {} was forbidden: {said}. The key was accepted, but it may \
                     not use this project or lacks the permission: check project_id and region, \
                     and the key's permissions in IAM.{permission} Not retried.",
                    cx.place()
                ),
            )
        }
        ErrorKind::Tls => Diagnostic::error(
            format!("TLS connection to {} failed", e.host),
            format!(
                "{said}. If the endpoint uses a private CA, set cacert_file (HW_CACERT_FILE) to its \
                 PEM bundle; insecure = true (HW_INSECURE) skips verification, for tests only."
            ),
        ),
        ErrorKind::Unsuccessful => Diagnostic::error(
            format!("DLI could not return {id}"),
            format!("DLI reported failure for {}: {said}", cx.place()),
        ),
        ErrorKind::Undecodable => Diagnostic::error(
            format!("Unreadable answer for {id}"),
            format!("{}: {said}", e.host),
        ),
        ErrorKind::Client => Diagnostic::error(
            format!("DLI rejected the request for {id}"),
            format!("{} in {}: {said}", e.host, cx.place()),
        ),
        ErrorKind::NoCredentials => Diagnostic::error(
            "Cannot get credentials",
            format!("{}.", e.message.trim_end_matches('.')),
        ),
        ErrorKind::Redirected => Diagnostic::error(
            format!("{} redirected the request for {id}", e.host),
            format!(
                "{said}. The host came from the {}: point it at DLI's own API host. Not \
                 followed and not retried.",
                cx.target.origin
            ),
        ),
        ErrorKind::Unverified => Diagnostic::error(
            format!("Cannot read {id}"),
            format!("{} in {}: {said}.", e.host, cx.place()),
        ),
        ErrorKind::Throttled | ErrorKind::Server | ErrorKind::Transport => Diagnostic::error(
            format!("Cannot read {id}"),
            format!(
                "{} in {}: {said}. Gave up after {attempts} attempt{} (max_retries = {}).",
                e.host,
                cx.place(),
                if attempts == 1 { "" } else { "s" },
                cx.max_retries
            ),
        ),
        // A kind a newer client knows: its own words.
        _ => Diagnostic::error(
            format!("Cannot read {id}"),
            format!("{} in {}: {said}", e.host, cx.place()),
        ),
    }
}

/// A connection read by id that DLI reports as deleted.
pub fn deleted(c: &EnhancedConnection, id: &str, cx: &ReadContext<'_>) -> Diagnostic {
    let name = c
        .name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let d = Diagnostic::error(
        format!("Enhanced connection {id} was deleted"),
        format!(
            "DLI reports status DELETED for connection {id}{name} in {}. Point the data source at \
             an existing connection, or remove it.",
            cx.place()
        ),
    );
    match cx.id_attribute {
        Some(attribute) => d.at(attribute),
        None => d,
    }
}

/// A list that could not be read whole.
pub fn list_failure(
    error: &dli_client::paging::ListError<RetryError>,
    cx: &ReadContext<'_>,
) -> Diagnostic {
    use dli_client::paging::ListError;
    match error {
        ListError::Page { error, .. } => read_failure(error, cx),
        ListError::Inconsistent(why) => Diagnostic::error(
            format!("Inconsistent answers listing {}", cx.subject),
            format!(
                "DLI's pages for {} contradict each other: {why}. Some may have been created \
                 or deleted while the list was read; try again.",
                cx.place()
            ),
        ),
        other => Diagnostic::error(
            format!("Cannot list {}", cx.subject),
            format!("{} in {}: {other}", cx.target.base, cx.place()),
        ),
    }
}
