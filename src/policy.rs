//! [`CorsPolicy`], its builder, and everything precomputed from it.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{request, StatusCode};

use crate::error::{ConfigError, Problem, ProblemKind};
use crate::origin::{config as origin_config, OriginMatcher, OriginRule};
use crate::request_headers::{is_token, AllowedHeaders};

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
    origins: Vec<String>,
    methods: Vec<String>,
    headers: Vec<String>,
    expose_headers: Vec<String>,
    credentials: bool,
    max_age: Option<Duration>,
    preflight_status: StatusCode,
    insecure_origins: bool,
    origin_predicate: Option<OriginPredicate>,
    predicate_with_credentials: bool,
    private_network: bool,
    explain_refusals: bool,
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
    /// mistake is a data leak.
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
    pub fn build(self) -> Result<CorsPolicy, ConfigError> {
        let mut problems = Vec::new();
        let origins = self.check_origins(&mut problems);
        let methods = check_methods(&self.methods, &mut problems);
        let headers = check_request_headers(&self.headers, &mut problems);
        let expose = self.check_expose_headers(&mut problems);
        if self.max_age.is_some_and(|a| a > MAX_AGE_LIMIT) {
            problems.push(Problem::new(
                ProblemKind::MaxAgeTooLong,
                "max_age",
                Some(&format!("{}s", self.max_age.unwrap_or_default().as_secs())),
                "browsers cap preflight caching (Chromium at 2 hours, Firefox at 24); \
                 use at most Duration::from_secs(86400), 600 to 7200 is usual",
            ));
        }
        if !self.preflight_status.is_success() {
            problems.push(Problem::new(
                ProblemKind::PreflightStatusNotOk,
                "preflight_status",
                Some(self.preflight_status.as_str()),
                "browsers fail every preflight whose status is not 200-299; use 204 or 200",
            ));
        }
        if !problems.is_empty() {
            return Err(ConfigError::new(problems));
        }
        // Every `None` below was reported as a problem above.
        let (
            Some((origins, origin_list)),
            Some((methods, method_list)),
            Some(headers),
            Some(expose),
        ) = (origins, methods, headers, expose)
        else {
            return Err(ConfigError::new(problems));
        };
        Ok(self.assemble(origins, origin_list, methods, method_list, headers, expose))
    }

    fn check_origins(&self, problems: &mut Vec<Problem>) -> Option<(Origins, Vec<String>)> {
        const SETTING: &str = "allow_origins";
        if self.origin_predicate.is_some() && self.credentials && !self.predicate_with_credentials {
            problems.push(Problem::new(
                ProblemKind::PredicateWithCredentials,
                SETTING,
                None,
                "an origin predicate decides who may read your users' authenticated data; if \
                 that is intended, use dangerously_allow_origin_predicate_with_credentials",
            ));
        }
        if self.origins.is_empty() && self.origin_predicate.is_some() {
            return Some((Origins::List(OriginMatcher::new(&[])), Vec::new()));
        }
        if self.origins.is_empty() {
            problems.push(Problem::new(
                ProblemKind::NoOrigins,
                SETTING,
                None,
                "list the front-end origins that call this API, e.g. \
                 allow_origins([\"https://app.example.com\"]), or [\"*\"] for a public API \
                 without credentials",
            ));
            return None;
        }
        if self.origins.iter().any(|o| o == "*") {
            let mut ok = wildcard_alone(SETTING, &self.origins, problems);
            if ok && self.origin_predicate.is_some() {
                problems.push(Problem::new(
                    ProblemKind::WildcardMixedWithValues,
                    SETTING,
                    Some("*"),
                    "\"*\" already allows every origin: drop the origin predicate or the \"*\"",
                ));
                ok = false;
            }
            if self.credentials {
                problems.push(Problem::new(
                    ProblemKind::WildcardOriginWithCredentials,
                    SETTING,
                    Some("*"),
                    "never allow credentials with a wildcard origin: browsers refuse it, and \
                     echoing the request's Origin instead would let every site on the web read \
                     your users' data; list the exact origins of your front ends",
                ));
                ok = false;
            }
            // Report what else is wrong with the other entries too.
            for raw in self.origins.iter().filter(|o| *o != "*") {
                if let Err(mut found) = origin_config::parse_rule(raw) {
                    problems.append(&mut found);
                }
            }
            return ok.then(|| (Origins::Any, vec!["*".to_owned()]));
        }

        let mut rules = Vec::new();
        for raw in &self.origins {
            match origin_config::parse_rule(raw) {
                Ok(rule) => rules.push((raw, rule)),
                Err(mut found) => problems.append(&mut found),
            }
        }
        let before = problems.len();
        if self.credentials {
            for (raw, rule) in &rules {
                let (scheme, host) = rule.scheme_and_host();
                if !self.insecure_origins
                    && matches!(scheme, "http" | "ws")
                    && !origin_config::is_loopback_host(host)
                {
                    problems.push(Problem::new(
                        ProblemKind::InsecureOriginWithCredentials,
                        SETTING,
                        Some(raw),
                        format!(
                            "anyone on the network path can run script in a plain-http page and \
                             read your users' data; use `https://{}` (or call \
                             dangerously_allow_insecure_origins_with_credentials(true) for a \
                             closed test network)",
                            &raw[raw.find("://").map_or(0, |i| i + 3)..]
                        ),
                    ));
                }
                if let OriginRule::Subdomains { suffix, .. } = rule {
                    if is_public_suffix(suffix) {
                        problems.push(Problem::new(
                            ProblemKind::OriginPatternOverPublicSuffix,
                            SETTING,
                            Some(raw),
                            format!(
                                "`{suffix}` is a public suffix: sites under it belong to \
                                 unrelated owners, so any of them could read your users' data; \
                                 list your own origins exactly"
                            ),
                        ));
                    }
                }
            }
        }
        if problems.len() > before || rules.len() != self.origins.len() {
            return None;
        }
        let mut shown: Vec<String> = Vec::new();
        for (raw, _) in &rules {
            if !shown.contains(raw) {
                shown.push((*raw).clone());
            }
        }
        let rules: Vec<OriginRule> = rules.into_iter().map(|(_, r)| r).collect();
        Some((Origins::List(OriginMatcher::new(&rules)), shown))
    }

    fn check_expose_headers(&self, problems: &mut Vec<Problem>) -> Option<Vec<String>> {
        const SETTING: &str = "expose_headers";
        let list = &self.expose_headers;
        if list.iter().any(|h| h == "*") {
            let mut ok = wildcard_alone(SETTING, list, problems);
            if self.credentials {
                problems.push(Problem::new(
                    ProblemKind::WildcardExposeWithCredentials,
                    SETTING,
                    Some("*"),
                    "with credentials browsers read `*` as a header literally named `*`; \
                     list the response headers pages need to read",
                ));
                ok = false;
            }
            return ok.then(|| vec!["*".to_owned()]);
        }
        let mut ok = true;
        let mut names = Vec::new();
        for name in list {
            if !is_token(name.as_bytes()) {
                problems.push(header_name_problem(SETTING, name));
                ok = false;
            } else if name.eq_ignore_ascii_case("set-cookie")
                || name.eq_ignore_ascii_case("set-cookie2")
            {
                problems.push(Problem::new(
                    ProblemKind::ForbiddenResponseHeader,
                    SETTING,
                    Some(name),
                    "browsers never let scripts read Set-Cookie; remove it (cookies are sent \
                     with credentials, not read)",
                ));
                ok = false;
            } else {
                push_unique_lowercase(&mut names, name);
            }
        }
        ok.then_some(names)
    }

    fn assemble(
        self,
        origins: Origins,
        origin_list: Vec<String>,
        methods: Methods,
        method_list: Vec<String>,
        headers: AllowedHeaders,
        expose: Vec<String>,
    ) -> CorsPolicy {
        let credentials = self.credentials;
        let any_origin = matches!(origins, Origins::Any);
        let mirror_methods = credentials && matches!(methods, Methods::Any);
        let mirror_headers = credentials && headers.any();
        let vary_origin = !any_origin;

        let mut pre = HeaderMap::with_capacity(8);
        // A placeholder when the origin is echoed: filled in per request
        // without growing the map.
        pre.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, STAR.clone());
        if credentials {
            pre.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE.clone());
        }
        match (&methods, mirror_methods) {
            (_, true) => {
                pre.insert(header::ACCESS_CONTROL_ALLOW_METHODS, STAR.clone());
            }
            (Methods::Any, false) => {
                pre.insert(header::ACCESS_CONTROL_ALLOW_METHODS, STAR.clone());
            }
            (Methods::List(list), false) if !list.is_empty() => {
                pre.insert(
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    joined(method_list.iter().map(String::as_str)),
                );
            }
            _ => {}
        }
        if !mirror_headers {
            if headers.any() {
                let value = if headers.names().next().is_some() {
                    HeaderValue::from_static("*,authorization")
                } else {
                    STAR.clone()
                };
                pre.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
            } else if headers.names().next().is_some() {
                pre.insert(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    joined(headers.names()),
                );
            }
        }
        if let Some(age) = self.max_age {
            pre.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from(age.as_secs()),
            );
        }
        let preflight_vary = HeaderValue::from_static(match (vary_origin, self.private_network) {
            (true, false) => {
                "origin, access-control-request-method, access-control-request-headers"
            }
            (false, false) => "access-control-request-method, access-control-request-headers",
            (true, true) => {
                "origin, access-control-request-method, access-control-request-headers, \
                     access-control-request-private-network"
            }
            (false, true) => {
                "access-control-request-method, access-control-request-headers, \
                     access-control-request-private-network"
            }
        });
        pre.insert(header::VARY, preflight_vary.clone());

        let expose_headers =
            (!expose.is_empty()).then(|| joined(expose.iter().map(String::as_str)));
        let mut header_list: Vec<String> = headers.names().map(str::to_owned).collect();
        if headers.any() {
            header_list.insert(0, "*".to_owned());
        }
        let summary = Summary {
            origins: origin_list,
            methods: method_list,
            headers: header_list,
            expose_headers: expose,
            credentials,
            max_age: self.max_age.map(|a| Duration::from_secs(a.as_secs())),
            preflight_status: self.preflight_status.as_u16(),
            origin_predicate: self.origin_predicate.is_some(),
            private_network: self.private_network,
            explain_refusals: self.explain_refusals,
        };
        CorsPolicy {
            inner: Arc::new(Inner {
                origins,
                methods,
                headers,
                credentials,
                preflight_status: self.preflight_status,
                mirror_methods,
                mirror_headers,
                vary_origin,
                preflight_headers: pre,
                preflight_vary,
                expose_headers,
                origin_predicate: self.origin_predicate,
                private_network: self.private_network,
                explain_refusals: self.explain_refusals,
                summary,
            }),
        }
    }
}

/// Joins tokens with `,` into a header value.
fn joined<'a>(items: impl Iterator<Item = &'a str>) -> HeaderValue {
    let text = items.collect::<Vec<_>>().join(",");
    // Every item was checked to be an HTTP token (visible ASCII without
    // separators), so the joined text is a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Reports `"*"` mixed with other values; returns whether it stood alone.
fn wildcard_alone(setting: &'static str, list: &[String], problems: &mut Vec<Problem>) -> bool {
    let others: Vec<&str> = list
        .iter()
        .map(String::as_str)
        .filter(|v| *v != "*")
        .collect();
    if others.is_empty() {
        return true;
    }
    problems.push(Problem::new(
        ProblemKind::WildcardMixedWithValues,
        setting,
        Some(&others.join(", ")),
        "\"*\" already means \"any\": keep either \"*\" alone or only the listed values",
    ));
    false
}

fn header_name_problem(setting: &'static str, name: &str) -> Problem {
    let (kind, hint) = if name.trim().is_empty() {
        (ProblemKind::EmptyValue, "remove the empty name".to_owned())
    } else if is_token(name.trim().as_bytes()) {
        (
            ProblemKind::InvalidHeaderName,
            format!("remove the surrounding whitespace: `{}`", name.trim()),
        )
    } else {
        (
            ProblemKind::InvalidHeaderName,
            "a header name is a token: letters, digits and !#$%&'*+-.^_`|~, no spaces, \
             colons or commas (pass names separately, not as one comma-joined string)"
                .to_owned(),
        )
    };
    Problem::new(kind, setting, Some(name), hint)
}

fn push_unique_lowercase(list: &mut Vec<String>, name: &str) {
    let lower = name.to_ascii_lowercase();
    if !list.contains(&lower) {
        list.push(lower);
    }
}

/// The methods browsers upper-case before sending (Fetch, "normalize").
const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

fn check_methods(list: &[String], problems: &mut Vec<Problem>) -> Option<(Methods, Vec<String>)> {
    const SETTING: &str = "allow_methods";
    if list.iter().any(|m| m == "*") {
        return wildcard_alone(SETTING, list, problems).then(|| (Methods::Any, vec!["*".into()]));
    }
    let mut ok = true;
    let mut methods: Vec<String> = Vec::new();
    for m in list {
        if m.trim().is_empty() {
            problems.push(Problem::new(
                ProblemKind::EmptyValue,
                SETTING,
                Some(m),
                "remove the empty method",
            ));
            ok = false;
        } else if !is_token(m.as_bytes()) {
            problems.push(Problem::new(
                ProblemKind::InvalidMethod,
                SETTING,
                Some(m),
                "a method is a token such as PUT or PATCH, with no spaces or commas (pass \
                 methods separately, not as one comma-joined string)",
            ));
            ok = false;
        } else if ["CONNECT", "TRACE", "TRACK"]
            .iter()
            .any(|f| f.eq_ignore_ascii_case(m))
        {
            problems.push(Problem::new(
                ProblemKind::ForbiddenMethod,
                SETTING,
                Some(m),
                "browsers never let a page send CONNECT, TRACE or TRACK; remove it",
            ));
            ok = false;
        } else if let Some(upper) = NORMALIZED_METHODS
            .iter()
            .find(|n| n.eq_ignore_ascii_case(m) && *n != m)
        {
            problems.push(Problem::new(
                ProblemKind::MethodNeverSentByBrowsers,
                SETTING,
                Some(m),
                format!(
                    "browsers upper-case this method before sending it, so `{m}` would never \
                     match; write `{upper}`"
                ),
            ));
            ok = false;
        } else if !methods.contains(m) {
            methods.push(m.clone());
        }
    }
    if !ok {
        return None;
    }
    let mut sorted: Vec<Box<[u8]>> = methods
        .iter()
        .map(|m| m.as_bytes().to_vec().into_boxed_slice())
        .collect();
    sorted.sort();
    Some((Methods::List(sorted.into_boxed_slice()), methods))
}

/// Fetch's forbidden request-header names: browsers never let a page set them.
const FORBIDDEN_REQUEST_HEADERS: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

fn is_forbidden_request_header(lower: &str) -> bool {
    FORBIDDEN_REQUEST_HEADERS.contains(&lower)
        || lower.starts_with("proxy-")
        || lower.starts_with("sec-")
}

fn check_request_headers(list: &[String], problems: &mut Vec<Problem>) -> Option<AllowedHeaders> {
    const SETTING: &str = "allow_headers";
    let any = list.iter().any(|h| h == "*");
    if any {
        let others: Vec<String> = list
            .iter()
            .filter(|h| *h != "*" && !h.eq_ignore_ascii_case("authorization"))
            .cloned()
            .collect();
        if !others.is_empty() {
            problems.push(Problem::new(
                ProblemKind::WildcardMixedWithValues,
                SETTING,
                Some(&others.join(", ")),
                "\"*\" already allows every name but Authorization: keep \"*\" alone (plus \
                 \"authorization\" if needed) or list only names",
            ));
            return None;
        }
    }
    let mut ok = true;
    let mut names = Vec::new();
    for name in list.iter().filter(|h| *h != "*") {
        let lower = name.to_ascii_lowercase();
        if !is_token(name.as_bytes()) {
            problems.push(header_name_problem(SETTING, name));
            ok = false;
        } else if is_forbidden_request_header(&lower) {
            problems.push(Problem::new(
                ProblemKind::ForbiddenRequestHeader,
                SETTING,
                Some(name),
                "browsers never let a page set this header (Fetch's forbidden request-header \
                 names, `sec-*` and `proxy-*`), so listing it has no effect; remove it",
            ));
            ok = false;
        } else {
            push_unique_lowercase(&mut names, name);
        }
    }
    ok.then(|| AllowedHeaders::new(&names, any))
}

/// Whether `host` is itself on the Public Suffix List (`com`, `co.uk`,
/// `github.io`), so that `*.host` spans sites of unrelated owners.
fn is_public_suffix(host: &str) -> bool {
    psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known() && s.as_bytes() == host.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_suffixes() {
        for s in ["com", "co.uk", "github.io", "herokuapp.com"] {
            assert!(is_public_suffix(s), "{s}");
        }
        for s in ["example.com", "localhost", "example.co.uk", "dev.test"] {
            assert!(!is_public_suffix(s), "{s}");
        }
    }

    #[test]
    fn preflight_headers_are_prerendered() {
        let p = CorsPolicy::builder()
            .allow_origins(["https://a.com"])
            .allow_methods(["PUT", "PATCH", "PUT"])
            .allow_headers(["X-B", "x-a", "x-b"])
            .allow_credentials(true)
            .max_age(Duration::from_millis(600_900))
            .build()
            .unwrap();
        let h = &p.inner.preflight_headers;
        assert_eq!(h["access-control-allow-methods"], "PUT,PATCH");
        assert_eq!(h["access-control-allow-headers"], "x-a,x-b");
        assert_eq!(h["access-control-allow-credentials"], "true");
        assert_eq!(h["access-control-max-age"], "600");
        assert!(p.inner.vary_origin);
    }
}
