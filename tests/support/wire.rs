//! The test client's own view of the wire: the types and client stubs that
//! `build.rs` generates from `proto/`. The provider keeps its copy private.
#![allow(dead_code, clippy::all, clippy::pedantic)]

pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

pub mod goplugin {
    tonic::include_proto!("plugin");
}
