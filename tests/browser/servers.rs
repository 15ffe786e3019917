//! The servers the pages call, on 127.0.0.1 port 0, each with a log of
//! every request it received (preflights included) and what it answered.
//!
//! - [`policy_api`]: `/api/data` and `/api/login` behind tower-cors's
//!   `CorsLayer` with one policy. `/api/login` also sets a cookie, so that
//!   the credentials cases send a real one.
//!   [`guard_api`] is the same with a built policy (the write guard's
//!   exemption is a closure, which `CorsConfig` cannot hold); every such API
//!   also serves `/oauth/callback` (the same handler, for an exemption),
//!   `/page` (a blank page on the API's own origin) and `/ws` (a WebSocket
//!   that echoes text messages).
//! - [`other_api`]: not tower-cors. It answers preflights and actual
//!   requests with exactly the status and headers a case gives it (two
//!   `Access-Control-Allow-Origin` lines, `ACAC: TRUE`, a 307, ...).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::json;
use tower_cors::{CorsConfig, CorsLayer, CorsPolicy};

/// The response header the policies here expose.
pub const EXPOSED: &str = "x-request-id";
/// A response header no policy here exposes.
pub const HIDDEN: &str = "x-powered-by";

/// One request as a server saw it, and what it answered.
#[derive(Debug, Clone)]
pub struct Received {
    /// Arrival order across every server of the suite.
    pub seq: u64,
    /// The server's port.
    pub port: u16,
    /// The method, exactly as sent.
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// `Origin`, `Access-Control-Request-Method`, `…-Headers`, `Cookie`.
    pub origin: Option<String>,
    pub acrm: Option<String>,
    pub acrh: Option<String>,
    pub cookie: Option<String>,
    /// `Sec-Fetch-Site`, `Sec-Fetch-Mode`, `Sec-Fetch-Dest`.
    pub site: Option<String>,
    pub mode: Option<String>,
    pub dest: Option<String>,
    /// Whether the server's own handler ran (a request the CORS layer
    /// answers itself, a preflight or a refused write, never reaches it).
    pub handled: bool,
    /// The status it was answered with.
    pub status: u16,
    /// The response's headers, one entry per line.
    pub answer: Vec<(String, String)>,
}

impl Received {
    /// Whether this was a CORS preflight.
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && self.origin.is_some() && self.acrm.is_some()
    }
}

/// Every request a server received, in order.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<Received>>>);

impl Log {
    /// The requests whose path and query contain `needle`.
    pub fn matching(&self, needle: &str) -> Vec<Received> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|r| r.uri.contains(needle))
            .cloned()
            .collect()
    }

    fn push(&self, r: Received) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(r);
    }
}

static SEQ: AtomicU64 = AtomicU64::new(0);

fn next_seq() -> u64 {
    SEQ.fetch_add(1, Ordering::SeqCst)
}

/// The arrival number the next request will get: requests received from
/// now on have at least this one.
pub fn current_seq() -> u64 {
    SEQ.load(Ordering::SeqCst)
}

fn text(headers: &HeaderMap, name: HeaderName) -> Option<String> {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

async fn record(State((log, port)): State<(Log, u16)>, req: Request, next: Next) -> Response {
    let seq = next_seq();
    let h = req.headers();
    let mut seen = Received {
        seq,
        port,
        method: req.method().as_str().to_owned(),
        uri: req.uri().to_string(),
        origin: text(h, header::ORIGIN),
        acrm: text(h, header::ACCESS_CONTROL_REQUEST_METHOD),
        acrh: text(h, header::ACCESS_CONTROL_REQUEST_HEADERS),
        cookie: text(h, header::COOKIE),
        site: text(h, HeaderName::from_static("sec-fetch-site")),
        mode: text(h, HeaderName::from_static("sec-fetch-mode")),
        dest: text(h, HeaderName::from_static("sec-fetch-dest")),
        handled: false,
        status: 0,
        answer: Vec::new(),
    };
    let res = next.run(req).await;
    seen.status = res.status().as_u16();
    seen.handled = res.extensions().get::<HandlerRan>().is_some();
    seen.answer = res
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    log.push(seen);
    res
}

/// A running server.
#[derive(Clone)]
pub struct Server {
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// What it received.
    pub log: Log,
    /// The same application, unlogged, for the browser model to call
    /// in-process.
    pub app: Router,
}

impl Server {
    /// `http://{host}:{port}{path}`: the same server under another name
    /// (`localhost`), since it listens on 127.0.0.1.
    pub fn url(&self, host: &str, path: &str) -> String {
        format!("http://{host}:{}{path}", self.port)
    }
}

/// Where servers run, and the signal that stops them.
pub struct Runtime {
    /// The Tokio runtime the servers run on.
    pub rt: tokio::runtime::Runtime,
    /// Turns `true` at the end of the suite.
    pub stop: tokio::sync::watch::Receiver<bool>,
}

impl Runtime {
    fn serve(&self, build: impl Fn() -> Router) -> Result<Server, String> {
        let mut stop = self.stop.clone();
        let app = build();
        self.rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| e.to_string())?;
            let port = listener.local_addr().map_err(|e| e.to_string())?.port();
            let log = Log::default();
            let router = build().layer(middleware::from_fn_with_state((log.clone(), port), record));
            tokio::spawn(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = stop.wait_for(|s| *s).await;
                    })
                    .await
            });
            Ok(Server { port, log, app })
        })
    }

    /// An API enforcing `config` with tower-cors; `/api/login` answers with
    /// `Set-Cookie: {cookie}`.
    pub fn policy_api(&self, config: CorsConfig, cookie: &str) -> Result<Server, String> {
        let policy = CorsPolicy::try_from(config).map_err(|e| e.to_string())?;
        self.guard_api(policy, cookie)
    }

    /// An API enforcing `policy` with tower-cors; `/api/login` answers with
    /// `Set-Cookie: {cookie}`.
    pub fn guard_api(&self, policy: CorsPolicy, cookie: &str) -> Result<Server, String> {
        let cookie = HeaderValue::from_str(cookie).map_err(|e| e.to_string())?;
        self.serve(move || {
            let cookie = cookie.clone();
            Router::new()
                .route("/api/data", any(data))
                .route("/oauth/callback", any(data))
                .route("/ws", get(echo_socket))
                .route(
                    "/page",
                    get(|| async { Html("<!doctype html><title>api page</title><p>api page") }),
                )
                .route(
                    "/api/login",
                    any(move |method: Method| async move {
                        let mut res = data(method).await;
                        res.headers_mut().append(header::SET_COOKIE, cookie);
                        res
                    }),
                )
                .layer(CorsLayer::new(policy.clone()))
        })
    }

    /// A server that is not tower-cors: it answers with `script`.
    pub fn other_api(&self, script: Script) -> Result<Server, String> {
        let script = Arc::new(script);
        self.serve(move || {
            Router::new()
                .fallback(any(canned))
                .with_state(script.clone())
        })
    }
}

/// Marks a response the server's own handler made (a response extension,
/// which the CORS layer keeps on the responses it passes through).
#[derive(Debug, Clone, Copy)]
struct HandlerRan;

/// What the demo API answers: `{"message":"CORS works!","method":…}`, an
/// exposed `x-request-id` and an unexposed `x-powered-by`.
async fn data(method: Method) -> Response {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let mut res =
        Json(json!({"message": "CORS works!", "method": method.as_str()})).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!("req-{id:06}")) {
        h.insert(EXPOSED, v);
    }
    h.insert(HIDDEN, HeaderValue::from_static("tower-cors-suite"));
    res.extensions_mut().insert(HandlerRan);
    res
}

/// A WebSocket route: upgrades, then echoes every text message until the
/// page closes the socket (or is silent for 30 s).
async fn echo_socket(upgrade: WebSocketUpgrade) -> Response {
    let mut res = upgrade.on_upgrade(|mut socket| async move {
        let idle = std::time::Duration::from_secs(30);
        while let Ok(Some(Ok(message))) = tokio::time::timeout(idle, socket.recv()).await {
            let still_open = match message {
                Message::Text(text) => socket.send(Message::Text(text)).await.is_ok(),
                Message::Close(_) => false,
                _ => true,
            };
            if !still_open {
                return;
            }
        }
    });
    res.extensions_mut().insert(HandlerRan);
    res
}

/// One canned answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Its status.
    pub status: u16,
    /// Header lines, in order (a name may repeat).
    pub headers: Vec<(&'static str, String)>,
    /// For a redirect: where to, as a base URL; the request's query is
    /// appended, so that the target's log can be matched to the case.
    pub location: Option<String>,
}

impl Reply {
    /// `status` with `headers`.
    pub fn new(status: u16, headers: &[(&'static str, &str)]) -> Self {
        Self {
            status,
            headers: headers.iter().map(|(n, v)| (*n, v.to_string())).collect(),
            location: None,
        }
    }

    /// A 307 to `base` (plus the request's query).
    pub fn redirect(base: String) -> Self {
        Self {
            status: 307,
            headers: Vec::new(),
            location: Some(base),
        }
    }
}

/// What an [`other_api`](Runtime::other_api) answers.
#[derive(Debug, Clone)]
pub struct Script {
    /// For a preflight (OPTIONS with `Origin` and
    /// `Access-Control-Request-Method`).
    pub preflight: Reply,
    /// For everything else. A 2xx carries the demo's JSON body.
    pub actual: Reply,
}

async fn canned(State(script): State<Arc<Script>>, req: Request) -> Response {
    let h = req.headers();
    let preflight = req.method() == Method::OPTIONS
        && h.contains_key(header::ORIGIN)
        && h.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let reply = if preflight {
        &script.preflight
    } else {
        &script.actual
    };
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = if preflight || !status.is_success() {
        (status, "").into_response()
    } else {
        let mut r = data(req.method().clone()).await;
        *r.status_mut() = status;
        r
    };
    let out = res.headers_mut();
    for (name, value) in &reply.headers {
        if let Ok(v) = HeaderValue::from_str(value) {
            out.append(*name, v);
        }
    }
    if let Some(base) = &reply.location {
        let query = req
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        if let Ok(v) = HeaderValue::from_str(&format!("{base}{query}")) {
            out.insert(header::LOCATION, v);
        }
    }
    res
}
