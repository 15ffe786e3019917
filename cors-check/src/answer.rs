//! Requests and answers every mode reads the same way: whose rules judge
//! them, the preflight a probe sends where the browser would send none,
//! and what an answer's CORS headers say.

use http::header::AsHeaderName;
use http::header::{
    ACCEPT, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};
use http::{HeaderMap, HeaderValue, Method, Request};
use tower_cors::browser::{CorsRequest, Engine};

/// The engine that judges probes and the policy check (every engine gives
/// them the same verdict), and the default of `--engine`.
pub const ENGINE: Engine = Engine::Chromium;

/// The header `name`'s lines (any case of the name), each trimmed, joined
/// with `, ` as a cache or a browser reads a list; `None` when absent.
pub fn joined(headers: &HeaderMap, name: impl AsHeaderName) -> Option<String> {
    let lines: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_owned())
        .collect();
    (!lines.is_empty()).then(|| lines.join(", "))
}

/// `Access-Control-Allow-Origin`, lines joined with `, `.
pub fn allow_origin(headers: &HeaderMap) -> Option<String> {
    joined(headers, ACCESS_CONTROL_ALLOW_ORIGIN)
}

/// Whether the headers say `Access-Control-Allow-Credentials: true`.
pub fn allows_credentials(headers: &HeaderMap) -> bool {
    headers
        .get(ACCESS_CONTROL_ALLOW_CREDENTIALS)
        .is_some_and(|v| v.as_bytes().trim_ascii() == b"true")
}

/// The preflight the browser would send for `state`, even when it needs
/// none (a simple `POST`): probing with it repeats no side effect.
pub fn preflight_for(state: &CorsRequest) -> Request<()> {
    if let Some(preflight) = state.preflight::<()>() {
        return preflight;
    }
    let mut request = Request::new(());
    *request.method_mut() = Method::OPTIONS;
    *request.uri_mut() = state.url().clone();
    let headers = request.headers_mut();
    headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
    if let Ok(v) = HeaderValue::from_str(state.method().as_str()) {
        headers.insert(ACCESS_CONTROL_REQUEST_METHOD, v);
    }
    if let Ok(v) = HeaderValue::from_str(state.origin()) {
        headers.insert(ORIGIN, v);
    }
    request
}

#[cfg(test)]
mod tests;
