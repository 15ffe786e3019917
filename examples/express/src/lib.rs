//! The Express `cors` snippet, in Rust with axum and `tower-cors`.
//!
//! The Express app this mirrors:
//!
//! ```js
//! const express = require('express');
//! const cors = require('cors');
//! const app = express();
//!
//! // 1. Any origin:
//! app.use(cors());
//! // 2. Or restricted:
//! app.use(cors({
//!   origin: 'https://myfrontend.com',
//!   methods: ['GET', 'POST'],
//!   allowedHeaders: ['Content-Type'],
//! }));
//!
//! app.get('/api/data', (req, res) => {
//!   res.json({ message: 'CORS works!' });
//! });
//!
//! app.listen(3000);
//! ```
//!
//! How it maps:
//!
//! | Express                                   | here                                              |
//! | ----------------------------------------- | ------------------------------------------------- |
//! | `app.use(cors())`                         | `.layer(CorsLayer::new(open_policy()?))`          |
//! | `cors()`'s default `origin: '*'`          | `.allow_origins(["*"])`                           |
//! | `cors()`'s default `methods`              | `.allow_methods(["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"])` |
//! | `cors()` reflecting requested headers     | `.allow_headers(["*"])` (see below)               |
//! | `origin: 'https://myfrontend.com'`        | `.allow_origins(["https://myfrontend.com"])`      |
//! | `methods: ['GET', 'POST']`                | `.allow_methods([Method::GET, Method::POST])`     |
//! | `allowedHeaders: ['Content-Type']`        | `.allow_headers([header::CONTENT_TYPE])`          |
//! | `optionsSuccessStatus: 204` (default)     | 204 is the default preflight status too           |
//! | `app.get('/api/data', ...)` + `res.json`  | `.route("/api/data", get(data))` + `Json(...)`    |
//! | `app.listen(3000)`                        | `TcpListener::bind(...)` + `axum::serve`          |
//!
//! Differences worth knowing:
//! - `cors()` reflects whatever `Access-Control-Request-Headers` asks for,
//!   `Authorization` included. `"*"` here follows the Fetch standard, under
//!   which `*` never covers `Authorization`: add `"authorization"` to the
//!   list if your front end sends it.
//! - The policy is validated when the server starts: a typo such as
//!   `"https://myfrontend.com/"` stops the program with a message saying
//!   how to write it, instead of silently never matching.
//! - `app.listen(3000)` listens on every interface; this example listens on
//!   127.0.0.1 unless told otherwise (`--host 0.0.0.0`).
//!
//! Run it:
//!
//! ```text
//! cargo run -p example-express                  # app.use(cors())
//! cargo run -p example-express -- --restricted  # the restricted form
//! CORS_MODE=restricted PORT=8080 cargo run -p example-express
//! curl -i -H 'Origin: https://myfrontend.com' http://127.0.0.1:3000/api/data
//! ```
//!
//! Options: `--restricted` (or `CORS_MODE=restricted`), `--port N` (or
//! `PORT`, default 3000), `--host ADDR` (default 127.0.0.1).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::{routing::get, Json, Router};
use http::{header, Method};
use serde_json::{json, Value};
use tower_cors::{ConfigError, CorsLayer, CorsPolicy};

/// Which of the two Express snippets to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// `app.use(cors())`: any origin.
    Open,
    /// `cors({ origin: 'https://myfrontend.com', methods: ['GET', 'POST'],
    /// allowedHeaders: ['Content-Type'] })`.
    Restricted,
}

/// `cors()`: any origin, Express's default methods, any request header.
pub fn open_policy() -> Result<CorsPolicy, ConfigError> {
    CorsPolicy::builder()
        .allow_origins(["*"])
        .allow_methods(["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"])
        .allow_headers(["*"])
        .build()
}

/// `cors({ origin: 'https://myfrontend.com', methods: ['GET', 'POST'],
/// allowedHeaders: ['Content-Type'] })`.
pub fn restricted_policy() -> Result<CorsPolicy, ConfigError> {
    CorsPolicy::builder()
        .allow_origins(["https://myfrontend.com"])
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .build()
}

/// `app.get('/api/data', (req, res) => res.json({ message: 'CORS works!' }))`.
async fn data() -> Json<Value> {
    Json(json!({ "message": "CORS works!" }))
}

/// The whole app: the route, with the chosen CORS policy around it.
pub fn app(variant: Variant) -> Result<Router, ConfigError> {
    let policy = match variant {
        Variant::Open => open_policy()?,
        Variant::Restricted => restricted_policy()?,
    };
    Ok(Router::new()
        .route("/api/data", get(data))
        .layer(CorsLayer::new(policy)))
}

/// What the command line and environment ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Which snippet to serve.
    pub variant: Variant,
    /// Where to listen.
    pub addr: SocketAddr,
}

/// Reads `--restricted`, `--port N` and `--host ADDR`, falling back to the
/// `CORS_MODE` and `PORT` values given (from the environment in `main`).
pub fn parse_options(
    args: impl IntoIterator<Item = String>,
    cors_mode: Option<String>,
    port: Option<String>,
) -> Result<Options, String> {
    let mut variant = match cors_mode.as_deref() {
        None | Some("" | "open" | "any") => Variant::Open,
        Some("restricted") => Variant::Restricted,
        Some(other) => {
            return Err(format!(
                "CORS_MODE must be `open` or `restricted`, not {other:?}"
            ))
        }
    };
    let parse_port = |s: &str| {
        s.parse::<u16>()
            .map_err(|_| format!("a port is a number from 0 to 65535, not {s:?}"))
    };
    let mut port = match port {
        Some(p) => parse_port(&p)?,
        None => 3000,
    };
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--restricted" => variant = Variant::Restricted,
            "--open" => variant = Variant::Open,
            "--port" => port = parse_port(&args.next().ok_or("--port needs a value")?)?,
            "--host" => {
                let value = args.next().ok_or("--host needs a value")?;
                host = value
                    .parse()
                    .map_err(|_| format!("--host takes an IP address, not {value:?}"))?;
            }
            other => {
                return Err(format!(
                    "unknown argument {other:?}; use --restricted, --port N, --host ADDR"
                ))
            }
        }
    }
    Ok(Options {
        variant,
        addr: SocketAddr::new(host, port),
    })
}
