//! The request-header rules of the Fetch standard that only a browser
//! applies: which headers a page may set, which make a request need a
//! preflight, and what the preflight carries. The browser model reads them;
//! the server side (policy validation, the layer) reads what a browser sent
//! and never needs them, so they are compiled with the `browser` feature
//! only. Each item links the section it transcribes.

use super::{is_forbidden_request_header_name, is_token, FORBIDDEN_METHODS};

/// HTTP tab or space (<https://fetch.spec.whatwg.org/#http-tab-or-space>).
const fn is_tab_or_space(b: u8) -> bool {
    b == b'\t' || b == b' '
}

/// HTTP whitespace (<https://fetch.spec.whatwg.org/#http-whitespace>).
const fn is_http_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

/// `s` without leading and trailing bytes matching `pred`.
fn trim_by(s: &[u8], pred: impl Fn(u8) -> bool) -> &[u8] {
    let start = s.iter().position(|&b| !pred(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|&b| !pred(b)).map_or(start, |i| i + 1);
    &s[start..end]
}

/// Headers that are forbidden when their value names a forbidden method,
/// lower case (<https://fetch.spec.whatwg.org/#forbidden-request-header>).
pub(crate) const METHOD_OVERRIDE_HEADERS: [&str; 3] = [
    "x-http-method",
    "x-http-method-override",
    "x-method-override",
];

/// Whether the header `(name, value)` is a forbidden request-header: a
/// forbidden name, or a method-override header whose value names a forbidden
/// method (`X-HTTP-Method-Override: GET, TRACE`)
/// (<https://fetch.spec.whatwg.org/#forbidden-request-header>).
pub(crate) fn is_forbidden_request_header(name: &[u8], value: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    let Ok(lower) = std::str::from_utf8(&lower) else {
        // Not a header name at all; no list entry matches.
        return false;
    };
    if is_forbidden_request_header_name(lower) {
        return true;
    }
    METHOD_OVERRIDE_HEADERS.contains(&lower)
        && split_header_value(value).iter().any(|m| {
            FORBIDDEN_METHODS
                .iter()
                .any(|f| f.as_bytes().eq_ignore_ascii_case(m))
        })
}

/// "Get, decode, and split" one header value: split on commas outside
/// quoted strings, each element stripped of tabs and spaces
/// (<https://fetch.spec.whatwg.org/#header-value-get-decode-and-split>).
pub(crate) fn split_header_value(value: &[u8]) -> Vec<&[u8]> {
    let mut values = Vec::new();
    let mut start = 0;
    let mut i = 0;
    loop {
        while i < value.len() && value[i] != b'"' && value[i] != b',' {
            i += 1;
        }
        if i < value.len() && value[i] == b'"' {
            // Collect an HTTP quoted string: up to the closing quote,
            // a backslash escaping the next byte.
            i += 1;
            while i < value.len() {
                match value[i] {
                    b'\\' => i += 2,
                    b'"' => {
                        i += 1;
                        break;
                    }
                    _ => i += 1,
                }
            }
            i = i.min(value.len());
            if i < value.len() {
                continue;
            }
        }
        values.push(trim_by(&value[start..i], is_tab_or_space));
        if i >= value.len() {
            return values;
        }
        // value[i] is the comma.
        i += 1;
        start = i;
    }
}

/// Whether `b` is a CORS-unsafe request-header byte: a control byte other
/// than tab, one of `"():<>?@[\]{}`, or DEL
/// (<https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte>).
pub(crate) const fn is_cors_unsafe_request_header_byte(b: u8) -> bool {
    (b < 0x20 && b != b'\t')
        || matches!(
            b,
            b'"' | b'('
                | b')'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'{'
                | b'}'
                | 0x7F
        )
}

/// Longest value a CORS-safelisted request-header may have
/// (<https://fetch.spec.whatwg.org/#cors-safelisted-request-header>, step 1).
pub(crate) const SAFELISTED_VALUE_MAX: usize = 128;

/// Above this total of safelisted values, every one of them is CORS-unsafe
/// (<https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names>, step 5).
pub(crate) const SAFELISTED_TOTAL_MAX: usize = 1024;

/// The MIME type essences a `Content-Type` may have without a preflight
/// (<https://fetch.spec.whatwg.org/#cors-safelisted-request-header>).
pub(crate) const SAFELISTED_CONTENT_TYPES: [&str; 3] = [
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
];

/// Whether `(name, value)` is a CORS-safelisted request-header: `accept`,
/// `accept-language`, `content-language`, `content-type` or `range`, each
/// with a value of at most 128 bytes that passes its own rule
/// (<https://fetch.spec.whatwg.org/#cors-safelisted-request-header>).
pub(crate) fn is_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool {
    if value.len() > SAFELISTED_VALUE_MAX {
        return false;
    }
    let no_unsafe_byte = || !value.iter().any(|&b| is_cors_unsafe_request_header_byte(b));
    match name.to_ascii_lowercase().as_slice() {
        b"accept" => no_unsafe_byte(),
        b"accept-language" | b"content-language" => value.iter().all(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')
        }),
        b"content-type" => {
            no_unsafe_byte()
                && mime_essence(value).is_some_and(|essence| {
                    SAFELISTED_CONTENT_TYPES
                        .iter()
                        .any(|s| s.as_bytes() == essence.as_slice())
                })
        }
        b"range" => parse_single_range(value).is_some_and(|r| r.start.is_some()),
        _ => false,
    }
}

/// The essence (`type/subtype`, lower case) of a MIME type, or `None` when
/// it does not parse; parameters never make parsing fail
/// (<https://mimesniff.spec.whatwg.org/#parse-a-mime-type>, steps 1–10).
pub(crate) fn mime_essence(value: &[u8]) -> Option<Vec<u8>> {
    let input = trim_by(value, is_http_whitespace);
    let slash = input.iter().position(|&b| b == b'/')?;
    let kind = &input[..slash];
    let rest = &input[slash + 1..];
    let subtype = &rest[..rest.iter().position(|&b| b == b';').unwrap_or(rest.len())];
    let subtype = trim_by(subtype, is_http_whitespace);
    // Bytes over 0x7F decode to non-ASCII code points, never token code points.
    if !is_token(kind) || !is_token(subtype) {
        return None;
    }
    let mut essence = kind.to_ascii_lowercase();
    essence.push(b'/');
    essence.extend(subtype.iter().map(u8::to_ascii_lowercase));
    Some(essence)
}

/// A digit string's value compared as a number of any size: leading zeros
/// dropped, then shorter is smaller.
fn cmp_decimal(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let strip = |s: &[u8]| -> Vec<u8> { s.iter().copied().skip_while(|&d| d == b'0').collect() };
    let (a, b) = (strip(a), strip(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
}

/// A parsed single byte range: its first and last positions as digit
/// strings, either one missing (`bytes=N-`, `bytes=-M`) but not both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByteRange<'a> {
    /// `N` in `bytes=N-M`.
    pub(crate) start: Option<&'a [u8]>,
    /// `M` in `bytes=N-M`.
    pub(crate) end: Option<&'a [u8]>,
}

/// "Parse a single range header value" without whitespace: `bytes=N-`,
/// `bytes=N-M` (N ≤ M) or `bytes=-M`
/// (<https://fetch.spec.whatwg.org/#simple-range-header-value>).
pub(crate) fn parse_single_range(value: &[u8]) -> Option<ByteRange<'_>> {
    let rest = value.strip_prefix(b"bytes=")?;
    let dash = rest.iter().position(|&b| b == b'-')?;
    let (start, end) = (&rest[..dash], &rest[dash + 1..]);
    if !start.iter().chain(end).all(u8::is_ascii_digit) {
        return None;
    }
    let start = (!start.is_empty()).then_some(start);
    let end = (!end.is_empty()).then_some(end);
    match (start, end) {
        (None, None) => None,
        (Some(s), Some(e)) if cmp_decimal(s, e).is_gt() => None,
        (start, end) => Some(ByteRange { start, end }),
    }
}

/// The names of the headers that make a request need a preflight: each
/// header that is not CORS-safelisted, and every safelisted one too when
/// their values add up to more than 1024 bytes. Lower case, de-duplicated
/// and byte-sorted. `headers` are a page's author headers, forbidden ones
/// already dropped (as `Headers` does)
/// (<https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names>).
pub(crate) fn cors_unsafe_request_header_names<N, V>(headers: &[(N, V)]) -> Vec<String>
where
    N: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    let mut unsafe_names = Vec::new();
    let mut potentially_unsafe = Vec::new();
    let mut safelisted_size = 0usize;
    for (name, value) in headers {
        let (name, value) = (name.as_ref(), value.as_ref());
        if is_cors_safelisted_request_header(name, value) {
            potentially_unsafe.push(name);
            safelisted_size += value.len();
        } else {
            unsafe_names.push(name);
        }
    }
    if safelisted_size > SAFELISTED_TOTAL_MAX {
        unsafe_names.append(&mut potentially_unsafe);
    }
    let mut names: Vec<String> = unsafe_names
        .into_iter()
        .map(|n| String::from_utf8_lossy(n).to_ascii_lowercase())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The `Access-Control-Request-Headers` value a browser sends for these
/// names: joined with `,`, no spaces (the standard deliberately does not
/// "combine" them) (<https://fetch.spec.whatwg.org/#cors-preflight-fetch>,
/// step 5).
pub(crate) fn access_control_request_headers_value(unsafe_names: &[String]) -> String {
    unsafe_names.join(",")
}

/// The only CORS non-wildcard request-header name: `*` in
/// `Access-Control-Allow-Headers` never covers it
/// (<https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name>).
pub(crate) const CORS_NON_WILDCARD_REQUEST_HEADER_NAME: &str = "authorization";

/// Whether `name` is `Authorization`, case-insensitively
/// (<https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name>).
pub(crate) fn is_cors_non_wildcard_request_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(CORS_NON_WILDCARD_REQUEST_HEADER_NAME.as_bytes())
}
