//! One request rate for every call that shares an endpoint and a user:
//! the gateway limits a user, not a read. Unlimited until the gateway
//! throttles (429); then everyone pauses (for its `Retry-After`, or
//! [`DEFAULT_PAUSE`]), resumes a little below the rate the gateway just
//! accepted, and speeds up gradually while it keeps accepting.
//!
//! A turn that is reserved and then not used (its read was cancelled or
//! gave up) is given back for the next read to take. Every instant here is
//! computed with checked arithmetic: a `Retry-After` comes from the network.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Huawei advises waiting 2 to 5 s after a 429 that says nothing.
pub(crate) const DEFAULT_PAUSE: Duration = Duration::from_secs(2);

/// After a 429, resume at this share of the rate just accepted.
const RESUME_SHARE: f64 = 0.9;

/// A later 429 cuts the rate to this share of the current one.
const CUT_SHARE: f64 = 0.7;

/// The rate never grows past this share of a limit the gateway stated.
const CEILING_SHARE: f64 = 0.95;

/// Every this long without a 429, the rate grows by [`GROWTH`].
const GROWTH_EVERY: Duration = Duration::from_secs(3);
const GROWTH: f64 = 1.05;

/// The window over which accepted requests are counted.
const WINDOW: Duration = Duration::from_secs(1);

/// The longest pause anyone makes for a `Retry-After`; a longer one
/// concerns only the read it was sent to (which fails), and the others
/// pause [`DEFAULT_PAUSE`].
pub(crate) const MAX_PAUSE: Duration = super::retry::MAX_SERVER_WAIT;

/// Turns given back are kept for reuse, up to this many.
const MAX_RETURNED: usize = 1024;

/// A reserved start time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Turn {
    pub at: Instant,
    /// The gap the turn took from the pace, if paced.
    gap: Option<Duration>,
    /// The pause generation the turn was reserved in.
    epoch: u64,
}

#[derive(Debug, Default)]
struct State {
    /// Requests per second, once the gateway has throttled.
    rate: Option<f64>,
    /// When the next request may start.
    next_slot: Option<Instant>,
    /// Nobody starts before this.
    paused_until: Option<Instant>,
    /// When the rate last changed.
    changed_at: Option<Instant>,
    /// When the last 429 slowed everyone down.
    throttled_at: Option<Instant>,
    /// Never grow past this: just under the limit the gateway stated.
    ceiling: Option<f64>,
    /// Start times of recently accepted requests.
    accepted: VecDeque<Instant>,
    /// Turns reserved and then given back, earliest first.
    returned: VecDeque<Instant>,
    /// Counts the pauses: a turn reserved before one is void.
    epoch: u64,
}

/// The shared pace of one endpoint and user.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    state: Mutex<State>,
}

impl Limiter {
    /// Reserves a start time for one request: now while unlimited, else a
    /// turn given back or the next free slot. The caller sleeps until it,
    /// then asks [`Limiter::still_good`]; a turn not used goes back with
    /// [`Limiter::give_back`].
    pub(crate) fn reserve(&self, now: Instant) -> Turn {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut at = now;
        if let Some(paused) = s.paused_until {
            at = at.max(paused);
        }
        let epoch = s.epoch;
        let Some(rate) = s.rate else {
            return Turn {
                at,
                gap: None,
                epoch,
            };
        };
        while s.returned.front().is_some_and(|t| *t < at) {
            s.returned.pop_front();
        }
        if let Some(returned) = s.returned.pop_front() {
            return Turn {
                at: returned,
                gap: None,
                epoch,
            };
        }
        let rate = grown(rate, s.changed_at, now, s.ceiling);
        if let Some(next) = s.next_slot {
            at = at.max(next);
        }
        let gap = Duration::from_secs_f64(1.0 / rate);
        s.next_slot = at.checked_add(gap);
        Turn {
            at,
            gap: Some(gap),
            epoch,
        }
    }

    /// Whether `turn` still holds at `now`: a pause that began after it was
    /// reserved and lasts beyond now voids it (reserve again).
    pub(crate) fn still_good(&self, turn: &Turn, now: Instant) -> bool {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.epoch == turn.epoch || s.paused_until.is_none_or(|p| p <= now)
    }

    /// A reserved turn that will not be used: the next read may take it.
    pub(crate) fn give_back(&self, turn: &Turn) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.epoch != turn.epoch {
            return; // A pause since has rebuilt the pace.
        }
        let last = turn.gap.and_then(|gap| turn.at.checked_add(gap));
        if last.is_some() && s.next_slot == last {
            s.next_slot = Some(turn.at);
        } else if s.rate.is_some() && s.returned.len() < MAX_RETURNED {
            let place = s.returned.partition_point(|t| *t <= turn.at);
            s.returned.insert(place, turn.at);
        }
    }

    /// The gateway accepted a request started at `started`.
    pub(crate) fn accepted(&self, started: Instant) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.accepted.push_back(started);
        while s
            .accepted
            .front()
            .is_some_and(|t| started.saturating_duration_since(*t) > WINDOW)
        {
            s.accepted.pop_front();
        }
    }

    /// The gateway throttled a request started at `started`: pause everyone
    /// and slow down, once per burst. `stated` is the limit the gateway's
    /// message gave, in requests per second, if it gave one.
    pub(crate) fn throttled(
        &self,
        started: Instant,
        now: Instant,
        retry_after: Option<Duration>,
        stated: Option<f64>,
    ) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        // A wait past the cap fails its own read; the others pause as if
        // the gateway had said nothing.
        let retry_after = retry_after.filter(|wait| *wait <= MAX_PAUSE);
        let pause = retry_after.unwrap_or(DEFAULT_PAUSE);
        let resume = now.checked_add(pause).unwrap_or(now);
        if s.throttled_at.is_some_and(|t| started <= t) {
            // Sent before the last slow-down: the same burst, already
            // answered. Only a longer Retry-After extends the pause.
            if retry_after.is_some() && s.paused_until.is_some_and(|p| p < resume) {
                s.paused_until = Some(resume);
                s.next_slot = Some(resume);
                s.returned.clear();
                s.epoch = s.epoch.wrapping_add(1);
            }
            return;
        }
        let rate = match (s.rate, stated) {
            (None, Some(limit)) => limit * RESUME_SHARE,
            (None, None) => {
                let recent = s
                    .accepted
                    .iter()
                    .filter(|t| now.saturating_duration_since(**t) <= WINDOW)
                    .count();
                (recent.max(1) as f64) * RESUME_SHARE
            }
            (Some(rate), _) => grown(rate, s.changed_at, now, s.ceiling) * CUT_SHARE,
        };
        if let Some(limit) = stated {
            s.ceiling = Some(limit * CEILING_SHARE);
        }
        s.rate = Some(rate.max(0.5));
        s.throttled_at = Some(now);
        s.changed_at = Some(resume);
        s.paused_until = Some(resume);
        s.next_slot = Some(resume);
        s.returned.clear();
        s.epoch = s.epoch.wrapping_add(1);
        tracing::debug!(
            rate_per_second = rate,
            pause_ms = pause.as_millis() as u64,
            "the gateway throttles: slowing every read down"
        );
    }

    /// Something in front of the service (a 502, 503 or 504 with
    /// `Retry-After`) asked everyone to wait `wait`: a pause for all, with
    /// the rate left as it was (the gateway has not said the key sends too
    /// much). A wait past [`MAX_PAUSE`] concerns only its own read.
    pub(crate) fn pause(&self, now: Instant, wait: Duration) {
        if wait.is_zero() || wait > MAX_PAUSE {
            return;
        }
        let Some(resume) = now.checked_add(wait) else {
            return;
        };
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if s.paused_until.is_some_and(|p| p >= resume) {
            return;
        }
        s.paused_until = Some(resume);
        s.next_slot = Some(s.next_slot.map_or(resume, |slot| slot.max(resume)));
        s.returned.clear();
        s.epoch = s.epoch.wrapping_add(1);
        tracing::debug!(
            pause_ms = wait.as_millis() as u64,
            "the service asks to wait: pausing every read"
        );
    }

    /// The current rate, if limited (for logs and tests).
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn rate(&self, now: Instant) -> Option<f64> {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.rate.map(|rate| grown(rate, s.changed_at, now, s.ceiling))
    }
}

/// The limit a gateway's 429 message states, in requests per second:
/// `…policy user over ratelimit,limit:20,time:1 second` gives 20.
pub(crate) fn stated_limit(message: &str) -> Option<f64> {
    let after = |key: &str| message.split(key).nth(1);
    let limit: f64 = after("limit:")?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    let time = after("time:")?.trim_start();
    let digits: String = time.chars().take_while(char::is_ascii_digit).collect();
    let count: f64 = digits.parse().ok()?;
    let unit = time[digits.len()..].trim_start();
    let seconds = if unit.starts_with("second") {
        1.0
    } else if unit.starts_with("minute") {
        60.0
    } else if unit.starts_with("hour") {
        3600.0
    } else {
        return None;
    };
    let per_second = limit / (count * seconds);
    (per_second.is_finite() && per_second > 0.0).then_some(per_second)
}

/// `rate`, grown for every [`GROWTH_EVERY`] since `since`, up to `ceiling`.
fn grown(rate: f64, since: Option<Instant>, now: Instant, ceiling: Option<f64>) -> f64 {
    let steps = since.map_or(0, |t| {
        (now.saturating_duration_since(t).as_secs_f64() / GROWTH_EVERY.as_secs_f64()) as i32
    });
    let grown = rate * GROWTH.powi(steps.min(200));
    ceiling.map_or(grown, |c| grown.min(c.max(rate)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_until_throttled() {
        let l = Limiter::default();
        let now = Instant::now();
        for _ in 0..100 {
            assert_eq!(l.reserve(now).at, now);
        }
        assert_eq!(l.rate(now), None);
    }

    #[test]
    fn a_429_pauses_everyone_then_paces_below_the_accepted_rate() {
        let l = Limiter::default();
        let t0 = Instant::now();
        for i in 0..20 {
            l.accepted(t0 + Duration::from_millis(i * 40));
        }
        let t1 = t0 + Duration::from_millis(800);
        l.throttled(t0, t1, None, None);
        assert_eq!(l.rate(t1), Some(18.0));
        let first = l.reserve(t1).at;
        assert_eq!(first, t1 + DEFAULT_PAUSE);
        let second = l.reserve(t1).at;
        let gap = second - first;
        assert!((gap.as_secs_f64() - 1.0 / 18.0).abs() < 1e-6, "{gap:?}");
        // More 429s from requests sent before it do not slow down again.
        l.throttled(t1, t1 + Duration::from_millis(1), None, None);
        assert_eq!(l.rate(t1), Some(18.0));
        assert_eq!(l.reserve(t1).at - first, gap * 2);
    }

    #[test]
    fn retry_after_sets_the_pause_and_the_rate_grows_back() {
        let l = Limiter::default();
        let t0 = Instant::now();
        l.accepted(t0);
        l.throttled(t0, t0, Some(Duration::from_secs(5)), None);
        assert_eq!(l.reserve(t0).at, t0 + Duration::from_secs(5));
        let later = t0 + Duration::from_secs(5) + GROWTH_EVERY * 2;
        let rate = l.rate(later).unwrap();
        assert!((rate - 0.9 * GROWTH * GROWTH).abs() < 1e-9, "{rate}");
    }

    #[test]
    fn the_gateways_stated_limit_sets_the_pace() {
        let message = "The throttling threshold has been reached: policy user over ratelimit,limit:20,time:1 second";
        assert_eq!(stated_limit(message), Some(20.0));
        assert_eq!(
            stated_limit("ratelimit,limit:200, time:5 minute"),
            Some(200.0 / 300.0)
        );
        assert_eq!(stated_limit("slow down"), None);
        let l = Limiter::default();
        let t0 = Instant::now();
        l.throttled(t0, t0, None, stated_limit(message));
        assert_eq!(l.rate(t0), Some(18.0));
        let much_later = t0 + Duration::from_secs(600);
        assert_eq!(
            l.rate(much_later),
            Some(19.0),
            "grows to just under the limit"
        );
    }

    #[test]
    fn later_429s_cut_the_rate() {
        let l = Limiter::default();
        let t0 = Instant::now();
        for _ in 0..10 {
            l.accepted(t0);
        }
        l.throttled(t0, t0, None, None);
        let t1 = t0 + DEFAULT_PAUSE + Duration::from_millis(100);
        l.throttled(t1, t1, None, None);
        let rate = l.rate(t1).unwrap();
        assert!((rate - 9.0 * CUT_SHARE).abs() < 1e-9, "{rate}");
    }

    #[test]
    fn a_turn_given_back_is_the_next_one_taken() {
        let l = Limiter::default();
        let t0 = Instant::now();
        l.throttled(t0, t0, Some(Duration::from_secs(1)), Some(2.0));
        let first = l.reserve(t0);
        let second = l.reserve(t0);
        let third = l.reserve(t0);
        // The last one back: the pace rolls back to it.
        l.give_back(&third);
        assert_eq!(l.reserve(t0).at, third.at);
        // One in the middle: kept, and taken before a new slot.
        l.give_back(&second);
        assert_eq!(l.reserve(t0).at, second.at);
        assert!(l.reserve(t0).at > third.at);
        // A turn from before a later pause is void, and not given back.
        let t1 = t0 + Duration::from_secs(10);
        l.throttled(t1, t1, None, None);
        assert!(!l.still_good(&first, t1));
        l.give_back(&first);
        assert_eq!(l.reserve(t1).at, t1 + DEFAULT_PAUSE);
    }

    #[test]
    fn a_retry_after_past_the_cap_pauses_the_others_by_the_default() {
        let l = Limiter::default();
        let t0 = Instant::now();
        l.throttled(t0, t0, Some(Duration::MAX), None);
        assert_eq!(l.reserve(t0).at, t0 + DEFAULT_PAUSE);
        let l = Limiter::default();
        l.throttled(t0, t0, Some(Duration::from_secs(90)), None);
        assert_eq!(l.reserve(t0).at, t0 + Duration::from_secs(90));
        assert_eq!(
            stated_limit(&format!(
                "limit:{},time:{} second",
                "9".repeat(400),
                "9".repeat(400)
            )),
            None
        );
    }

    /// Random state changes, with waits up to `Duration::MAX` and instants
    /// far ahead: never a panic, and a turn is never before its request.
    #[test]
    fn random_state_changes_never_panic() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let waits = [
            None,
            Some(Duration::ZERO),
            Some(Duration::from_secs(90)),
            Some(MAX_PAUSE),
            Some(Duration::from_secs(u64::MAX)),
            Some(Duration::MAX),
        ];
        for _ in 0..200 {
            let l = Limiter::default();
            let mut at = Instant::now();
            let mut turns = Vec::new();
            for _ in 0..200 {
                let r = next();
                at = at
                    .checked_add(Duration::from_millis(r % 5000))
                    .unwrap_or(at);
                match r % 5 {
                    0 => {
                        let turn = l.reserve(at);
                        assert!(turn.at >= at);
                        turns.push(turn);
                    }
                    1 => l.accepted(at),
                    2 => {
                        let wait = waits[(r >> 8) as usize % waits.len()];
                        let stated = [None, Some(0.5), Some(f64::MAX)][(r >> 16) as usize % 3];
                        l.throttled(at, at, wait, stated);
                    }
                    3 => {
                        if let Some(turn) = turns.pop() {
                            l.give_back(&turn);
                        }
                    }
                    _ => {
                        let _ = l.rate(at);
                    }
                }
            }
        }
    }
}
