//! The write guard: whether a request with an unsafe method, from an origin
//! the policy does not allow, may reach the service.
//!
//! CORS only decides what a page may read. A page can *send* a form `POST`,
//! a `no-cors` `fetch()` or a CORS-safelisted `POST` to any site without a
//! preflight, cookies included. The guard refuses such requests unless the
//! browser says they come from the server's own origin
//! ([`Sec-Fetch-Site`](https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header)),
//! or their [`Origin`](https://fetch.spec.whatwg.org/#origin-header) is one
//! the policy allows (or, from browsers without Fetch Metadata, the
//! server's own).

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::uri::Authority;
use http::{Method, Uri};

/// `Sec-Fetch-Site`: how the request's initiator relates to its target.
pub(crate) static SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Whether the guard looks at requests with this method: any but the safe
/// methods `GET`, `HEAD` and `OPTIONS`
/// ([RFC 9110, section 9.2.1](https://www.rfc-editor.org/rfc/rfc9110#section-9.2.1);
/// browsers never send `TRACE`).
#[inline]
pub(crate) fn is_write(method: &Method) -> bool {
    !(method == Method::GET || method == Method::HEAD || method == Method::OPTIONS)
}

/// Whether the request is a WebSocket handshake, which the guard judges
/// like a write: browsers apply no CORS to WebSockets, so a page on any
/// site could otherwise open one with the user's cookies.
///
/// Over HTTP/1.1 a handshake is a `GET` whose `Upgrade` lists `websocket`
/// ([RFC 6455, section 4.1](https://www.rfc-editor.org/rfc/rfc6455#section-4.1));
/// over HTTP/2 it is an extended `CONNECT` whose `:protocol` is `websocket`
/// ([RFC 8441, section 4](https://www.rfc-editor.org/rfc/rfc8441#section-4)).
/// `:protocol` is not a header: hyper keeps it in a request extension of
/// its own type, which this crate does not depend on, so a `CONNECT` is
/// known for a handshake by the `Sec-WebSocket-Version` RFC 8441 requires
/// on it (any `CONNECT` is judged as a write anyway).
#[inline]
pub(crate) fn is_websocket_handshake(method: &Method, headers: &HeaderMap) -> bool {
    if method == Method::GET {
        headers.get_all(header::UPGRADE).iter().any(|line| {
            line.as_bytes()
                .split(|&b| b == b',')
                .any(|token| token.trim_ascii().eq_ignore_ascii_case(b"websocket"))
        })
    } else {
        method == Method::CONNECT && headers.contains_key(header::SEC_WEBSOCKET_VERSION)
    }
}

/// What the guard compares an `Origin` with, of the request's target: its
/// scheme and authority, when it has them (an HTTP/1.1 request in origin
/// form has neither; HTTP/2 carries both).
///
/// The two strings rather than the `Uri`: they point into the URI's shared
/// bytes, not into the request, so the layer can pass them to the decision
/// without lending out the request it then moves (why that matters:
/// docs/performance.md, "Moving the request").
#[derive(Clone, Copy, Default)]
pub(crate) struct SchemeAndAuthority<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
}

impl<'a> SchemeAndAuthority<'a> {
    /// The scheme and authority of `uri`.
    #[inline]
    pub(crate) fn of(uri: &'a Uri) -> Self {
        Self {
            scheme: uri.scheme_str(),
            authority: uri.authority().map(Authority::as_str),
        }
    }
}

/// Why the guard refuses a write whose origin the policy does not allow,
/// or `None` when it passes.
///
/// `origin` is the request's single `Origin` (`None` when it has none or
/// several). `target` is what is known of the request target.
pub(super) fn refuses<'a>(
    headers: &'a HeaderMap,
    origin: Option<&HeaderValue>,
    target: SchemeAndAuthority<'_>,
) -> Option<Refused<'a>> {
    match headers.get(&SEC_FETCH_SITE) {
        // The browser says where the request comes from: same-origin, or
        // the user's own action (`none`), passes; `same-site` and
        // `cross-site` (and values no browser sends) need an allowed
        // origin, which this one is not.
        Some(site) => {
            let site_bytes = site.as_bytes();
            if site_bytes == b"same-origin" || site_bytes == b"none" {
                None
            } else {
                Some(Refused { site: Some(site) })
            }
        }
        // Not a browser (or not one that sends `Origin` on this request):
        // nothing to protect against a forged request of a page.
        None if !headers.contains_key(header::ORIGIN) => None,
        // A browser without Fetch Metadata: the origin must be the
        // server's own.
        None => match origin {
            Some(origin) if is_own_origin(origin.as_bytes(), target, headers) => None,
            _ => Some(Refused { site: None }),
        },
    }
}

/// What [`refuses`] found.
pub(super) struct Refused<'a> {
    /// The request's `Sec-Fetch-Site`, when it had one.
    pub(super) site: Option<&'a HeaderValue>,
}

/// Whether `origin` is the origin the request was sent to: the host and
/// port of the target's authority (HTTP/2) or `Host` (HTTP/1.1), under the
/// target's scheme when it has one, else under `http` or `https`.
fn is_own_origin(origin: &[u8], own: SchemeAndAuthority<'_>, headers: &HeaderMap) -> bool {
    let Some((scheme, host)) = split_origin(origin) else {
        return false;
    };
    if let Some(own) = own.scheme {
        if !own.as_bytes().eq_ignore_ascii_case(scheme) {
            return false;
        }
    }
    let target = match own.authority {
        Some(authority) => authority.as_bytes(),
        None => match headers.get(header::HOST) {
            Some(host) => host.as_bytes(),
            None => return false,
        },
    };
    same_host_and_port(host, target, scheme)
}

/// `origin` split into its scheme (`http` or `https`) and `host[:port]`.
fn split_origin(origin: &[u8]) -> Option<(&[u8], &[u8])> {
    let cut = origin.windows(3).position(|w| w == b"://")?;
    let (scheme, rest) = (&origin[..cut], &origin[cut + 3..]);
    (scheme == b"http" || scheme == b"https").then_some((scheme, rest))
}

/// Whether an origin's `host[:port]` (default port omitted, as browsers
/// serialise it) names the same host and port as a `Host` value, which may
/// spell the default port out.
fn same_host_and_port(origin_host: &[u8], target: &[u8], scheme: &[u8]) -> bool {
    if origin_host.eq_ignore_ascii_case(target) {
        return true;
    }
    // `Host: api.example.com:443` for the origin `https://api.example.com`
    // (https://url.spec.whatwg.org/#default-port).
    let default_port: &[u8] = if scheme == b"https" { b":443" } else { b":80" };
    target.len() == origin_host.len() + default_port.len()
        && target.ends_with(default_port)
        && target[..origin_host.len()].eq_ignore_ascii_case(origin_host)
}

#[cfg(test)]
mod tests;
