//! The demo's servers, shared by `examples/demo.rs` (the program) and
//! `tests/browser.rs` (which builds the same servers on port 0 and drives a
//! real Chromium against them).
//!
//! - The API: `/api/data` answers every method (including a plain `OPTIONS`
//!   that is not a preflight) with `200` and
//!   `{"message":"CORS works!","method":"<METHOD>"}`, an `x-request-id`
//!   header (exposed by the built-in policy) and an `x-powered-by` header
//!   (not exposed). It sits behind [`CorsLayer`]; a [`RequestLog`] outside
//!   the layer records the latest [`LOG_WINDOW`] requests and the status
//!   each got, preflights included (older ones are dropped, so a demo left
//!   running under load keeps a fixed amount of memory).
//! - The front end: `/` is the demo page, `/matrix.json` the rows it runs
//!   with what the policy should make of each, `/seen` what the API received
//!   for one run of the page, and `/blank` an empty page (for tests).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Query, Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_cors::{CorsConfig, CorsLayer, CorsPolicy, Decision};

/// The page, with `__API_BASE__` and `__LOG_WINDOW__` filled in when served.
const PAGE: &str = include_str!("index.html");

/// The response header the built-in policy exposes.
pub const EXPOSED_HEADER: &str = "x-request-id";
/// A response header no policy here exposes.
pub const HIDDEN_HEADER: &str = "x-powered-by";

// ---------------------------------------------------------------------------
// Policies

/// The demo's built-in policy for a front end served at `web`: its origin
/// (and the `localhost` spelling of it), credentials on, the usual methods
/// and headers, `x-request-id` exposed, preflights cached for 10 minutes.
pub fn builtin_config(web: SocketAddr) -> CorsConfig {
    let port = web.port();
    let mut origins = vec![format!("http://{web}")];
    if web.ip().is_loopback() {
        origins.push(format!("http://localhost:{port}"));
    }
    origins.dedup();
    CorsConfig {
        allow_origins: origins,
        allow_methods: ["GET", "POST", "PUT", "PATCH", "DELETE"]
            .map(String::from)
            .into(),
        allow_headers: ["content-type", "authorization", "x-requested-with"]
            .map(String::from)
            .into(),
        expose_headers: vec![EXPOSED_HEADER.into()],
        allow_credentials: true,
        max_age_secs: Some(600),
        ..CorsConfig::default()
    }
}

/// A policy file: the `[cors]` table of an application's configuration.
#[derive(serde::Deserialize)]
struct PolicyFile {
    cors: CorsConfig,
}

/// Reads the `[cors]` table of a TOML file. Other tables are ignored, as an
/// application's own settings would be.
pub fn config_from_toml(text: &str) -> Result<CorsConfig, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let Some(cors) = table.get("cors").cloned() else {
        return Err("no [cors] table".into());
    };
    let file: PolicyFile = toml::Table::from_iter([("cors".to_owned(), cors)])
        .try_into()
        .map_err(|e: toml::de::Error| format!("in [cors]: {e}"))?;
    Ok(file.cors)
}

/// A policy together with the settings it was built from (shown on the page).
#[derive(Clone)]
pub struct Policy {
    /// The validated policy.
    pub policy: CorsPolicy,
    /// The `[cors]` table it came from, as TOML.
    pub toml: String,
}

impl Policy {
    /// Validates `config`; the error lists every problem.
    pub fn new(config: CorsConfig) -> Result<Self, String> {
        let toml = toml::to_string(&toml::Table::from_iter([(
            "cors".to_owned(),
            toml::Value::try_from(&config).map_err(|e| e.to_string())?,
        )]))
        .map_err(|e| e.to_string())?;
        let policy = CorsPolicy::try_from(config).map_err(|e| e.to_string())?;
        Ok(Self { policy, toml })
    }
}

// ---------------------------------------------------------------------------
// The API

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

async fn data(method: Method) -> Response {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
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
    Router::new()
        .route("/api/data", any(data))
        .layer(CorsLayer::new(policy))
        .layer(middleware::from_fn_with_state(log, record))
}

// ---------------------------------------------------------------------------
// The matrix

/// One cross-origin call the page makes.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Short stable name, also sent as `?row=` so the server log can be matched.
    pub id: &'static str,
    /// What the row shows.
    pub title: &'static str,
    /// The method as the page writes it.
    pub method: &'static str,
    /// Request headers the page sets; all of them are CORS-unsafe (so they
    /// are named in the preflight's `Access-Control-Request-Headers`).
    pub headers: &'static [(&'static str, &'static str)],
    /// A JSON body.
    pub body: Option<&'static str>,
    /// `credentials: "include"`.
    pub credentials: bool,
    /// A response header the page then tries to read.
    pub read_header: Option<&'static str>,
}

/// The rows the page runs, in order.
pub const MATRIX: &[Row] = &[
    Row {
        id: "get",
        title: "Simple GET",
        method: "GET",
        headers: &[],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "post-json",
        title: "POST with a JSON body",
        method: "POST",
        headers: &[("Content-Type", "application/json")],
        body: Some(r#"{"hello":"world"}"#),
        credentials: false,
        read_header: None,
    },
    Row {
        id: "put-custom",
        title: "PUT with a custom header",
        method: "PUT",
        headers: &[("X-Requested-With", "tower-cors-demo")],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "delete",
        title: "DELETE",
        method: "DELETE",
        headers: &[],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "patch",
        title: "PATCH, upper case",
        method: "PATCH",
        headers: &[],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "patch-lower",
        title: "patch, lower case (fetch sends it as written)",
        method: "patch",
        headers: &[],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "credentials",
        title: "GET with credentials: \"include\"",
        method: "GET",
        headers: &[],
        body: None,
        credentials: true,
        read_header: None,
    },
    Row {
        id: "authorization",
        title: "GET with an Authorization header",
        method: "GET",
        headers: &[("Authorization", "Bearer demo-token")],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "read-exposed",
        title: "Read an exposed response header",
        method: "GET",
        headers: &[],
        body: None,
        credentials: false,
        read_header: Some(EXPOSED_HEADER),
    },
    Row {
        id: "read-hidden",
        title: "Read a response header that is not exposed",
        method: "GET",
        headers: &[],
        body: None,
        credentials: false,
        read_header: Some(HIDDEN_HEADER),
    },
    Row {
        id: "bad-header",
        title: "A request header the policy does not allow",
        method: "GET",
        headers: &[("X-Custom-Header", "42")],
        body: None,
        credentials: false,
        read_header: None,
    },
];

/// What a browser will do with a row, given the policy and the page's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The page reads the response (and the header, if it asked for one).
    Ok,
    /// The page reads the response, but the header it asked for is `null`.
    Hidden,
    /// The browser blocks the response: `fetch` rejects with a TypeError.
    Blocked,
}

impl Outcome {
    /// The name the page and `/matrix.json` use.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Hidden => "hidden",
            Outcome::Blocked => "blocked",
        }
    }
}

impl Row {
    /// Whether a browser preflights this request.
    pub fn needs_preflight(&self) -> bool {
        !matches!(self.method, "GET" | "HEAD" | "POST") || !self.headers.is_empty()
    }

    /// The `Access-Control-Request-Headers` a browser sends for it: names in
    /// lower case, sorted, joined by `,` without spaces.
    pub fn acrh(&self) -> String {
        let mut names: Vec<String> = self
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        names.sort();
        names.dedup();
        names.join(",")
    }

    /// The `fetch` call the page makes, as a user would write it.
    pub fn as_js(&self) -> String {
        let mut opts = vec![format!("method: {:?}", self.method)];
        if !self.headers.is_empty() {
            let h: Vec<String> = self
                .headers
                .iter()
                .map(|(n, v)| format!("{n:?}: {v:?}"))
                .collect();
            opts.push(format!("headers: {{{}}}", h.join(", ")));
        }
        if let Some(body) = self.body {
            opts.push(format!("body: '{body}'"));
        }
        if self.credentials {
            opts.push("credentials: \"include\"".into());
        }
        let mut js = format!("fetch(api, {{{}}})", opts.join(", "));
        if let Some(h) = self.read_header {
            js.push_str(&format!(" then res.headers.get({h:?})"));
        }
        js
    }

    /// What the browser should make of this row: the policy's own decision
    /// (through [`CorsPolicy::evaluate`], exactly what the layer answers)
    /// followed by the browser's CORS check of that answer (Fetch standard).
    pub fn expect(&self, policy: &CorsPolicy, origin: &str) -> (Outcome, String) {
        let blocked = |why: String| (Outcome::Blocked, why);
        let Ok(origin_value) = HeaderValue::from_str(origin) else {
            return blocked(format!("{origin:?} is not a header value"));
        };
        let mut steps = Vec::new();
        if self.needs_preflight() {
            let acrh = self.acrh();
            let mut req = HeaderMap::new();
            req.insert(header::ORIGIN, origin_value.clone());
            req.insert(
                header::ACCESS_CONTROL_REQUEST_METHOD,
                HeaderValue::from_static(self.method),
            );
            if let Ok(v) = HeaderValue::from_str(&acrh) {
                if !acrh.is_empty() {
                    req.insert(header::ACCESS_CONTROL_REQUEST_HEADERS, v);
                }
            }
            let asked = if acrh.is_empty() {
                format!("preflight for {}", self.method)
            } else {
                format!("preflight for {} with {acrh}", self.method)
            };
            match policy.evaluate(&Method::OPTIONS, &req) {
                Decision::PreflightAllowed(answer) => {
                    let status = answer.status();
                    let headers = answer.headers();
                    if let Err(why) = self.check_preflight(&headers, status, origin) {
                        return blocked(format!("{asked}: answered {status}, but {why}"));
                    }
                    steps.push(format!("{asked}: allowed ({})", status.as_u16()));
                }
                Decision::PreflightRefused(answer) => {
                    let refusal = answer.refusal();
                    return blocked(format!("{asked}: refused with 403, {refusal}"));
                }
                _ => return blocked(format!("{asked}: not seen as a preflight")),
            }
        } else {
            steps.push("no preflight (a simple request)".into());
        }

        let Ok(method) = Method::from_bytes(self.method.as_bytes()) else {
            return blocked(format!("{:?} is not a method", self.method));
        };
        let mut req = HeaderMap::new();
        req.insert(header::ORIGIN, origin_value);
        let mut response = HeaderMap::new();
        let refusal = match policy.evaluate(&method, &req) {
            Decision::ActualAllowed(h) | Decision::NotCors(h) => {
                h.apply_to(&mut response);
                None
            }
            Decision::ActualRefused(r, h) => {
                let why = r.to_string();
                h.apply_to(&mut response);
                Some(why)
            }
            _ => Some("seen as a preflight".into()),
        };
        if let Err(why) = cors_check(&response, origin, self.credentials) {
            let because = refusal.map_or_else(String::new, |r| format!(" ({r})"));
            steps.push(format!("the response has {why}{because}"));
            return blocked(steps.join("; "));
        }
        steps.push("the response passes the CORS check".into());
        if let Some(name) = self.read_header {
            if exposed(&response, name, self.credentials) {
                steps.push(format!("{name} is in Access-Control-Expose-Headers"));
            } else {
                steps.push(format!(
                    "{name} is not in Access-Control-Expose-Headers, so it reads as null"
                ));
                return (Outcome::Hidden, steps.join("; "));
            }
        }
        (Outcome::Ok, steps.join("; "))
    }

    /// The browser's check of an allowed preflight's answer
    /// (Fetch, "CORS-preflight fetch" step 7).
    fn check_preflight(
        &self,
        headers: &HeaderMap,
        status: StatusCode,
        origin: &str,
    ) -> Result<(), String> {
        if !status.is_success() {
            return Err(format!("status {status} is not ok"));
        }
        cors_check(headers, origin, self.credentials)?;
        let star_ok = !self.credentials;
        let methods = list(headers, header::ACCESS_CONTROL_ALLOW_METHODS);
        let method_ok = matches!(self.method, "GET" | "HEAD" | "POST")
            || methods.iter().any(|m| m == self.method)
            || (star_ok && methods.iter().any(|m| m == "*"));
        if !method_ok {
            return Err(format!(
                "Access-Control-Allow-Methods lacks {}",
                self.method
            ));
        }
        let allowed = list(headers, header::ACCESS_CONTROL_ALLOW_HEADERS);
        for (name, _) in self.headers {
            let ok = allowed.iter().any(|a| a.eq_ignore_ascii_case(name))
                || (star_ok
                    && !name.eq_ignore_ascii_case("authorization")
                    && allowed.iter().any(|a| a == "*"));
            if !ok {
                return Err(format!("Access-Control-Allow-Headers lacks {name}"));
            }
        }
        Ok(())
    }
}

/// The items of a comma-separated header, over all its lines.
fn list(headers: &HeaderMap, name: HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .split(',')
                .map(|s| s.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// The browser's CORS check (Fetch, "CORS check").
fn cors_check(headers: &HeaderMap, origin: &str, credentials: bool) -> Result<(), String> {
    let acao: Vec<&HeaderValue> = headers
        .get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .iter()
        .collect();
    match acao.as_slice() {
        [] => return Err("no Access-Control-Allow-Origin".into()),
        [v] if v.as_bytes() == b"*" => {
            if credentials {
                return Err(
                    "Access-Control-Allow-Origin: *, which browsers refuse for a request with credentials"
                        .into(),
                );
            }
        }
        [v] if v.as_bytes() == origin.as_bytes() => {}
        [v] => {
            return Err(format!(
                "Access-Control-Allow-Origin {:?}, not this page's origin",
                String::from_utf8_lossy(v.as_bytes())
            ))
        }
        _ => return Err("several Access-Control-Allow-Origin lines".into()),
    }
    if credentials
        && headers
            .get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS)
            .map_or(true, |v| v.as_bytes() != b"true")
    {
        return Err("no Access-Control-Allow-Credentials: true".into());
    }
    Ok(())
}

/// Whether a page can read response header `name` (Fetch, "CORS-safelisted
/// response-header name").
fn exposed(headers: &HeaderMap, name: &str, credentials: bool) -> bool {
    const SAFELISTED: [&str; 7] = [
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    ];
    let list = list(headers, header::ACCESS_CONTROL_EXPOSE_HEADERS);
    SAFELISTED.iter().any(|s| s.eq_ignore_ascii_case(name))
        || list.iter().any(|e| e.eq_ignore_ascii_case(name))
        || (!credentials && list.iter().any(|e| e == "*"))
}

// ---------------------------------------------------------------------------
// The front end

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

async fn page(State(site): State<Arc<Site>>) -> Response {
    let api = serde_json::to_string(&site.api_base).unwrap_or_else(|_| "\"\"".into());
    let page = PAGE
        .replace("\"__API_BASE__\"", &api)
        .replace("__LOG_WINDOW__", &LOG_WINDOW.to_string());
    let mut res = Html(page).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

async fn matrix(State(site): State<Arc<Site>>, Query(q): Query<OriginQuery>) -> Json<Value> {
    let rows: Vec<Value> = MATRIX
        .iter()
        .map(|row| {
            let (outcome, why) = row.expect(&site.policy.policy, &q.origin);
            json!({
                "id": row.id,
                "title": row.title,
                "method": row.method,
                "headers": row.headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
                "body": row.body,
                "credentials": row.credentials,
                "read_header": row.read_header,
                "preflight": row.needs_preflight(),
                "js": row.as_js(),
                "expect": outcome.as_str(),
                "why": why,
            })
        })
        .collect();
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
            })
        })
        .collect();
    Json(Value::Array(seen))
}

/// The front end: the demo page and its helpers.
pub fn web_router(site: Site) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/matrix.json", get(matrix))
        .route("/seen", get(seen))
        .route(
            "/blank",
            get(|| async { Html("<!doctype html><title>blank</title><p>blank</p>") }),
        )
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .with_state(Arc::new(site))
}

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

// ---------------------------------------------------------------------------
// Everything together

/// Where the demo listens. Port 0 picks a free port.
#[derive(Debug, Clone, Copy)]
pub struct Addrs {
    /// The front end (the page).
    pub web: SocketAddr,
    /// The API.
    pub api: SocketAddr,
    /// A second front end on an origin the policy does not allow, if any.
    pub wrong: Option<SocketAddr>,
}

/// The running demo.
pub struct Running {
    /// The front end's address.
    pub web: SocketAddr,
    /// The API's address.
    pub api: SocketAddr,
    /// The "wrong origin" front end's address.
    pub wrong: Option<SocketAddr>,
    /// The policy in force.
    pub policy: Policy,
    /// What the API received.
    pub log: RequestLog,
    /// The server tasks; they end when the shutdown signal is sent.
    pub tasks: Vec<tokio::task::JoinHandle<std::io::Result<()>>>,
}

async fn bind(addr: SocketAddr, what: &str) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr} for the {what}: {e}"))
}

/// Binds every listener, builds the policy (`config`, or the built-in one
/// for the front end's actual address) and spawns the servers on the
/// current Tokio runtime. They stop when `shutdown` turns `true` or its
/// sender is dropped.
pub async fn start(
    addrs: Addrs,
    config: Option<CorsConfig>,
    log: RequestLog,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> Result<Running, String> {
    let web_listener = bind(addrs.web, "front end").await?;
    let api_listener = bind(addrs.api, "API").await?;
    let wrong_listener = match addrs.wrong {
        Some(a) => Some(bind(a, "wrong-origin front end").await?),
        None => None,
    };
    let local = |l: &tokio::net::TcpListener| l.local_addr().map_err(|e| e.to_string());
    let web = local(&web_listener)?;
    let api = local(&api_listener)?;
    let wrong = wrong_listener.as_ref().map(local).transpose()?;
    let policy = Policy::new(config.unwrap_or_else(|| builtin_config(web)))?;
    let site = Site {
        api_base: format!("http://{api}"),
        policy: policy.clone(),
        log: log.clone(),
    };
    let stop = move || {
        let mut rx = shutdown.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    };
    let mut tasks = vec![
        tokio::spawn(serve(web_listener, web_router(site.clone()), stop())),
        tokio::spawn(serve(
            api_listener,
            api_router(policy.policy.clone(), log.clone()),
            stop(),
        )),
    ];
    if let Some(l) = wrong_listener {
        tasks.push(tokio::spawn(serve(l, web_router(site), stop())));
    }
    Ok(Running {
        web,
        api,
        wrong,
        policy,
        log,
        tasks,
    })
}
