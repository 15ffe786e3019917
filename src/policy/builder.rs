//! [`CorsPolicyBuilder`]: the settings of a policy, collected but not yet checked.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

use super::guard::WriteExemption;
use super::predicate::{AsyncOriginPredicate, OriginPredicate};
use super::settings::Settings;
use super::{render, validate, warnings, CorsPolicy};
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
#[derive(Clone, Default)]
#[must_use = "a builder does nothing until `.build()` is called"]
pub struct CorsPolicyBuilder {
    pub(super) settings: Settings,
    pub(super) origin_predicate: Option<OriginPredicate>,
    pub(super) async_origin_predicate: Option<AsyncOriginPredicate>,
    pub(super) write_exemption: Option<WriteExemption>,
}

impl fmt::Debug for CorsPolicyBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsPolicyBuilder")
            .field("settings", &self.settings)
            .field("origin_predicate", &self.origin_predicate.is_some())
            .field(
                "async_origin_predicate",
                &self.async_origin_predicate.is_some(),
            )
            .field("write_exemption", &self.write_exemption.is_some())
            .finish()
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
        extend(&mut self.settings.allow_origins, origins);
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
        extend(&mut self.settings.allow_methods, methods);
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
        extend(&mut self.settings.allow_headers, headers);
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
        extend(&mut self.settings.expose_headers, headers);
        self
    }

    /// Sends [`Timing-Allow-Origin`](https://w3c.github.io/resource-timing/#sec-timing-allow-origin)
    /// with the allowed origin on every actual response to an allowed
    /// origin (and `*` for a policy that allows any), so that those pages'
    /// `PerformanceResourceTiming` entries for your API carry the details
    /// (DNS, connect, request and response times, sizes) browsers otherwise
    /// zero for cross-origin resources. Other origins get nothing, and the
    /// answer varies on `Origin` as the CORS headers do. Off by default.
    ///
    /// **Risk.** Timing details are a cross-site leak channel (response
    /// sizes, cache state): they go only to the origins already allowed to
    /// read the responses, never to others.
    ///
    /// ```
    /// use http::{HeaderMap, Method};
    /// use tower_cors::{CorsPolicy, Decision};
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .timing_allow_origin(true)
    ///     .build()?;
    /// let mut request = HeaderMap::new();
    /// request.insert("origin", "https://app.example.com".parse()?);
    /// let Decision::ActualAllowed(cors) = policy.evaluate(&Method::GET, &request) else {
    ///     panic!("allowed");
    /// };
    /// let mut response = HeaderMap::new();
    /// cors.apply_to(&mut response);
    /// assert_eq!(response["timing-allow-origin"], "https://app.example.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timing_allow_origin(mut self, send: bool) -> Self {
        self.settings.timing_allow_origin = send;
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
        self.settings.allow_credentials = allow;
        self
    }

    /// How long a browser may cache a preflight answer
    /// ([`Access-Control-Max-Age`](https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Max-Age)),
    /// in whole seconds (fractions are dropped). At most 24 hours (Firefox's
    /// cap); the other engines cap it lower, WebKit (Safari) at 10 minutes and
    /// Chromium at 2 hours, and a longer value gets a
    /// [`PolicyWarning`](crate::PolicyWarning) saying what each keeps.
    /// `Duration::ZERO` disables caching. Unset, browsers cache for 5 seconds.
    ///
    /// A cached preflight is not asked again: an origin removed from the
    /// policy can keep *sending* preflighted requests until its cached answer
    /// expires (it still cannot read the responses, whose
    /// `Access-Control-Allow-Origin` is checked every time). Keep `max_age`
    /// short where origins are revoked at run time.
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
        self.settings.max_age = Some(max_age);
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
        self.settings.preflight_status = Some(status);
        self
    }

    /// **Dangerous.** Accepts plain `http://` origins that are not loopback
    /// together with credentials.
    ///
    /// Anyone on the network path of such an origin can inject script into
    /// it and then read your users' authenticated data. Only for closed test
    /// networks.
    pub fn dangerously_allow_insecure_origins_with_credentials(mut self, allow: bool) -> Self {
        self.settings.insecure_origins_with_credentials = allow;
        self
    }

    /// Answers Private Network Access preflights: a preflight carrying
    /// `Access-Control-Request-Private-Network: true` that passes every other
    /// check gets `Access-Control-Allow-Private-Network: true`. Off by
    /// default; when off such preflights are answered as usual, without it.
    ///
    /// **No current browser needs it.** Chromium 142 and later replaced
    /// Private Network Access preflights with the Local Network Access
    /// permission prompt: a public page that calls a private or loopback
    /// address now asks the user (and from a non-secure `http:` page is
    /// blocked outright), and no longer sends
    /// `Access-Control-Request-Private-Network`. Firefox is rolling out the
    /// same prompt, and WebKit has it behind a flag. No response header
    /// grants or refuses that permission. What works instead: serve the API
    /// from a public address when public pages call it, or serve the page
    /// from the same address space (both on `localhost` in development);
    /// serve the page over `https` so that the user can at least be asked;
    /// on managed browsers, allow the page's origin by enterprise policy
    /// (`LocalNetworkAccessAllowedForUrls`). `cors-check` reports
    /// `local-network-access` from the address it actually connected to.
    ///
    /// Turning this on therefore adds a
    /// [`PolicyWarning`](crate::PolicyWarning); keep it only for older
    /// Chromium builds (or enterprise policies) that still send the header.
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
        self.settings.allow_private_network = allow;
        self
    }

    /// Hands every preflight on to the inner service after the layer has
    /// decided it, instead of answering it alone, for apps that log, meter or
    /// rate-limit `OPTIONS` requests (what rs/cors calls `OptionsPassthrough`
    /// and Express `preflightContinue`). Off by default.
    ///
    /// The decision is the same as without it: the layer sets exactly the
    /// headers it would have answered with (the `Access-Control-Allow-*`
    /// headers of an allowed preflight; none for a refused one) and merges
    /// them into the inner service's response, replacing any
    /// `Access-Control-Allow-*` header the service set and appending to its
    /// `Vary`. The **status is the inner service's**, and the browser fails
    /// every preflight whose status is not 2xx.
    ///
    /// **When it is a bad idea:**
    /// - a router without an `OPTIONS` route answers `405 Method Not
    ///   Allowed` (axum) or `404`, and every preflight fails: add an
    ///   `OPTIONS` handler (or a fallback) that answers `204` to every path
    ///   the API serves;
    /// - an authentication layer inside this one rejects the preflight with
    ///   `401`: browsers never send credentials on a preflight, so auth must
    ///   let `OPTIONS` through;
    /// - a rate limiter that answers `429` to a preflight blocks the actual
    ///   request too, and the page sees only a CORS error;
    /// - handlers with side effects run for requests the policy refused.
    ///
    /// Without it none of this can happen: the inner service never sees a
    /// preflight.
    ///
    /// ```
    /// use axum::{routing::{get, options}, Router};
    /// use tower_cors::{CorsLayer, CorsPolicy};
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods(["PUT"])
    ///     .preflight_passthrough(true)
    ///     .build()?;
    /// let app: Router = Router::new()
    ///     // The preflight reaches this handler (to be counted), with the
    ///     // layer's CORS headers merged into its 204.
    ///     .route("/items", get(|| async { "[]" }).options(|| async {
    ///         http::StatusCode::NO_CONTENT
    ///     }))
    ///     .layer(CorsLayer::new(policy));
    /// # let _ = options::<(), _, ()>;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn preflight_passthrough(mut self, pass: bool) -> Self {
        self.settings.preflight_passthrough = pass;
        self
    }

    /// **Development only.** Adds an `x-cors-refusal` header to every refused
    /// preflight and to responses for disallowed origins, saying why and
    /// what the policy would need (e.g. `method-not-allowed: method "patch"
    /// is not allowed ...; fix: add "patch" to allow_methods ...`), so that
    /// the browser's network panel shows the fix.
    ///
    /// A preflight from an allowed origin that fails only on its method or a
    /// header is then answered with the allowed status and
    /// `Access-Control-Allow-Origin` (and `-Credentials`), but without the
    /// refused method or header, so that the browser's console names the
    /// real cause (`MethodDisallowedByPreflightResponse`,
    /// `HeaderDisallowedByPreflightResponse` in Chromium) instead of a
    /// missing `Access-Control-Allow-Origin`; the browser still refuses the
    /// request. See [`RefusedPreflight`](crate::RefusedPreflight).
    ///
    /// This tells anyone who asks what your policy allows: never enable it in
    /// production. Off, a refusal discloses nothing.
    pub fn dangerously_explain_refusals(mut self, explain: bool) -> Self {
        self.settings.explain_refusals = explain;
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
        let warnings = warnings::find(&checked);
        Ok(render::render(checked, self, warnings))
    }

    /// Checks every setting without compiling a policy: what
    /// [`build`](Self::build) would report, for readers of settings (the
    /// environment) that hand the policy itself to their caller.
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        validate::validate(self).map(drop)
    }
}
