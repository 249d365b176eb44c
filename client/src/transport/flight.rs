//! One shared fetch: run on a task of its own (a waiting read's
//! cancellation must not end it for the others), its outcome kept or
//! dropped by its owner before anyone is told, then told to every read
//! waiting for it. The credential fetch and IAM's project look-up use it.
//!
//! A fetch ends early once no read waits for it any more (every one was
//! cancelled, e.g. by StopProvider). One started for nobody in particular
//! (a renewal beside valid credentials) also keeps going while the read
//! that started it may still be served: until that read's token is
//! cancelled, and then until no read waits for it. Either way, and when it
//! panics, its owner's `settle` runs, so that no slot stays set after the
//! fetch is gone.

use std::sync::Arc;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// How a fetch ended.
#[derive(Clone, Debug)]
pub(crate) enum Ended<T> {
    /// With its outcome.
    Done(T),
    /// Ended early: no read waited any more, or its starter was cancelled.
    Abandoned,
    /// Its task panicked.
    Panicked,
}

/// Where the waiting reads learn a fetch's outcome.
pub(crate) type Told<T> = watch::Receiver<Option<Ended<T>>>;

/// A fetch in flight, as its owner keeps it: reads join it to wait. Holding
/// it does not count as waiting.
#[derive(Debug)]
pub(crate) struct Flight<T> {
    tell: Arc<watch::Sender<Option<Ended<T>>>>,
}

impl<T> Flight<T> {
    /// Waits for this fetch, as one more read.
    pub(crate) fn join(&self) -> Told<T> {
        self.tell.subscribe()
    }
}

/// What keeps a fetch going.
pub(crate) enum Lifetime {
    /// As long as a read waits for it.
    WhileWaitedFor,
    /// Until this token (its starter's) is cancelled, then as long as a
    /// read waits for it.
    StarterOrWaiters(CancellationToken),
}

/// Tells the owner and the waiting reads how the fetch ended, exactly
/// once: when it ends, or when its task unwinds from a panic.
struct Ending<T, S: FnOnce(&Ended<T>)> {
    tell: Arc<watch::Sender<Option<Ended<T>>>>,
    settle: Option<S>,
}

impl<T, S: FnOnce(&Ended<T>)> Ending<T, S> {
    fn end(mut self, ended: Ended<T>) {
        self.tell_all(ended);
    }

    fn tell_all(&mut self, ended: Ended<T>) {
        if let Some(settle) = self.settle.take() {
            settle(&ended);
            self.tell.send_replace(Some(ended));
        }
    }
}

impl<T, S: FnOnce(&Ended<T>)> Drop for Ending<T, S> {
    fn drop(&mut self) {
        self.tell_all(Ended::Panicked);
    }
}

/// Starts `fetch` on its own task and returns it with the starting read's
/// place in it. `settle` sees how it ended first (to keep a success, or to
/// forget the fetch), then every waiting read is told.
pub(crate) fn start<T, F>(
    fetch: F,
    lifetime: Lifetime,
    settle: impl FnOnce(&Ended<T>) + Send + 'static,
) -> (Flight<T>, Told<T>)
where
    T: Clone + Send + Sync + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let (tell, told) = watch::channel(None);
    let tell = Arc::new(tell);
    let for_task = Arc::clone(&tell);
    tokio::spawn(async move {
        // Made in the task: a task dropped unpolled (the runtime shutting
        // down) must not settle under the lock its starter holds.
        let ending = Ending {
            tell: for_task,
            settle: Some(settle),
        };
        let starter = match lifetime {
            Lifetime::WhileWaitedFor => None,
            Lifetime::StarterOrWaiters(token) => Some(token),
        };
        let unwanted = async {
            if let Some(token) = &starter {
                token.cancelled().await;
            }
            ending.tell.closed().await;
        };
        let ended = tokio::select! {
            outcome = fetch => Ended::Done(outcome),
            () = unwanted => Ended::Abandoned,
        };
        ending.end(ended);
    });
    (Flight { tell }, told)
}

/// Waits for the fetch to end, or for `cancel`: `None` when cancelled
/// (the read's place in the fetch is given up).
pub(crate) async fn wait<T: Clone>(
    mut told: Told<T>,
    cancel: &CancellationToken,
) -> Option<Ended<T>> {
    tokio::select! {
        ended = told.wait_for(Option::is_some) => Some(match ended {
            Ok(ended) => ended.clone().unwrap_or(Ended::Panicked),
            // The sender is gone without a word: only a panic does that.
            Err(_) => Ended::Panicked,
        }),
        () = cancel.cancelled() => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;

    type Seen = Arc<Mutex<Vec<String>>>;

    /// How the fetch ended, as its owner saw it.
    fn settled() -> (Seen, impl FnOnce(&Ended<u32>) + Send + 'static) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        (seen, move |ended: &Ended<u32>| {
            record.lock().unwrap().push(format!("{ended:?}"));
        })
    }

    #[tokio::test]
    async fn every_waiting_read_is_told_after_the_owner() {
        let (seen, settle) = settled();
        let (flight, first) = start(async { 7 }, Lifetime::WhileWaitedFor, settle);
        let second = flight.join();
        let never = CancellationToken::new();
        for told in [first, second] {
            assert!(matches!(wait(told, &never).await, Some(Ended::Done(7))));
        }
        assert_eq!(*seen.lock().unwrap(), ["Done(7)"]);
    }

    #[tokio::test]
    async fn a_fetch_ends_when_no_read_waits_any_more() {
        let (seen, settle) = settled();
        let (flight, told) = start(std::future::pending(), Lifetime::WhileWaitedFor, settle);
        let cancelled = CancellationToken::new();
        cancelled.cancel();
        assert!(wait(told, &cancelled).await.is_none());
        // The owner learns that the fetch is gone.
        tokio::time::timeout(Duration::from_secs(5), async {
            while seen.lock().unwrap().is_empty() {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("the abandoned fetch was never settled");
        assert_eq!(*seen.lock().unwrap(), ["Abandoned"]);
        drop(flight);
    }

    #[tokio::test]
    async fn a_renewal_lives_while_its_starter_may_be_served_then_while_waited_for() {
        let (seen, settle) = settled();
        let stop = CancellationToken::new();
        let (flight, told) = start(
            std::future::pending(),
            Lifetime::StarterOrWaiters(stop.clone()),
            settle,
        );
        drop(told);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(seen.lock().unwrap().is_empty(), "ended with no reason");
        // A read waits for it when its starter is cancelled: it goes on.
        let waiting = flight.join();
        stop.cancel();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(seen.lock().unwrap().is_empty(), "ended while waited for");
        drop(waiting);
        tokio::time::timeout(Duration::from_secs(5), async {
            while seen.lock().unwrap().is_empty() {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .expect("never ended");
        assert_eq!(*seen.lock().unwrap(), ["Abandoned"]);
    }

    #[tokio::test]
    async fn a_panicking_fetch_is_settled_and_told() {
        let (seen, settle) = settled();
        let (_flight, told) = start(
            async { panic!("a fetch that panics") },
            Lifetime::WhileWaitedFor,
            settle,
        );
        let ended = wait(told, &CancellationToken::new()).await;
        assert!(matches!(ended, Some(Ended::Panicked)), "{ended:?}");
        assert_eq!(*seen.lock().unwrap(), ["Panicked"]);
    }
}
