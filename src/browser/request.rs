//! What a page asks for ([`PageRequest`]) and the request the browser holds
//! once `fetch()` has accepted it ([`CorsRequest`]): the exact preflight and
//! the exact actual request it sends.

use std::fmt;

use http::header::{ACCEPT, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri};

use super::url::{serialize_origin, Target};
use crate::fetch;

/// The `credentials` option of `fetch()`: whether cookies and HTTP
/// authentication go with the request, and so which CORS rules apply.
///
/// Only [`Include`](Credentials::Include) makes a cross-origin request
/// *credentialed*: then `*` is never a wildcard and the response needs
/// `Access-Control-Allow-Credentials: true`.
///
/// ```
/// use tower_cors::browser::Credentials;
/// assert_eq!(Credentials::default(), Credentials::SameOrigin);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Credentials {
    /// `credentials: "omit"`: never.
    Omit,
    /// `credentials: "same-origin"` (the default): only to the page's own origin.
    #[default]
    SameOrigin,
    /// `credentials: "include"` (XHR's `withCredentials = true`): always.
    Include,
}

/// A `fetch()` call as a script writes it: the page's origin, the method
/// and URL as written, the headers it sets and its credentials mode.
///
/// Nothing is checked until [`prepare`](PageRequest::prepare) (or
/// [`Browser::fetch`](crate::browser::Browser::fetch)), which does what
/// `fetch()` does: normalises the method, drops forbidden headers and
/// rejects what `fetch()` would reject.
///
/// ```
/// use tower_cors::browser::{Credentials, PageRequest};
///
/// // fetch("https://api.example.com/items?page=2", {
/// //   method: "put", credentials: "include",
/// //   headers: {"Content-Type": "application/json", "Cookie": "x=1"} })
/// let page = PageRequest::new("https://app.example.com", "put", "https://api.example.com/items?page=2")
///     .header("Content-Type", "application/json")
///     .header("Cookie", "x=1")
///     .credentials(Credentials::Include);
/// let request = page.prepare()?;
/// assert_eq!(request.method(), "PUT"); // one of the six normalised names
/// assert!(request.needs_preflight());
/// assert_eq!(request.unsafe_header_names(), ["content-type"]); // Cookie is forbidden: dropped
/// # Ok::<(), tower_cors::browser::InvalidRequest>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    origin: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    credentials: Credentials,
}

impl PageRequest {
    /// A request from a page at `origin` (a serialized origin such as
    /// `https://app.example.com`, or `null`) for `url`, with `method` as
    /// the script wrote it (`"patch"` stays `patch`, `"put"` becomes `PUT`).
    ///
    /// ```
    /// let page = tower_cors::browser::PageRequest::new("null", "GET", "http://localhost:3000/");
    /// assert_eq!(page.origin(), "null");
    /// ```
    pub fn new(
        origin: impl Into<String>,
        method: impl Into<String>,
        url: impl Into<String>,
    ) -> Self {
        Self {
            origin: origin.into(),
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            credentials: Credentials::default(),
        }
    }

    /// Adds a request header, as `headers.append(name, value)` does.
    ///
    /// ```
    /// let page = tower_cors::browser::PageRequest::new("https://a.example", "GET", "https://b.example/")
    ///     .header("X-Requested-With", "XMLHttpRequest");
    /// assert_eq!(page.headers()[0].0, "X-Requested-With");
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the credentials mode (default [`Credentials::SameOrigin`]).
    ///
    /// ```
    /// use tower_cors::browser::{Credentials, PageRequest};
    /// let page = PageRequest::new("https://a.example", "GET", "https://b.example/")
    ///     .credentials(Credentials::Include);
    /// assert_eq!(page.credentials_mode(), Credentials::Include);
    /// ```
    pub fn credentials(mut self, mode: Credentials) -> Self {
        self.credentials = mode;
        self
    }

    /// The page's origin, as given.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The method, as written.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The URL, as written.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers, as written, in order.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The credentials mode.
    pub fn credentials_mode(&self) -> Credentials {
        self.credentials
    }

    /// Does what `fetch()` does before sending anything: checks the origin,
    /// URL, method and headers, normalises the method and header values,
    /// drops forbidden headers (silently, as `Headers` does) and combines
    /// repeated names with `, `.
    ///
    /// ```
    /// use tower_cors::browser::{InvalidRequest, PageRequest};
    /// let trace = PageRequest::new("https://a.example", "trace", "https://b.example/");
    /// assert!(matches!(trace.prepare(), Err(InvalidRequest::ForbiddenMethod(_))));
    /// ```
    pub fn prepare(&self) -> Result<CorsRequest, InvalidRequest> {
        let origin = page_origin(&self.origin)?;
        let target =
            Target::parse(&self.url).ok_or_else(|| InvalidRequest::Url(self.url.clone()))?;
        if !fetch::is_token(self.method.as_bytes()) {
            return Err(InvalidRequest::Method(self.method.clone()));
        }
        if fetch::is_forbidden_method(&self.method) {
            return Err(InvalidRequest::ForbiddenMethod(self.method.clone()));
        }
        let method = Method::from_bytes(fetch::normalize_method(&self.method).as_bytes())
            .map_err(|_| InvalidRequest::Method(self.method.clone()))?;
        let mut headers: Vec<AuthorHeader> = Vec::new();
        for (name, value) in &self.headers {
            let value = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| InvalidRequest::HeaderName(name.clone()))?;
            if value.bytes().any(|b| matches!(b, 0 | b'\r' | b'\n')) {
                return Err(InvalidRequest::HeaderValue(name.clone()));
            }
            if fetch::is_forbidden_request_header(name.as_bytes(), value.as_bytes()) {
                continue;
            }
            match headers.iter_mut().find(|h| h.name == header_name) {
                Some(h) => h.value = format!("{}, {value}", h.value),
                None => headers.push(AuthorHeader {
                    written: name.clone(),
                    name: header_name,
                    value: value.to_owned(),
                }),
            }
        }
        if let Some(h) = headers
            .iter()
            .find(|h| HeaderValue::from_str(&h.value).is_err())
        {
            return Err(InvalidRequest::HeaderValue(h.written.clone()));
        }
        let cross_origin = target.origin() != origin;
        Ok(CorsRequest {
            page_origin: origin,
            tainted: false,
            initial_url: target.uri().clone(),
            target,
            method,
            headers,
            credentials: self.credentials,
            cross_origin,
            redirects: 0,
        })
    }
}

/// Why `fetch()` would throw a `TypeError` instead of sending the request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidRequest {
    /// The page origin is not a serialized origin as browsers send it
    /// (lower case, no path, no default port) nor `null`.
    Origin(String),
    /// The URL is not an absolute `http:` or `https:` URL without credentials.
    Url(String),
    /// The method is not an HTTP token.
    Method(String),
    /// `CONNECT`, `TRACE` or `TRACK`.
    ForbiddenMethod(String),
    /// This header name is not an HTTP token.
    HeaderName(String),
    /// This header's value has a NUL, CR or LF byte, or is not a valid
    /// header value.
    HeaderValue(String),
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidRequest::Origin(o) => write!(f, "'{o}' is not an origin a browser sends"),
            InvalidRequest::Url(u) => write!(
                f,
                "'{u}' is not an absolute http(s) URL without credentials"
            ),
            InvalidRequest::Method(m) => write!(f, "'{m}' is not a valid HTTP method"),
            InvalidRequest::ForbiddenMethod(m) => write!(f, "'{m}' HTTP method is unsupported"),
            InvalidRequest::HeaderName(n) => write!(f, "'{n}' is not a valid HTTP header name"),
            InvalidRequest::HeaderValue(n) => write!(f, "the value of header '{n}' is invalid"),
        }
    }
}

impl std::error::Error for InvalidRequest {}

/// Checks that a page origin is `null` or exactly a serialized origin.
fn page_origin(origin: &str) -> Result<String, InvalidRequest> {
    if origin == "null" {
        return Ok(origin.to_owned());
    }
    let uri: Uri = origin
        .parse()
        .map_err(|_| InvalidRequest::Origin(origin.to_owned()))?;
    match serialize_origin(&uri) {
        Some(s) if s == origin => Ok(s),
        _ => Err(InvalidRequest::Origin(origin.to_owned())),
    }
}

/// An author header once `fetch()` accepted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthorHeader {
    /// The name as the script wrote it (WebKit reports it so).
    pub(crate) written: String,
    pub(crate) name: HeaderName,
    /// Normalised, repeated names combined with `, `.
    pub(crate) value: String,
}

/// A request as the browser holds it after `fetch()` accepted it, or after
/// it followed a redirect: what it will send, and what it checks responses
/// against.
///
/// ```
/// use tower_cors::browser::PageRequest;
///
/// let request = PageRequest::new("https://app.example", "patch", "https://api.example/items/1?v=2")
///     .header("X-Custom", "1")
///     .header("Content-Type", "application/json")
///     .prepare()?;
/// let preflight = request.preflight::<()>().expect("PATCH needs a preflight");
/// assert_eq!(preflight.method(), "OPTIONS");
/// assert_eq!(preflight.uri(), "https://api.example/items/1?v=2");
/// assert_eq!(preflight.headers()["origin"], "https://app.example");
/// assert_eq!(preflight.headers()["accept"], "*/*");
/// assert_eq!(preflight.headers()["access-control-request-method"], "patch");
/// assert_eq!(preflight.headers()["access-control-request-headers"], "content-type,x-custom");
///
/// let actual = request.actual::<()>();
/// assert_eq!(actual.method(), "patch");
/// assert_eq!(actual.headers()["x-custom"], "1");
/// # Ok::<(), tower_cors::browser::InvalidRequest>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsRequest {
    pub(crate) page_origin: String,
    /// A cross-origin redirect happened: `Origin` is `null` from now on.
    pub(crate) tainted: bool,
    pub(crate) initial_url: Uri,
    pub(crate) target: Target,
    pub(crate) method: Method,
    pub(crate) headers: Vec<AuthorHeader>,
    pub(crate) credentials: Credentials,
    /// The response tainting is "cors": CORS checks apply.
    pub(crate) cross_origin: bool,
    pub(crate) redirects: u8,
}

impl CorsRequest {
    /// The `Origin` value the browser sends: the page's origin, or `null`
    /// after a redirect from one origin to another.
    pub fn origin(&self) -> &str {
        if self.tainted {
            "null"
        } else {
            &self.page_origin
        }
    }

    /// The page's origin (what Chromium names in its console message).
    pub fn page_origin(&self) -> &str {
        &self.page_origin
    }

    /// The URL requested now (lower-case host, no default port).
    pub fn url(&self) -> &Uri {
        self.target.uri()
    }

    /// The URL first requested, before any redirect.
    pub fn initial_url(&self) -> &Uri {
        &self.initial_url
    }

    /// The method, normalised.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The credentials mode.
    pub fn credentials(&self) -> Credentials {
        self.credentials
    }

    /// Whether CORS checks treat the request as credentialed: only with
    /// [`Credentials::Include`].
    pub fn is_credentialed(&self) -> bool {
        self.credentials == Credentials::Include
    }

    /// Whether the CORS protocol applies: the URL's origin is not the
    /// page's, or was not at some point of the redirect chain.
    ///
    /// ```
    /// use tower_cors::browser::PageRequest;
    /// let same = PageRequest::new("https://a.example", "PUT", "https://a.example:443/x").prepare()?;
    /// assert!(!same.is_cross_origin() && !same.needs_preflight());
    /// # Ok::<(), tower_cors::browser::InvalidRequest>(())
    /// ```
    pub fn is_cross_origin(&self) -> bool {
        self.cross_origin
    }

    /// How many redirects were followed to get here.
    pub fn redirects(&self) -> u8 {
        self.redirects
    }

    /// The author headers, as sent (names lower case, values normalised).
    pub fn headers(&self) -> HeaderMap {
        let mut map = HeaderMap::new();
        for h in &self.headers {
            if let Ok(v) = HeaderValue::from_str(&h.value) {
                map.append(h.name.clone(), v);
            }
        }
        map
    }

    /// The CORS-unsafe request-header names: lower case, sorted, unique.
    /// `Access-Control-Request-Headers` is these joined with `,`.
    pub fn unsafe_header_names(&self) -> Vec<String> {
        let pairs: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.value.as_str()))
            .collect();
        fetch::cors_unsafe_request_header_names(&pairs)
    }

    /// Whether the browser must send a preflight first (before consulting
    /// its preflight cache): a cross-origin request whose method is not
    /// `GET`, `HEAD` or `POST`, or that has a CORS-unsafe header.
    pub fn needs_preflight(&self) -> bool {
        self.cross_origin
            && (!fetch::is_cors_safelisted_method(self.method.as_str().as_bytes())
                || !self.unsafe_header_names().is_empty())
    }

    /// The preflight the browser sends, if one is needed: `OPTIONS` to the
    /// same URL with `Accept: */*`, `Access-Control-Request-Method`,
    /// `Access-Control-Request-Headers` when there are unsafe names, and
    /// `Origin`; no author header, no cookie, no credentials. (Engines also
    /// add `Sec-Fetch-*`, `User-Agent`, `Referer`; the model does not.)
    pub fn preflight<B: Default>(&self) -> Option<Request<B>> {
        self.needs_preflight().then(|| self.preflight_request())
    }

    /// The preflight for this request, needed or not.
    pub(crate) fn preflight_request<B: Default>(&self) -> Request<B> {
        let mut request = Request::new(B::default());
        *request.method_mut() = Method::OPTIONS;
        *request.uri_mut() = self.url().clone();
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        // A method is a token, so a valid header value.
        if let Ok(v) = HeaderValue::from_str(self.method.as_str()) {
            headers.insert(ACCESS_CONTROL_REQUEST_METHOD, v);
        }
        let names = self.unsafe_header_names();
        if !names.is_empty() {
            let value = fetch::access_control_request_headers_value(&names);
            // Header names joined with commas: a valid header value.
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(ACCESS_CONTROL_REQUEST_HEADERS, v);
            }
        }
        self.append_origin(headers);
        request
    }

    /// The actual request: the normalised method, the author headers,
    /// `Accept: */*` unless the page set one, and `Origin` when the request
    /// is cross-origin or its method is neither `GET` nor `HEAD`. No
    /// cookies (the model has no cookie jar) and an empty body.
    pub fn actual<B: Default>(&self) -> Request<B> {
        let mut request = Request::new(B::default());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.url().clone();
        let headers = request.headers_mut();
        *headers = self.headers();
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        }
        if self.cross_origin || !matches!(self.method, Method::GET | Method::HEAD) {
            self.append_origin(headers);
        }
        request
    }

    fn append_origin(&self, headers: &mut HeaderMap) {
        // A checked serialized origin or `null`: visible ASCII.
        if let Ok(v) = HeaderValue::from_str(self.origin()) {
            headers.insert(ORIGIN, v);
        }
    }
}

#[cfg(test)]
mod tests;
