//! [`ReloadableCorsLayer`]: a policy that can be swapped at run time.

use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwap;
use tower_layer::Layer;

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
    pub fn new(policy: CorsPolicy) -> (Self, PolicyHandle) {
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
    /// (e.g. keep the current policy and log), then `set`.
    pub fn set(&self, policy: CorsPolicy) {
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
