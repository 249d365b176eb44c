//! The DLI API: one call per endpoint on [`crate::Client`], the models of
//! their answers, and reading every page of a list.

mod connections;
pub mod model;
pub mod paging;
mod pools;
mod queues;
