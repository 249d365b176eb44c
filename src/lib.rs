//! terraform-provider-dli: a Terraform provider for Huawei Cloud DLI.
//!
//! Layout (each layer uses only the ones below it):
//! - [`plugin`]: the generic Terraform plugin protocol 6 server; knows
//!   nothing about DLI.
//! - [`provider`]: the `dli` provider: its arguments, how they resolve, and
//!   the list of its data sources, each handed a [`data_source::Context`].
//! - [`data_source`]: the data sources, behind one trait.
//! - [`dli`]: the DLI API client (signing, endpoints, retries, errors,
//!   models); knows nothing about Terraform.
//! - [`docs`]: generates `docs/` from the schemas (used by `gen-docs`).
//!
//! The fake DLI API used by the tests and the demo is its own crate,
//! `dli-fake`, and never part of the provider.

pub mod data_source;
pub mod dli;
pub mod docs;
pub mod plugin;
pub mod provider;
