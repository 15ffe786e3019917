//! The probes, built as a page would send them: the browser model
//! (`tower_cors::browser`) makes the form post, the `no-cors` requests and
//! the navigation, with the `Origin` and Fetch Metadata a browser sends
//! (none to a plain-`http` host that is not loopback, as browsers do); the
//! WebSocket handshake, which the model does not make, is written here
//! from RFC 6455 with the same `Origin` and `Sec-Fetch-Site`.

use http::header::{
    HeaderName, HeaderValue, CONNECTION, ORIGIN, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_VERSION, UPGRADE,
};
use http::{Method, Request};
use tower_cors::browser::{Credentials, Enctype, Mode, PageRequest};
use tower_cors::CorsConfig;

use super::ProbeKind;
use crate::contract::expect::{self, Tried};
use crate::url;

/// Where the probes that have side effects go, named on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    /// The URLs of `--send 'POST PATH'`: where the forged writes go.
    pub writes: Vec<String>,
    /// The `--websocket` URLs, as `http(s)://`: where the handshakes go.
    pub sockets: Vec<String>,
}

/// One request to try, and why.
#[derive(Debug)]
pub struct Probe {
    /// What it tries.
    pub kind: ProbeKind,
    /// The page's origin.
    pub origin: String,
    /// Why this origin, and what the probe is for.
    pub why: String,
    /// The request in a few words: `form POST /items`, `<script> GET`.
    pub description: String,
    /// The request, as the browser sends it (no cookies, no body).
    pub request: Request<()>,
    /// Why it is not sent, when it cannot show anything there.
    pub skip: Option<String>,
}

/// `--websocket`'s argument: a path on the first URL's server, or a
/// `ws://`, `wss://` (or `http(s)://`) URL; the handshake goes to its
/// `http(s)://` form.
pub fn parse_socket(text: &str, first_url: &str) -> Result<String, String> {
    let text = text.trim();
    let http = if let Some(rest) = text.strip_prefix("ws://") {
        format!("http://{rest}")
    } else if let Some(rest) = text.strip_prefix("wss://") {
        format!("https://{rest}")
    } else {
        text.to_owned()
    };
    let resolved = if http.starts_with('/') {
        url::resolve(first_url, &http)
    } else {
        tower_cors::browser::Url::parse(&http).map(|u| u.to_string())
    };
    resolved.ok_or_else(|| {
        format!("--websocket '{text}': give a path starting with / (on the first URL's server) or a ws:// or wss:// URL")
    })
}

/// Every probe of `url`: the writes and handshakes of `targets` (the first
/// URL's, `None` for the others) from each origin tried, and the loads
/// isolation refuses when the policy isolates resources.
pub fn probes(config: &CorsConfig, url: &str, targets: Option<&Targets>) -> Vec<Probe> {
    let mut out = Vec::new();
    if let Some(targets) = targets {
        let allowed = expect::allowed_origins(config);
        let mut origins = expect::other_origins(config, &allowed);
        origins.splice(0..0, allowed);
        for target in &targets.writes {
            for o in &origins {
                out.extend(forged_writes(o, target));
            }
        }
        for target in &targets.sockets {
            out.extend(origins.iter().filter_map(|o| handshake(o, target)));
        }
    }
    if config.isolate_resources {
        out.extend(loads(config, url));
    }
    out
}

/// A form `POST` (`application/x-www-form-urlencoded`, submitted by
/// script) and a `no-cors` `text/plain` `POST` with credentials from `o`
/// to `target`: what a page forging a request sends, with no preflight.
fn forged_writes(o: &Tried, target: &str) -> Vec<Probe> {
    let path = url::path_and_query(target);
    let form = PageRequest::form_post(o.origin.as_str(), target, Enctype::UrlEncoded);
    let no_cors = PageRequest::new(o.origin.as_str(), "POST", target)
        .mode(Mode::NoCors)
        .credentials(Credentials::Include)
        .header("content-type", "text/plain");
    [
        (form, format!("form POST {path}")),
        (no_cors, format!("no-cors POST {path} (text/plain)")),
    ]
    .into_iter()
    .filter_map(|(page, description)| {
        Some(Probe {
            kind: ProbeKind::Write,
            origin: o.origin.clone(),
            why: format!("{}; a write a page sends without a preflight", o.why),
            description,
            request: page.prepare().ok()?.actual(),
            skip: None,
        })
    })
    .collect()
}

/// The key of every handshake (any 16 bytes, base64: `cors-check-probe`).
const KEY: &str = "Y29ycy1jaGVjay1wcm9iZQ==";

/// `new WebSocket(target)` on a page at `o`: an HTTP/1.1 `GET` with
/// `Upgrade: websocket` (RFC 6455, section 4.1), the page's `Origin`, and
/// Fetch Metadata as Chromium sends it (`Sec-Fetch-Mode: websocket`).
fn handshake(o: &Tried, target: &str) -> Option<Probe> {
    let prepared = PageRequest::new(o.origin.as_str(), "GET", target)
        .prepare()
        .ok()?;
    let mut request = Request::new(());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = prepared.url().clone();
    let headers = request.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(SEC_WEBSOCKET_KEY, HeaderValue::from_static(KEY));
    headers.insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
    headers.insert(ORIGIN, HeaderValue::from_str(&o.origin).ok()?);
    if prepared.sends_fetch_metadata() {
        let site = prepared.sec_fetch_site().as_str();
        for (name, value) in [
            ("sec-fetch-site", site),
            ("sec-fetch-mode", "websocket"),
            ("sec-fetch-dest", "websocket"),
        ] {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
    }
    Some(Probe {
        kind: ProbeKind::WebSocket,
        origin: o.origin.clone(),
        why: format!("{}; browsers apply no CORS to WebSockets", o.why),
        description: format!("WebSocket {}", url::path_and_query(target)),
        request,
        skip: None,
    })
}

/// Another site's `<script src=url>` and `<img src=url>` (`no-cors`
/// `GET`s with the user's cookies and no `Origin`), and a link to `url`
/// followed from it (a navigation, which isolation lets through).
fn loads(config: &CorsConfig, url: &str) -> Vec<Probe> {
    let origin = expect::unlisted(config);
    let load = PageRequest::new(origin.as_str(), "GET", url)
        .mode(Mode::NoCors)
        .credentials(Credentials::Include);
    let link = PageRequest::form_get(origin.as_str(), url).user_activation(true);
    let cases = [
        (load.clone(), Some("script"), "<script> GET"),
        (load, Some("image"), "<img> GET"),
        (link, None, "link GET (navigation)"),
    ];
    cases
        .into_iter()
        .filter_map(|(page, dest, description)| {
            let prepared = page.prepare().ok()?;
            let mut request = prepared.actual::<()>();
            let skip = (!prepared.sends_fetch_metadata()).then(|| {
                format!("browsers send no Fetch Metadata to {} (plain http to a host that is not loopback), so isolation cannot tell another site's load there", url::origin_of(url).unwrap_or_default())
            });
            if let (Some(dest), None) = (dest, &skip) {
                request.headers_mut().insert(
                    HeaderName::from_static("sec-fetch-dest"),
                    HeaderValue::from_static(dest),
                );
            }
            Some(Probe {
                kind: ProbeKind::Isolation,
                origin: origin.clone(),
                why: "a page on another site; isolate_resources is on".into(),
                description: description.into(),
                request,
                skip,
            })
        })
        .collect()
}
