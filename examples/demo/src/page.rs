//! The front end: `/` is the demo page (`index.html`), `/matrix.json` the
//! rows it runs with what a browser will make of each, `/seen` what the API
//! received for one run of the page (and whether its handler ran), `/blank`
//! an empty page and `/socket` a page that only opens a WebSocket to the
//! API, tagged with its own query, with `/answered` holding its load event
//! until the API has answered (for tests).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::header::{self, HeaderValue};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::api::socket::MAX_SOCKETS;
use crate::api::{api_router, RequestLog, LOG_WINDOW};
use crate::matrix::MATRIX;
use crate::policy::Policy;

/// The page, with `__API_BASE__`, `__LOG_WINDOW__` and `__SOCKETS__` filled
/// in once, when the router is built.
const PAGE: &str = include_str!("index.html");

/// What the front end needs to know.
#[derive(Clone)]
pub struct Site {
    /// The API's base URL, e.g. `http://127.0.0.1:3001`.
    pub api_base: String,
    /// The API's policy.
    pub policy: Policy,
    /// The API's request log, to show what the server received.
    pub log: RequestLog,
}

#[derive(serde::Deserialize)]
struct OriginQuery {
    origin: String,
}

#[derive(serde::Deserialize)]
struct RunQuery {
    run: String,
}

/// The demo page for the API at `api_base`.
fn demo_page(api_base: &str) -> String {
    let api = serde_json::to_string(api_base).unwrap_or_else(|_| "\"\"".into());
    PAGE.replace("\"__API_BASE__\"", &api)
        .replace("__LOG_WINDOW__", &LOG_WINDOW.to_string())
        .replace("__SOCKETS__", &MAX_SOCKETS.to_string())
}

/// A page built once, served with `Cache-Control: no-store` (each load
/// runs the page again).
fn no_store(page: Bytes) -> Response {
    let mut res = Html(page).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn matrix(State(site): State<Arc<Site>>, Query(q): Query<OriginQuery>) -> Json<Value> {
    // The browser model calls an API of its own with the same policy and
    // routes (its requests do not show in the log of the real one).
    let mut api = api_router(site.policy.policy.clone(), RequestLog::default());
    let mut rows = Vec::with_capacity(MATRIX.len());
    for row in MATRIX {
        let url = format!("{}/api/data?row={}", site.api_base, row.id);
        let prediction = row
            .predict(&mut api, &site.policy.policy, &q.origin, &url)
            .await;
        rows.push(json!({
                "id": row.id,
                "title": row.title,
                "method": row.method,
                "headers": row.headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
                "body": row.body,
                "credentials": row.credentials,
                "read_header": row.read_header,
                "preflight": prediction.preflight,
                "js": row.as_js(),
                "expect": prediction.outcome.as_str(),
                "why": prediction.why,
        }));
    }
    Json(json!({
        "api": site.api_base,
        "origin": q.origin,
        "policy": site.policy.toml,
        "rows": rows,
    }))
}

async fn seen(State(site): State<Arc<Site>>, Query(q): Query<RunQuery>) -> Json<Value> {
    let seen: Vec<Value> = site
        .log
        .snapshot()
        .into_iter()
        .filter(|s| s.query("run") == Some(q.run.as_str()))
        .map(|s| {
            json!({
                "row": s.query("row"),
                "method": s.method,
                "preflight": s.is_preflight(),
                "status": s.status,
                "acao": s.acao,
                "path": s.uri.split('?').next(),
                "origin": s.origin,
                "site": s.site,
                "mode": s.mode,
                "dest": s.dest,
                "cookies": s.cookies,
                "handled": s.handled,
                "received": s.received,
                "why": s.why,
            })
        })
        .collect();
    Json(Value::Array(seen))
}

/// `/socket?QUERY`: opens `new WebSocket("ws://API/ws?QUERY")` while the
/// page loads, sends one message once open, and keeps what happened in
/// `window.socketDone`. The page finishes loading (its load event) only
/// once the API has answered the handshake (an image from `/answered`), so
/// whoever opened it and waits for the load knows the answer is in the log.
fn socket_page(api_base: &str) -> String {
    let ws = api_base.replacen("http", "ws", 1);
    let ws = serde_json::to_string(&format!("{ws}/ws")).unwrap_or_else(|_| "\"\"".into());
    format!(
        r#"<!doctype html><title>socket</title><p id="state">opening</p><script>
window.socketDone = new Promise(done => {{
  const s = new WebSocket({ws} + location.search);
  const show = t => {{ document.getElementById("state").textContent = t; done(t); }};
  s.onopen = () => s.send("hello from " + location.origin);
  s.onmessage = e => {{ show("open, " + e.data); s.close(); }};
  s.onclose = e => show("closed " + e.code);
}});
const wait = new Image();
wait.src = "/answered" + location.search;
document.body.append(wait);
</script>"#
    )
}

/// How long `/answered` waits for the API's answer.
const ANSWER_WAIT: Duration = Duration::from_secs(3);

/// `/answered?QUERY`: `204` once the API has answered a request whose query
/// is QUERY, or after [`ANSWER_WAIT`] (then `404`).
async fn answered(State(site): State<Arc<Site>>, RawQuery(query): RawQuery) -> StatusCode {
    let wanted = format!("?{}", query.unwrap_or_default());
    let deadline = tokio::time::Instant::now() + ANSWER_WAIT;
    while tokio::time::Instant::now() < deadline {
        if site.log.any(|s| s.status != 0 && s.uri.ends_with(&wanted)) {
            return StatusCode::NO_CONTENT;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    StatusCode::NOT_FOUND
}

/// The front end: the demo page and its helpers.
pub fn web_router(site: Site) -> Router {
    let page = Bytes::from(demo_page(&site.api_base));
    let socket = Bytes::from(socket_page(&site.api_base));
    Router::new()
        .route("/", get(move || async move { no_store(page) }))
        .route("/matrix.json", get(matrix))
        .route("/seen", get(seen))
        .route(
            "/blank",
            get(|| async { Html("<!doctype html><title>blank</title><p>blank</p>") }),
        )
        .route("/socket", get(move || async move { no_store(socket) }))
        .route("/answered", get(answered))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .with_state(Arc::new(site))
}
