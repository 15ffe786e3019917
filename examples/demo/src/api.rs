//! The API, behind [`CorsLayer`]:
//!
//! - `/api/data` answers every method (including a plain `OPTIONS` that is
//!   not a preflight) with `200` and
//!   `{"message":"CORS works!","method":"<METHOD>"}`, an `x-request-id`
//!   header (exposed by the built-in policy) and an `x-powered-by` header
//!   (not exposed);
//! - `/api/transfer` is a write an attacker would forge: a `POST` whose
//!   handler records the body it received;
//! - `/api/login` sets the user's session cookie (`demo_session`), which a
//!   browser then attaches to forged requests too;
//! - `/ws` is a WebSocket that echoes (see [`socket`]).
//!
//! A [`RequestLog`] outside the layer records the latest [`LOG_WINDOW`]
//! requests, the status each got, whether the handler ran (a mark inside
//! the layer) and what it received, preflights included (older ones are
//! dropped, so a demo left running under load keeps a fixed amount of
//! memory).

mod log;
pub mod socket;
mod why;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Extension, Json, Router};
use serde_json::json;
use tower_cors::{CorsLayer, CorsPolicy};

pub use self::log::{clip, Entry, RequestLog, Seen, CLIP, LOG_WINDOW};
use self::why::Judged;

/// The response header the built-in policy exposes.
pub const EXPOSED_HEADER: &str = "x-request-id";
/// A response header no policy here exposes.
pub const HIDDEN_HEADER: &str = "x-powered-by";
/// The session cookie `/api/login` sets.
pub const SESSION_COOKIE: &str = "demo_session";
/// The largest body `/api/transfer` reads (larger ones get 413).
pub const BODY_LIMIT: usize = 1024;

fn header_string(headers: &HeaderMap, name: impl header::AsHeaderName) -> Option<String> {
    headers
        .get(name)
        .map(|v| clip(&String::from_utf8_lossy(v.as_bytes())))
}

/// The names of the cookies in `headers` (at most eight).
fn cookie_names(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|v| v.to_str().unwrap_or_default().split(';'))
        .filter_map(|c| c.split_once('=').map(|(n, _)| clip(n.trim())))
        .take(8)
        .collect()
}

/// The log's entry for a request, before it is answered.
fn seen(req: &Request) -> Seen {
    let h = req.headers();
    Seen {
        id: 0,
        method: clip(req.method().as_str()),
        uri: clip(&req.uri().to_string()),
        origin: header_string(h, header::ORIGIN),
        acrm: header_string(h, header::ACCESS_CONTROL_REQUEST_METHOD),
        acrh: header_string(h, header::ACCESS_CONTROL_REQUEST_HEADERS),
        site: header_string(h, "sec-fetch-site"),
        mode: header_string(h, "sec-fetch-mode"),
        dest: header_string(h, "sec-fetch-dest"),
        cookies: cookie_names(h),
        status: 0,
        acao: None,
        handled: false,
        received: None,
        why: None,
    }
}

/// Whether the guard judges `req`: an unsafe method, or a WebSocket
/// handshake.
fn is_write(req: &Request) -> bool {
    let upgrade = req
        .headers()
        .get(header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    upgrade || !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Outside the layer: logs the request, hands the handler its [`Entry`],
/// and completes the entry with the answer.
async fn record(
    State((log, policy)): State<(RequestLog, CorsPolicy)>,
    mut req: Request,
    next: Next,
) -> Response {
    let judged = Judged::of(&policy.evaluate_request(&req));
    let write = is_write(&req);
    let id = log.begin(seen(&req));
    req.extensions_mut().insert(Entry {
        log: log.clone(),
        id,
    });
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let acao = header_string(res.headers(), header::ACCESS_CONTROL_ALLOW_ORIGIN);
    log.update(id, |s| {
        s.status = status;
        s.acao = acao;
        s.why = Some(judged.sentence(status, s.handled, write));
    });
    log.print(id);
    res
}

/// Inside the layer: whatever gets here reaches the API's handler.
async fn mark(entry: Option<Extension<Entry>>, req: Request, next: Next) -> Response {
    if let Some(Extension(entry)) = entry {
        entry.ran();
    }
    next.run(req).await
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

/// `POST /api/transfer`: the write a forged request aims at. It records
/// what it received and says it did the transfer.
async fn transfer(entry: Option<Extension<Entry>>, body: Bytes) -> Json<serde_json::Value> {
    let text = clip(&String::from_utf8_lossy(&body));
    if let Some(Extension(entry)) = entry {
        entry.received(&format!("body {text:?}"));
    }
    Json(json!({"message": "transfer done", "method": "POST", "received": text}))
}

/// `GET /api/login`: the user logs in to the API (a top-level visit), which
/// sets the session cookie a browser then sends with forged requests.
async fn login() -> Response {
    let page = Html(format!(
        "<!doctype html><title>logged in</title><p>You are logged in to the API: it set the \
         cookie <code>{SESSION_COOKIE}</code>, which your browser now attaches to requests to \
         the API, forged ones too.</p><p><a href=\"javascript:history.back()\">Back to the \
         demo page</a></p>",
    ));
    let mut res = page.into_response();
    // No SameSite attribute: what many sessions still get, and what each
    // engine treats its own way.
    let cookie = format!("{SESSION_COOKIE}=user-1; Path=/; HttpOnly");
    // A cookie name and value of ASCII letters, `-`, `=`, `;`, `/` and
    // spaces: always a valid header value.
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, value);
    }
    res
}

/// The API: its routes behind a [`CorsLayer`] enforcing `policy`, with
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
        .route("/api/transfer", post(transfer))
        .route("/api/login", get(login))
        .route(
            "/ws",
            get(socket::upgrade).with_state(socket::Sockets::new()),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(mark))
        .layer(CorsLayer::new(policy.clone()))
        .layer(middleware::from_fn_with_state((log, policy), record))
}
