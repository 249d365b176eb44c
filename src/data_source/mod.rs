//! The provider's data sources. Each is a value of [`DataSource`]; the
//! provider lists them and hands each read a [`Context`].

pub mod by_name;
pub mod connection;
pub mod context;
pub mod elastic_resource_pool;
pub mod elastic_resource_pools;
pub mod enhanced_connection;
pub mod enhanced_connection_privileges;
pub mod enhanced_connections;
pub mod location;
pub mod pool;
pub mod queue;
pub mod queues;

pub use context::{Context, Own, Setting, Target};
pub use location::Location;

/// A data source of this provider: a [`tfplugin::DataSource`] whose reads
/// are handed the provider's [`Context`].
pub type DataSource = dyn tfplugin::DataSource<Context>;
