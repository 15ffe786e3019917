//! `cors-check URL --origin ORIGIN`: one request diagnosed the way a
//! browser would make it.

pub mod args;
pub mod audit;
pub mod cache_check;
pub mod causes;
pub mod cookies;
pub mod engines;
pub mod error_probe;
pub mod explain;
pub mod findings;
pub mod human;
pub mod json;
pub mod probe;
pub mod report;
pub mod walk;
