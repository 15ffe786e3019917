//! The HTTP client: hyper's pooled client over rustls (ring provider,
//! webpki roots, HTTP/1.1 and HTTP/2 by ALPN), sending each request's
//! headers exactly as the browser model built them, with a per-request
//! timeout, and naming why a request could not be made. `--resolve`
//! (curl's option) sends a host and port's connections to a given address.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::header::USER_AGENT;
use http::uri::{Authority, Uri};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, Version};
use http_body_util::Empty;
use hyper::body::{Bytes, Incoming};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::{HttpConnector, HttpInfo};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;

use crate::progress::Progress;

mod body;
pub mod upgrade;

/// What came back: the response's head. Its body is not kept: see
/// [`body`] for how much of it is read.
#[derive(Debug, Clone)]
pub struct ResponseHead {
    /// The status.
    pub status: StatusCode,
    /// Every header line, in order.
    pub headers: HeaderMap,
    /// HTTP/1.1 or HTTP/2.
    pub version: Version,
    /// The address the connection went to, when the connector said.
    pub remote: Option<SocketAddr>,
}

impl ResponseHead {
    /// The head of a response taken apart (its remote address from the
    /// connector's `HttpInfo`).
    fn of(parts: http::response::Parts) -> Self {
        let remote = parts
            .extensions
            .get::<HttpInfo>()
            .map(HttpInfo::remote_addr);
        ResponseHead {
            status: parts.status,
            headers: parts.headers,
            version: parts.version,
            remote,
        }
    }
}

/// Why a request could not be made: the test could not be run (exit 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The host name did not resolve.
    Dns,
    /// The TCP connection failed (refused, unreachable, reset).
    Connect,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// No answer within `--timeout`.
    Timeout,
    /// The connection broke or the server spoke something other than HTTP.
    Http,
}

impl FailureKind {
    /// A short lower-case name, used in messages and in the JSON `error`.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Dns => "DNS error",
            FailureKind::Connect => "connection error",
            FailureKind::Tls => "TLS error",
            FailureKind::Timeout => "timeout",
            FailureKind::Http => "HTTP error",
        }
    }
}

/// A request that got no response.
#[derive(Debug, Clone)]
pub struct TransportError {
    /// Which kind of failure.
    pub kind: FailureKind,
    /// What happened, from the innermost cause.
    pub detail: String,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.detail)
    }
}

/// `--resolve HOST:PORT:ADDR`: connections to `HOST:PORT` go to `ADDR`
/// instead of where DNS says, as with curl's option of that name. The URL,
/// the `Host` header and TLS (SNI, the certificate's name) keep `HOST`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolve {
    /// The host name, lower-cased.
    pub host: String,
    /// The port (as the URL gives it, or its scheme's default).
    pub port: u16,
    /// Where to connect.
    pub addr: IpAddr,
}

impl Resolve {
    /// Parses `HOST:PORT:ADDR` (`ADDR` an IPv4 or IPv6 address, brackets
    /// allowed); the error says what is wrong and the expected form.
    pub fn parse(text: &str) -> Result<Self, String> {
        let form = "expected HOST:PORT:ADDR, e.g. api.example.com:443:127.0.0.1";
        let mut parts = text.splitn(3, ':');
        let (Some(host), Some(port), Some(addr)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("--resolve '{text}': {form}"));
        };
        if host.is_empty() {
            return Err(format!("--resolve '{text}': the host is empty; {form}"));
        }
        let port: u16 = port
            .parse()
            .map_err(|_| format!("--resolve '{text}': '{port}' is not a port; {form}"))?;
        let bare = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr);
        let addr: IpAddr = bare
            .parse()
            .map_err(|_| format!("--resolve '{text}': '{addr}' is not an IP address; {form}"))?;
        Ok(Self {
            host: host.to_ascii_lowercase(),
            port,
            addr,
        })
    }

    /// The address for `host` and `port`, if one of `table` names them.
    pub fn find(table: &[Resolve], host: &str, port: u16) -> Option<IpAddr> {
        table
            .iter()
            .find(|r| r.port == port && r.host.eq_ignore_ascii_case(host))
            .map(|r| r.addr)
    }
}

/// The port of a URL: its own, or its scheme's default.
pub fn port_of(uri: &Uri) -> u16 {
    uri.port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") {
            443
        } else {
            80
        })
}

/// The TCP connector, sending what `--resolve` names to its address: it
/// rewrites only the URI the TCP connector sees, so TLS still uses the name.
#[derive(Clone)]
struct Resolving {
    tcp: HttpConnector,
    table: Arc<Vec<Resolve>>,
}

type TcpError = <HttpConnector as tower_service::Service<Uri>>::Error;

impl tower_service::Service<Uri> for Resolving {
    type Response = TokioIo<TcpStream>;
    type Error = TcpError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.tcp.poll_ready(cx)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let port = port_of(&dst);
        let target = dst
            .host()
            .and_then(|host| Resolve::find(&self.table, host, port))
            .and_then(|addr| {
                let authority =
                    Authority::try_from(SocketAddr::new(addr, port).to_string()).ok()?;
                let mut parts = dst.clone().into_parts();
                parts.authority = Some(authority);
                Uri::from_parts(parts).ok()
            })
            .unwrap_or(dst);
        Box::pin(self.tcp.call(target))
    }
}

/// The client, shared by every request of one run.
pub struct Client {
    inner: HyperClient<HttpsConnector<Resolving>, Empty<Bytes>>,
    timeout: Duration,
    progress: Progress,
}

/// The `User-Agent` sent unless `-H` gives one (some servers refuse requests without one).
const AGENT: &str = concat!("cors-check/", env!("CARGO_PKG_VERSION"));

impl Client {
    /// A client whose every request gives up after `timeout`.
    pub fn new(timeout: Duration, progress: Progress) -> Result<Self, String> {
        Self::resolving(timeout, progress, Vec::new())
    }

    /// A client whose every request gives up after `timeout`, connecting
    /// where `resolve` says for the hosts and ports it names.
    pub fn resolving(
        timeout: Duration,
        progress: Progress,
        resolve: Vec<Resolve>,
    ) -> Result<Self, String> {
        Self::build(timeout, progress, resolve, true)
    }

    /// A client that speaks HTTP/1.1 only, even where TLS would offer
    /// HTTP/2: what a WebSocket handshake ([`upgrade`]) needs.
    pub fn http1_only(timeout: Duration, progress: Progress) -> Result<Self, String> {
        Self::build(timeout, progress, Vec::new(), false)
    }

    fn build(
        timeout: Duration,
        progress: Progress,
        resolve: Vec<Resolve>,
        http2: bool,
    ) -> Result<Self, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(timeout));
        http.set_nodelay(true);
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| format!("TLS set-up: {e}"))?
            .https_or_http();
        let tcp = Resolving {
            tcp: http,
            table: Arc::new(resolve),
        };
        let https = if http2 {
            tls.enable_all_versions().wrap_connector(tcp)
        } else {
            tls.enable_http1().wrap_connector(tcp)
        };
        let inner = HyperClient::builder(TokioExecutor::new()).build(https);
        Ok(Self {
            inner,
            timeout,
            progress,
        })
    }

    /// Sends `request` (empty body) and waits for the response's head,
    /// then drains as much of its body as [`body::drain`] allows: the head
    /// within `--timeout`, the whole exchange too.
    pub async fn send(&self, request: &Request<()>) -> Result<ResponseHead, TransportError> {
        let label = format!("{} {}", request.method(), request.uri());
        let started = tokio::time::Instant::now();
        let response = self
            .head_within(request, &label, "no complete answer to")
            .await?;
        let (parts, incoming) = response.into_parts();
        body::drain(incoming, body::DRAIN_BYTES, self.drain_time(started))
            .await
            .map_err(|e| TransportError {
                kind: FailureKind::Http,
                detail: format!("reading the body: {}", innermost(&e)),
            })?;
        Ok(ResponseHead::of(parts))
    }

    /// The response's head to `request` within `--timeout`, the wait shown
    /// as `label`; a timeout's message begins with `missing` and the label.
    async fn head_within(
        &self,
        request: &Request<()>,
        label: &str,
        missing: &str,
    ) -> Result<Response<Incoming>, TransportError> {
        let timed = tokio::time::timeout(self.timeout, self.head(request));
        match self.progress.while_waiting(label, timed).await {
            Ok(response) => response,
            Err(_) => Err(TransportError {
                kind: FailureKind::Timeout,
                detail: format!("{missing} {label} within {:?} (--timeout)", self.timeout),
            }),
        }
    }

    /// How long a body may still be drained: [`body::DRAIN_TIME`], within
    /// what is left of `--timeout` since `started`.
    fn drain_time(&self, started: tokio::time::Instant) -> Duration {
        body::DRAIN_TIME.min(self.timeout.saturating_sub(started.elapsed()))
    }

    /// Sends `request` with the client's `User-Agent` unless it has one,
    /// and waits for the response's head.
    async fn head(&self, request: &Request<()>) -> Result<Response<Incoming>, TransportError> {
        let mut outgoing = Request::new(Empty::<Bytes>::new());
        *outgoing.method_mut() = request.method().clone();
        *outgoing.uri_mut() = request.uri().clone();
        *outgoing.headers_mut() = request.headers().clone();
        if !outgoing.headers().contains_key(USER_AGENT) {
            outgoing
                .headers_mut()
                .insert(USER_AGENT, HeaderValue::from_static(AGENT));
        }
        let https = request.uri().scheme_str() == Some("https");
        self.inner
            .request(outgoing)
            .await
            .map_err(|e| classify(e, https))
    }
}

/// Names the failure from hyper-util's error and its causes. For `https`,
/// a connect-phase failure after the TCP connection was made is the TLS
/// handshake's.
fn classify(error: hyper_util::client::legacy::Error, https: bool) -> TransportError {
    let mut kind = if error.is_connect() {
        FailureKind::Connect
    } else {
        FailureKind::Http
    };
    let mut source: Option<&(dyn StdError + 'static)> = Some(&error);
    while let Some(e) = source {
        if is_tls(e) {
            kind = FailureKind::Tls;
            break;
        }
        let text = e.to_string();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            kind = FailureKind::Dns;
            break;
        }
        source = e.source();
    }
    let detail = innermost(&error);
    if https && kind == FailureKind::Connect && !detail.contains("tcp connect error") {
        kind = FailureKind::Tls;
    }
    TransportError { kind, detail }
}

/// Whether this error (or the error an `io::Error` wraps) comes from rustls.
fn is_tls(e: &(dyn StdError + 'static)) -> bool {
    if e.downcast_ref::<rustls::Error>().is_some() {
        return true;
    }
    e.downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
}

/// Every cause's message, outermost first, joined with `: ` (duplicates
/// skipped): hyper's top-level message alone says little.
fn innermost(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
        if source.is_none() {
            // An io::Error's source skips the error it wraps: look inside.
            if let Some(inner) = e
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
            {
                let text = inner.to_string();
                if !parts.iter().any(|p| p.contains(&text)) {
                    parts.push(text);
                }
            }
        }
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests;
