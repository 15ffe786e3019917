//! Following a redirect of the actual request
//! (<https://fetch.spec.whatwg.org/#http-redirect-fetch>). A preflight is
//! never followed: that is `PreflightDisallowedRedirect`.

use std::fmt;

use http::{Method, StatusCode};

use super::check::is_redirect;
use super::request::CorsRequest;
use crate::fetch;

/// The most redirects `fetch()` follows.
pub const MAX_REDIRECTS: u8 = 20;

/// Why a redirect could not be followed: the fetch fails with a network
/// error (not a CORS error).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidRedirect {
    /// The status is not 301, 302, 303, 307 or 308.
    NotARedirect(StatusCode),
    /// `Location` is not a URL (resolved against the request's), is not
    /// `http(s)` or carries credentials.
    Location(String),
    /// More than [`MAX_REDIRECTS`] redirects.
    TooMany,
}

impl fmt::Display for InvalidRedirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidRedirect::NotARedirect(s) => write!(f, "{s} is not a redirect status"),
            InvalidRedirect::Location(l) => write!(f, "cannot follow a redirect to '{l}'"),
            InvalidRedirect::TooMany => write!(f, "more than {MAX_REDIRECTS} redirects"),
        }
    }
}

impl std::error::Error for InvalidRedirect {}

/// Header names dropped when a redirect turns the request into a `GET`
/// (<https://fetch.spec.whatwg.org/#request-body-header-name>).
const REQUEST_BODY_HEADERS: [&str; 4] = [
    "content-encoding",
    "content-language",
    "content-location",
    "content-type",
];

impl CorsRequest {
    /// The request the browser sends after a redirect response with this
    /// status and `Location`:
    ///
    /// - `301`/`302` after `POST`, and `303` after anything but `GET`/`HEAD`,
    ///   become `GET` without the body headers;
    /// - to another origin, `Authorization` is dropped;
    /// - once a redirect goes from one origin to another while the page's
    ///   origin is neither, `Origin` becomes `null` for good;
    /// - once cross-origin, a `cors` request stays a CORS request, and a new
    ///   preflight is sent if one is needed; a `no-cors` response stays
    ///   opaque;
    /// - `Sec-Fetch-Site` is the farthest of every URL so far (a
    ///   `same-origin` request redirected through another site stays
    ///   `cross-site`).
    ///
    /// The CORS check on the redirect response itself is
    /// [`check_response`](crate::browser::check_response)'s job.
    ///
    /// ```
    /// use http::StatusCode;
    /// use tower_cors::browser::PageRequest;
    ///
    /// let first = PageRequest::new("https://app.example", "GET", "https://api.example/old")
    ///     .header("Authorization", "Bearer t")
    ///     .prepare()?;
    /// let next = first.redirect(StatusCode::TEMPORARY_REDIRECT, "https://cdn.example/new").unwrap();
    /// assert_eq!(next.url(), "https://cdn.example/new");
    /// assert_eq!(next.origin(), "null");
    /// assert!(next.headers().get("authorization").is_none());
    /// # Ok::<(), tower_cors::browser::InvalidRequest>(())
    /// ```
    pub fn redirect(
        &self,
        status: StatusCode,
        location: &str,
    ) -> Result<CorsRequest, InvalidRedirect> {
        if !is_redirect(status) {
            return Err(InvalidRedirect::NotARedirect(status));
        }
        if self.redirects >= MAX_REDIRECTS {
            return Err(InvalidRedirect::TooMany);
        }
        let target = self
            .target
            .resolve(location)
            .ok_or_else(|| InvalidRedirect::Location(location.to_owned()))?;
        let mut next = self.clone();
        let leaves_origin = self.target.origin() != target.origin();
        if leaves_origin && self.page_origin != self.target.origin() {
            next.tainted = true;
        }
        next.cross_origin = self.cross_origin || target.origin() != self.page_origin;
        let to_get = match status.as_u16() {
            301 | 302 => self.method == Method::POST,
            303 => !matches!(self.method, Method::GET | Method::HEAD),
            _ => false,
        };
        if to_get {
            next.method = Method::GET;
            next.headers
                .retain(|h| !REQUEST_BODY_HEADERS.contains(&h.name.as_str()));
        }
        if leaves_origin {
            next.headers.retain(|h| {
                !fetch::is_cors_non_wildcard_request_header_name(h.name.as_str().as_bytes())
            });
        }
        next.site = next.site.max(self.page_site.relation(&target));
        next.target = target;
        next.redirects += 1;
        Ok(next)
    }
}

#[cfg(test)]
mod tests;
