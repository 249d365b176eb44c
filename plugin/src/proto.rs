//! Wire types generated from `proto/`. They never leave `plugin`.
// The client stubs are generated for the tests' own copy (tests/wire).
#![allow(
    dead_code,
    clippy::all,
    clippy::pedantic,
    missing_docs,
    unreachable_pub
)]

pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

pub mod goplugin {
    tonic::include_proto!("plugin");
}
