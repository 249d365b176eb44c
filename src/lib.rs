//! terraform-provider-dli: a Terraform provider for Huawei Cloud DLI.
//!
//! Layout (dependencies point down only):
//! - [`plugin`]: the generic Terraform plugin protocol 6 server.
//! - [`dli`]: the DLI API client (signing, endpoints, errors, models).

pub mod data_source;
pub mod dli;
pub mod docs;
pub mod plugin;
pub mod provider;
