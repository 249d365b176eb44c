//! The signed transport every call goes through (see `send`), and what it
//! is built from: the pace, the credential gate, the resolver, the body
//! limit and the decoder. Retries are public; the rest stays inside.

mod body;
mod client;
mod decode;
pub(crate) mod flight;
mod gate;
mod pace;
mod resolve;
pub mod retry;
mod send;
mod signing;

pub(crate) use body::{BodyError, read_at_most};
pub use client::{Client, ClientBuildError, ClientOptions, MAX_TIMEOUT};
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use decode::decode_as;
pub(crate) use decode::{Outcome, reported_failure};
#[cfg(feature = "fuzzing")]
pub(crate) use pace::{Limiter, Turn, stated_limit};
pub(crate) use send::Request;
pub(crate) use signing::Signing;
