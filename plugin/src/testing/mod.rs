//! For providers' tests (feature `test-support`): a [`Harness`] that serves
//! a provider in the test process, a client that launches and speaks to a
//! provider binary the way Terraform's go-plugin client does (Unix only),
//! the wire types it speaks with, and a driver for the real Terraform and
//! OpenTofu CLIs. No provider binary should enable it.

pub mod cli;
// It launches providers as Terraform does on Unix: a umask, a file limit and
// a process group set between fork and exec, signals, unix sockets.
#[cfg(unix)]
pub mod client;
mod harness;

pub use harness::Harness;

/// The protocol's wire types and gRPC client stubs, generated from the
/// repository's `proto/`. Outside this feature they are private.
pub mod wire {
    pub use crate::proto::goplugin;
    pub use crate::proto::tfplugin6;
}

/// The variable Terraform sets so that a plugin knows who launched it.
pub const MAGIC_COOKIE_KEY: &str = crate::handshake::MAGIC_COOKIE_KEY;
/// Its value.
pub const MAGIC_COOKIE_VALUE: &str = crate::handshake::MAGIC_COOKIE_VALUE;
