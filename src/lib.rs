//! A CORS policy that is checked when it is built, and a Tower layer that
//! enforces it for axum, hyper, tonic or any [`tower`](https://docs.rs/tower) service.
//!
//! # The problem
//!
//! Your front end at `https://myfrontend.com` calls your API at
//! `https://api.myfrontend.com`, and the browser says *"Access to fetch ... has
//! been blocked by CORS policy"*. The API must tell the browser, with
//! `Access-Control-*` response headers, which origins may read its answers,
//! and must answer the browser's `OPTIONS` *preflight* before any request that
//! is not "simple" (JSON bodies, `PUT`, `DELETE`, custom headers, ...).
//!
//! # The fix
//!
//! ```
//! use std::time::Duration;
//! use axum::{routing::get, Json, Router};
//! use http::{header, Method};
//! use tower_cors::{CorsLayer, CorsPolicy};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = CorsPolicy::builder()
//!     .allow_origins(["https://myfrontend.com", "https://*.example.com"])
//!     .allow_methods([Method::GET, Method::POST, Method::PUT])
//!     .allow_headers([header::CONTENT_TYPE])
//!     .expose_headers(["x-request-id"])
//!     .allow_credentials(true)
//!     .max_age(Duration::from_secs(600))
//!     .build()?; // every mistake is reported here, all at once
//!
//! let app = Router::new()
//!     .route("/api/data", get(|| async { Json(serde_json::json!({"message": "CORS works!"})) }))
//!     .layer(CorsLayer::new(policy));
//!
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! # What it does
//!
//! - [`CorsPolicyBuilder::build`] validates everything and returns a
//!   [`ConfigError`] listing **every** problem (origins that no browser sends,
//!   `*` with credentials, `http://` origins with credentials, forbidden
//!   methods and headers, ...), each with the offending value and a hint.
//! - A preflight is answered by the layer itself, never by your handlers:
//!   `204` with exactly the needed headers when the origin, method and every
//!   requested header are allowed, `403` with no CORS headers otherwise
//!   (or, with [`preflight_passthrough`](CorsPolicyBuilder::preflight_passthrough),
//!   handed on to your service with those headers merged into its answer).
//! - Every other response gets `Access-Control-Allow-Origin` (and
//!   `-Allow-Credentials`, `-Expose-Headers`) when its origin is allowed, and
//!   `Vary: Origin` whenever the answer depends on the origin.
//! - A policy that lists origins also guards **writes** and **WebSocket
//!   handshakes**: CORS only hides answers, so a page on any site could
//!   still post a form or a `no-cors` request to your API, or open a
//!   WebSocket to it, with your users' cookies (whatever the policy says of
//!   credentials: the browser attaches cookies to such requests on its own).
//!   A request with an unsafe method, or a handshake, from an origin the
//!   policy does not allow is answered `403` before your service sees it
//!   ([`guard_writes`](CorsPolicyBuilder::guard_writes),
//!   [`exempt_from_write_guard`](CorsPolicyBuilder::exempt_from_write_guard),
//!   [`server_origins`](CorsPolicyBuilder::server_origins) behind a proxy
//!   that rewrites `Host`).
//! - Opt in, the same allowlist isolates your resources from other sites'
//!   `<script>`, `<img>` and `no-cors` loads
//!   ([`isolate_resources`](CorsPolicyBuilder::isolate_resources)) and gives
//!   allowed origins their timing details
//!   ([`timing_allow_origin`](CorsPolicyBuilder::timing_allow_origin)); the
//!   guard and isolation can first run report-only
//!   ([`guard_report_only`](CorsPolicyBuilder::guard_report_only)).
//! - [`CorsPolicy::evaluate`] is the decision on its own, with no I/O: use it
//!   to unit-test your policy.
//! - [`CorsPolicy::warnings`] lists what browsers will do differently from
//!   what the settings say (a `max_age` above WebKit's or Chromium's cap,
//!   `*` request headers without `authorization`, ...), without stopping
//!   the build.
//! - Origins can come from a list, a configuration file or the environment
//!   ([`CorsConfig::from_env`]), a function, or an async lookup per tenant
//!   ([`allow_origin_predicate_async`](CorsPolicyBuilder::allow_origin_predicate_async)),
//!   and a [`ReloadableCorsLayer`] swaps the policy at run time.
//!
//! # How it works
//!
//! A [`CorsPolicyBuilder`] collects settings. [`build`](CorsPolicyBuilder::build)
//! validates all of them at once (every problem goes into one
//! [`ConfigError`]) and compiles the policy: origins indexed for lookups
//! that do not grow with their number, methods and header names sorted, and
//! every response header value rendered once. The compiled [`CorsPolicy`]
//! is immutable and shared behind an `Arc`.
//!
//! For each request, [`CorsPolicy::evaluate`] (the same `decide` step the
//! layer runs) reads the method and headers once and returns a
//! [`Decision`]: a value that carries the whole answer, the status and
//! headers of a preflight response, allowed or refused, or the CORS headers
//! to add to the inner service's response, together with the [`Refusal`]
//! and its fix when something was refused. The [`CorsLayer`] only applies
//! the decision: it answers preflights itself and decorates every other
//! response, so what `evaluate` returns is exactly what a client receives.
//! Only when an origin is left to an async predicate does the layer wait:
//! its response future then holds the boxed lookup (and, for a request the
//! inner service already runs, its response) and decides once the lookup
//! answers; a policy without one never gets that state.
//!
//! # Security defaults
//!
//! Nothing is allowed until listed. Origins match exactly as browsers send
//! them (no regular expressions, no prefix or suffix tricks; `*.example.com`
//! patterns match whole labels only). `null` is never allowed. `*` never
//! covers `Authorization`. Credentials cannot be combined with a wildcard
//! origin, an insecure origin or a pattern over a public suffix.
//!
//! # Features
//!
//! - `serde`: [`CorsConfig`] can be read from a configuration file (e.g. a
//!   `[cors]` table in TOML), validated the same way. Without it,
//!   [`CorsConfig::from_env`] still reads a policy from `CORS_*` variables.
//! - `tracing`: one `debug` event on target `tower_cors` per refusal, and
//!   each [`PolicyWarning`] logged once at `warn` when a layer installs
//!   the policy (building one logs nothing).
//! - `browser`: `tower_cors::browser`, the client-side Fetch model: what a
//!   browser sends and makes of the answers (the preflight, the CORS checks,
//!   the headers script may read, the preflight cache), and a `Browser` that
//!   drives any Tower service like a page's `fetch()`; for tests and
//!   `cors-check`.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "browser")]
#[cfg_attr(docsrs, doc(cfg(feature = "browser")))]
pub mod browser;
mod config;
mod decision;
mod diagnostics;
mod error;
// The Fetch standard's tables; the parts only the browser model applies
// are compiled with `browser`.
mod fetch;
mod layer;
mod origin;
mod policy;
mod reload;
mod request_headers;
mod setting;
mod url;
mod vary;

pub use config::CorsConfig;
pub use decision::{
    ActualHeaders, AllowedPreflight, Decision, Explanation, Refusal, RefusalReason,
    RefusedPreflight, RefusedWrite, EXPLANATION_HEADER,
};
pub use error::{ConfigError, Problem, ProblemKind};
pub use layer::{Cors, CorsLayer, Held, ResponseFuture};
pub use policy::{
    CorsPolicy, CorsPolicyBuilder, PolicyWarning, WarningKind, DEFAULT_ASYNC_LOOKUP_TIMEOUT,
    MAX_AGE_LIMIT,
};
pub use reload::{PolicyHandle, ReloadableCorsLayer};

/// The README's Rust blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// `docs/axum-per-route.md`'s Rust blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/axum-per-route.md")]
pub struct AxumPerRouteDoctests;

/// `docs/migrating-from-tower-http.md`'s Rust blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../docs/migrating-from-tower-http.md")]
pub struct MigrationDoctests;
