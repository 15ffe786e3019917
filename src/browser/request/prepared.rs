//! [`CorsRequest`]: the request the browser holds once `fetch()` (or a
//! form) has accepted it, and the exact preflight and actual request it
//! sends.

use http::header::{ACCEPT, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri};

use super::{Credentials, DOCUMENT_ACCEPT};
use crate::browser::kind::RequestKind;
use crate::browser::metadata::{is_potentially_trustworthy, Metadata, PageSite, Site};
use crate::browser::url::Url;
use crate::fetch;

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
    pub(crate) target: Url,
    pub(crate) method: Method,
    pub(crate) headers: Vec<AuthorHeader>,
    pub(crate) credentials: Credentials,
    /// The URL's origin is not the page's, or was not at some point: for a
    /// `cors` request, the response tainting is "cors" and CORS checks
    /// apply; for a `no-cors` one, it is "opaque".
    pub(crate) cross_origin: bool,
    pub(crate) redirects: u8,
    pub(crate) kind: RequestKind,
    pub(crate) page_site: PageSite,
    /// `Sec-Fetch-Site` over the URLs so far: the farthest.
    pub(crate) site: Site,
    pub(crate) fetch_metadata: bool,
    pub(crate) user_activation: bool,
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

    /// Whether the URL's origin is not the page's, or was not at some
    /// point of the redirect chain: for a [`RequestKind::Cors`] request,
    /// whether the CORS protocol applies.
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

    /// What kind of request it is.
    pub fn kind(&self) -> RequestKind {
        self.kind
    }

    /// `Sec-Fetch-Site`: how the farthest URL so far stands to the page.
    /// (Sent only to potentially trustworthy URLs:
    /// [`sends_fetch_metadata`](CorsRequest::sends_fetch_metadata).)
    pub fn sec_fetch_site(&self) -> Site {
        self.site
    }

    /// Whether the request carries `Sec-Fetch-*`: the engine sends Fetch
    /// Metadata ([`PageRequest::fetch_metadata`](super::PageRequest::fetch_metadata)) and the URL is
    /// potentially trustworthy (`https`, or `http` to a loopback host).
    ///
    /// ```
    /// use tower_cors::browser::PageRequest;
    /// let to = |url: &str| PageRequest::new("https://a.example", "GET", url).prepare().unwrap();
    /// assert!(to("https://b.example/").sends_fetch_metadata());
    /// assert!(to("http://localhost:3000/").sends_fetch_metadata());
    /// assert!(!to("http://b.example/").sends_fetch_metadata());
    /// ```
    pub fn sends_fetch_metadata(&self) -> bool {
        self.fetch_metadata && is_potentially_trustworthy(self.url())
    }

    /// The `Origin` header of the actual request, if it has one
    /// (<https://fetch.spec.whatwg.org/#append-a-request-origin-header>):
    ///
    /// - a cross-origin `cors` request: always, the page's origin (`null`
    ///   after a redirect from one origin to another);
    /// - otherwise, only when the method is neither `GET` nor `HEAD`; for a
    ///   `no-cors` request or a form, `null` from an `https` page to a
    ///   non-`https` URL (the default referrer policy,
    ///   `strict-origin-when-cross-origin`).
    ///
    /// ```
    /// use tower_cors::browser::{Enctype, PageRequest};
    /// let post = PageRequest::form_post("https://a.example", "http://b.example/", Enctype::UrlEncoded);
    /// assert_eq!(post.prepare()?.origin_header(), Some("null"));
    /// let get = PageRequest::form_get("https://a.example", "https://b.example/");
    /// assert_eq!(get.prepare()?.origin_header(), None);
    /// # Ok::<(), tower_cors::browser::InvalidRequest>(())
    /// ```
    pub fn origin_header(&self) -> Option<&str> {
        if self.kind == RequestKind::Cors && self.cross_origin {
            return Some(self.origin());
        }
        if matches!(self.method, Method::GET | Method::HEAD) {
            return None;
        }
        let downgrade = self.kind != RequestKind::Cors
            && self.page_origin.starts_with("https:")
            && self.url().scheme_str() != Some("https");
        Some(if downgrade { "null" } else { self.origin() })
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
    /// its preflight cache): a cross-origin `cors` request whose method is
    /// not `GET`, `HEAD` or `POST`, or that has a CORS-unsafe header. Never
    /// for a `no-cors` request or a form.
    pub fn needs_preflight(&self) -> bool {
        self.kind == RequestKind::Cors
            && self.cross_origin
            && (!fetch::is_cors_safelisted_method(self.method.as_str().as_bytes())
                || !self.unsafe_header_names().is_empty())
    }

    /// The preflight the browser sends, if one is needed: `OPTIONS` to the
    /// same URL with `Accept: */*`, `Access-Control-Request-Method`,
    /// `Access-Control-Request-Headers` when there are unsafe names, and
    /// `Origin`, and Fetch Metadata (`Sec-Fetch-Mode: cors`,
    /// `Sec-Fetch-Dest: empty`, the `Sec-Fetch-Site` of the URL asked) to a
    /// potentially trustworthy URL; no author header, no cookie, no
    /// credentials. (Engines also add `User-Agent`, `Referer`; the model
    /// does not.)
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
        if self.sends_fetch_metadata() {
            let metadata = Metadata {
                site: self.page_site.relation(&self.target),
                mode: "cors",
                dest: self.kind.sec_fetch_dest(),
                user: false,
            };
            metadata.append_to(headers);
        }
        request
    }

    /// The actual request: the normalised method, the author headers (a
    /// form's: its enctype as `Content-Type`), `Accept: */*` unless the
    /// page set one (a form's: a document's), `Origin` as
    /// [`origin_header`](CorsRequest::origin_header) says, and Fetch
    /// Metadata to a potentially trustworthy URL: `Sec-Fetch-Site`,
    /// `Sec-Fetch-Mode` and `Sec-Fetch-Dest` of its [`RequestKind`],
    /// `Sec-Fetch-User: ?1` for a form the user submitted. No cookies (the
    /// model has no cookie jar) and an empty body.
    pub fn actual<B: Default>(&self) -> Request<B> {
        let mut request = Request::new(B::default());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.url().clone();
        let headers = request.headers_mut();
        *headers = self.headers();
        if !headers.contains_key(ACCEPT) {
            let accept = if self.kind.is_navigation() {
                DOCUMENT_ACCEPT
            } else {
                "*/*"
            };
            headers.insert(ACCEPT, HeaderValue::from_static(accept));
        }
        // A checked serialized origin or `null`: visible ASCII.
        if let Some(v) = self
            .origin_header()
            .and_then(|o| HeaderValue::from_str(o).ok())
        {
            headers.insert(ORIGIN, v);
        }
        if self.sends_fetch_metadata() {
            let metadata = Metadata {
                site: self.site,
                mode: self.kind.sec_fetch_mode(),
                dest: self.kind.sec_fetch_dest(),
                user: self.user_activation,
            };
            metadata.append_to(headers);
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
