//! [`CorsPolicyBuilder`]: the settings of a policy, collected but not yet checked.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use http::{request, StatusCode};

use super::{render, validate, CorsPolicy, OriginPredicate};
use crate::error::ConfigError;

/// Collects the settings of a [`CorsPolicy`]; [`build`](Self::build) checks
/// them all at once.
///
/// Every list method accepts anything iterable over string-like items
/// (`&str`, `String`, [`http::Method`], [`http::HeaderName`]) and adds to
/// what is already there. `"*"` means "any" and must stand alone in its
/// list, except that `allow_headers(["*", "authorization"])` means "any, and
/// `Authorization` too": the Fetch standard never lets `*` cover
/// `Authorization`, so it must always be listed by name.
#[derive(Clone)]
#[must_use = "a builder does nothing until `.build()` is called"]
pub struct CorsPolicyBuilder {
    pub(super) origins: Vec<String>,
    pub(super) methods: Vec<String>,
    pub(super) headers: Vec<String>,
    pub(super) expose_headers: Vec<String>,
    pub(super) credentials: bool,
    pub(super) max_age: Option<Duration>,
    pub(super) preflight_status: StatusCode,
    pub(super) insecure_origins: bool,
    pub(super) origin_predicate: Option<OriginPredicate>,
    pub(super) predicate_with_credentials: bool,
    pub(super) private_network: bool,
    pub(super) explain_refusals: bool,
}

impl fmt::Debug for CorsPolicyBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsPolicyBuilder")
            .field("allow_origins", &self.origins)
            .field("allow_methods", &self.methods)
            .field("allow_headers", &self.headers)
            .field("expose_headers", &self.expose_headers)
            .field("allow_credentials", &self.credentials)
            .field("max_age", &self.max_age)
            .field("preflight_status", &self.preflight_status)
            .field("origin_predicate", &self.origin_predicate.is_some())
            .field("allow_private_network", &self.private_network)
            .field("explain_refusals", &self.explain_refusals)
            .finish_non_exhaustive()
    }
}

impl Default for CorsPolicyBuilder {
    fn default() -> Self {
        Self {
            origins: Vec::new(),
            methods: Vec::new(),
            headers: Vec::new(),
            expose_headers: Vec::new(),
            credentials: false,
            max_age: None,
            preflight_status: StatusCode::NO_CONTENT,
            insecure_origins: false,
            origin_predicate: None,
            predicate_with_credentials: false,
            private_network: false,
            explain_refusals: false,
        }
    }
}

fn extend<I>(list: &mut Vec<String>, items: I)
where
    I: IntoIterator,
    I::Item: AsRef<str>,
{
    list.extend(items.into_iter().map(|s| s.as_ref().to_owned()));
}

impl CorsPolicyBuilder {
    /// Origins allowed to make cross-origin requests
    /// ([`Access-Control-Allow-Origin`](https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Allow-Origin)).
    ///
    /// Each is written exactly as a browser sends it: `scheme://host[:port]`,
    /// lower case, no path or trailing slash, no default port. Two patterns
    /// are accepted, and no regular expressions:
    /// - `https://*.example.com`: any origin one or more labels below
    ///   `example.com` (not `example.com` itself, not `evilexample.com`);
    /// - `http://localhost:*`: any port, or none.
    ///
    /// `"*"` alone allows every origin, without credentials only.
    ///
    /// ```
    /// # use tower_cors::CorsPolicy;
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com", "http://localhost:*"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        extend(&mut self.origins, origins);
        self
    }

    /// Methods a preflight may ask for
    /// ([`Access-Control-Allow-Methods`](https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Allow-Methods)).
    ///
    /// GET, HEAD and POST are always allowed (browsers never preflight them
    /// for their method alone). Matching is case-sensitive, as in browsers:
    /// they upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT, so
    /// `fetch(url, {method: "patch"})` sends `patch`, which `PATCH` does not
    /// allow. `"*"` allows any method; with credentials it is answered by
    /// echoing the requested method, since browsers read `*` literally then.
    ///
    /// ```
    /// # use tower_cors::CorsPolicy;
    /// use http::Method;
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods([Method::PUT, Method::DELETE])
    ///     .allow_methods(["PATCH"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_methods<I>(mut self, methods: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        extend(&mut self.methods, methods);
        self
    }

    /// Request headers a page may send
    /// ([`Access-Control-Allow-Headers`](https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Allow-Headers)).
    ///
    /// Names are case-insensitive. Safelisted headers with safe values need
    /// no listing, but `Content-Type: application/json` is not safe: list
    /// `content-type` for JSON APIs. `"*"` allows any name except
    /// `Authorization`, which must always be listed by name; with credentials
    /// `"*"` is answered by echoing the requested names.
    ///
    /// ```
    /// # use tower_cors::CorsPolicy;
    /// use http::header;
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
    ///     .allow_headers(["x-requested-with"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_headers<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        extend(&mut self.headers, headers);
        self
    }

    /// Response headers a page may read besides the safelisted ones
    /// ([`Access-Control-Expose-Headers`](https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Expose-Headers)).
    ///
    /// `Cache-Control`, `Content-Language`, `Content-Length`, `Content-Type`,
    /// `Expires`, `Last-Modified` and `Pragma` are always readable;
    /// `Set-Cookie` never is. `"*"` exposes every header, without
    /// credentials only.
    ///
    /// ```
    /// # use tower_cors::CorsPolicy;
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .expose_headers(["x-request-id", "x-total-count"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn expose_headers<I>(mut self, headers: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        extend(&mut self.expose_headers, headers);
        self
    }

    /// Lets pages send cookies and HTTP authentication and read the answer
    /// ([`Access-Control-Allow-Credentials`](https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Allow-Credentials)).
    ///
    /// With credentials, origins must be listed (no `"*"`), must be `https://`
    /// (or loopback `http://`), and `"*"` exposed headers are refused.
    ///
    /// ```
    /// # use tower_cors::CorsPolicy;
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.credentials = allow;
        self
    }

    /// How long a browser may cache a preflight answer
    /// ([`Access-Control-Max-Age`](https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Max-Age)),
    /// in whole seconds (fractions are dropped). At most 24 hours; browsers
    /// cap it lower (Chromium at 2 hours). `Duration::ZERO` disables caching.
    /// Unset, browsers cache for 5 seconds.
    ///
    /// ```
    /// # use tower_cors::CorsPolicy;
    /// use std::time::Duration;
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .max_age(Duration::from_secs(600))
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// The status of an allowed preflight answer: `204 No Content` unless
    /// set. Must be 2xx; some old clients want `200 OK`.
    ///
    /// ```
    /// # use tower_cors::CorsPolicy;
    /// use http::StatusCode;
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .preflight_status(StatusCode::OK)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn preflight_status(mut self, status: StatusCode) -> Self {
        self.preflight_status = status;
        self
    }

    /// **Dangerous.** Accepts plain `http://` origins that are not loopback
    /// together with credentials.
    ///
    /// Anyone on the network path of such an origin can inject script into
    /// it and then read your users' authenticated data. Only for closed test
    /// networks.
    pub fn dangerously_allow_insecure_origins_with_credentials(mut self, allow: bool) -> Self {
        self.insecure_origins = allow;
        self
    }

    /// Also allows every origin for which `predicate` returns `true`, for
    /// origins that cannot be listed (e.g. one per tenant, looked up in a
    /// table). The predicate sees the request's `Origin` value exactly as
    /// sent and the request's head.
    ///
    /// A predicate that returns `true` for every origin reflects any origin
    /// into `Access-Control-Allow-Origin`. Without credentials that allows no
    /// more than `*` does (and costs a `Vary: Origin`). With credentials the
    /// policy refuses to build unless the predicate is given through
    /// [`dangerously_allow_origin_predicate_with_credentials`](Self::dangerously_allow_origin_predicate_with_credentials),
    /// because then every origin it accepts, attacker pages included, can
    /// read your users' authenticated data.
    ///
    /// **Risks.** The predicate is the security boundary for the origins it
    /// allows: it runs on attacker-controlled bytes, so compare them exactly
    /// (no `contains`, `starts_with` or unanchored regexes: `https://a.com.evil.net`
    /// starts with `https://a.com`), never allow `null`, and keep it fast and
    /// non-blocking, since it runs on every CORS request. Prefer listing
    /// origins, or a [`ReloadableCorsLayer`](crate::ReloadableCorsLayer) when
    /// the list changes at run time. With credentials, use
    /// [`dangerously_allow_origin_predicate_with_credentials`](Self::dangerously_allow_origin_predicate_with_credentials).
    ///
    /// ```
    /// # use tower_cors::CorsPolicy;
    /// let policy = CorsPolicy::builder()
    ///     .allow_origin_predicate(|origin, _parts| {
    ///         // Exact comparison against a known set.
    ///         ["https://tenant-a.example.net", "https://tenant-b.example.net"]
    ///             .iter()
    ///             .any(|o| origin.as_bytes() == o.as_bytes())
    ///     })
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_origin_predicate<F>(mut self, predicate: F) -> Self
    where
        F: Fn(&HeaderValue, &request::Parts) -> bool + Send + Sync + 'static,
    {
        self.origin_predicate = Some(Arc::new(predicate));
        self
    }

    /// **Dangerous.** Like [`allow_origin_predicate`](Self::allow_origin_predicate),
    /// and accepted together with credentials: every origin the predicate
    /// lets through can read your users' authenticated data, so a predicate
    /// mistake is a data leak. A predicate that returns `true` here is the
    /// classic "reflect the origin with credentials" hole: every site on the
    /// web can then act as your users.
    ///
    /// ```
    /// # use tower_cors::CorsPolicy;
    /// let tenants = ["https://a.example.net", "https://b.example.net"];
    /// let policy = CorsPolicy::builder()
    ///     .allow_credentials(true)
    ///     .dangerously_allow_origin_predicate_with_credentials(move |origin, _| {
    ///         tenants.iter().any(|t| origin.as_bytes() == t.as_bytes())
    ///     })
    ///     .build()?;
    /// assert!(policy.allows_credentials());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn dangerously_allow_origin_predicate_with_credentials<F>(self, predicate: F) -> Self
    where
        F: Fn(&HeaderValue, &request::Parts) -> bool + Send + Sync + 'static,
    {
        Self {
            predicate_with_credentials: true,
            ..self.allow_origin_predicate(predicate)
        }
    }

    /// Answers Private Network Access preflights: a preflight carrying
    /// `Access-Control-Request-Private-Network: true` that passes every other
    /// check gets `Access-Control-Allow-Private-Network: true`. Off by
    /// default; when off such preflights are answered as usual, without it.
    ///
    /// Chrome has put Private Network Access on hold in favour of the Local
    /// Network Access permission prompt, so this matters only to browsers
    /// that still send the header.
    ///
    /// ```
    /// # use tower_cors::CorsPolicy;
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_private_network(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_private_network(mut self, allow: bool) -> Self {
        self.private_network = allow;
        self
    }

    /// **Development only.** Adds an `x-cors-refusal` header to every refused
    /// preflight and to responses for disallowed origins, saying why and
    /// what the policy would need (e.g. `method-not-allowed: method "patch"
    /// is not allowed ...; fix: add "patch" to allow_methods ...`), so that
    /// the browser's network panel shows the fix.
    ///
    /// This tells anyone who asks what your policy allows: never enable it in
    /// production. Off, a refusal discloses nothing.
    pub fn dangerously_explain_refusals(mut self, explain: bool) -> Self {
        self.explain_refusals = explain;
        self
    }

    /// Checks every setting and renders the response headers.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] listing every problem found, each with the
    /// offending value and a hint.
    ///
    /// ```
    /// use tower_cors::{CorsPolicy, ProblemKind};
    ///
    /// let err = CorsPolicy::builder()
    ///     .allow_origins(["*"])
    ///     .allow_methods(["put"])
    ///     .allow_credentials(true)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.has(ProblemKind::WildcardOriginWithCredentials));
    /// assert!(err.has(ProblemKind::MethodNeverSentByBrowsers));
    /// ```
    pub fn build(self) -> Result<CorsPolicy, ConfigError> {
        let checked = validate::validate(&self)?;
        Ok(render::render(self, checked))
    }
}
