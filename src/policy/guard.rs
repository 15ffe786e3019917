//! The write guard's settings: whether the policy refuses cross-origin
//! writes from origins it does not allow, and which requests are exempt.

use std::sync::Arc;

use http::request;

use super::builder::CorsPolicyBuilder;
use super::CorsPolicy;

/// A user's test for requests the write guard lets through by design.
pub(crate) type WriteExemption = Arc<dyn Fn(&request::Parts) -> bool + Send + Sync>;

impl CorsPolicyBuilder {
    /// Refuses, with `403 Forbidden` and before the inner service sees it,
    /// every cross-origin request with an unsafe method (anything but `GET`,
    /// `HEAD` and `OPTIONS`) from an origin this policy does not allow. On
    /// by default when [credentials](Self::allow_credentials) are allowed,
    /// off otherwise.
    ///
    /// **Why.** CORS decides who may *read* a response, not who may *send* a
    /// request. A page on any site can send a form `POST`, a
    /// `fetch(url, {method: "POST", mode: "no-cors", credentials: "include"})`
    /// or a `text/plain` `POST` to your API with your users' cookies and no
    /// preflight: the handler runs, and only its answer is hidden. With the
    /// guard, the origins allowed to read (the list, the patterns and the
    /// predicates, exactly as for CORS) are the only cross-origin ones
    /// allowed to write. That is cross-site request forgery protection
    /// without a second allowlist to keep in step.
    ///
    /// **How a request is judged** (the layer never reads the body):
    /// - a safe method (`GET`, `HEAD`, `OPTIONS`) always passes: keep
    ///   handlers of safe methods free of side effects;
    /// - `Sec-Fetch-Site: same-origin` or `none` (typed in the address bar,
    ///   a bookmark) passes; `same-site` or `cross-site` passes only if the
    ///   policy allows the request's `Origin`
    ///   ([Fetch Metadata](https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header),
    ///   sent by every current engine);
    /// - without `Sec-Fetch-Site` (older browsers), an `Origin` must be one
    ///   the policy allows or the request's own origin: its host and port
    ///   are those of the `Host` header (or the URI's authority, as in
    ///   HTTP/2), its scheme that of the URI when it has one, and either
    ///   `http` or `https` when it has none, as behind a TLS-terminating
    ///   proxy (which must pass `Host` through: nginx's
    ///   `proxy_set_header Host $host`);
    /// - a request with neither header (curl, server-to-server calls)
    ///   passes: only browsers send cookies on a user's behalf.
    ///
    /// **What it breaks.** Endpoints that must accept cross-site browser
    /// `POST`s by design (OAuth `form_post` responses, the SAML POST
    /// binding, payment-provider returns): exempt them with
    /// [`exempt_from_write_guard`](Self::exempt_from_write_guard). Without
    /// credentials the guard is off by default, since writes then carry no
    /// user's cookies; turn it on for APIs that authenticate by something
    /// the browser attaches on its own (client certificates, an intranet's
    /// network position).
    ///
    /// ```
    /// use http::{Method, Request};
    /// use tower_cors::{CorsPolicy, Decision, RefusalReason};
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true) // guards writes unless told otherwise
    ///     .build()?;
    /// assert!(policy.guards_writes());
    ///
    /// // An auto-submitted form on another site: refused before the handler.
    /// let forged = Request::post("https://api.example.com/transfer")
    ///     .header("origin", "https://evil.example")
    ///     .header("sec-fetch-site", "cross-site")
    ///     .body(())?;
    /// let decision = policy.evaluate_request(&forged);
    /// assert!(matches!(decision, Decision::WriteRefused(_)));
    /// assert_eq!(decision.refusal().unwrap().reason(), RefusalReason::CrossOriginWrite);
    ///
    /// // The allowed front end writes as before.
    /// let allowed = Request::post("https://api.example.com/transfer")
    ///     .header("origin", "https://app.example.com")
    ///     .header("sec-fetch-site", "same-site")
    ///     .body(())?;
    /// assert!(matches!(policy.evaluate_request(&allowed), Decision::ActualAllowed(_)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn guard_writes(mut self, guard: bool) -> Self {
        self.settings.guard_writes = Some(guard);
        self
    }

    /// Lets the [write guard](Self::guard_writes) pass every request for
    /// which `exempt` returns `true`, from any origin. It sees the request's
    /// head and is asked only about a request the guard would refuse.
    ///
    /// For endpoints that receive cross-site browser `POST`s by design:
    /// - an OAuth 2.0 / OpenID Connect callback with
    ///   `response_mode=form_post` (the identity provider's page posts the
    ///   code to you);
    /// - a SAML assertion consumer service (HTTP-POST binding);
    /// - a payment provider's return or 3-D Secure callback.
    ///
    /// **Risk.** An exempt endpoint is as open to cross-site request forgery
    /// as it was without the guard: it must authenticate the request itself
    /// (the `state` parameter or nonce of OAuth, the signed SAML response,
    /// the provider's signature) and must not act on the user's cookies
    /// alone. Match exact paths, not prefixes.
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::{CorsPolicy, Decision};
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_credentials(true)
    ///     .exempt_from_write_guard(|head| head.uri.path() == "/oauth/callback")
    ///     .build()?;
    /// let callback = Request::post("https://api.example.com/oauth/callback")
    ///     .header("origin", "https://login.identity.example")
    ///     .header("sec-fetch-site", "cross-site")
    ///     .body(())?;
    /// // Passed on (without CORS headers: the provider's page reads nothing).
    /// assert!(matches!(policy.evaluate_request(&callback), Decision::ActualRefused(..)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exempt_from_write_guard<F>(mut self, exempt: F) -> Self
    where
        F: Fn(&request::Parts) -> bool + Send + Sync + 'static,
    {
        self.write_exemption = Some(Arc::new(exempt));
        self
    }
}

impl CorsPolicy {
    /// Whether the policy refuses cross-origin writes from origins it does
    /// not allow (see [`guard_writes`](CorsPolicyBuilder::guard_writes)).
    pub fn guards_writes(&self) -> bool {
        self.inner.guard_writes
    }
}
