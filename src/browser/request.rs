//! What a page asks for ([`PageRequest`]: a `fetch()` call or a form
//! submission) and the request the browser holds once it has accepted it
//! ([`CorsRequest`]): the exact preflight and the exact actual request it
//! sends, `Origin` and Fetch Metadata included.

use std::fmt;

use http::{HeaderName, HeaderValue, Method, Uri};

use super::kind::{Enctype, Mode, RequestKind};
use super::metadata::PageSite;
use super::url::{serialize_origin, Url};
use crate::fetch;

/// The request headers `fetch()` keeps in `no-cors` mode, when their value
/// is CORS-safelisted too
/// (<https://fetch.spec.whatwg.org/#no-cors-safelisted-request-header-name>).
const NO_CORS_SAFELISTED_NAMES: [&str; 4] = [
    "accept",
    "accept-language",
    "content-language",
    "content-type",
];

/// The `Accept` of a document navigation
/// (<https://fetch.spec.whatwg.org/#fetching>, step 12).
const DOCUMENT_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

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

/// What a page asks for, as its author writes it: a `fetch()` call (the
/// page's origin, the method and URL as written, the headers it sets, its
/// credentials mode and [`Mode`]), or a `<form>` submission
/// ([`form_post`](PageRequest::form_post), [`form_get`](PageRequest::form_get)).
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
///
/// The requests a page sends without asking the server: a form and a
/// `no-cors` fetch. No preflight, whatever the origin; the page reads
/// nothing of the answer, but the server gets the request.
///
/// ```
/// use tower_cors::browser::{Enctype, Mode, PageRequest};
///
/// // <form method=post action="https://bank.example/transfer" enctype="text/plain">
/// let form = PageRequest::form_post("https://evil.example", "https://bank.example/transfer", Enctype::TextPlain)
///     .prepare()?;
/// assert!(!form.needs_preflight());
/// let sent = form.actual::<()>();
/// assert_eq!(sent.headers()["origin"], "https://evil.example");
/// assert_eq!(sent.headers()["content-type"], "text/plain");
/// assert_eq!(sent.headers()["sec-fetch-site"], "cross-site");
/// assert_eq!(sent.headers()["sec-fetch-mode"], "navigate");
/// assert_eq!(sent.headers()["sec-fetch-dest"], "document");
///
/// // fetch(url, {method: "POST", mode: "no-cors", headers: {"X-Token": "t"}})
/// let beacon = PageRequest::new("https://evil.example", "POST", "https://bank.example/transfer")
///     .header("X-Token", "t")
///     .mode(Mode::NoCors)
///     .prepare()?;
/// assert!(!beacon.needs_preflight());
/// let sent = beacon.actual::<()>();
/// assert!(sent.headers().get("x-token").is_none()); // not safelisted: dropped
/// assert_eq!(sent.headers()["sec-fetch-mode"], "no-cors");
/// # Ok::<(), tower_cors::browser::InvalidRequest>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    origin: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    credentials: Credentials,
    kind: RequestKind,
    /// A form's `enctype` (`POST` forms only): the body's `Content-Type`.
    enctype: Option<Enctype>,
    registrable_domain: Option<String>,
    fetch_metadata: bool,
    user_activation: bool,
}

impl PageRequest {
    /// A `fetch()` from a page at `origin` (a serialized origin such as
    /// `https://app.example.com`, or `null`) for `url`, with `method` as
    /// the script wrote it (`"patch"` stays `patch`, `"put"` becomes `PUT`),
    /// in `cors` mode.
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
            kind: RequestKind::Cors,
            enctype: None,
            registrable_domain: None,
            fetch_metadata: true,
            user_activation: false,
        }
    }

    /// A `<form method=post action=url enctype=...>` on a page at `origin`,
    /// submitted in the page's own window: a top-level navigation
    /// ([`RequestKind::Form`]). It sends `Origin` (the page's, or `null`
    /// from an `https` page to an `http` URL), the enctype as
    /// `Content-Type`, and credentials (cookies by their `SameSite`
    /// attribute, which the model does not keep); never a preflight. A form
    /// sets no other header ([`header`](PageRequest::header) makes
    /// [`prepare`](PageRequest::prepare) fail).
    ///
    /// ```
    /// use tower_cors::browser::{Enctype, PageRequest, RequestKind};
    /// let form = PageRequest::form_post("https://app.example", "https://app.example/login", Enctype::UrlEncoded);
    /// assert_eq!((form.method(), form.kind()), ("POST", RequestKind::Form));
    /// ```
    pub fn form_post(origin: impl Into<String>, url: impl Into<String>, enctype: Enctype) -> Self {
        Self {
            kind: RequestKind::Form,
            enctype: Some(enctype),
            credentials: Credentials::Include,
            ..Self::new(origin, "POST", url)
        }
    }

    /// A `<form method=get action=url>` on a page at `origin`, submitted in
    /// the page's own window: a top-level `GET` navigation (the fields go
    /// in the query, which is `url`'s to carry). No `Origin`, credentials
    /// sent, never a preflight.
    ///
    /// ```
    /// use tower_cors::browser::PageRequest;
    /// let form = PageRequest::form_get("https://app.example", "https://search.example/?q=cors").prepare()?;
    /// assert!(form.actual::<()>().headers().get("origin").is_none());
    /// # Ok::<(), tower_cors::browser::InvalidRequest>(())
    /// ```
    pub fn form_get(origin: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            kind: RequestKind::Form,
            credentials: Credentials::Include,
            ..Self::new(origin, "GET", url)
        }
    }

    /// Adds a request header, as `headers.append(name, value)` does. (A
    /// form sets none: [`prepare`](PageRequest::prepare) refuses a form
    /// with one.)
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

    /// Sets the credentials mode (default [`Credentials::SameOrigin`]; a
    /// form's is [`Credentials::Include`]).
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

    /// Sets `fetch()`'s `mode` option (default [`Mode::Cors`]). On a form,
    /// makes it a `fetch()` of the same method and URL, its enctype as
    /// `Content-Type`.
    ///
    /// ```
    /// use tower_cors::browser::{InvalidRequest, Mode, PageRequest};
    /// // fetch() throws: a no-cors request is GET, HEAD or POST.
    /// let put = PageRequest::new("https://a.example", "PUT", "https://b.example/").mode(Mode::NoCors);
    /// assert!(matches!(put.prepare(), Err(InvalidRequest::NoCorsMethod(_))));
    /// ```
    pub fn mode(mut self, mode: Mode) -> Self {
        self.kind = mode.into();
        self
    }

    /// Declares the page's registrable domain (its eTLD+1, which the Public
    /// Suffix List gives: `example.com` for `app.example.com`,
    /// `user.github.io` for `user.github.io`), so that `Sec-Fetch-Site`
    /// says `same-site` for URLs of the same scheme under it. Without it
    /// the model knows the page's own host only (the library carries no
    /// suffix list): a URL on another host is `cross-site`. A guard that
    /// refuses `same-site` and `cross-site` alike judges both the same.
    ///
    /// [`prepare`](PageRequest::prepare) fails when the page's host is not
    /// `domain` or under it, or is an IP address.
    pub fn registrable_domain(mut self, domain: impl Into<String>) -> Self {
        self.registrable_domain = Some(domain.into());
        self
    }

    /// Whether the browser sends Fetch Metadata (`Sec-Fetch-*`; default
    /// `true`, as every current engine does). `false` models an engine
    /// from before it: Chromium before 76, Firefox before 90, Safari before
    /// 16.4; a server then has `Origin` only.
    pub fn fetch_metadata(mut self, send: bool) -> Self {
        self.fetch_metadata = send;
        self
    }

    /// Whether a form submission comes from the user's own action (a click
    /// on its button): `Sec-Fetch-User: ?1`. Default `false`: a script
    /// submitted it, as a page forging a request does. No effect on a
    /// `fetch()`.
    pub fn user_activation(mut self, activated: bool) -> Self {
        self.user_activation = activated;
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

    /// The headers, as written, in order (a form's `Content-Type` is not
    /// among them: it comes from the enctype).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The credentials mode.
    pub fn credentials_mode(&self) -> Credentials {
        self.credentials
    }

    /// What kind of request this is.
    pub fn kind(&self) -> RequestKind {
        self.kind
    }

    /// Does what the browser does before sending anything: checks the
    /// origin, URL, method and headers, normalises the method and header
    /// values, drops forbidden headers (silently, as `Headers` does; in
    /// `no-cors` mode, every header that is not no-CORS-safelisted too) and
    /// combines repeated names with `, `.
    ///
    /// ```
    /// use tower_cors::browser::{InvalidRequest, PageRequest};
    /// let trace = PageRequest::new("https://a.example", "trace", "https://b.example/");
    /// assert!(matches!(trace.prepare(), Err(InvalidRequest::ForbiddenMethod(_))));
    /// ```
    pub fn prepare(&self) -> Result<CorsRequest, InvalidRequest> {
        let origin = page_origin(&self.origin)?;
        let target = Url::parse(&self.url).ok_or_else(|| InvalidRequest::Url(self.url.clone()))?;
        let method = self.checked_method()?;
        let headers = self.author_headers()?;
        let page_site = PageSite::new(&origin, self.registrable_domain.as_deref())?;
        let site = page_site.relation(&target);
        let cross_origin = target.origin() != origin;
        Ok(CorsRequest {
            page_origin: origin,
            tainted: false,
            initial_url: target.uri().clone(),
            target,
            method,
            headers,
            credentials: if self.kind == RequestKind::Form {
                Credentials::Include
            } else {
                self.credentials
            },
            cross_origin,
            redirects: 0,
            kind: self.kind,
            page_site,
            site,
            fetch_metadata: self.fetch_metadata,
            user_activation: self.user_activation && self.kind == RequestKind::Form,
        })
    }

    /// The method as the `Request` constructor takes it
    /// (<https://fetch.spec.whatwg.org/#dom-request>): an HTTP token and not
    /// a forbidden method, then normalised; in `no-cors` mode a
    /// CORS-safelisted one.
    fn checked_method(&self) -> Result<Method, InvalidRequest> {
        if !fetch::is_token(self.method.as_bytes()) {
            return Err(InvalidRequest::Method(self.method.clone()));
        }
        if fetch::is_forbidden_method(&self.method) {
            return Err(InvalidRequest::ForbiddenMethod(self.method.clone()));
        }
        let method = Method::from_bytes(fetch::normalize_method(&self.method).as_bytes())
            .map_err(|_| InvalidRequest::Method(self.method.clone()))?;
        if self.kind == RequestKind::NoCors
            && !fetch::is_cors_safelisted_method(method.as_str().as_bytes())
        {
            return Err(InvalidRequest::NoCorsMethod(self.method.clone()));
        }
        Ok(method)
    }

    /// The request's header list: a form's `Content-Type` (from its
    /// enctype; a form sets no other header), then the headers as written,
    /// each appended as `Headers` does; every combined value must be a valid
    /// header value.
    fn author_headers(&self) -> Result<Vec<AuthorHeader>, InvalidRequest> {
        if let (RequestKind::Form, Some((name, _))) = (self.kind, self.headers.first()) {
            return Err(InvalidRequest::FormHeader(name.clone()));
        }
        let enctype = self
            .enctype
            .map(|e| ("Content-Type".to_owned(), e.content_type().to_owned()));
        let no_cors = self.kind == RequestKind::NoCors;
        let mut headers: Vec<AuthorHeader> = Vec::new();
        for (name, value) in enctype.iter().chain(&self.headers) {
            append_header(&mut headers, name, value, no_cors)?;
        }
        if let Some(h) = headers
            .iter()
            .find(|h| HeaderValue::from_str(&h.value).is_err())
        {
            return Err(InvalidRequest::HeaderValue(h.written.clone()));
        }
        Ok(headers)
    }
}

/// Appends a header to a request's header list as `Headers` does
/// (<https://fetch.spec.whatwg.org/#concept-headers-append>): the value
/// normalised, a forbidden request header dropped silently, a repeated name
/// combined with `, `, and, under the `request-no-cors` guard, a header
/// whose combined value is not no-CORS-safelisted not appended.
fn append_header(
    headers: &mut Vec<AuthorHeader>,
    name: &str,
    value: &str,
    no_cors: bool,
) -> Result<(), InvalidRequest> {
    let value = value.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| InvalidRequest::HeaderName(name.to_owned()))?;
    if value.bytes().any(|b| matches!(b, 0 | b'\r' | b'\n')) {
        return Err(InvalidRequest::HeaderValue(name.to_owned()));
    }
    if fetch::is_forbidden_request_header(name.as_bytes(), value.as_bytes()) {
        return Ok(());
    }
    let existing = headers.iter_mut().find(|h| h.name == header_name);
    let combined = match &existing {
        Some(h) => format!("{}, {value}", h.value),
        None => value.to_owned(),
    };
    if no_cors
        && !(NO_CORS_SAFELISTED_NAMES.contains(&header_name.as_str())
            && fetch::is_cors_safelisted_request_header(
                header_name.as_str().as_bytes(),
                combined.as_bytes(),
            ))
    {
        return Ok(());
    }
    match existing {
        Some(h) => h.value = combined,
        None => headers.push(AuthorHeader {
            written: name.to_owned(),
            name: header_name,
            value: combined,
        }),
    }
    Ok(())
}

/// Why `fetch()` would throw a `TypeError` instead of sending the request
/// (or the page could not make the request the model was given).
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
    /// A `no-cors` request's method is not `GET`, `HEAD` or `POST`.
    NoCorsMethod(String),
    /// A form submission was given this header: a form sets none.
    FormHeader(String),
    /// The declared registrable domain is not the page's (the page's host
    /// is neither it nor under it, is an IP address, or the page's origin
    /// is `null`).
    RegistrableDomain {
        /// The domain declared.
        domain: String,
        /// The page's origin.
        page: String,
    },
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
            InvalidRequest::NoCorsMethod(m) => write!(
                f,
                "'{m}' is unsupported in no-cors mode: use GET, HEAD or POST, or mode: 'cors'"
            ),
            InvalidRequest::FormHeader(n) => write!(
                f,
                "a form cannot set header '{n}': use fetch() to send request headers"
            ),
            InvalidRequest::RegistrableDomain { domain, page } => write!(
                f,
                "'{domain}' is not the registrable domain of the page {page}: give the page host's \
                 eTLD+1 (example.com for https://app.example.com), or none for an IP address or null"
            ),
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

mod prepared;

pub(crate) use prepared::AuthorHeader;
pub use prepared::CorsRequest;

#[cfg(test)]
mod tests;
