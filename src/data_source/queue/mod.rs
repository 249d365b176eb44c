//! What the two queue data sources share: a queue's attributes (its models
//! and their mapping) and the IAM permission their reads need.

pub mod by_name;
pub mod state;

pub use state::{ListedQueue, QueueDetails};

/// The IAM action that lists queues (identity-policy authorization).
pub const PERMISSION: &str = "dli:queue:list";
