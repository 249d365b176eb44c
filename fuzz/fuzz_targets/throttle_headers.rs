//! Header parsers and the shared pace, driven by arbitrary bytes: no
//! `Retry-After` value, stated limit or sequence of 429s, accepted answers,
//! reservations and given-back turns may panic or overflow.
#![no_main]

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use dli_client::fuzzing::{Pace, retry_after, stated_limit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let now_wall = UNIX_EPOCH + Duration::from_secs(u64::from(data.first().copied().unwrap_or(0)) << 24);
    let asked = retry_after(&text, now_wall);
    let _ = retry_after(&text, SystemTime::now());
    let stated = stated_limit(&text);

    let limiter = Pace::default();
    let start = Instant::now();
    let mut turns = Vec::new();
    let mut at = start;
    for chunk in data.chunks(3) {
        let step = Duration::from_millis(u64::from(chunk.get(1).copied().unwrap_or(0)) * 37);
        at = at.checked_add(step).unwrap_or(at);
        match chunk[0] % 5 {
            0 => turns.push(limiter.reserve(at)),
            1 => limiter.accepted(at),
            2 => limiter.throttled(at, at, asked, stated),
            3 => {
                if let Some(turn) = turns.pop() {
                    limiter.give_back(&turn);
                }
            }
            _ => {
                if let Some(turn) = turns.last() {
                    let _ = limiter.still_good(turn, at);
                }
                let _ = limiter.rate(at);
            }
        }
    }
});
