//! One shared fetch: run on a task of its own (a waiting read's
//! cancellation must not end it for the others), its outcome kept or
//! dropped by its owner before anyone is told, then told to every read
//! waiting for it. The credential fetch and IAM's project look-up use it.

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// Where the waiting reads learn a fetch's outcome.
pub(crate) type Told<T> = watch::Receiver<Option<T>>;

/// Runs `fetch` on its own task; `settle` sees the outcome first (to keep
/// a success, or forget the fetch), then every receiver is told.
pub(crate) fn start<T, F>(fetch: F, settle: impl FnOnce(&T) + Send + 'static) -> Told<T>
where
    T: Clone + Send + Sync + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let (tell, told) = watch::channel(None);
    tokio::spawn(async move {
        let outcome = fetch.await;
        settle(&outcome);
        let _ = tell.send(Some(outcome));
    });
    told
}

/// Waits for the outcome, or for `cancel`: `Err(())` when cancelled,
/// `Ok(None)` when the fetch ended without one.
pub(crate) async fn wait<T: Clone>(
    mut told: Told<T>,
    cancel: &CancellationToken,
) -> Result<Option<T>, ()> {
    tokio::select! {
        ended = told.wait_for(Option::is_some) => Ok(ended.ok().and_then(|t| t.clone())),
        () = cancel.cancelled() => Err(()),
    }
}
