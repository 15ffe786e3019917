//! Merging `Origin` into a response's `Vary` without losing or repeating values.

use http::header::{HeaderMap, HeaderValue, VARY};

/// `origin`, the value added to `Vary`.
pub(crate) static ORIGIN: HeaderValue = HeaderValue::from_static("origin");

/// Adds `origin` to `Vary` unless it (or `*`) is already listed.
///
/// The inner service's own `Vary` lines are kept as they are; when `origin`
/// is missing it is appended as one more line, which RFC 9110 §5.3 makes
/// equivalent to a comma-joined list, so nothing is reformatted or allocated
/// beyond the header map's own slot.
pub(crate) fn add_origin(headers: &mut HeaderMap) {
    if !varies_on_origin(headers) {
        headers.append(VARY, ORIGIN.clone());
    }
}

/// Whether a response's `Vary` lines name `Origin` (in any case) or are
/// `*`: whether a shared cache keeps one answer per `Origin`.
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
pub fn varies_on_origin(headers: &HeaderMap) -> bool {
    headers.get_all(VARY).iter().any(|line| {
        line.as_bytes().split(|&b| b == b',').any(|item| {
            let item = item.trim_ascii();
            item == b"*" || item.eq_ignore_ascii_case(b"origin")
        })
    })
}

#[cfg(test)]
mod tests;
