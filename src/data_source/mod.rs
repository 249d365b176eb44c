//! The provider's data sources.

pub mod enhanced_connection;
