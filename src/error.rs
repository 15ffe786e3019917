//! [`ConfigError`]: everything wrong with a policy, found at build time.

use std::fmt;

use crate::setting::SettingName;

/// What [`Problem::setting`] says for an environment variable that names
/// no setting.
const FROM_ENV: &str = "from_env";

/// Every problem [`CorsPolicyBuilder::build`](crate::CorsPolicyBuilder::build)
/// found in a policy, reported together so that one run fixes them all.
///
/// `Display` lists each problem on its own line with the offending value and
/// a hint on how to fix it:
///
/// ```
/// use tower_cors::{CorsPolicy, ProblemKind};
///
/// let err = CorsPolicy::builder()
///     .allow_origins(["https://myfrontend.com/", "*"])
///     .allow_credentials(true)
///     .build()
///     .unwrap_err();
///
/// assert!(err.problems().iter().any(|p| p.kind() == ProblemKind::OriginHasPath));
/// assert!(err.problems().iter().any(|p| p.kind() == ProblemKind::WildcardMixedWithValues));
/// assert!(err.to_string().contains("write it as `https://myfrontend.com`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    problems: Vec<Problem>,
}

impl ConfigError {
    /// The error for `problems`, or `None` when there are none: an empty
    /// `ConfigError` cannot exist.
    pub(crate) fn from_problems(problems: Vec<Problem>) -> Option<Self> {
        (!problems.is_empty()).then_some(Self { problems })
    }

    /// All the problems found, in the order of the settings they concern.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether any problem is of the given kind.
    pub fn has(&self, kind: ProblemKind) -> bool {
        self.problems.iter().any(|p| p.kind == kind)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "invalid CORS policy ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, p) in self.problems.iter().enumerate() {
            write!(f, "\n  {}. {p}", i + 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// One problem in a policy: which setting, what was wrong, the offending
/// value, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    kind: ProblemKind,
    /// `None` for an environment variable that names no setting.
    setting: Option<SettingName>,
    variable: Option<String>,
    value: Option<String>,
    hint: String,
}

impl Problem {
    pub(crate) fn new(
        kind: ProblemKind,
        setting: SettingName,
        value: Option<&str>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            setting: Some(setting),
            variable: None,
            value: value.map(str::to_owned),
            hint: hint.into(),
        }
    }

    /// An environment variable `name` with the configuration's prefix that
    /// names no setting.
    pub(crate) fn unknown_variable(name: &str, hint: String) -> Self {
        Self {
            kind: ProblemKind::UnknownVariable,
            setting: None,
            variable: Some(name.to_owned()),
            value: None,
            hint,
        }
    }

    /// The setting the problem is in; `None` for an unknown variable.
    pub(crate) fn setting_id(&self) -> Option<SettingName> {
        self.setting
    }

    /// The same problem, found in `setting` (a problem of an origin's
    /// syntax, found in another list of origins than `allow_origins`).
    pub(crate) fn in_setting(self, setting: SettingName) -> Self {
        Self {
            setting: Some(setting),
            ..self
        }
    }

    /// The same problem, found in the environment variable `name`.
    pub(crate) fn in_variable(self, name: String) -> Self {
        Self {
            variable: Some(name),
            ..self
        }
    }

    /// The class of problem, for matching in code and tests.
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// The builder method (and config key) the problem is in, e.g.
    /// `"allow_origins"`; `"from_env"` for an environment variable that
    /// names no setting.
    pub fn setting(&self) -> &'static str {
        self.setting.map_or(FROM_ENV, SettingName::method)
    }

    /// The environment variable the offending value came from, e.g.
    /// `"CORS_ALLOW_ORIGINS"`, for a policy read by
    /// [`CorsConfig::from_env`](crate::CorsConfig::from_env).
    pub fn variable(&self) -> Option<&str> {
        self.variable.as_deref()
    }

    /// The offending value as it was given, when the problem is about one value.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// How to fix it.
    pub fn hint(&self) -> &str {
        &self.hint
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.variable, self.setting) {
            (Some(var), None) => f.write_str(var)?,
            (Some(var), Some(setting)) => write!(f, "{var} ({})", setting.method())?,
            (None, _) => f.write_str(self.setting())?,
        }
        if let Some(v) = &self.value {
            write!(f, " {v:?}")?;
        }
        write!(f, ": {}: {}", self.kind.summary(), self.hint)
    }
}

/// The classes of policy mistakes that [`ConfigError`] reports.
///
/// New kinds may be added in minor releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// `allow_origins` was never called or was given nothing.
    NoOrigins,
    /// A value was empty or only whitespace.
    EmptyValue,
    /// `"*"` was listed together with other values.
    WildcardMixedWithValues,
    /// An origin without `scheme://`, e.g. `myfrontend.com`.
    OriginMissingScheme,
    /// An origin with a path, query, fragment or trailing slash.
    OriginHasPath,
    /// An origin with `user:password@`.
    OriginHasUserinfo,
    /// An origin with upper-case letters (browsers always send lower case).
    OriginNotLowercase,
    /// An origin that writes out its scheme's default port.
    OriginHasDefaultPort,
    /// An origin whose port is not a number from 1 to 65535 (or `*`).
    OriginBadPort,
    /// An origin whose host is not a valid lower-case DNS name or IP address.
    OriginBadHost,
    /// An origin with non-ASCII characters (browsers send punycode).
    OriginNotAscii,
    /// An origin longer than the layer will ever match.
    OriginTooLong,
    /// A `*` used anywhere but as a whole leftmost label or the whole port.
    OriginBadWildcard,
    /// `null`, or a scheme whose documents always send `null` (`file:`, `data:`).
    OriginOpaque,
    /// A subdomain pattern over a public suffix (`https://*.com`, `https://*.github.io`).
    OriginPatternOverPublicSuffix,
    /// Credentials with an `http://` origin that is not a loopback address.
    InsecureOriginWithCredentials,
    /// Credentials with `"*"` origins.
    WildcardOriginWithCredentials,
    /// Credentials with `"*"` exposed headers.
    WildcardExposeWithCredentials,
    /// A method that is not an HTTP token.
    InvalidMethod,
    /// `CONNECT`, `TRACE` or `TRACK`, which browsers never let a page send.
    ForbiddenMethod,
    /// A lower-case spelling of a method browsers always upper-case (`put`).
    MethodNeverSentByBrowsers,
    /// A header name that is not an HTTP token.
    InvalidHeaderName,
    /// A request header browsers never let a page set (`cookie`, `sec-*`, ...).
    ForbiddenRequestHeader,
    /// A response header browsers never expose (`set-cookie`).
    ForbiddenResponseHeader,
    /// A response-only CORS header (`access-control-allow-origin`, ...)
    /// listed as a request header a page may send.
    ResponseOnlyHeader,
    /// A request-only header (`origin`, `access-control-request-method`,
    /// ...) listed as a response header to expose.
    RequestOnlyHeader,
    /// `max_age` above 24 hours.
    MaxAgeTooLong,
    /// A preflight status outside 200–299.
    PreflightStatusNotOk,
    /// A pattern or `"*"` in `server_origins`, which lists exact origins.
    ServerOriginNotExact,
    /// An `async_lookup_timeout` under one millisecond.
    AsyncLookupTimeoutTooShort,
    /// An origin predicate with credentials, without the explicit opt-in.
    PredicateWithCredentials,
    /// An environment variable with the configuration's prefix that names
    /// no setting (a typo must not silently drop a setting).
    UnknownVariable,
    /// An environment variable whose value is not of its setting's type
    /// (not `true`/`false`, not a whole number, not UTF-8).
    InvalidVariableValue,
}

impl ProblemKind {
    pub(crate) fn summary(self) -> &'static str {
        use ProblemKind::*;
        match self {
            NoOrigins => "no allowed origins",
            EmptyValue => "empty value",
            WildcardMixedWithValues => "\"*\" listed together with other values",
            OriginMissingScheme => "not an origin (no scheme)",
            OriginHasPath => "not an origin (it has a path)",
            OriginHasUserinfo => "not an origin (it has user info)",
            OriginNotLowercase => "origin has upper-case letters",
            OriginHasDefaultPort => "origin writes out its default port",
            OriginBadPort => "origin has an invalid port",
            OriginBadHost => "origin has an invalid host",
            OriginNotAscii => "origin is not ASCII",
            OriginTooLong => "origin is too long",
            OriginBadWildcard => "origin has a misplaced wildcard",
            OriginOpaque => "origin can never be matched safely",
            OriginPatternOverPublicSuffix => "subdomain pattern over a public suffix",
            InsecureOriginWithCredentials => "insecure origin with credentials",
            WildcardOriginWithCredentials => "\"*\" origin with credentials",
            WildcardExposeWithCredentials => "\"*\" exposed headers with credentials",
            InvalidMethod => "not a method token",
            ForbiddenMethod => "method browsers never send",
            MethodNeverSentByBrowsers => "method spelling browsers never send",
            InvalidHeaderName => "not a header name",
            ForbiddenRequestHeader => "header browsers never let a page send",
            ForbiddenResponseHeader => "header browsers never expose",
            ResponseOnlyHeader => "response header listed as a request header",
            RequestOnlyHeader => "request header listed as an exposed response header",
            MaxAgeTooLong => "max age too long",
            PreflightStatusNotOk => "preflight status is not 2xx",
            ServerOriginNotExact => "server origin is not one exact origin",
            AsyncLookupTimeoutTooShort => "async lookup timeout too short",
            PredicateWithCredentials => "origin predicate with credentials",
            UnknownVariable => "unknown variable",
            InvalidVariableValue => "invalid value",
        }
    }
}

#[cfg(test)]
mod tests;
