//! The FastAPI `CORSMiddleware` snippet, in Rust with axum and `tower-cors`.
//!
//! The Python app this mirrors:
//!
//! ```python
//! from fastapi import FastAPI
//! from fastapi.middleware.cors import CORSMiddleware
//!
//! app = FastAPI()
//!
//! app.add_middleware(
//!     CORSMiddleware,
//!     allow_origins=["https://myfrontend.com"],
//!     allow_credentials=True,
//!     allow_methods=["*"],
//!     allow_headers=["*"],
//! )
//!
//! @app.get("/api/data")
//! def read_data():
//!     return {"message": "CORS works!"}
//!
//! # uvicorn main:app --port 3000
//! ```
//!
//! How it maps:
//!
//! | FastAPI / Starlette                        | here                                          |
//! | ------------------------------------------ | --------------------------------------------- |
//! | `app.add_middleware(CORSMiddleware, ...)`  | `.layer(CorsLayer::new(policy()?))`           |
//! | `allow_origins=["https://myfrontend.com"]` | `.allow_origins(["https://myfrontend.com"])`  |
//! | `allow_credentials=True`                   | `.allow_credentials(true)`                    |
//! | `allow_methods=["*"]`                      | `.allow_methods(["*"])`                       |
//! | `allow_headers=["*"]`                      | `.allow_headers(["*"])`                       |
//! | `@app.get("/api/data")` returning a dict   | `.route("/api/data", get(read_data))` + `Json` |
//! | `uvicorn main:app --port 3000`             | `TcpListener::bind(...)` + `axum::serve`      |
//!
//! Why `"*"` works with credentials: browsers read `*` literally on
//! credentialed requests, so (like Starlette) the layer answers a preflight
//! by echoing the method and header names the browser asked for, and echoes
//! the request's origin rather than `*`.
//!
//! One difference: Starlette's `*` echoes `Authorization` too; here `*`
//! follows the Fetch standard, under which it never covers `Authorization`.
//! If the front end sends `Authorization`, write
//! `.allow_headers(["*", "authorization"])`.
//!
//! Run it:
//!
//! ```text
//! cargo run -p example-fastapi                  # http://127.0.0.1:3000
//! cargo run -p example-fastapi -- --port 8080
//! curl -i -X OPTIONS -H 'Origin: https://myfrontend.com' \
//!      -H 'Access-Control-Request-Method: PUT' http://127.0.0.1:3000/api/data
//! ```
//!
//! Options: `--port N` (or `PORT`, default 3000), `--host ADDR` (default
//! 127.0.0.1; uvicorn's default is 127.0.0.1 too).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::{routing::get, Json, Router};
use serde_json::{json, Value};
use tower_cors::{ConfigError, CorsLayer, CorsPolicy};

/// `CORSMiddleware(allow_origins=["https://myfrontend.com"],
/// allow_credentials=True, allow_methods=["*"], allow_headers=["*"])`.
pub fn policy() -> Result<CorsPolicy, ConfigError> {
    CorsPolicy::builder()
        .allow_origins(["https://myfrontend.com"])
        .allow_credentials(true)
        .allow_methods(["*"])
        .allow_headers(["*"])
        .build()
}

/// `def read_data(): return {"message": "CORS works!"}`.
async fn read_data() -> Json<Value> {
    Json(json!({ "message": "CORS works!" }))
}

/// The whole app: the route, with the CORS middleware around it.
pub fn app() -> Result<Router, ConfigError> {
    Ok(Router::new()
        .route("/api/data", get(read_data))
        .layer(CorsLayer::new(policy()?)))
}

/// Reads `--port N` and `--host ADDR`, falling back to the `PORT` value
/// given (from the environment in `main`).
pub fn parse_addr(
    args: impl IntoIterator<Item = String>,
    port: Option<String>,
) -> Result<SocketAddr, String> {
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
            "--port" => port = parse_port(&args.next().ok_or("--port needs a value")?)?,
            "--host" => {
                let value = args.next().ok_or("--host needs a value")?;
                host = value
                    .parse()
                    .map_err(|_| format!("--host takes an IP address, not {value:?}"))?;
            }
            other => {
                return Err(format!(
                    "unknown argument {other:?}; use --port N, --host ADDR"
                ))
            }
        }
    }
    Ok(SocketAddr::new(host, port))
}
