//! The Fetch standard's tables and grammar, in one place.
//!
//! Every item links the section of <https://fetch.spec.whatwg.org/> (or RFC
//! 9110) it transcribes. The server side (policy validation, the layer) and
//! the browser model both read these, so the two can never disagree about
//! what a browser sends. The rules only a browser applies (what a page's
//! request may carry, what makes it need a preflight) are in `sending`,
//! with the `browser` feature.

use std::borrow::Cow;

// ---------------------------------------------------------------------------
// Token grammar
// ---------------------------------------------------------------------------

/// HTTP `tchar` ([RFC 9110 §5.6.2](https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2)).
pub(crate) const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`'
        | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// [`is_tchar`] of every byte, as a table: one load per byte on the hot path.
pub(crate) static TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = is_tchar(b as u8);
        b += 1;
    }
    table
};

/// Whether `s` is a non-empty HTTP `token`
/// ([RFC 9110 §5.6.2](https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2)).
pub(crate) fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| TCHAR[usize::from(b)])
}

// ---------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------

/// The method names `fetch()` and XHR upper-case
/// (<https://fetch.spec.whatwg.org/#concept-method-normalize>).
pub(crate) const NORMALIZED_METHODS: [&str; 6] =
    ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Normalises a method as a page's `fetch()` does: a byte-case-insensitive
/// match for one of [`NORMALIZED_METHODS`] is upper-cased, anything else
/// (`patch`, `CHICKEN`) is kept as written
/// (<https://fetch.spec.whatwg.org/#concept-method-normalize>).
pub(crate) fn normalize_method(method: &str) -> Cow<'_, str> {
    match NORMALIZED_METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
    {
        Some(m) => Cow::Borrowed(m),
        None => Cow::Borrowed(method),
    }
}

/// The methods `fetch()` refuses, case-insensitively
/// (<https://fetch.spec.whatwg.org/#forbidden-method>).
pub(crate) const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// Whether `method` is a forbidden method, compared byte-case-insensitively
/// (<https://fetch.spec.whatwg.org/#forbidden-method>).
pub(crate) fn is_forbidden_method(method: &str) -> bool {
    FORBIDDEN_METHODS
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// Whether `method` is `GET`, `HEAD` or `POST`, compared exactly (methods
/// are case-sensitive) (<https://fetch.spec.whatwg.org/#cors-safelisted-method>).
pub(crate) fn is_cors_safelisted_method(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

// ---------------------------------------------------------------------------
// Request headers
// ---------------------------------------------------------------------------

/// The forbidden request-header names, lower case: a page cannot set them
/// (<https://fetch.spec.whatwg.org/#forbidden-request-header>).
pub(crate) const FORBIDDEN_REQUEST_HEADERS: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Name prefixes that make a request header forbidden, lower case
/// (<https://fetch.spec.whatwg.org/#forbidden-request-header>).
pub(crate) const FORBIDDEN_REQUEST_HEADER_PREFIXES: [&str; 2] = ["proxy-", "sec-"];

/// Whether a lower-case name is forbidden whatever its value: listed in
/// [`FORBIDDEN_REQUEST_HEADERS`] or starting with `proxy-` or `sec-`
/// (<https://fetch.spec.whatwg.org/#forbidden-request-header>, steps 1–2).
pub(crate) fn is_forbidden_request_header_name(lower: &str) -> bool {
    FORBIDDEN_REQUEST_HEADERS.contains(&lower)
        || FORBIDDEN_REQUEST_HEADER_PREFIXES
            .iter()
            .any(|p| lower.starts_with(p))
}

// The rest of the request-header rules (which headers a page may set,
// which make a request need a preflight, what the preflight carries) only a
// browser applies: the browser model reads them, the server side never does.
#[cfg(feature = "browser")]
mod sending;
#[cfg(feature = "browser")]
pub(crate) use sending::*;

// ---------------------------------------------------------------------------
// Response headers
// ---------------------------------------------------------------------------

/// The response headers script can always read from a CORS response, lower
/// case (<https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name>).
pub(crate) const CORS_SAFELISTED_RESPONSE_HEADERS: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// Whether script can read `name` without `Access-Control-Expose-Headers`
/// (<https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name>).
pub(crate) fn is_cors_safelisted_response_header_name(name: &[u8]) -> bool {
    CORS_SAFELISTED_RESPONSE_HEADERS
        .iter()
        .any(|h| h.as_bytes().eq_ignore_ascii_case(name))
}

/// Whether `name` is `Set-Cookie` or `Set-Cookie2`: never readable by script
/// (<https://fetch.spec.whatwg.org/#forbidden-response-header-name>).
pub(crate) fn is_forbidden_response_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"set-cookie") || name.eq_ignore_ascii_case(b"set-cookie2")
}

// ---------------------------------------------------------------------------
// The CORS protocol's own headers
// ---------------------------------------------------------------------------

/// Headers only a browser sends in the CORS protocol, lower case
/// (<https://fetch.spec.whatwg.org/#http-requests>; the last from
/// <https://wicg.github.io/private-network-access/#headers>).
pub(crate) const CORS_REQUEST_ONLY_HEADERS: [&str; 4] = [
    "origin",
    "access-control-request-method",
    "access-control-request-headers",
    "access-control-request-private-network",
];

/// Headers only a server sends in the CORS protocol, lower case
/// (<https://fetch.spec.whatwg.org/#http-responses>; the last from
/// <https://wicg.github.io/private-network-access/#headers>).
pub(crate) const CORS_RESPONSE_ONLY_HEADERS: [&str; 7] = [
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-expose-headers",
    "access-control-allow-private-network",
];

/// Whether `name` is a CORS request header (`Origin`, `Access-Control-Request-*`):
/// no response ever carries it, so listing it as exposed is a mistake.
pub(crate) fn is_cors_request_only_name(name: &[u8]) -> bool {
    CORS_REQUEST_ONLY_HEADERS
        .iter()
        .any(|h| h.as_bytes().eq_ignore_ascii_case(name))
}

/// Whether `name` is a CORS response header (`Access-Control-Allow-*`,
/// `-Max-Age`, `-Expose-Headers`): no page sends it, so allowing it as a
/// request header is a mistake.
pub(crate) fn is_cors_response_only_name(name: &[u8]) -> bool {
    CORS_RESPONSE_ONLY_HEADERS
        .iter()
        .any(|h| h.as_bytes().eq_ignore_ascii_case(name))
}

// ---------------------------------------------------------------------------
// Preflight cache lifetimes
// ---------------------------------------------------------------------------

/// How long a preflight is cached when `Access-Control-Max-Age` is missing
/// or invalid, in seconds (<https://fetch.spec.whatwg.org/#cors-preflight-fetch>,
/// step 7.8).
#[cfg(feature = "browser")]
pub(crate) const MAX_AGE_DEFAULT: u64 = 5;

/// Chromium's preflight-cache cap, in seconds (`kMaxTimeout`, two hours).
pub(crate) const MAX_AGE_CAP_CHROMIUM: u64 = 7200;

/// Firefox's preflight-cache cap, in seconds (one day).
pub(crate) const MAX_AGE_CAP_FIREFOX: u64 = 86400;

/// WebKit's preflight-cache cap, in seconds (ten minutes).
pub(crate) const MAX_AGE_CAP_WEBKIT: u64 = 600;

/// Whether a response's `Vary` lines name `Origin` (in any case) or are
/// `*`: whether a shared cache keeps one answer per `Origin`
/// ([RFC 9110 §12.5.5](https://www.rfc-editor.org/rfc/rfc9110#section-12.5.5)).
///
/// ```
/// use http::{HeaderMap, HeaderValue};
/// use tower_cors::browser::varies_on_origin;
///
/// let mut headers = HeaderMap::new();
/// headers.append("vary", HeaderValue::from_static("Accept-Encoding"));
/// assert!(!varies_on_origin(&headers));
/// headers.append("vary", HeaderValue::from_static("accept, ORIGIN"));
/// assert!(varies_on_origin(&headers));
/// ```
#[inline]
pub fn varies_on_origin(headers: &http::HeaderMap) -> bool {
    headers.get_all(http::header::VARY).iter().any(|line| {
        line.as_bytes().split(|&b| b == b',').any(|item| {
            let item = item.trim_ascii();
            item == b"*" || item.eq_ignore_ascii_case(b"origin")
        })
    })
}

#[cfg(test)]
mod tests;
