//! Reading a 2xx body: its JSON as a model, an error naming the path of a
//! bad field, and the failure a DLI answer may report with status 200.

/// What every DLI answer says about itself: `is_success: false` with a
/// `message` is a failure even with status 200.
pub(crate) trait Outcome {
    /// The failure message when the answer reports failure.
    fn unsuccessful(&self) -> Option<String>;
}

pub(crate) fn reported_failure(
    is_success: Option<bool>,
    message: &Option<String>,
) -> Option<String> {
    (is_success == Some(false)).then(|| {
        message
            .as_deref()
            .map(crate::error::shortened)
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "the API reported is_success: false without a message".into())
    })
}

/// Decodes a response body as `T`; an error names the JSON path of the bad
/// field.
pub(crate) fn decode_as<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.into_inner().to_string()
        } else {
            format!("field `{path}`: {}", e.into_inner())
        }
    })
}
