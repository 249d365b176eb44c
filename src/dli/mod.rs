//! The DLI API client. Knows nothing about Terraform.
//!
//! - `credentials`: AK/SK and security token, redacted in `Debug`.
//! - `auth`: where credentials come from (fixed, ECS metadata, assumed
//!   agency), fetched once and renewed; `temporary`, `metadata`, `iam`: the
//!   calls behind it, and IAM's project look-up.
//! - `signer`: SDK-HMAC-SHA256, step by step.
//! - `endpoint`: base URL from region/cloud or an override.
//! - `client`: the HTTP client and one call per API.
//! - `resolve`: host lookup that tells a missing name from a network failure.
//! - `retry`: retries with backoff, honouring `Retry-After`.
//! - `gate`, `throttle`: one proven request per key before the rest, and
//!   one pace per endpoint and key once the gateway throttles.
//! - `model`: the response types and the list query.
//! - `list`: reading every page of the connection list.
//! - `error`: classified API errors.

pub mod auth;
pub mod client;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod gate;
pub mod iam;
pub mod list;
pub mod metadata;
pub mod model;
pub mod resolve;
pub mod retry;
pub mod signer;
pub mod temporary;
pub mod throttle;

pub use client::{Client, ClientOptions};
pub use credentials::{Credentials, Secret};
pub use error::{ApiError, ErrorKind};
pub use model::{ConnectionList, EnhancedConnection, ListQuery};
