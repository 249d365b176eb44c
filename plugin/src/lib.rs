//! `tfplugin`: Terraform plugin protocol 6 for providers written in Rust.
//!
//! A provider implements [`Provider`] and one [`DataSource`] per data
//! source, and its `main` calls [`main`]; this crate does the rest, the way
//! Terraform's go-plugin client expects it. `plugin/README.md` shows a whole
//! provider; `examples/hello.rs` is one.
//!
//! Layout (each module uses only those listed after it):
//! - `serve`: the process: magic cookie, AutoMTLS, debug/reattach mode,
//!   and the gRPC server, on what `listen` opens.
//! - `listen`: the transport: a private unix socket, or loopback TCP
//!   (Windows' only one); `signals`: Ctrl-C and requests to end.
//! - `server`: the gRPC services (tfplugin6 Provider, go-plugin's
//!   controller, stdio and broker); every Provider RPC is logged, timed and
//!   cancellable by StopProvider.
//! - `dispatch`: the configured value, dispatch by type name, validation
//!   before every read, and [`ProviderSchemas`].
//! - `provider`, `function`: the traits a provider implements.
//! - `convert`, `proto`: wire types, which never leave this crate (but for
//!   the `test-support` feature's client stubs).
//! - `handshake`, `tls`, `logging`: the handshake line and version
//!   negotiation, certificates, hclog JSON lines on stderr.
//! - `schema`, `diagnostics`, `codec`, `value`, `types`: what providers
//!   declare and report, and Terraform values in msgpack and JSON.
//!
//! With the `test-support` feature, `testing` adds a go-plugin-like
//! client and a driver for the Terraform and OpenTofu CLIs.
#![warn(missing_docs, unreachable_pub)]

// The derive's code names `::tfplugin`, also inside this crate.
extern crate self as tfplugin;

mod bundle;
mod codec;
mod config_rules;
mod convert;
mod diagnostics;
mod dispatch;
mod function;
mod handshake;
mod listen;
mod logging;
pub mod model;
mod proto;
mod provider;
mod schema;
mod serve;
mod server;
mod signals;
mod tls;
mod types;
mod value;

#[cfg(feature = "test-support")]
pub mod testing;

pub use bundle::Bundle;
pub use codec::{CodecError, decode_json, decode_msgpack, encode_msgpack};
pub use diagnostics::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
pub use dispatch::ProviderSchemas;
pub use function::{Function, FunctionError, Parameter, Signature, TypedFunction};
pub use listen::{PLAINTEXT_TCP_VARIABLE, TRANSPORT_VARIABLE};
pub use model::{AttrValue, Model};
pub use provider::{DataSource, ModelDataSource, ModelProvider, Provider, Read, ReadRequest};
pub use schema::{Attribute, Block, DescriptionKind, Mode, NestedAttributes, Nesting, Schema};
pub use serve::{RunMode, TLS_HANDSHAKE_TIMEOUT, main, run};
/// `#[derive(Model)]`: see [`model`].
pub use tfplugin_derive::Model;
pub use types::Type;
pub use value::{Known, Number, Value};

/// Re-exported so that providers name the same trait and token this crate
/// calls them with.
pub use async_trait::async_trait;
pub use tokio_util::sync::CancellationToken;
