//! A generic Terraform plugin server (protocol 6). It knows nothing about DLI:
//! it serves any [`Provider`], translating between the wire and plain types.
//!
//! Layout:
//! - `handshake`: magic cookie, version negotiation, the handshake line.
//! - `tls`: AutoMTLS server certificate and the pinned client verifier.
//! - `serve`: socket, signals, debug mode, and the gRPC server.
//! - `server`: the gRPC service implementations.
//! - `types`, `value`, `codec`: Terraform types and values, and msgpack/JSON.
//! - `schema`, `diagnostics`: what providers declare and report.
//! - `convert`, `proto`: wire types, which never leave this module.
//! - `logging`: hclog-style JSON lines on stderr.

mod codec;
mod convert;
pub mod diagnostics;
pub mod handshake;
pub mod logging;
mod proto;
mod provider;
pub mod schema;
pub mod serve;
mod server;
pub mod tls;
pub mod types;
pub mod value;

pub use codec::{CodecError, decode_json, decode_msgpack, encode_msgpack};
pub use diagnostics::{AttributePath, Diagnostic, PathStep, Severity};
pub use provider::{Provider, ProviderSchemas};
pub use schema::{Attribute, Block, DescriptionKind, Mode, Schema};
pub use types::Type;
pub use value::{Known, Number, Value};
