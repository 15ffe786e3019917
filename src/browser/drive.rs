//! The driver: runs any Tower service the way a browser calls it, preflight
//! (unless cached), actual request, redirects, then the verdict.

use std::fmt;
use std::future::poll_fn;
use std::sync::Arc;

use http::header::LOCATION;
use http::{HeaderMap, Request, Response, StatusCode};
use tower_service::Service;

use super::cache::{Clock, PreflightCache, SystemClock};
use super::check::{check_preflight, check_response, is_redirect};
use super::engine::Engine;
use super::redirect::InvalidRedirect;
use super::request::{CorsRequest, InvalidRequest, PageRequest};
use super::verdict::{Allowed, Blocked, Verdict, Warning};

/// A browser of one engine, with its preflight cache, that can call a Tower
/// service the way a page's `fetch()` would.
///
/// It works with any `Service<http::Request<B>, Response = http::Response<R>>`
/// whose request body `B` has a `Default` (the model sends empty bodies):
/// an axum `Router`, a `tower_cors::Cors`, a tower-http `Cors`, a hyper
/// client wrapped as a service.
///
/// ```
/// use std::convert::Infallible;
/// use http::{Request, Response};
/// use tower_cors::browser::{Browser, Engine, PageRequest};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A service that knows nothing of CORS.
/// let mut service = tower::service_fn(|_: Request<String>| async {
///     Ok::<_, Infallible>(Response::new("hello".to_owned()))
/// });
/// let mut browser = Browser::new(Engine::Chromium);
/// let page = PageRequest::new("https://app.example", "GET", "https://api.example/hello");
/// let outcome = browser.fetch(&mut service, &page).await?;
/// let blocked = outcome.verdict().blocked().expect("no Access-Control-Allow-Origin");
/// assert_eq!(blocked.code().as_str(), "MissingAllowOriginHeader");
/// assert!(outcome.response().is_none()); // script sees nothing
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Browser {
    engine: Engine,
    cache: PreflightCache,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Browser")
            .field("engine", &self.engine)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl Browser {
    /// A browser of this engine with an empty preflight cache and the real clock.
    pub fn new(engine: Engine) -> Self {
        Self {
            engine,
            cache: PreflightCache::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Uses this clock for the preflight cache (e.g. a [`ManualClock`]).
    ///
    /// [`ManualClock`]: crate::browser::ManualClock
    pub fn with_clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The engine.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The preflight cache.
    pub fn preflight_cache(&self) -> &PreflightCache {
        &self.cache
    }

    /// Empties the preflight cache.
    pub fn clear_preflight_cache(&mut self) {
        self.cache.clear();
    }

    /// Calls `service` as the page's `fetch()` would: a preflight if one is
    /// needed and not cached, then the actual request, following redirects
    /// (with a new preflight where needed), checking each response. A
    /// `no-cors` request or a form is sent as it is, redirects followed,
    /// and nothing of its response is readable.
    ///
    /// What a page can make a server do is not what it can read: a
    /// cross-origin simple `POST`, `no-cors` `POST` or form post reaches
    /// the service ([`Outcome::was_sent`]) whatever the CORS verdict.
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use http::{Request, Response};
    /// use tower_cors::browser::{Browser, Enctype, Engine, Mode, PageRequest};
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // A service without CORS: it allows no other origin to read it.
    /// let mut bank = tower::service_fn(|_: Request<String>| async {
    ///     Ok::<_, Infallible>(Response::new("transferred".to_owned()))
    /// });
    /// let mut browser = Browser::new(Engine::Chromium);
    /// let to = "https://bank.example/transfer";
    /// let form = PageRequest::form_post("https://evil.example", to, Enctype::UrlEncoded);
    /// let simple = PageRequest::new("https://evil.example", "POST", to);
    /// let no_cors = simple.clone().mode(Mode::NoCors);
    /// for page in [form, simple, no_cors] {
    ///     let outcome = browser.fetch(&mut bank, &page).await?;
    ///     assert!(outcome.was_sent(), "{:?}: the transfer happened", page.kind());
    ///     assert!(!outcome.is_readable(), "{:?}: the page read it", page.kind());
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// `Err` only when `fetch()` would throw before sending
    /// ([`FetchError::InvalidRequest`]), a redirect cannot be followed, or
    /// the service fails; a CORS refusal is an [`Outcome`] whose verdict is
    /// [`Verdict::Blocked`].
    pub async fn fetch<S, B, R>(
        &mut self,
        service: &mut S,
        page: &PageRequest,
    ) -> Result<Outcome<R>, FetchError<S::Error>>
    where
        S: Service<Request<B>, Response = Response<R>>,
        B: Default,
    {
        let mut request = page.prepare().map_err(FetchError::InvalidRequest)?;
        let mut exchanges = Vec::new();
        let mut warnings: Vec<Warning> = Vec::new();
        loop {
            let preflight = self
                .preflight_unless_cached(service, &request, &mut exchanges)
                .await?;
            match preflight {
                Ok(approved) => warnings.extend(approved),
                Err(blocked) => return Ok(Outcome::refused(exchanges, blocked)),
            }
            let response = call(service, request.actual::<B>()).await?;
            exchanges.push(Exchange::new(
                ExchangeKind::Actual,
                request.actual(),
                &response,
            ));
            let checked =
                check_response(self.engine, &request, response.status(), response.headers());
            let mut allowed = match checked {
                Ok(allowed) => allowed,
                Err(blocked) => {
                    self.cache.clear_for(&request);
                    return Ok(Outcome::refused(exchanges, blocked));
                }
            };
            let Some(location) = redirect_location(&response) else {
                for w in warnings {
                    if !allowed.warnings.contains(&w) {
                        allowed.warnings.push(w);
                    }
                }
                let navigation = request.kind().is_navigation();
                return Ok(Outcome::delivered(exchanges, allowed, response, navigation));
            };
            request = request
                .redirect(response.status(), &location)
                .map_err(FetchError::Redirect)?;
        }
    }

    /// Sends the request's preflight, unless it needs none or the cache
    /// covers it, and checks the answer: `Ok` with the approval's warnings
    /// (stored in the cache), or the refusal (which empties the cache's
    /// entries for the request).
    async fn preflight_unless_cached<S, B, R>(
        &mut self,
        service: &mut S,
        request: &CorsRequest,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<Result<Vec<Warning>, Blocked>, FetchError<S::Error>>
    where
        S: Service<Request<B>, Response = Response<R>>,
        B: Default,
    {
        let now = self.clock.now();
        if !request.needs_preflight() || self.cache.covers(self.engine, request, now) {
            return Ok(Ok(Vec::new()));
        }
        let response = call(service, request.preflight_request::<B>()).await?;
        exchanges.push(Exchange::new(
            ExchangeKind::Preflight,
            request.preflight_request(),
            &response,
        ));
        match check_preflight(self.engine, request, response.status(), response.headers()) {
            Ok(approval) => {
                self.cache.store(self.engine, request, &approval, now);
                Ok(Ok(approval.warnings().to_vec()))
            }
            Err(blocked) => {
                self.cache.clear_for(request);
                Ok(Err(blocked))
            }
        }
    }
}

/// Where a response redirects to: its `Location`, when its status is a
/// redirect status.
fn redirect_location<R>(response: &Response<R>) -> Option<String> {
    let location = response.headers().get(LOCATION)?;
    is_redirect(response.status())
        .then(|| String::from_utf8_lossy(location.as_bytes()).into_owned())
}

async fn call<S, B, R>(
    service: &mut S,
    request: Request<B>,
) -> Result<Response<R>, FetchError<S::Error>>
where
    S: Service<Request<B>, Response = Response<R>>,
{
    poll_fn(|cx| service.poll_ready(cx))
        .await
        .map_err(FetchError::Service)?;
    service.call(request).await.map_err(FetchError::Service)
}

/// Why [`Browser::fetch`] produced no verdict.
#[derive(Debug)]
pub enum FetchError<E> {
    /// `fetch()` would throw before sending anything.
    InvalidRequest(InvalidRequest),
    /// A redirect could not be followed (a network error in a browser).
    Redirect(InvalidRedirect),
    /// The service failed.
    Service(E),
}

impl<E: fmt::Display> fmt::Display for FetchError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::InvalidRequest(e) => write!(f, "fetch() throws: {e}"),
            FetchError::Redirect(e) => write!(f, "network error: {e}"),
            FetchError::Service(e) => write!(f, "the service failed: {e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for FetchError<E> {}

/// Whether an exchange was a preflight or (a hop of) the actual request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExchangeKind {
    /// The `OPTIONS` preflight.
    Preflight,
    /// The actual request, or one of its redirects.
    Actual,
}

/// One request the browser sent and the response's head.
#[derive(Debug, Clone)]
pub struct Exchange {
    kind: ExchangeKind,
    request: Request<()>,
    status: StatusCode,
    headers: HeaderMap,
}

impl Exchange {
    fn new<R>(kind: ExchangeKind, request: Request<()>, response: &Response<R>) -> Self {
        Self {
            kind,
            request,
            status: response.status(),
            headers: response.headers().clone(),
        }
    }

    /// Preflight or actual.
    pub fn kind(&self) -> ExchangeKind {
        self.kind
    }

    /// Whether it was a preflight.
    pub fn is_preflight(&self) -> bool {
        self.kind == ExchangeKind::Preflight
    }

    /// The request as sent (its body was empty).
    pub fn request(&self) -> &Request<()> {
        &self.request
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

/// What a [`Browser::fetch`] came to: every exchange, the verdict and,
/// when script can read it, the response (for a form, the new document).
///
/// Two questions, answered apart: did the request reach the service
/// ([`was_sent`](Outcome::was_sent): its effect happened, unless the service
/// refused it), and can the page read the answer
/// ([`is_readable`](Outcome::is_readable)).
#[derive(Debug)]
pub struct Outcome<R> {
    exchanges: Vec<Exchange>,
    verdict: Verdict,
    response: Option<Response<R>>,
    document: Option<Response<R>>,
}

impl<R> Outcome<R> {
    fn refused(exchanges: Vec<Exchange>, blocked: Blocked) -> Self {
        Self {
            exchanges,
            verdict: Verdict::Blocked(blocked),
            response: None,
            document: None,
        }
    }

    /// An allowed final response: script reads it when the verdict says so;
    /// otherwise a navigation's (a form's) becomes the new document.
    fn delivered(
        exchanges: Vec<Exchange>,
        allowed: Allowed,
        response: Response<R>,
        navigation: bool,
    ) -> Self {
        let (response, document) = if allowed.is_readable() {
            (Some(response), None)
        } else if navigation {
            (None, Some(response))
        } else {
            (None, None)
        };
        Self {
            exchanges,
            verdict: Verdict::Allowed(allowed),
            response,
            document,
        }
    }

    /// Whether the actual request was sent to the service, after any
    /// preflight: whatever the service does with it happened, unless it
    /// refused it (see its answer in [`exchanges`](Outcome::exchanges)). A
    /// simple cross-origin request is sent before the browser checks the
    /// answer, so it is sent even when the verdict is blocked.
    pub fn was_sent(&self) -> bool {
        self.exchanges.iter().any(|e| !e.is_preflight())
    }

    /// Whether the page's script can read the response (its status, body
    /// and [`readable_headers`](Outcome::readable_headers)): an allowed
    /// `cors` request, or a same-origin `no-cors` one. Never a `no-cors`
    /// response from another origin (opaque) nor a form's (which becomes
    /// the new [`document`](Outcome::document) instead: the user sees it,
    /// the page that sent the form does not read it).
    pub fn is_readable(&self) -> bool {
        self.response.is_some()
    }

    /// A form's final response, which the browser shows as the new
    /// top-level document in place of the page.
    pub fn document(&self) -> Option<&Response<R>> {
        self.document.as_ref()
    }

    /// The verdict.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// Whether the fetch succeeds: for a `cors` request, whether script
    /// gets the response (see [`is_readable`](Outcome::is_readable) for
    /// every kind).
    pub fn is_allowed(&self) -> bool {
        self.verdict.is_allowed()
    }

    /// The refusal, if blocked.
    pub fn blocked(&self) -> Option<&Blocked> {
        self.verdict.blocked()
    }

    /// The allowed verdict (readable headers, warnings), if allowed.
    pub fn allowed(&self) -> Option<&Allowed> {
        self.verdict.allowed()
    }

    /// Every request sent, in order, with its response's head.
    pub fn exchanges(&self) -> &[Exchange] {
        &self.exchanges
    }

    /// How many preflights were sent.
    pub fn preflights(&self) -> usize {
        self.exchanges.iter().filter(|e| e.is_preflight()).count()
    }

    /// The final response, as the service returned it, when script can
    /// read it.
    pub fn response(&self) -> Option<&Response<R>> {
        self.response.as_ref()
    }

    /// The final response, when script can read it.
    pub fn into_response(self) -> Option<Response<R>> {
        self.response
    }

    /// The response headers script can read (empty when blocked).
    pub fn readable_headers(&self) -> HeaderMap {
        let mut readable = HeaderMap::new();
        if let (Some(allowed), Some(response)) = (self.allowed(), &self.response) {
            for (name, value) in response.headers() {
                if allowed.readable_header_names().contains(name) {
                    readable.append(name.clone(), value.clone());
                }
            }
        }
        readable
    }
}

#[cfg(test)]
mod tests;
