//! Resource isolation's setting: whether the policy refuses cross-site
//! requests that neither CORS nor a top-level navigation allows.

use super::builder::CorsPolicyBuilder;
use super::CorsPolicy;

impl CorsPolicyBuilder {
    /// Refuses, with `403 Forbidden` and before the inner service sees it,
    /// every request from another site that is neither allowed by this
    /// policy nor a top-level navigation: the
    /// [Fetch Metadata resource isolation policy](https://web.dev/articles/fetch-metadata)
    /// drawn from the same allowlist as CORS. Off by default.
    ///
    /// **Why.** CORS only governs what `fetch()` in `cors` mode may read. A
    /// page on another site can still *load* your API's resources with the
    /// user's cookies through `<script src>`, `<img src>`, `<link>`,
    /// `<object>`, or a `no-cors` `fetch()`: the response is not readable by
    /// script, but it runs as script (cross-site script inclusion), leaks
    /// through its size, timing or errors (cross-site leaks), or lands in
    /// the attacker's process where a Spectre-class read can reach it.
    /// Isolation refuses those loads before the handler runs.
    ///
    /// **How a request is judged**, by its
    /// [Fetch Metadata](https://w3c.github.io/webappsec-fetch-metadata/)
    /// (any method; preflights are left to CORS):
    /// - no `Sec-Fetch-Site` (an older browser, or a plain-`http` origin
    ///   browsers send none to, or no browser at all) passes;
    /// - `same-origin` and `none` (the user's own action) pass;
    /// - `same-site` and `cross-site` pass when the policy allows the
    ///   request's `Origin` (a `cors`-mode `fetch()` from an allowed page),
    ///   when the `Origin` is one of the [`server_origins`](Self::server_origins),
    ///   or when it is a top-level navigation: `Sec-Fetch-Mode: navigate`, a
    ///   safe method (`GET` or `HEAD`), and `Sec-Fetch-Dest` neither
    ///   `object` nor `embed` (a link followed to your API still works);
    /// - anything else is refused ([`RefusalReason::CrossSiteResource`](crate::RefusalReason::CrossSiteResource)),
    ///   unless [`exempt_from_write_guard`](Self::exempt_from_write_guard)
    ///   exempts it.
    ///
    /// Framing (`<iframe>`, `Sec-Fetch-Dest: iframe`) passes as a navigation,
    /// as in web.dev's policy: refuse it with `Content-Security-Policy:
    /// frame-ancestors`.
    ///
    /// **What it breaks.** Anything other sites load without CORS: public
    /// images, scripts or stylesheets served by the same service, `<object>`
    /// and `<embed>` of your resources, `<form method=post>` navigations
    /// from other sites (already refused by the write guard). Serve those from another service, exempt
    /// them, or list the embedding origins when their requests carry
    /// `Origin`. Roll it out with [`guard_report_only`](Self::guard_report_only).
    /// A shared cache between users must not hand a response stored for one
    /// request's `Sec-Fetch-*` to another's: keep isolated responses
    /// `private` or add `Vary: Sec-Fetch-Site, Sec-Fetch-Mode, Sec-Fetch-Dest`.
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::{CorsPolicy, Decision, RefusalReason};
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .isolate_resources(true)
    ///     .build()?;
    /// // `<script src="https://api.example.com/me.js">` on another site.
    /// let inclusion = Request::get("https://api.example.com/me.js")
    ///     .header("sec-fetch-site", "cross-site")
    ///     .header("sec-fetch-mode", "no-cors")
    ///     .header("sec-fetch-dest", "script")
    ///     .body(())?;
    /// let decision = policy.evaluate_request(&inclusion);
    /// assert_eq!(decision.refusal().unwrap().reason(), RefusalReason::CrossSiteResource);
    ///
    /// // A link followed from another site still opens.
    /// let link = Request::get("https://api.example.com/docs")
    ///     .header("sec-fetch-site", "cross-site")
    ///     .header("sec-fetch-mode", "navigate")
    ///     .header("sec-fetch-dest", "document")
    ///     .body(())?;
    /// assert!(matches!(policy.evaluate_request(&link), Decision::NotCors(_)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn isolate_resources(mut self, isolate: bool) -> Self {
        self.settings.isolate_resources = isolate;
        self
    }
}

impl CorsPolicy {
    /// Whether the policy refuses cross-site requests that neither CORS
    /// nor a top-level navigation allows (see
    /// [`isolate_resources`](CorsPolicyBuilder::isolate_resources)).
    pub fn isolates_resources(&self) -> bool {
        self.inner.settings.isolate_resources
    }
}
