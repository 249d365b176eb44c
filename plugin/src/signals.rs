//! What the plugin does when the terminal or the system signals it. A
//! terminal's Ctrl-C reaches every process of the console (Unix: the
//! process group) and Terraform answers it by calling StopProvider, so a
//! plugin ignores it; in debug mode it ends the server. SIGTERM ends it
//! cleanly; on Windows the console closing starts the same shutdown, though
//! Windows may end the process before it completes.

use tokio_util::sync::CancellationToken;

/// Watches the signals for the life of the server, cancelling `shutdown`
/// on one that ends it.
#[cfg(unix)]
pub(crate) fn watch(debug: bool, shutdown: CancellationToken) -> Result<(), String> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|e| format!("cannot handle SIGINT: {e}"))?;
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|e| format!("cannot handle SIGTERM: {e}"))?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = interrupt.recv() => {
                    if debug {
                        break;
                    }
                    tracing::debug!("ignoring SIGINT; Terraform will call StopProvider");
                }
                _ = terminate.recv() => break,
            }
        }
        shutdown.cancel();
    });
    Ok(())
}

/// Windows' console events: Ctrl-C and Ctrl-Break are its interrupts (as Go's
/// os/signal maps them), closing the console its request to end. Handling
/// them is what keeps the default handler from killing the process.
#[cfg(windows)]
pub(crate) fn watch(debug: bool, shutdown: CancellationToken) -> Result<(), String> {
    use tokio::signal::windows::{ctrl_break, ctrl_c, ctrl_close};
    let cannot = |what: &str, e: std::io::Error| format!("cannot handle {what}: {e}");
    let mut interrupt = ctrl_c().map_err(|e| cannot("Ctrl-C", e))?;
    let mut break_key = ctrl_break().map_err(|e| cannot("Ctrl-Break", e))?;
    let mut close = ctrl_close().map_err(|e| cannot("the console closing", e))?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = break_key.recv() => {}
                _ = close.recv() => break,
            }
            if debug {
                break;
            }
            tracing::debug!("ignoring Ctrl-C; Terraform will call StopProvider");
        }
        shutdown.cancel();
    });
    Ok(())
}
