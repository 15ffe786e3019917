//! [`CorsPolicy`]: the compiled, immutable form of a policy.
//!
//! The policy is made in three steps, one file each: the builder's setters
//! collect settings ([`builder`]), validation checks them all and reports
//! every problem at once ([`validate`]), and rendering turns the checked
//! settings into this compiled form, with every response header value built
//! once ([`render`]).

mod builder;
mod deadline;
mod guard;
mod isolation;
mod predicate;
mod presets;
mod render;
mod settings;
mod validate;
mod warnings;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::StatusCode;

pub use builder::CorsPolicyBuilder;
pub(crate) use deadline::{LookupAnswer, TimedLookup};
pub(crate) use settings::Settings;
pub use settings::DEFAULT_ASYNC_LOOKUP_TIMEOUT;
pub use warnings::{PolicyWarning, WarningKind};

use crate::origin::OriginMatcher;
use crate::request_headers::AllowedHeaders;

/// The longest `max_age` accepted: Firefox caps preflights at 24 hours and
/// Chromium at 2, so anything longer would be silently cut.
pub const MAX_AGE_LIMIT: Duration = Duration::from_secs(crate::fetch::MAX_AGE_CAP_FIREFOX);

/// A validated, immutable CORS policy.
///
/// Build one with [`CorsPolicy::builder`] and hand it to
/// [`CorsLayer::new`](crate::CorsLayer::new). It is cheap to clone (one
/// reference count) and `Send + Sync + 'static`, so it can be shared between
/// layers, threads and reloads.
///
/// Everything a response needs is rendered when the policy is built: the
/// `Access-Control-*` values, the `Vary` lists and the preflight header map.
///
/// ```
/// use std::time::Duration;
/// use http::{header, Method};
/// use tower_cors::CorsPolicy;
///
/// let policy = CorsPolicy::builder()
///     .allow_origins(["https://myfrontend.com", "https://*.example.com"])
///     .allow_methods([Method::GET, Method::POST, Method::PUT])
///     .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
///     .expose_headers(["x-request-id"])
///     .allow_credentials(true)
///     .max_age(Duration::from_secs(600))
///     .build()?;
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct CorsPolicy {
    pub(crate) inner: Arc<Inner>,
}

/// Which origins are allowed.
pub(crate) enum Origins {
    /// `"*"`: any origin (only without credentials).
    Any,
    /// The listed origins and patterns.
    List(OriginMatcher),
}

/// Which methods a preflight may ask for, besides the safelisted GET, HEAD, POST.
pub(crate) enum Methods {
    /// `"*"`.
    Any,
    /// Byte-exact, case-sensitive method tokens, sorted.
    List(Box<[Box<[u8]>]>),
}

pub(crate) use guard::WriteExemption;
pub(crate) use predicate::{AsyncOriginPredicate, OriginPredicate};

pub(crate) struct Inner {
    /// The settings as validated: for `Debug`, the getters, and the plain
    /// switches the decision reads (credentials, explain mode, ...).
    pub(crate) settings: Settings,
    pub(crate) origins: Origins,
    /// Allows origins the list does not (see `allow_origin_predicate`).
    pub(crate) origin_predicate: Option<OriginPredicate>,
    /// Allows origins neither the list nor `origin_predicate` does, once
    /// its lookup completes (see `allow_origin_predicate_async`).
    pub(crate) async_origin_predicate: Option<AsyncOriginPredicate>,
    /// Whether unsafe-method requests from origins the policy does not
    /// allow are refused (see `guard_writes`).
    pub(crate) guard_writes: bool,
    /// Requests the write guard lets through (see `exempt_from_write_guard`).
    pub(crate) write_exemption: Option<WriteExemption>,
    /// A predicate or the exemption wants the request's head, which the
    /// layer then keeps whole for the decision.
    pub(crate) needs_head: bool,
    pub(crate) methods: Methods,
    pub(crate) headers: AllowedHeaders,
    pub(crate) preflight_status: StatusCode,
    /// With credentials, `"*"` methods are answered by echoing the request's.
    pub(crate) mirror_methods: bool,
    /// With credentials, `"*"` headers are answered by echoing the request's.
    pub(crate) mirror_headers: bool,
    /// The answer depends on the request's `Origin` (it is not a fixed `*`).
    pub(crate) vary_origin: bool,
    /// The headers of every allowed preflight, with a placeholder
    /// `Access-Control-Allow-Origin` (and placeholders for mirrored values) so
    /// that filling them in never grows the map.
    pub(crate) preflight_headers: HeaderMap,
    /// `Vary` for preflight answers, allowed or refused.
    pub(crate) preflight_vary: HeaderValue,
    /// `Access-Control-Expose-Headers` for actual responses.
    pub(crate) expose_headers: Option<HeaderValue>,
    /// What browsers will do differently from what the settings say.
    pub(crate) warnings: Box<[PolicyWarning]>,
}

pub(crate) static STAR: HeaderValue = HeaderValue::from_static("*");
pub(crate) static TRUE: HeaderValue = HeaderValue::from_static("true");

/// `Access-Control-Request-Private-Network` (Private Network Access draft).
pub(crate) static REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
/// `Access-Control-Allow-Private-Network` (Private Network Access draft).
pub(crate) static ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

impl CorsPolicy {
    /// Starts a policy. Nothing is allowed until you say so, and
    /// [`allow_origins`](CorsPolicyBuilder::allow_origins) is required.
    pub fn builder() -> CorsPolicyBuilder {
        CorsPolicyBuilder::default()
    }

    /// Whether responses say `Access-Control-Allow-Credentials: true`.
    pub fn allows_credentials(&self) -> bool {
        self.inner.settings.allow_credentials
    }

    /// The allowed origins and patterns, as configured (`["*"]` for any).
    pub fn origins(&self) -> &[String] {
        &self.inner.settings.allow_origins
    }

    /// What browsers will do differently from what the settings say: parts
    /// of the policy that have no effect in some browsers, or that make it
    /// stricter than today's browsers are. None of them stops the policy from
    /// working; see [`PolicyWarning`] and [`WarningKind`].
    ///
    /// With the `tracing` feature, each is also logged once at `warn` (target
    /// `tower_cors`) when a layer is made with the policy
    /// ([`CorsLayer::new`](crate::CorsLayer::new),
    /// [`ReloadableCorsLayer::new`](crate::ReloadableCorsLayer::new)) or a
    /// [`PolicyHandle`](crate::PolicyHandle) sets it. Building a policy has
    /// no side effect.
    ///
    /// ```
    /// use tower_cors::{CorsPolicy, WarningKind};
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_headers(["*"])
    ///     .expose_headers(["content-type", "x-request-id"])
    ///     .build()?;
    /// let kinds: Vec<_> = policy.warnings().iter().map(|w| w.kind()).collect();
    /// assert_eq!(
    ///     kinds,
    ///     [WarningKind::WildcardHeadersWithoutAuthorization, WarningKind::ExposedHeaderAlwaysReadable]
    /// );
    /// for warning in policy.warnings() {
    ///     eprintln!("CORS policy: {warning}");
    /// }
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn warnings(&self) -> &[PolicyWarning] {
        &self.inner.warnings
    }
}

impl fmt::Debug for CorsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("CorsPolicy")
            .field("settings", &inner.settings)
            .field("origin_predicate", &inner.origin_predicate.is_some())
            .field(
                "async_origin_predicate",
                &inner.async_origin_predicate.is_some(),
            )
            .field("write_exemption", &inner.write_exemption.is_some())
            .finish()
    }
}
