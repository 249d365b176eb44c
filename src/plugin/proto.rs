//! Wire types generated from `proto/`. They never leave `plugin`.
#![allow(clippy::all, clippy::pedantic, missing_docs, unreachable_pub)]

pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

pub mod goplugin {
    tonic::include_proto!("plugin");
}
