//! The HTTP client: hyper's pooled client over rustls (ring provider,
//! webpki roots, HTTP/1.1 and HTTP/2 by ALPN), sending each request's
//! headers exactly as the browser model built them, with a per-request
//! timeout, and naming why a request could not be made.

use std::error::Error as StdError;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::header::USER_AGENT;
use http::{HeaderMap, HeaderValue, Request, StatusCode, Version};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::{HttpConnector, HttpInfo};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;

use crate::progress::Progress;

/// What came back: the response head (the body is read and dropped).
#[derive(Debug, Clone)]
pub struct Head {
    /// The status.
    pub status: StatusCode,
    /// Every header line, in order.
    pub headers: HeaderMap,
    /// HTTP/1.1 or HTTP/2.
    pub version: Version,
    /// The address the connection went to, when the connector said.
    pub remote: Option<SocketAddr>,
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

/// The client, shared by every request of one run.
pub struct Client {
    inner: HyperClient<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    timeout: Duration,
    progress: Progress,
}

/// The `User-Agent` sent unless `-H` gives one (some servers refuse requests without one).
const AGENT: &str = concat!("cors-check/", env!("CARGO_PKG_VERSION"));

impl Client {
    /// A client whose every request gives up after `timeout`.
    pub fn new(timeout: Duration, progress: Progress) -> Result<Self, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(timeout));
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| format!("TLS set-up: {e}"))?
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(http);
        let inner = HyperClient::builder(TokioExecutor::new()).build(https);
        Ok(Self {
            inner,
            timeout,
            progress,
        })
    }

    /// Sends `request` (empty body) and waits for the whole response.
    pub async fn send(&self, request: &Request<()>) -> Result<Head, TransportError> {
        let mut outgoing = Request::new(Empty::<Bytes>::new());
        *outgoing.method_mut() = request.method().clone();
        *outgoing.uri_mut() = request.uri().clone();
        *outgoing.headers_mut() = request.headers().clone();
        if !outgoing.headers().contains_key(USER_AGENT) {
            outgoing
                .headers_mut()
                .insert(USER_AGENT, HeaderValue::from_static(AGENT));
        }
        let label = format!("{} {}", request.method(), request.uri());
        let exchange = async {
            let https = request.uri().scheme_str() == Some("https");
            let response = self
                .inner
                .request(outgoing)
                .await
                .map_err(|e| classify(e, https))?;
            let (parts, body) = response.into_parts();
            let remote = parts
                .extensions
                .get::<HttpInfo>()
                .map(HttpInfo::remote_addr);
            // Read the body to its end so the connection can be reused; its
            // bytes are not needed.
            body.collect().await.map_err(|e| TransportError {
                kind: FailureKind::Http,
                detail: format!("reading the body: {}", innermost(&e)),
            })?;
            Ok(Head {
                status: parts.status,
                headers: parts.headers,
                version: parts.version,
                remote,
            })
        };
        let timed = tokio::time::timeout(self.timeout, exchange);
        match self.progress.while_waiting(&label, timed).await {
            Ok(result) => result,
            Err(_) => Err(TransportError {
                kind: FailureKind::Timeout,
                detail: format!(
                    "no complete answer to {label} within {:?} (--timeout)",
                    self.timeout
                ),
            }),
        }
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
