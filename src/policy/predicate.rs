//! Origin predicates: the builder's setters for origins that cannot be
//! listed, checked by a function (sync) or looked up (async).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use http::request;

use super::builder::CorsPolicyBuilder;
use super::deadline::TimedLookup;
use super::Inner;

/// A user's test for origins that cannot be listed.
pub(crate) type OriginPredicate = Arc<dyn Fn(&HeaderValue, &request::Parts) -> bool + Send + Sync>;

/// The pending answer of an [`AsyncOriginPredicate`].
pub(crate) type OriginLookup = Pin<Box<dyn Future<Output = bool> + Send>>;

/// A user's lookup for origins that cannot be listed (a database, a cache).
pub(crate) type AsyncOriginPredicate =
    Arc<dyn Fn(&HeaderValue, &request::Parts) -> OriginLookup + Send + Sync>;

impl Inner {
    /// Starts the async origin predicate's lookup of `origin`, bounded by
    /// the policy's `async_lookup_timeout`; `None` without a predicate.
    pub(crate) fn start_lookup(
        &self,
        origin: &HeaderValue,
        parts: &request::Parts,
    ) -> Option<TimedLookup> {
        let lookup = self.async_origin_predicate.as_ref()?;
        Some(TimedLookup::new(
            lookup(origin, parts),
            self.settings.async_lookup_timeout(),
        ))
    }
}

impl CorsPolicyBuilder {
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
        let mut builder = self.allow_origin_predicate(predicate);
        builder.settings.origin_predicate_with_credentials = true;
        builder
    }

    /// Also allows every origin for which the future returned by
    /// `predicate` resolves to `true`: for origins looked up in a database or a cache,
    /// e.g. one front end per tenant. It is asked only about origins that
    /// neither the list nor a sync [`allow_origin_predicate`](Self::allow_origin_predicate)
    /// allows, once per request; the function sees the `Origin` exactly as
    /// sent and the request head (to find the tenant from `Host` or the
    /// path), and returns a `'static` future, so clone into it what it needs.
    ///
    /// While the future is pending, a request the
    /// [write guard](Self::guard_writes) or
    /// [resource isolation](Self::isolate_resources) would refuse unless the
    /// lookup allows its origin (a write, a WebSocket handshake, an isolated
    /// load) waits, with the inner service it was to be given, and reaches
    /// that service only if the lookup allows it; any other actual request
    /// is already running in the inner service (its response is held until
    /// the answer is known, then gets the CORS headers or none); a preflight
    /// is answered when the lookup completes. Nothing of this costs anything
    /// to a policy without an async predicate, and a listed origin never
    /// waits for one.
    ///
    /// The same rules as for [`allow_origin_predicate`](Self::allow_origin_predicate)
    /// apply: compare exactly, never allow `null`, and with credentials use
    /// [`dangerously_allow_origin_predicate_async_with_credentials`](Self::dangerously_allow_origin_predicate_async_with_credentials).
    /// The lookup runs on attacker-chosen origins, so keep it cheap: cache
    /// its answers (negative ones too) and bound the cache. The layer waits
    /// at most [`async_lookup_timeout`](Self::async_lookup_timeout) (2 s
    /// unless set) for it, and then refuses the request as if the lookup
    /// had said `false` ([`RefusalReason::OriginLookupTimedOut`](crate::RefusalReason::OriginLookupTimedOut)).
    ///
    /// **Revoking an origin.** A removed tenant's origin stops getting
    /// `Access-Control-Allow-Origin` as soon as the lookup says `false`, and
    /// the [write guard](Self::guard_writes) (on for every policy that lists
    /// origins or has a predicate) refuses its writes and WebSocket
    /// handshakes from then on. A browser that cached a preflight answer
    /// keeps sending preflighted requests for up to [`max_age`](Self::max_age)
    /// without asking again: with the guard they are refused before the
    /// service; with `guard_writes(false)` they run, so keep `max_age`
    /// short and never rely on CORS alone to stop a revoked tenant's writes.
    ///
    /// ```
    /// use std::collections::HashSet;
    /// use std::sync::{Arc, RwLock};
    /// use tower_cors::CorsPolicy;
    ///
    /// // The tenants' front-end origins, kept current by the app (e.g. from
    /// // a database, with a cache in front).
    /// let tenants: Arc<RwLock<HashSet<String>>> = Arc::default();
    /// tenants.write().unwrap().insert("https://acme.example.net".to_owned());
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_origin_predicate_async({
    ///         let tenants = Arc::clone(&tenants);
    ///         move |origin, _parts| {
    ///             let tenants = Arc::clone(&tenants);
    ///             let origin = origin.to_str().map(str::to_owned);
    ///             async move {
    ///                 // e.g. `SELECT 1 FROM tenants WHERE origin = $1`
    ///                 origin.is_ok_and(|o| tenants.read().unwrap().contains(&o))
    ///             }
    ///         }
    ///     })
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn allow_origin_predicate_async<F, Fut>(mut self, predicate: F) -> Self
    where
        F: Fn(&HeaderValue, &request::Parts) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.async_origin_predicate = Some(Arc::new(move |origin, parts| {
            Box::pin(predicate(origin, parts)) as OriginLookup
        }));
        self
    }

    /// **Dangerous.** Like [`allow_origin_predicate_async`](Self::allow_origin_predicate_async),
    /// and accepted together with credentials: every origin the lookup
    /// accepts can read your users' authenticated data, so a lookup mistake
    /// (a `LIKE` instead of `=`, a cache keyed on a prefix, `true` on error)
    /// is a data leak.
    ///
    /// ```
    /// use tower_cors::CorsPolicy;
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_credentials(true)
    ///     .dangerously_allow_origin_predicate_async_with_credentials(|origin, _| {
    ///         let known = origin.as_bytes() == b"https://acme.example.net";
    ///         async move { known }
    ///     })
    ///     .build()?;
    /// assert!(policy.allows_credentials());
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn dangerously_allow_origin_predicate_async_with_credentials<F, Fut>(
        self,
        predicate: F,
    ) -> Self
    where
        F: Fn(&HeaderValue, &request::Parts) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        let mut builder = self.allow_origin_predicate_async(predicate);
        builder.settings.async_origin_predicate_with_credentials = true;
        builder
    }

    /// How long the layer (and [`CorsPolicy::evaluate_async`](crate::CorsPolicy::evaluate_async))
    /// waits for an [async origin lookup](Self::allow_origin_predicate_async):
    /// [`DEFAULT_ASYNC_LOOKUP_TIMEOUT`](crate::DEFAULT_ASYNC_LOOKUP_TIMEOUT)
    /// (2 s) unless set. A lookup still pending then counts as a refusal of
    /// its origin, with its own reason
    /// ([`RefusalReason::OriginLookupTimedOut`](crate::RefusalReason::OriginLookupTimedOut)),
    /// so that a stalled database neither holds a write (and the inner
    /// service it waits with) nor the connection for long. Whole
    /// milliseconds (finer parts are dropped), at least 1 ms; the
    /// configuration key `async_lookup_timeout` and the variable
    /// `CORS_ASYNC_LOOKUP_TIMEOUT` are in milliseconds.
    ///
    /// The time is kept by one timer thread the crate starts the first
    /// time a lookup waits (no runtime is assumed).
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_cors::CorsPolicy;
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origin_predicate_async(|origin, _| {
    ///         let known = origin.as_bytes() == b"https://acme.example.net";
    ///         async move { known }
    ///     })
    ///     .async_lookup_timeout(Duration::from_millis(250))
    ///     .build()?;
    /// # let _ = policy;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn async_lookup_timeout(mut self, timeout: Duration) -> Self {
        self.settings.async_lookup_timeout = Some(timeout);
        self
    }
}
