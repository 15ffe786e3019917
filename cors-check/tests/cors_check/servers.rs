//! The servers `cors-check` is tested against, all on 127.0.0.1, port 0,
//! in one runtime shared by the tests: the demo, tower-http's `CorsLayer`
//! (permissive, and with an origin list), and deliberately misconfigured
//! servers. Each serves `/api/data`; the page origins serve `/blank`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::Request;
use axum::handler::Handler;
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;

use example_demo::api::{api_router, RequestLog};
use example_demo::policy::{builtin_config, Policy};

/// Every server's address.
pub struct Servers {
    /// The page's origin (serves `/blank`); the allowed one everywhere.
    pub web: SocketAddr,
    /// A page origin no server allows.
    pub stranger: SocketAddr,
    /// The demo API with its built-in policy for `web`.
    pub demo: SocketAddr,
    /// What the demo API received.
    pub demo_log: RequestLog,
    /// tower-http `CorsLayer::permissive()`.
    pub permissive: SocketAddr,
    /// tower-http `CorsLayer` with `web` as its only origin, GET and PUT, `content-type`.
    pub listed: SocketAddr,
    /// Echoes any origin with credentials (and `Vary: Origin`).
    pub reflect: SocketAddr,
    /// Allows `web` by echoing it, without `Vary`.
    pub no_vary: SocketAddr,
    /// Bearer authentication outside tower-cors's layer.
    pub auth_first: SocketAddr,
    /// What `auth_first` received: each request's method, path and query,
    /// and its header names.
    pub auth_seen: Headers,
    /// Passes preflights for `web` and PUT with the `Access-Control-Max-Age`
    /// given in the query (`max_age=...`); `web` is allowed on every path.
    pub max_age: SocketAddr,
    /// Echoes any origin with credentials; `/api/data` answers with
    /// `Set-Cookie: sid=1; Path=/` (no `SameSite`).
    pub cookies: SocketAddr,
    /// What `cookies` received (the `cookie` header among the names).
    pub cookies_seen: Headers,
    /// tower-cors's layer added with `route_layer`: the router's 404 for
    /// any other path goes out without CORS headers.
    pub route_layer: SocketAddr,
    /// CORS headers for `web` on 2xx and 3xx answers only, as nginx's
    /// `add_header` without `always` does.
    pub success_only: SocketAddr,
    /// tower-cors's layer on the GET handler only: the router answers
    /// other methods (preflights included) 405.
    pub handler_layer: SocketAddr,
    /// `/api/data` redirects: 307 to `/moved` without CORS headers (so a
    /// preflight is redirected), and `?hop=1` 307 to the permissive server,
    /// with CORS headers for `web`.
    pub redirect: SocketAddr,
    /// 500 without CORS headers.
    pub failing: SocketAddr,
    /// tower-cors with `dangerously_explain_refusals`: refusals carry `x-cors-refusal`.
    pub explaining: SocketAddr,
    /// Answers as its query says (see [`scripted_answer`]): the headers an
    /// engine difference needs, exactly as written, on every path.
    pub scripted: SocketAddr,
    /// What `scripted` received.
    pub scripted_seen: Headers,
    _runtime: tokio::runtime::Runtime,
}

impl Servers {
    /// The servers, started on first use.
    pub fn get() -> &'static Servers {
        static SERVERS: OnceLock<Servers> = OnceLock::new();
        SERVERS.get_or_init(start)
    }

    /// The page origin.
    pub fn origin(&self) -> String {
        format!("http://{}", self.web)
    }

    /// `/api/data` on `server`, tagged with `case` (kept across redirects).
    pub fn url(server: SocketAddr, case: &str) -> String {
        format!("http://{server}/api/data?case={case}")
    }
}

fn start() -> Servers {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime for the test servers");
    let bind = |router: Router| {
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a free port on 127.0.0.1");
            let addr = listener.local_addr().expect("a bound address");
            tokio::spawn(example_demo::serve(
                listener,
                router,
                std::future::pending(),
            ));
            addr
        })
    };
    let blank = || {
        Router::new().route(
            "/blank",
            get(|| async { Html("<!doctype html><title>blank</title>") }),
        )
    };
    let web = bind(blank());
    let stranger = bind(blank());
    let origin = format!("http://{web}");

    let policy = Policy::new(builtin_config(web)).expect("the demo's built-in policy");
    let demo_log = RequestLog::default();
    let demo = bind(api_router(policy.policy, demo_log.clone()));

    let permissive = bind(
        Router::new()
            .route("/api/data", any(ok))
            .layer(tower_http::cors::CorsLayer::permissive()),
    );
    let listed = bind(
        Router::new().route("/api/data", any(ok)).layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin([HeaderValue::from_str(&origin).expect("an origin value")])
                .allow_methods([Method::GET, Method::PUT])
                .allow_headers([header::CONTENT_TYPE]),
        ),
    );
    let reflect = bind(
        Router::new()
            .route("/api/data", any(ok))
            .layer(middleware::from_fn(reflect_any)),
    );
    let no_vary = {
        let origin = origin.clone();
        bind(
            Router::new()
                .route("/api/data", any(ok))
                .layer(middleware::from_fn(move |req: Request, next: Next| {
                    let origin = origin.clone();
                    async move { echo_listed(&origin, req, next).await }
                })),
        )
    };
    let tower_cors_for_web = || {
        let policy = tower_cors::CorsPolicy::builder()
            .allow_origins([origin.as_str()])
            .allow_methods([Method::GET, Method::PUT])
            .allow_headers(["authorization", "content-type"])
            .build()
            .expect("a valid policy");
        tower_cors::CorsLayer::new(policy)
    };
    let auth_seen = Headers::default();
    let auth_first = {
        let seen = auth_seen.clone();
        bind(
            Router::new()
                .route("/api/data", any(ok))
                .layer(tower_cors_for_web())
                .layer(middleware::from_fn(bearer_auth))
                .layer(middleware::from_fn(move |req: Request, next: Next| {
                    seen.record(&req);
                    next.run(req)
                })),
        )
    };
    let max_age = {
        let origin = origin.clone();
        // Every path, so that its errors are not the subject.
        bind(Router::new().fallback(move |req: Request| {
            let origin = origin.clone();
            async move { max_age_answer(&origin, req) }
        }))
    };
    let cookies_seen = Headers::default();
    let cookies = {
        let seen = cookies_seen.clone();
        bind(
            Router::new()
                .route(
                    "/api/data",
                    any(|| async { ([(header::SET_COOKIE, "sid=1; Path=/")], "{\"ok\":true}") }),
                )
                .fallback(ok)
                .layer(middleware::from_fn(reflect_any))
                .layer(middleware::from_fn(move |req: Request, next: Next| {
                    seen.record(&req);
                    next.run(req)
                })),
        )
    };
    let route_layer = bind(
        Router::new()
            .route("/api/data", any(ok))
            .route_layer(tower_cors_for_web()),
    );
    let success_only = {
        let origin = origin.clone();
        bind(
            Router::new()
                .route("/api/data", any(ok))
                .layer(middleware::from_fn(move |req: Request, next: Next| {
                    let origin = origin.clone();
                    async move { decorate_success(&origin, req, next).await }
                })),
        )
    };
    let handler_layer = bind(Router::new().route("/api/data", get(ok.layer(tower_cors_for_web()))));
    let hop_target = format!("http://{permissive}");
    let redirect = {
        let origin = origin.clone();
        bind(Router::new().route(
            "/api/data",
            any(move |req: Request| {
                let (origin, target) = (origin.clone(), hop_target.clone());
                async move { redirecting(&origin, &target, req) }
            }),
        ))
    };
    let failing = bind(Router::new().route(
        "/api/data",
        any(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "database unavailable") }),
    ));
    let explaining = bind(
        Router::new()
            .route("/api/data", any(ok))
            .layer(tower_cors::CorsLayer::new(
                tower_cors::CorsPolicy::builder()
                    .allow_origins([origin.as_str()])
                    .allow_methods([Method::GET, Method::PATCH])
                    .dangerously_explain_refusals(true)
                    .build()
                    .expect("a valid policy"),
            )),
    );
    let scripted_seen = Headers::default();
    let scripted = {
        let seen = scripted_seen.clone();
        bind(Router::new().fallback(move |req: Request| {
            seen.record(&req);
            async move { scripted_answer(&req) }
        }))
    };
    Servers {
        web,
        stranger,
        demo,
        demo_log,
        permissive,
        listed,
        reflect,
        no_vary,
        auth_first,
        auth_seen,
        max_age,
        cookies,
        cookies_seen,
        route_layer,
        success_only,
        handler_layer,
        redirect,
        failing,
        explaining,
        scripted,
        scripted_seen,
        _runtime: runtime,
    }
}

/// One request seen: its method, path and query, and header names (lower case).
pub type SeenRequest = (String, String, Vec<String>);

/// Each request's method, path and query, and its header names.
#[derive(Clone, Default)]
pub struct Headers(Arc<Mutex<Vec<SeenRequest>>>);

impl Headers {
    fn record(&self, req: &Request) {
        let names = req
            .headers()
            .keys()
            .map(|n| n.as_str().to_owned())
            .collect();
        let uri = req.uri().path_and_query().map_or("/", |p| p.as_str());
        if let Ok(mut seen) = self.0.lock() {
            seen.push((req.method().to_string(), uri.to_owned(), names));
        }
    }

    /// Everything recorded so far.
    pub fn snapshot(&self) -> Vec<SeenRequest> {
        self.0.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// nginx's `add_header` without `always`: the page's origin is echoed on
/// 2xx and 3xx answers only (with `Vary: Origin`).
async fn decorate_success(allowed: &str, req: Request, next: Next) -> Response {
    let origin = origin_of(&req).filter(|o| o.as_bytes() == allowed.as_bytes());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("origin"));
    if let Some(o) = origin {
        if res.status().is_success() || res.status().is_redirection() {
            res.headers_mut()
                .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        }
    }
    res
}

/// A preflight answered with the query's `max_age` as
/// `Access-Control-Max-Age`; every answer allows `origin`.
fn max_age_answer(origin: &str, req: Request) -> Response {
    let max_age = req
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix("max_age="))
        .map(str::to_owned);
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut res = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        "{\"ok\":true}".into_response()
    };
    let h = res.headers_mut();
    if let Ok(o) = HeaderValue::from_str(origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
    }
    if preflight {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("PUT"),
        );
        if let Some(v) = max_age.and_then(|v| HeaderValue::from_str(&v).ok()) {
            h.insert(header::ACCESS_CONTROL_MAX_AGE, v);
        }
    }
    res
}

/// The answer the query asks for: `pre=` and `act=` the status of a
/// preflight and of any other request (204 and 200 by default); each `p=`
/// a `Name: value` line added to a preflight's answer, each `a=` one added
/// to the other answers, percent-encoded, repeated lines kept apart.
fn scripted_answer(req: &Request) -> Response {
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let (mut status, mut lines) = (
        if preflight {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::OK
        },
        Vec::new(),
    );
    for pair in req.uri().query().unwrap_or_default().split('&') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let value = percent_decode(value);
        match (key, preflight) {
            ("pre", true) | ("act", false) => {
                status = value.parse().unwrap_or(StatusCode::IM_A_TEAPOT);
            }
            ("p", true) | ("a", false) => lines.extend(
                value
                    .split_once(": ")
                    .map(|(n, v)| (n.to_owned(), v.to_owned())),
            ),
            _ => {}
        }
    }
    let mut res = (status, "{\"ok\":true}").into_response();
    for (name, value) in lines {
        if let (Ok(n), Ok(v)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            res.headers_mut().append(n, v);
        }
    }
    res
}

/// `%XX` escapes decoded (the rest as is).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn ok() -> &'static str {
    "{\"ok\":true}"
}

fn origin_of(req: &Request) -> Option<HeaderValue> {
    req.headers().get(header::ORIGIN).cloned()
}

/// Reflects any origin, method and headers, with credentials.
async fn reflect_any(req: Request, next: Next) -> Response {
    let origin = origin_of(&req);
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let asked_method = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .cloned();
    let asked_headers = req
        .headers()
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned();
    let mut res = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(req).await
    };
    let h = res.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("origin"));
    if let Some(o) = origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    if let Some(m) = asked_method {
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, m);
    }
    if let Some(names) = asked_headers {
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, names);
    }
    res
}

/// Echoes `allowed` when it is the request's origin; never sends `Vary`.
async fn echo_listed(allowed: &str, req: Request, next: Next) -> Response {
    let origin = origin_of(&req).filter(|o| o.as_bytes() == allowed.as_bytes());
    let mut res = next.run(req).await;
    if let Some(o) = origin {
        res.headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
    }
    res
}

/// 401 with `WWW-Authenticate` for anything without a bearer token,
/// preflights included: the classic auth-before-CORS mistake.
async fn bearer_auth(req: Request, next: Next) -> Response {
    let authorized = req
        .headers()
        .get(header::AUTHORIZATION)
        .is_some_and(|v| v.as_bytes().starts_with(b"Bearer "));
    if authorized {
        next.run(req).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer realm=\"api\"")],
        )
            .into_response()
    }
}

/// `?hop=1`: preflights pass for `origin` and PUT; the request gets a
/// cross-origin 307 to the permissive server, with CORS headers for
/// `origin`. Otherwise everything gets a 307 to `/moved` without CORS
/// headers.
fn redirecting(origin: &str, target: &str, req: Request) -> Response {
    let query = req.uri().query().unwrap_or_default().to_owned();
    if query.contains("hop=1") {
        let preflight = req.method() == Method::OPTIONS
            && req
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let mut res = if preflight {
            StatusCode::NO_CONTENT.into_response()
        } else {
            (
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, format!("{target}/api/data?{query}"))],
            )
                .into_response()
        };
        let h = res.headers_mut();
        if let Ok(o) = HeaderValue::from_str(origin) {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        }
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("PUT"),
        );
        h.insert(header::VARY, HeaderValue::from_static("origin"));
        return res;
    }
    (
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, format!("/moved?{query}"))],
    )
        .into_response()
}
