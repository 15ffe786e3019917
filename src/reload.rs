//! [`ReloadableCorsLayer`]: a policy that can be swapped at run time.

use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwap;
use tower_layer::Layer;

use crate::diagnostics;
use crate::layer::{Cors, PolicySource};
use crate::policy::CorsPolicy;

/// A [`CorsLayer`](crate::CorsLayer) whose policy can be replaced while the
/// server runs, through the [`PolicyHandle`] it comes with.
///
/// Each request reads the policy once, when it arrives, and is answered
/// entirely under that policy: a request in flight during a swap finishes
/// under the policy it started with, and no request ever sees half of one
/// policy and half of another. Reading costs no lock (an
/// [`arc-swap`](https://docs.rs/arc-swap) load).
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_cors::{CorsPolicy, ReloadableCorsLayer};
///
/// let policy = CorsPolicy::builder()
///     .allow_origins(["https://tenant-a.example.net"])
///     .build()?;
/// let (layer, handle) = ReloadableCorsLayer::new(policy);
/// let app: Router = Router::new().route("/", get(|| async { "ok" })).layer(layer);
///
/// // Later, e.g. after reading the tenants table again:
/// let origins = ["https://tenant-a.example.net", "https://tenant-b.example.net"];
/// handle.set(CorsPolicy::builder().allow_origins(origins).build()?);
/// assert_eq!(handle.get().origins(), origins);
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
///
/// # Keeping it current from a change feed
///
/// When origins live in a database (one front end per tenant), a task that
/// listens to the database's change feed (Postgres `LISTEN`, a Redis
/// channel, a message queue, a file watcher) rebuilds the policy from each
/// event and sets it. A policy that fails to build is never set, so a bad
/// event keeps the current one:
///
/// ```
/// use tokio::sync::mpsc;
/// use tower_cors::{CorsPolicy, PolicyHandle};
///
/// /// Applies every list of tenant origins the feed delivers.
/// async fn follow(mut feed: mpsc::Receiver<Vec<String>>, handle: PolicyHandle) {
///     while let Some(origins) = feed.recv().await {
///         match CorsPolicy::builder().allow_origins(&origins).build() {
///             Ok(policy) => handle.set(policy),
///             Err(err) => eprintln!("keeping the current CORS policy: {err}"),
///         }
///     }
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), tower_cors::ConfigError> {
/// # let (layer, handle) = tower_cors::ReloadableCorsLayer::new(
/// #     CorsPolicy::builder().allow_origins(["https://a.example.net"]).build()?);
/// # let (tx, rx) = mpsc::channel(1);
/// # let task = tokio::spawn(follow(rx, handle.clone()));
/// # tx.send(vec!["https://b.example.net".to_owned()]).await.unwrap();
/// # drop(tx);
/// # task.await.unwrap();
/// # assert_eq!(handle.get().origins(), ["https://b.example.net"]);
/// # Ok(()) }
/// ```
///
/// Reload the whole list on each event rather than patching it, so that a
/// missed event is repaired by the next one, and reload it on start-up and
/// periodically as well. For too many origins to list, or origins that must
/// be checked against the request (its `Host`, its path), use an
/// [async origin predicate](crate::CorsPolicyBuilder::allow_origin_predicate_async)
/// with a cache instead.
///
/// **What `max_age` means for revoking an origin.** A swap takes effect for
/// the next request: a revoked origin's responses lose
/// `Access-Control-Allow-Origin` at once, so its pages can no longer read
/// them. But a browser that cached a preflight answer for that origin and
/// URL keeps *sending* preflighted requests (a `PUT`, a JSON `POST`) without
/// asking again until the cached answer expires, after at most
/// [`max_age`](crate::CorsPolicyBuilder::max_age) (600 s in WebKit, 7,200 s
/// in Chromium, 86,400 s in Firefox, whatever the policy says beyond those
/// caps). With the [write guard](crate::CorsPolicyBuilder::guard_writes)
/// (on for every policy that lists origins) those writes are refused from
/// the next request on, `403` before the service, whatever the browser
/// cached; so are the revoked origin's WebSocket handshakes. Only with
/// `guard_writes(false)` does the server still run them until the cached
/// answer expires: then keep `max_age` short and check the tenant in the
/// handler (authorization, not CORS, is what stops a write).
#[derive(Clone)]
pub struct ReloadableCorsLayer {
    source: PolicySource,
}

/// Replaces the policy of a [`ReloadableCorsLayer`] and every service it
/// made. Cheap to clone; all clones control the same policy.
#[derive(Clone)]
pub struct PolicyHandle {
    shared: Arc<ArcSwap<crate::policy::Inner>>,
}

impl ReloadableCorsLayer {
    /// A layer starting with `policy`, and the handle that replaces it.
    ///
    /// With the `tracing` feature, the policy's
    /// [warnings](CorsPolicy::warnings) are logged here, once, at `warn`.
    pub fn new(policy: CorsPolicy) -> (Self, PolicyHandle) {
        diagnostics::report_warnings(policy.warnings());
        let shared = Arc::new(ArcSwap::new(policy.inner));
        (
            Self {
                source: PolicySource::Shared(Arc::clone(&shared)),
            },
            PolicyHandle { shared },
        )
    }
}

impl PolicyHandle {
    /// Makes `policy` the one every new request is answered under.
    ///
    /// A policy is validated when it is built, so an invalid one can never
    /// be set: build it, handle the [`ConfigError`](crate::ConfigError)
    /// (e.g. keep the current policy and log), then `set`. With the
    /// `tracing` feature, its [warnings](CorsPolicy::warnings) are logged
    /// here, once, at `warn`.
    pub fn set(&self, policy: CorsPolicy) {
        diagnostics::report_warnings(policy.warnings());
        self.shared.store(policy.inner);
    }

    /// The current policy.
    pub fn get(&self) -> CorsPolicy {
        CorsPolicy {
            inner: self.shared.load_full(),
        }
    }
}

impl<S> Layer<S> for ReloadableCorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Cors::with_source(inner, self.source.clone())
    }
}

impl fmt::Debug for ReloadableCorsLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReloadableCorsLayer")
            .field("policy", &self.source.current())
            .finish()
    }
}

impl fmt::Debug for PolicyHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyHandle")
            .field("policy", &self.get())
            .finish()
    }
}
