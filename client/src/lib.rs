#![doc = include_str!("../README.md")]
#![warn(missing_docs, unreachable_pub)]

mod api;
mod credentials;
pub mod endpoint;
mod error;
mod transport;

#[cfg(feature = "fuzzing")]
pub mod fuzzing;

pub use api::{ProjectClient, model, paging};
pub use credentials::{
    AssumeRole, AuthError, CredentialProvider, IN_FLIGHT_MARGIN, ProjectError, ProjectLookup,
    RENEWAL_RETRY_EVERY, Source, profile,
};
/// The request signer, a crate of its own so that the fake can share it.
pub use dli_signer as signer;
pub use dli_signer::{Credentials, Secret};
pub use error::{ApiError, ErrorKind, RetryAfter};
/// The URL type of every endpoint.
pub use reqwest::Url;
pub use transport::{Client, ClientBuildError, ClientOptions, MAX_TIMEOUT, retry};
