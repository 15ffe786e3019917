//! Helpers shared by the test modules: request builders, a recording inner
//! service, readers and assertions for response headers; real loopback
//! sockets in [`net`]; the `tracing` events a test causes in [`events`].

use std::convert::Infallible;
use std::future::{ready, Ready};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use http::{Method, Request, Response, StatusCode};
use tower::{Layer, ServiceExt};
use tower_cors::{CorsLayer, CorsPolicy, CorsPolicyBuilder};

#[cfg(feature = "tracing")]
mod events;
mod net;
#[cfg(feature = "tracing")]
pub use events::*;
pub use net::*;

/// The front end most test policies allow.
pub const FRONT: &str = "https://myfrontend.com";

/// The body the recording service answers with unless told otherwise.
pub const INNER_BODY: &str = "inner body";

/// An inner service that counts its calls and answers with a configurable
/// status, headers and body.
#[derive(Clone, Debug)]
pub struct Recorder {
    calls: Arc<AtomicUsize>,
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    /// Answers `200 OK` with [`INNER_BODY`] and no headers.
    pub fn new() -> Self {
        Self {
            calls: Arc::new(AtomicUsize::new(0)),
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: INNER_BODY.to_owned(),
        }
    }

    /// Answers with this status.
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Adds a response header line (appended, so a name may repeat).
    pub fn header(mut self, name: HeaderName, value: &'static str) -> Self {
        self.headers.append(name, HeaderValue::from_static(value));
        self
    }

    /// Answers with this body.
    pub fn body(mut self, body: &str) -> Self {
        self.body = body.to_owned();
        self
    }

    /// How many times the service was called (shared by every clone).
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl<B> tower::Service<Request<B>> for Recorder {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: Request<B>) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut res = Response::new(self.body.clone());
        *res.status_mut() = self.status;
        *res.headers_mut() = self.headers.clone();
        ready(Ok(res))
    }
}

/// Builds a policy that the test expects to be valid.
pub fn policy(configure: impl FnOnce(CorsPolicyBuilder) -> CorsPolicyBuilder) -> CorsPolicy {
    match configure(CorsPolicy::builder()).build() {
        Ok(p) => p,
        Err(e) => panic!("the test policy should be valid, got:\n{e}"),
    }
}

/// Header lines as a map (a name may repeat: each pair is appended).
pub fn header_map(pairs: &[(HeaderName, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            name.clone(),
            HeaderValue::from_str(value).expect("a valid header value"),
        );
    }
    map
}

/// A request to `/api/data` with this method (any spelling, e.g. `options`)
/// and header lines (a name may repeat: each pair is appended).
pub fn request(method: &str, headers: &[(HeaderName, &str)]) -> Request<String> {
    let method = Method::from_bytes(method.as_bytes()).expect("a valid method token");
    let mut req = Request::builder()
        .method(method)
        .uri("/api/data")
        .body(String::new())
        .expect("a valid request");
    *req.headers_mut() = header_map(headers);
    req
}

/// The same request to another path.
pub fn at(path: &str, mut req: Request<String>) -> Request<String> {
    *req.uri_mut() = path.parse().expect("a valid path");
    req
}

/// The headers of a browser-style preflight: `Origin`, ACRM and, when not
/// empty, ACRH.
pub fn preflight_headers(origin: &str, method: &str, request_headers: &str) -> HeaderMap {
    let mut headers = vec![(ORIGIN, origin), (ACCESS_CONTROL_REQUEST_METHOD, method)];
    if !request_headers.is_empty() {
        headers.push((ACCESS_CONTROL_REQUEST_HEADERS, request_headers));
    }
    header_map(&headers)
}

/// A browser-style preflight: `OPTIONS` with [`preflight_headers`].
pub fn preflight(origin: &str, method: &str, request_headers: &str) -> Request<String> {
    let mut req = request("OPTIONS", &[]);
    *req.headers_mut() = preflight_headers(origin, method, request_headers);
    req
}

/// A `GET` with this `Origin`.
pub fn get_from(origin: &str) -> Request<String> {
    request("GET", &[(ORIGIN, origin)])
}

/// Sends one request through `CorsLayer::new(policy)` around `inner`.
pub async fn send(policy: &CorsPolicy, inner: &Recorder, req: Request<String>) -> Response<String> {
    let svc = CorsLayer::new(policy.clone()).layer(inner.clone());
    match svc.oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    }
}

/// Sends one request through an axum `Router` and reads the body as text.
pub async fn call(app: axum::Router, req: Request<String>) -> Response<String> {
    use http_body_util::BodyExt;

    let (parts, body) = req.into_parts();
    let req = Request::from_parts(parts, axum::body::Body::from(body));
    let res = match app.oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.expect("the response body").to_bytes();
    let text = String::from_utf8(bytes.to_vec()).expect("a UTF-8 body");
    Response::from_parts(parts, text)
}

/// Every line of a header, as text.
pub fn lines(res: &Response<String>, name: &HeaderName) -> Vec<String> {
    res.headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("an ASCII header value").to_owned())
        .collect()
}

/// The single line of a header: fails if it is repeated; `None` if absent.
pub fn one(res: &Response<String>, name: &HeaderName) -> Option<String> {
    let all = lines(res, name);
    assert!(all.len() <= 1, "{name} is repeated: {all:?}");
    all.into_iter().next()
}

/// The items of every `Vary` line, trimmed and lower-cased, in order.
pub fn vary_items(res: &Response<String>) -> Vec<String> {
    lines(res, &VARY)
        .iter()
        .flat_map(|l| l.split(','))
        .map(|i| i.trim().to_ascii_lowercase())
        .filter(|i| !i.is_empty())
        .collect()
}

/// How many times `Vary` lists `item` (case-insensitively).
pub fn vary_count(res: &Response<String>, item: &str) -> usize {
    vary_items(res)
        .iter()
        .filter(|i| i.eq_ignore_ascii_case(item))
        .count()
}

/// The names of every `Access-Control-*` response header present.
pub fn cors_header_names(res: &Response<String>) -> Vec<String> {
    let mut names: Vec<String> = res
        .headers()
        .keys()
        .map(|k| k.as_str().to_owned())
        .filter(|k| k.starts_with("access-control-"))
        .collect();
    names.sort();
    names
}

/// Asserts that a response carries no `Access-Control-Allow-*` nor
/// `-Expose-Headers` / `-Max-Age` header.
#[track_caller]
pub fn assert_no_cors_headers(res: &Response<String>) {
    let names = cors_header_names(res);
    assert!(names.is_empty(), "unexpected CORS headers: {names:?}");
}

/// Asserts the one `Access-Control-Allow-Origin` line of a response
/// (`None`: there is none).
#[track_caller]
pub fn assert_acao(res: &Response<String>, expected: Option<&str>) {
    assert_eq!(
        one(res, &ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        expected,
        "Access-Control-Allow-Origin"
    );
}

/// Asserts an allowed preflight answer: `204 No Content`, an empty body and
/// these single-valued headers (as [`assert_headers`]).
#[track_caller]
pub fn assert_allowed_preflight(res: &Response<String>, expected: &[(&HeaderName, Option<&str>)]) {
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.body(), "", "an allowed preflight has an empty body");
    assert_headers(res, expected);
}

/// Asserts single-valued response headers: `Some(value)` must be the one
/// line of that header, `None` means the header is absent.
#[track_caller]
pub fn assert_headers(res: &Response<String>, expected: &[(&HeaderName, Option<&str>)]) {
    for (name, value) in expected {
        assert_eq!(one(res, name).as_deref(), *value, "header {name}");
    }
}
