//! The API: `/api/data` answers every method (including a plain `OPTIONS`
//! that is not a preflight) with `200` and
//! `{"message":"CORS works!","method":"<METHOD>"}`, an `x-request-id`
//! header (exposed by the built-in policy) and an `x-powered-by` header
//! (not exposed). It sits behind [`CorsLayer`]; a [`RequestLog`] outside
//! the layer records the latest [`LOG_WINDOW`] requests and the status each
//! got, preflights included (older ones are dropped, so a demo left running
//! under load keeps a fixed amount of memory).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use serde_json::json;
use tower_cors::{CorsLayer, CorsPolicy};

/// The response header the built-in policy exposes.
pub const EXPOSED_HEADER: &str = "x-request-id";
/// A response header no policy here exposes.
pub const HIDDEN_HEADER: &str = "x-powered-by";

/// One request as the API saw it, outside the CORS layer.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The method, exactly as sent (`patch` stays `patch`).
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// `Origin`, if any.
    pub origin: Option<String>,
    /// `Access-Control-Request-Method`, if any.
    pub acrm: Option<String>,
    /// `Access-Control-Request-Headers`, if any.
    pub acrh: Option<String>,
    /// The status it was answered with.
    pub status: u16,
    /// The `Access-Control-Allow-Origin` it was answered with.
    pub acao: Option<String>,
}

impl Seen {
    /// Whether this was a CORS preflight.
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && self.origin.is_some() && self.acrm.is_some()
    }

    /// The value of query parameter `key`.
    pub fn query(&self, key: &str) -> Option<&str> {
        let (_, query) = self.uri.split_once('?')?;
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// How many requests a [`RequestLog`] keeps: the latest ones, enough for
/// several runs of the page (each sends fewer than 30).
pub const LOG_WINDOW: usize = 256;

/// The latest [`LOG_WINDOW`] requests an API received, oldest first;
/// optionally echoed to stdout (every request, also those no longer kept).
#[derive(Clone, Default)]
pub struct RequestLog {
    seen: Arc<Mutex<VecDeque<Seen>>>,
    echo: bool,
}

impl RequestLog {
    /// A log that also prints one line per request.
    pub fn printing() -> Self {
        Self {
            echo: true,
            ..Self::default()
        }
    }

    /// The requests still kept (at most [`LOG_WINDOW`]), oldest first.
    pub fn snapshot(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    fn push(&self, seen: Seen) {
        if self.echo {
            let extra = match (&seen.acrm, &seen.acrh) {
                (Some(m), Some(h)) => format!(" (preflight for {m}, headers {h})"),
                (Some(m), None) => format!(" (preflight for {m})"),
                _ => String::new(),
            };
            println!(
                "api: {} {} from {}{extra} -> {}{}",
                seen.method,
                seen.uri,
                seen.origin.as_deref().unwrap_or("(no Origin)"),
                seen.status,
                if seen.acao.is_some() {
                    ""
                } else {
                    ", no CORS headers"
                }
            );
        }
        let mut kept = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() == LOG_WINDOW {
            kept.pop_front();
        }
        kept.push_back(seen);
    }
}

fn header_string(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

async fn record(State(log): State<RequestLog>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let uri = req.uri().to_string();
    let h = req.headers();
    let origin = header_string(h, header::ORIGIN);
    let acrm = header_string(h, header::ACCESS_CONTROL_REQUEST_METHOD);
    let acrh = header_string(h, header::ACCESS_CONTROL_REQUEST_HEADERS);
    let res = next.run(req).await;
    log.push(Seen {
        method,
        uri,
        origin,
        acrm,
        acrh,
        status: res.status().as_u16(),
        acao: header_string(res.headers(), header::ACCESS_CONTROL_ALLOW_ORIGIN),
    });
    res
}

/// The answer of `/api/data`; `ids` numbers the answers of one API.
fn data(method: &Method, ids: &AtomicU64) -> Response {
    let id = ids.fetch_add(1, Ordering::Relaxed);
    let mut res =
        Json(json!({"message": "CORS works!", "method": method.as_str()})).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("req-{id:06}")) {
        h.insert(EXPOSED_HEADER, v);
    }
    h.insert(HIDDEN_HEADER, HeaderValue::from_static("tower-cors-demo"));
    res
}

/// The API: `/api/data` behind a [`CorsLayer`] enforcing `policy`, with
/// `log` recording every request (preflights included) outside the layer.
pub fn api_router(policy: CorsPolicy, log: RequestLog) -> Router {
    let ids = Arc::new(AtomicU64::new(1));
    Router::new()
        .route(
            "/api/data",
            any(move |method: Method| {
                let ids = Arc::clone(&ids);
                async move { data(&method, &ids) }
            }),
        )
        .layer(CorsLayer::new(policy))
        .layer(middleware::from_fn_with_state(log, record))
}
