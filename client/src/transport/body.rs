//! Reading a response body with a size limit, so that no answer can make
//! the provider hold more than it expects.

/// Why a body could not be read.
pub(crate) enum BodyError {
    /// It is larger than the limit.
    TooLarge,
    /// The connection failed while reading it.
    Transport(reqwest::Error),
}

/// A body of at most `limit` bytes.
pub(crate) async fn read_at_most(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
