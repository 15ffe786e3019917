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
    /// `HEAD` and `OPTIONS`), and every WebSocket handshake, from an origin
    /// this policy does not allow. **On by default** for every policy that
    /// lists origins (exact, patterns or predicates), with or without
    /// [credentials](Self::allow_credentials); off for `"*"`, which allows
    /// every origin.
    ///
    /// **Why.** CORS decides who may *read* a response, not who may *send* a
    /// request. A page on any site can send a form `POST`, a
    /// `fetch(url, {method: "POST", mode: "no-cors", credentials: "include"})`
    /// or a `text/plain` `POST` to your API with your users' cookies and no
    /// preflight: the handler runs, and only its answer is hidden. The
    /// cookies go with it whatever the API's CORS headers say:
    /// `Access-Control-Allow-Credentials` decides what a page may read, not
    /// what the browser attaches (only the cookie's `SameSite` attribute
    /// does). Likewise a page can open `new WebSocket("wss://your.api/ws")`:
    /// browsers apply no CORS to WebSockets, so if the server upgrades, the
    /// page reads and writes on the socket as the user (cross-site WebSocket
    /// hijacking). With the guard, the origins allowed to read (the list,
    /// the patterns and the predicates, exactly as for CORS) are the only
    /// cross-origin ones allowed to write or to open a socket. That is
    /// cross-site request forgery protection without a second allowlist to
    /// keep in step.
    ///
    /// **How a request is judged** (the layer never reads the body):
    /// - a safe method (`GET`, `HEAD`, `OPTIONS`) passes, unless it is a
    ///   WebSocket handshake (`GET` with `Upgrade: websocket`, or HTTP/2's
    ///   extended `CONNECT`, see below): keep handlers of safe methods free
    ///   of side effects;
    /// - `Sec-Fetch-Site: same-origin` or `none` (typed in the address bar,
    ///   a bookmark) passes; `same-site` or `cross-site` passes only if the
    ///   policy allows the request's `Origin`
    ///   ([Fetch Metadata](https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header));
    /// - without `Sec-Fetch-Site`, an `Origin` must be one the policy allows,
    ///   one of the [`server_origins`](Self::server_origins), or the
    ///   request's own origin: its host and port are those of the `Host`
    ///   header (or the URI's authority, as in HTTP/2), its scheme that of
    ///   the URI when it has one, and either `http` or `https` when it has
    ///   none. Current browsers send no `Sec-Fetch-*` at all to an origin
    ///   that is not potentially trustworthy (plain `http://` to anything but
    ///   loopback, e.g. `http://intranet.corp`), so this is how *your own
    ///   pages'* writes are judged there: behind a proxy that rewrites `Host`
    ///   (nginx's default `proxy_set_header Host $proxy_host`), list the
    ///   public origins in [`server_origins`](Self::server_origins) or pass
    ///   `Host` through (`proxy_set_header Host $host`);
    /// - a request with neither header (curl, server-to-server calls)
    ///   passes: only browsers send cookies on a user's behalf, and they
    ///   always send `Origin` on a write and on a WebSocket handshake.
    ///
    /// An HTTP/2 WebSocket handshake ([RFC 8441](https://www.rfc-editor.org/rfc/rfc8441))
    /// is a `CONNECT` whose `:protocol` is `websocket`. The library does not
    /// depend on hyper, whose request extension carries `:protocol`, so it
    /// recognises the handshake by `CONNECT` with `Sec-WebSocket-Version`,
    /// which RFC 8441 requires on it: such a request is judged as a
    /// handshake, and any other `CONNECT` (browsers never let a page send
    /// one) as a write.
    ///
    /// **What it breaks.** Endpoints that must accept cross-site browser
    /// `POST`s by design (OAuth `form_post` responses, the SAML POST
    /// binding, payment-provider returns): exempt them with
    /// [`exempt_from_write_guard`](Self::exempt_from_write_guard). Pages on
    /// origins you do not list that post forms or open sockets to you: list
    /// them. Roll the guard out with [`guard_report_only`](Self::guard_report_only)
    /// to see first what it would refuse. `guard_writes(false)` turns it off
    /// and, for a policy that lists origins, adds a
    /// [`PolicyWarning`](crate::PolicyWarning) saying what that leaves open.
    ///
    /// ```
    /// use http::{Method, Request};
    /// use tower_cors::{CorsPolicy, Decision, RefusalReason};
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .build()?; // guards writes: it lists origins
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

    /// Lets the [write guard](Self::guard_writes) and
    /// [resource isolation](Self::isolate_resources) pass every request for
    /// which `exempt` returns `true`, from any origin. It sees the request's
    /// head and is asked only about a request one of them would refuse.
    ///
    /// For endpoints that receive cross-site browser `POST`s by design:
    /// - an OAuth 2.0 / OpenID Connect callback with
    ///   `response_mode=form_post` (the identity provider's page posts the
    ///   code to you);
    /// - a SAML assertion consumer service (HTTP-POST binding);
    /// - a payment provider's return or 3-D Secure callback;
    /// - with isolation, resources meant to be embedded by other sites (a
    ///   public widget script, images for e-mails).
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

    /// Report-only rollout: the [write guard](Self::guard_writes) and
    /// [resource isolation](Self::isolate_resources) let through every
    /// request they would refuse, and say so instead: the decision is
    /// [`Decision::Reported`](crate::Decision::Reported), with the refusal
    /// (`cross-origin-write`, `cross-origin-websocket`, `cross-site-resource`)
    /// the enforcing policy would answer `403` with. With the `tracing`
    /// feature each is one `debug` event on target `tower_cors` (field
    /// `report_only = true`), and in [explain mode](Self::dangerously_explain_refusals)
    /// the response carries the `x-cors-refusal` explanation. Off by
    /// default.
    ///
    /// Turn a live API's guard or isolation on this way first, as web.dev
    /// recommends for Fetch Metadata policies: watch the log for the
    /// requests that would be refused (a partner's form, a widget on another
    /// site, your own pages behind a proxy that rewrites `Host`), list or
    /// exempt them, then drop report-only. It protects nothing meanwhile.
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::{CorsPolicy, Decision, RefusalReason};
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .guard_report_only(true)
    ///     .build()?;
    /// let forged = Request::post("https://api.example.com/transfer")
    ///     .header("origin", "https://evil.example")
    ///     .header("sec-fetch-site", "cross-site")
    ///     .body(())?;
    /// let decision = policy.evaluate_request(&forged);
    /// // Passed on (without CORS headers), and reported.
    /// assert!(matches!(decision, Decision::Reported(..)));
    /// assert_eq!(decision.refusal().unwrap().reason(), RefusalReason::CrossOriginWrite);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn guard_report_only(mut self, report_only: bool) -> Self {
        self.settings.guard_report_only = report_only;
        self
    }

    /// The public origins the server itself is reached at, e.g.
    /// `["https://shop.example.com"]`: a write or WebSocket handshake whose
    /// `Origin` is one of them is same-origin for the
    /// [write guard](Self::guard_writes) and for
    /// [resource isolation](Self::isolate_resources). They are not allowed
    /// to read anything cross-origin by this (that is
    /// [`allow_origins`](Self::allow_origins)).
    ///
    /// **When you need it.** Browsers send no `Sec-Fetch-Site` to an origin
    /// that is not potentially trustworthy (plain `http://` to a name that
    /// is not loopback), so the guard compares your own pages' `Origin`
    /// with the `Host` header the request arrived with. A reverse proxy
    /// that rewrites `Host` (nginx's default `proxy_set_header Host
    /// $proxy_host`, a load balancer that sends the backend's name) makes
    /// every same-origin form post look cross-origin, and the guard refuses
    /// it. Declaring the origins your users see keeps those writes working
    /// without trusting any forwarded header.
    ///
    /// Each is written exactly as browsers send an `Origin`
    /// (`scheme://host[:port]`, lower case, no path); patterns and `"*"` are
    /// refused.
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::{CorsPolicy, Decision};
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://partner.example"])
    ///     .server_origins(["http://intranet.corp"])
    ///     .build()?;
    /// // The app's own form, through a proxy that sent `Host: 10.0.0.7:8080`.
    /// let own = Request::post("/orders")
    ///     .header("host", "10.0.0.7:8080")
    ///     .header("origin", "http://intranet.corp")
    ///     .body(())?;
    /// assert!(!matches!(policy.evaluate_request(&own), Decision::WriteRefused(_)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn server_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.settings
            .server_origins
            .extend(origins.into_iter().map(|o| o.as_ref().to_owned()));
        self
    }
}

impl CorsPolicy {
    /// Whether the write guard and resource isolation only report what they
    /// would refuse (see
    /// [`guard_report_only`](CorsPolicyBuilder::guard_report_only)).
    pub fn guard_is_report_only(&self) -> bool {
        self.inner.settings.guard_report_only
    }

    /// The public origins the server is reached at (see
    /// [`server_origins`](CorsPolicyBuilder::server_origins)).
    pub fn server_origins(&self) -> &[String] {
        &self.inner.settings.server_origins
    }

    /// Whether the policy refuses cross-origin writes and WebSocket
    /// handshakes from origins it does not allow (see [`guard_writes`](CorsPolicyBuilder::guard_writes)).
    pub fn guards_writes(&self) -> bool {
        self.inner.guard_writes
    }
}
