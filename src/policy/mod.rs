//! [`CorsPolicy`]: the compiled, immutable form of a policy.
//!
//! The policy is made in three steps, one file each: the builder's setters
//! collect settings ([`builder`]), validation checks them all and reports
//! every problem at once ([`validate`]), and rendering turns the checked
//! settings into this compiled form, with every response header value built
//! once ([`render`]).

mod builder;
mod presets;
mod render;
mod validate;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{request, StatusCode};

pub use builder::CorsPolicyBuilder;

use crate::origin::OriginMatcher;
use crate::request_headers::AllowedHeaders;

/// The longest `max_age` accepted: Firefox caps preflights at 24 hours and
/// Chromium at 2, so anything longer would be silently cut.
pub const MAX_AGE_LIMIT: Duration = Duration::from_secs(24 * 60 * 60);

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

/// A user's test for origins that cannot be listed.
pub(crate) type OriginPredicate = Arc<dyn Fn(&HeaderValue, &request::Parts) -> bool + Send + Sync>;

pub(crate) struct Inner {
    pub(crate) origins: Origins,
    /// Allows origins the list does not (see `allow_origin_predicate`).
    pub(crate) origin_predicate: Option<OriginPredicate>,
    pub(crate) methods: Methods,
    pub(crate) headers: AllowedHeaders,
    pub(crate) credentials: bool,
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
    /// Answer `Access-Control-Request-Private-Network: true` preflights.
    pub(crate) private_network: bool,
    /// Explain refusals in a response header (development only).
    pub(crate) explain_refusals: bool,
    /// A readable summary of the settings, for `Debug`.
    pub(crate) summary: Summary,
}

/// The settings as validated, for `Debug` and for [`CorsPolicy`]'s getters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Summary {
    pub(crate) origins: Vec<String>,
    pub(crate) methods: Vec<String>,
    pub(crate) headers: Vec<String>,
    pub(crate) expose_headers: Vec<String>,
    pub(crate) credentials: bool,
    pub(crate) max_age: Option<Duration>,
    pub(crate) preflight_status: u16,
    pub(crate) origin_predicate: bool,
    pub(crate) private_network: bool,
    pub(crate) explain_refusals: bool,
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
        self.inner.credentials
    }

    /// The allowed origins and patterns, as configured (`["*"]` for any).
    pub fn origins(&self) -> &[String] {
        &self.inner.summary.origins
    }
}

impl fmt::Debug for CorsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.inner.summary;
        f.debug_struct("CorsPolicy")
            .field("allow_origins", &s.origins)
            .field("allow_methods", &s.methods)
            .field("allow_headers", &s.headers)
            .field("expose_headers", &s.expose_headers)
            .field("allow_credentials", &s.credentials)
            .field("max_age", &s.max_age)
            .field("preflight_status", &s.preflight_status)
            .field("origin_predicate", &s.origin_predicate)
            .field("allow_private_network", &s.private_network)
            .field("explain_refusals", &s.explain_refusals)
            .finish()
    }
}
