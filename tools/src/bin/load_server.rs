//! The server of the end-to-end load run (`tools/load.sh`): one small axum
//! app, served bare, behind tower-cors, or behind tower-http's `CorsLayer`,
//! with the same policy as the benches.
//!
//! ```text
//! cargo run --release -p tower-cors-tools --bin load_server -- MODE [PORT] [SECONDS] [THREADS]
//! ```
//!
//! - `MODE`: `none`, `noop-layer` (a layer that does nothing, the cost of
//!   any layer in axum), `floor-headers` (a layer that only appends the three
//!   headers an allowed credentialed answer must carry, the same bytes
//!   tower-cors sends, with nothing decided: what any CORS layer pays to
//!   write and send them), `tower-cors` or `tower-http`;
//! - `PORT`: on 127.0.0.1 only, 3100 unless given;
//! - `SECONDS`: the server stops by itself after this long (120 unless
//!   given), so a forgotten one never lingers; it also stops on Ctrl-C;
//! - `THREADS`: Tokio worker threads; 1 (the default) runs a current-thread
//!   runtime, leaving the other core of a small machine to the load generator.
//!
//! The app's one route, `GET /api/items`, answers a short JSON body: the
//! cheaper the app, the larger the share of the layer, so this is the
//! unfavourable case for the layer.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::routing::get;
use axum::Router;
use tower_cors::{CorsLayer, CorsPolicy};

const ORIGIN: &str = "https://app.example.com";
const METHODS: [Method; 4] = [Method::GET, Method::POST, Method::PUT, Method::DELETE];
const HEADERS: [HeaderName; 3] = [
    header::CONTENT_TYPE,
    HeaderName::from_static("x-requested-with"),
    header::AUTHORIZATION,
];
const MAX_AGE: Duration = Duration::from_secs(600);

async fn items() -> ([(HeaderName, &'static str); 1], &'static str) {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"[{"id":1,"name":"one"},{"id":2,"name":"two"}]"#,
    )
}

/// The app, bare or behind one of the two CORS layers.
fn app(mode: &str) -> Result<Router, String> {
    let app = Router::new().route("/api/items", get(items).post(items));
    match mode {
        "none" => Ok(app),
        // The cost of any layer in axum (each layered route is one more
        // boxed service and future), with nothing done in it.
        "noop-layer" => Ok(app.layer(tower::util::MapResponseLayer::new(
            |res: axum::response::Response| res,
        ))),
        "floor-headers" => Ok(app.layer(tower::util::MapResponseLayer::new(
            |mut res: axum::response::Response| {
                let h = res.headers_mut();
                h.append(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static(ORIGIN),
                );
                h.append(
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
                h.append(header::VARY, HeaderValue::from_static("origin"));
                res
            },
        ))),
        "tower-cors" => {
            let policy = CorsPolicy::builder()
                .allow_origins([ORIGIN])
                .allow_methods(METHODS)
                .allow_headers(HEADERS)
                .allow_credentials(true)
                .max_age(MAX_AGE)
                .build()
                .map_err(|e| e.to_string())?;
            Ok(app.layer(CorsLayer::new(policy)))
        }
        "tower-http" => Ok(app.layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(HeaderValue::from_static(ORIGIN))
                .allow_methods(METHODS)
                .allow_headers(HEADERS)
                .allow_credentials(true)
                .max_age(MAX_AGE),
        )),
        other => Err(format!(
            "unknown mode {other:?}: use none, noop-layer, floor-headers, tower-cors or tower-http"
        )),
    }
}

fn arg<T: std::str::FromStr>(n: usize, default: T) -> Result<T, String> {
    match std::env::args().nth(n) {
        None => Ok(default),
        Some(s) => s.parse().map_err(|_| format!("bad argument {n}: {s:?}")),
    }
}

fn run() -> Result<(), String> {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "none".to_owned());
    let port: u16 = arg(2, 3100)?;
    let seconds: u64 = arg(3, 120)?;
    let threads: usize = arg(4, 1)?;
    let app = app(&mode)?;

    let runtime = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    }
    .map_err(|e| e.to_string())?;

    runtime.block_on(async move {
        // Loopback only.
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        eprintln!("load_server: {mode} on http://{addr} for at most {seconds} s");
        let stop = async move {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(seconds)) => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
            .map_err(|e| e.to_string())
    })
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load_server: {e}");
            ExitCode::FAILURE
        }
    }
}
