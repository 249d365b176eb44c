//! The DLI API client. Knows nothing about Terraform.
//!
//! - `auth`: where credentials come from (fixed, ECS metadata, assumed
//!   agency), fetched once and renewed; `temporary`, `metadata`, `iam`: the
//!   calls behind it, and IAM's project look-up.
//! - `signer` (the `dli-signer` crate): SDK-HMAC-SHA256 step by step, and
//!   the AK/SK credentials it signs with, redacted in `Debug`.
//! - `endpoint`: base URL from region/cloud or an override.
//! - `client`: the HTTP client and one call per API.
//! - `resolve`: host lookup that tells a missing name from a network failure.
//! - `retry`: retries with backoff, honouring `Retry-After`.
//! - `gate`, `throttle`: one proven request per key before the rest, and
//!   one pace per endpoint and key once the gateway throttles.
//! - `model`: the response types and the list query.
//! - `list`: reading every page of the connection list.
//! - `flight`: one shared fetch on its own task, told to every waiter.
//! - `error`: classified API errors.

pub mod auth;
mod body;
pub mod client;
pub mod endpoint;
pub mod error;
pub mod flight;
pub mod gate;
pub mod iam;
pub mod list;
pub mod metadata;
pub mod model;
pub mod resolve;
pub mod retry;
pub mod temporary;
pub mod throttle;

pub use client::{Client, ClientOptions};
/// The request signer, a crate of its own so that the fake can share it.
pub use dli_signer as signer;
pub use dli_signer::{Credentials, Secret};
pub use error::{ApiError, ErrorKind};
pub use model::{ConnectionList, ConnectionPrivileges, EnhancedConnection, ListQuery, Privilege};
