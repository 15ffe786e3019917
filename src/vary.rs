//! Merging `Origin` into a response's `Vary` without losing or repeating values.

use http::header::{HeaderMap, HeaderValue, VARY};

use crate::fetch::varies_on_origin;

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

#[cfg(test)]
mod tests;
