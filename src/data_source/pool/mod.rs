//! What the two elastic resource pool data sources share: a pool's
//! attributes (its models and their mapping) and the IAM permission their
//! reads need.

pub mod state;

pub use state::{ListedPool, PoolDetails};

/// The IAM action that lists pools (identity-policy authorization).
pub const PERMISSION: &str = "dli:elasticresourcepool:list";
