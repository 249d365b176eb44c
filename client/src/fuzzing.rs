//! What the fuzz targets drive, and nothing else: the decoders, the header
//! parsers and the pace. Only with the `fuzzing` feature.

use std::time::{Duration, Instant, SystemTime};

use crate::transport;

/// Decodes a response body as a connection, as a call does.
pub fn decode_connection(body: &[u8]) -> Result<crate::model::EnhancedConnection, String> {
    transport::decode_as(body)
}

/// Reads an error body's code and message; never panics.
pub fn read_error_body(body: &[u8]) {
    let _ = crate::error::error_fields(body);
}

/// The wait a `Retry-After` value asks for at `now`.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    crate::error::parse_retry_after(value, now).map(|r| r.wait)
}

/// The request rate a throttling message states.
pub fn stated_limit(message: &str) -> Option<f64> {
    transport::stated_limit(message)
}

/// The shared pace of one endpoint and key.
#[derive(Debug, Default)]
pub struct Pace(transport::Limiter);

/// A turn taken from a [`Pace`].
#[derive(Debug)]
pub struct Turn(transport::Turn);

impl Pace {
    /// Takes the next turn at or after `now`.
    pub fn reserve(&self, now: Instant) -> Turn {
        Turn(self.0.reserve(now))
    }
    /// The gateway accepted a request sent at `started`.
    pub fn accepted(&self, started: Instant) {
        self.0.accepted(started)
    }
    /// The gateway throttled a request sent at `started`.
    pub fn throttled(
        &self,
        started: Instant,
        now: Instant,
        asked: Option<Duration>,
        stated: Option<f64>,
    ) {
        self.0.throttled(started, now, asked, stated)
    }
    /// Gives an unused turn back.
    pub fn give_back(&self, turn: &Turn) {
        self.0.give_back(&turn.0)
    }
    /// Whether no pause begun since `turn` was taken lasts past `now`.
    pub fn still_good(&self, turn: &Turn, now: Instant) -> bool {
        self.0.still_good(&turn.0, now)
    }
    /// The pace's current rate, if it has one.
    pub fn rate(&self, now: Instant) -> Option<f64> {
        self.0.rate(now)
    }
}
