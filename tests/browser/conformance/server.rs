//! One server for every vector, on 127.0.0.1 port 0: the engines' pages
//! (`/page` on `http://127.0.0.1:PORT`, and `/sandboxed`, the same page in
//! an opaque origin), and under `/cv/<engine>/<n>/` vector `n`'s policy,
//! served by tower-cors in front of the protocol's app, called as
//! `http://localhost:PORT/cv/<engine>/<n>/<path>` (another origin: the
//! same port under another name). Each engine and vector has its own
//! prefix, so no preflight cache entry serves two vectors.
//!
//! The vectors' origins (`https://app.example`...) are not where the pages
//! are, so the server translates at its edge, outside tower-cors: the
//! page's real `Origin` becomes the vector's before the layer sees it, and
//! an `Access-Control-Allow-Origin` naming the vector's origin names the
//! page's again on the way out. The engine judges the answer the vector
//! describes, addressed to where it really is.

use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use tower::ServiceExt as _;
use tower_cors::CorsPolicy;

use crate::servers::Runtime;

/// The server of one vector: its page's origin and its tower-cors app.
#[derive(Clone)]
pub struct Target {
    /// The vector page's origin (`null` for an opaque one).
    pub origin: String,
    /// tower-cors with the vector's policy in front of the suite's app
    /// (the conformance adapter's: 200 `ok`, `/status/404`, `/status/500`).
    pub app: Router,
}

impl Target {
    /// `policy` in front of the protocol's app, for pages at `origin`.
    pub fn new(origin: &str, policy: CorsPolicy) -> Self {
        Self {
            origin: origin.to_owned(),
            app: tower_cors_conformance_adapter::app(policy),
        }
    }
}

/// One request a vector's server received.
#[derive(Debug, Clone)]
pub struct Hit {
    /// `<engine>/<n>`.
    pub key: String,
    /// A CORS preflight (OPTIONS with `Origin` and `…-Request-Method`).
    pub preflight: bool,
}

#[derive(Clone)]
struct Shared {
    /// Indexed by vector number (`None`: no page, or a policy tower-cors
    /// refuses).
    targets: Arc<Vec<Option<Target>>>,
    /// `http://127.0.0.1:PORT`.
    page_origin: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

/// The running server.
pub struct Served {
    /// Its port.
    pub port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Served {
    /// Starts it on `rt` for `targets`.
    pub fn start(rt: &Runtime, targets: Vec<Option<Target>>) -> Result<Self, String> {
        let mut stop = rt.stop.clone();
        rt.rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| e.to_string())?;
            let port = listener.local_addr().map_err(|e| e.to_string())?.port();
            let hits = Arc::new(Mutex::new(Vec::new()));
            let shared = Shared {
                targets: Arc::new(targets),
                page_origin: format!("http://127.0.0.1:{port}"),
                hits: hits.clone(),
            };
            let router = Router::new()
                .route("/page", get(|| async { Html(PAGE) }))
                .route("/sandboxed", get(sandboxed))
                .fallback(any(dispatch))
                .with_state(shared);
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stop.wait_for(|s| *s).await;
                    })
                    .await
            });
            Ok(Self { port, hits })
        })
    }

    /// The page vectors at `origin` run from (`null`: the sandboxed one).
    pub fn page(&self, origin: &str) -> String {
        let path = if origin == "null" {
            "sandboxed"
        } else {
            "page"
        };
        format!("http://127.0.0.1:{}/{path}", self.port)
    }

    /// The URL of vector `n`'s `path` for `engine`.
    pub fn url(&self, engine: &str, n: usize, path: &str) -> String {
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!(
            "http://localhost:{}{}{slash}{path}",
            self.port,
            prefix(engine, n)
        )
    }

    /// What vector `n`'s server received from `engine`, in order.
    pub fn hits(&self, engine: &str, n: usize) -> Vec<Hit> {
        let key = format!("{engine}/{n}");
        let hits = self.hits.lock().unwrap_or_else(PoisonError::into_inner);
        hits.iter().filter(|h| h.key == key).cloned().collect()
    }
}

/// `/cv/<engine>/<n>`; with a `/` after it, it is the string an engine's
/// reports about vector `n` contain.
pub fn prefix(engine: &str, n: usize) -> String {
    format!("/cv/{engine}/{n}")
}

const PAGE: &str = "<!doctype html><title>conformance vectors</title><p>conformance vectors";

/// The page, in an opaque origin (`Origin: null`).
async fn sandboxed() -> Response {
    let csp = (header::CONTENT_SECURITY_POLICY, "sandbox allow-scripts");
    ([csp], Html(PAGE)).into_response()
}

/// `/cv/<engine>/<n>/<path>` to vector `n`'s app as `/<path>`, with the
/// origins translated.
async fn dispatch(State(shared): State<Shared>, mut req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let mut parts = path.splitn(5, '/').skip(1);
    let (Some("cv"), Some(engine), Some(n), rest) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(target) = n
        .parse::<usize>()
        .ok()
        .and_then(|n| shared.targets.get(n).cloned().flatten())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let key = format!("{engine}/{n}");
    let query = req
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let inner = format!("/{}{query}", rest.unwrap_or_default());
    match inner.parse::<Uri>() {
        Ok(uri) => *req.uri_mut() = uri,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    }
    let h = req.headers();
    let preflight = req.method() == Method::OPTIONS
        && h.contains_key(header::ORIGIN)
        && h.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let real = h.get(header::ORIGIN).cloned();
    let translated = real
        .as_ref()
        .filter(|o| *o == shared.page_origin.as_str() || *o == "null")
        .and_then(|_| HeaderValue::from_str(&target.origin).ok());
    if let Some(vector_origin) = &translated {
        req.headers_mut()
            .insert(header::ORIGIN, vector_origin.clone());
    }
    let mut res = match target.app.oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    if let (Some(real), Some(vector_origin)) = (real, translated) {
        let out = res.headers_mut();
        let lines: Vec<HeaderValue> = out
            .get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .iter()
            .map(|v| {
                if *v == vector_origin {
                    real.clone()
                } else {
                    v.clone()
                }
            })
            .collect();
        out.remove(header::ACCESS_CONTROL_ALLOW_ORIGIN);
        for v in lines {
            out.append(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        }
    }
    let hit = Hit { key, preflight };
    shared
        .hits
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(hit);
    res
}
