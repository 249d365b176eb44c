//! Where the credentials of a call come from (a fixed key, an hcloud
//! profile, the ECS metadata service, an agency assumed with either),
//! fetched once and renewed; and IAM's project look-up.

mod iam;
mod metadata;
pub mod profile;
mod project;
mod source;
mod temporary;

pub use iam::AssumeRole;
pub use project::{ProjectError, ProjectLookup};
pub(crate) use source::FromProvider;
pub use source::{AuthError, CredentialProvider, IN_FLIGHT_MARGIN, RENEWAL_RETRY_EVERY, Source};
