//! The integration tests, one binary with a module per topic. Everything goes
//! through the public API.
//!
//! Suites stay in binaries of their own only when they must:
//! `tests/alloc_budget.rs` installs a counting global allocator, and the
//! real-browser suites (`tests/browser/`, `tests/grpc_web.rs`) drive
//! browser processes (through `test-drivers/`).

// The crate's rust-version is the library's; the dev-dependencies (proptest,
// tokio, axum...) need a newer toolchain anyway, so newer std APIs are fine
// in test code.
#![allow(clippy::incompatible_msrv)]

mod reference_origin;
mod support;

mod actual;
mod api_traits;
mod axum_integration;
mod bad_input;
mod browser_judged;
mod browser_judged_writes;
mod classification;
mod examples;
mod explain;
mod from_env;
mod hyper_example;
mod hyper_socket;
mod isolation;
mod layer_is_evaluate;
mod layering;
mod lookup_timeout;
mod misconfig;
mod operability;
mod origin_forms;
mod origins;
mod passthrough;
mod per_route;
mod preflight;
mod properties;
mod reload;
mod report_only;
mod server_origins;
mod surface_settings;
mod tenants;
mod timing_allow_origin;
#[cfg(feature = "tracing")]
mod tracing_events;
mod validation;
mod vary;
mod warnings;
mod websocket_guard;
mod write_guard;
