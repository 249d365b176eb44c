//! terraform-provider-dli: a Terraform provider for Huawei Cloud DLI.
//!
//! Layout (each layer uses only the ones below it):
//! - [`provider`]: the `dli` provider: its arguments, how they resolve into
//!   the [`data_source::Context`] every read is handed, and the list of its
//!   data sources.
//! - [`data_source`]: the data sources, each a [`tfplugin::DataSource`]
//!   over that context.
//! - [`function`]: the provider's functions, each a [`tfplugin::Function`]
//!   (pure: no context).
//! - [`docs`]: generates `docs/` from the schemas (used by `gen-docs`).
//!
//! Beside it, crates of their own: `tfplugin` (`plugin/`) serves the
//! plugin protocol and knows nothing about DLI; `dli-client` (`client/`)
//! is the DLI API client (credentials, signed transport, calls, models)
//! and knows nothing about Terraform; `dli-signer` (`signer/`) signs
//! requests; `dli-fake` (`fake/`), the fake DLI API of the tests and the
//! demo, shares only the signer and never enters the provider.

pub mod data_source;
pub mod docs;
pub mod function;
pub mod provider;
