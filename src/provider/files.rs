//! Reading the files the provider's arguments name (a CA bundle, an hcloud
//! configuration): regular files only, size- and time-limited, off the
//! async threads. A FIFO or a device would block or never end, and a hung
//! network mount would hold ConfigureProvider forever.

use std::io::Read;
use std::time::Duration;

/// How long reading one file may take.
pub const READ_TIME: Duration = Duration::from_secs(10);

/// The whole of the regular file at `path`, at most `max_bytes` long; the
/// error says why not, without the path (the caller names it).
pub async fn read_regular(path: &str, max_bytes: u64) -> Result<Vec<u8>, String> {
    let path = path.to_owned();
    let read = tokio::task::spawn_blocking(move || read_now(&path, max_bytes));
    match tokio::time::timeout(READ_TIME, read).await {
        Ok(Ok(result)) => result,
        Ok(Err(joined)) => Err(joined.to_string()),
        Err(_) => Err(format!(
            "reading it took longer than {} s",
            READ_TIME.as_secs()
        )),
    }
}

fn read_now(path: &str, max_bytes: u64) -> Result<Vec<u8>, String> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // O_NONBLOCK: opening a FIFO must not wait for a writer. (Windows has
    // no FIFOs in its file system: opening a pipe there never waits.)
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    if meta.len() > max_bytes {
        return Err(format!("it is larger than {max_bytes} bytes"));
    }
    let mut bytes = Vec::new();
    file.take(max_bytes)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}
