//! The DLI API: the operations of a project ([`ProjectClient`]), built on
//! one call per endpoint (one attempt each), the models of their answers,
//! and reading every page of a list.

mod connections;
pub mod model;
pub mod paging;
mod pools;
mod project_client;
mod queues;

pub use project_client::ProjectClient;
