//! Helpers shared by the behaviour tests (classification, preflight, actual,
//! vary, origins, validation): request builders, a recording inner service,
//! and readers for response headers.
//!
//! Each test crate uses a different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::convert::Infallible;
use std::future::{ready, Ready};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use http::{Method, Request, Response, StatusCode};
use tower::{Layer, ServiceExt};
use tower_cors::{CorsLayer, CorsPolicy, CorsPolicyBuilder};

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

/// A request with this method (any spelling, e.g. `options`) and header
/// lines (a name may repeat: each pair is appended).
pub fn request(method: &str, headers: &[(HeaderName, &str)]) -> Request<String> {
    let method = Method::from_bytes(method.as_bytes()).expect("a valid method token");
    let mut req = Request::builder()
        .method(method)
        .uri("/api/data")
        .body(String::new())
        .expect("a valid request");
    for (name, value) in headers {
        req.headers_mut().append(
            name.clone(),
            HeaderValue::from_str(value).expect("a valid header value"),
        );
    }
    req
}

/// A browser-style preflight: `OPTIONS` with `Origin`, ACRM and, when not
/// empty, ACRH.
pub fn preflight(origin: &str, method: &str, request_headers: &str) -> Request<String> {
    let mut headers = vec![(ORIGIN, origin), (ACCESS_CONTROL_REQUEST_METHOD, method)];
    if !request_headers.is_empty() {
        headers.push((ACCESS_CONTROL_REQUEST_HEADERS, request_headers));
    }
    request("OPTIONS", &headers)
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

// ---------------------------------------------------------------------------
// Real sockets (loopback only), for the axum, hyper and example tests.
// ---------------------------------------------------------------------------

/// The bound on every socket operation of a test.
pub const NET_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Awaits `fut`, failing the test if it takes longer than [`NET_TIMEOUT`].
pub async fn timed<F: std::future::Future>(fut: F) -> F::Output {
    match tokio::time::timeout(NET_TIMEOUT, fut).await {
        Ok(out) => out,
        Err(_) => panic!("a socket operation took longer than {NET_TIMEOUT:?}"),
    }
}

/// A server task on a loopback port; stopped on [`Server::stop`], aborted
/// if dropped (e.g. when a test fails).
pub struct Server {
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// Runs `serve(listener, shutdown)` on a fresh `127.0.0.1:0` listener;
    /// `serve` must return once `shutdown` resolves.
    pub async fn start<F, Fut>(serve: F) -> Self
    where
        F: FnOnce(tokio::net::TcpListener, tokio::sync::oneshot::Receiver<()>) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = timed(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(serve(listener, rx));
        Self {
            addr,
            stop: Some(tx),
            task: Some(task),
        }
    }

    /// Serves an axum router with `axum::serve`.
    pub async fn axum(router: axum::Router) -> Self {
        Self::start(|listener, shutdown| async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = shutdown.await;
                })
                .await
                .expect("axum::serve");
        })
        .await
    }

    /// `http://ADDR/PATH`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Signals shutdown and waits (bounded) for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            timed(task).await.expect("the server task panicked");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Sends `req` (its URI's path is kept) to `addr` with hyper-util's client
/// over a fresh connection, and reads the whole answer.
pub async fn fetch(addr: std::net::SocketAddr, req: Request<String>) -> Response<String> {
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let (mut parts, body) = req.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    parts.uri = format!("http://{addr}{path}").parse().expect("a valid URI");
    let req = Request::from_parts(parts, Full::new(hyper::body::Bytes::from(body)));
    let client = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(0)
        .build_http::<Full<hyper::body::Bytes>>();
    timed(async move {
        let res = client.request(req).await.expect("the HTTP exchange");
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.expect("the response body").to_bytes();
        let text = String::from_utf8(bytes.to_vec()).expect("a UTF-8 body");
        Response::from_parts(parts, text)
    })
    .await
}

/// Writes `request` (raw HTTP/1.1, which should say `Connection: close`) to
/// `addr` and returns everything the server sent back, as text.
pub async fn raw_exchange(addr: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    timed(async move {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("write the request");
        let mut out = Vec::new();
        stream
            .read_to_end(&mut out)
            .await
            .expect("read the response");
        String::from_utf8_lossy(&out).into_owned()
    })
    .await
}

/// The header lines of a raw HTTP/1.1 response named `name`
/// (case-insensitively), values trimmed.
pub fn raw_header_lines(raw: &str, name: &str) -> Vec<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or_default();
    head.lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

/// Asserts single-valued response headers: `Some(value)` must be the one
/// line of that header, `None` means the header is absent.
#[track_caller]
pub fn assert_headers(res: &Response<String>, expected: &[(&HeaderName, Option<&str>)]) {
    for (name, value) in expected {
        assert_eq!(one(res, name).as_deref(), *value, "header {name}");
    }
}
