//! What the browser makes of the responses: allowed (with what script may
//! read and any warning) or blocked, with the reason each engine reports,
//! the console message and the fix, all from the reason table
//! ([`super::reasons`]; each engine's console lines: [`super::console`]).

use std::fmt;

use http::{HeaderName, Uri};

use super::engine::Engine;
use super::reasons;

/// Why a CORS request was blocked, named as Chromium's DevTools protocol
/// names it (`Network.CorsError`, from `services/network/public/mojom/cors.mojom`).
///
/// ```
/// use tower_cors::browser::CorsError;
/// assert_eq!(CorsError::PreflightMissingAllowOriginHeader.as_str(), "PreflightMissingAllowOriginHeader");
/// assert!(CorsError::PreflightInvalidStatus.is_preflight());
/// assert!(!CorsError::HeaderDisallowedByPreflightResponse.is_preflight());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CorsError {
    /// The response has no `Access-Control-Allow-Origin`.
    MissingAllowOriginHeader,
    /// `Access-Control-Allow-Origin: *` on a credentialed request.
    WildcardOriginNotAllowed,
    /// `Access-Control-Allow-Origin` has more than one value (lines or a list).
    MultipleAllowOriginValues,
    /// `Access-Control-Allow-Origin` is not a URL.
    InvalidAllowOriginValue,
    /// `Access-Control-Allow-Origin` names another origin.
    AllowOriginMismatch,
    /// A credentialed request without `Access-Control-Allow-Credentials: true`.
    InvalidAllowCredentials,
    /// The preflight's status is not 2xx.
    PreflightInvalidStatus,
    /// The preflight was answered with a redirect.
    PreflightDisallowedRedirect,
    /// [`WildcardOriginNotAllowed`](CorsError::WildcardOriginNotAllowed), on the preflight.
    PreflightWildcardOriginNotAllowed,
    /// [`MissingAllowOriginHeader`](CorsError::MissingAllowOriginHeader), on the preflight.
    PreflightMissingAllowOriginHeader,
    /// [`MultipleAllowOriginValues`](CorsError::MultipleAllowOriginValues), on the preflight.
    PreflightMultipleAllowOriginValues,
    /// [`InvalidAllowOriginValue`](CorsError::InvalidAllowOriginValue), on the preflight.
    PreflightInvalidAllowOriginValue,
    /// [`AllowOriginMismatch`](CorsError::AllowOriginMismatch), on the preflight.
    PreflightAllowOriginMismatch,
    /// [`InvalidAllowCredentials`](CorsError::InvalidAllowCredentials), on the preflight.
    PreflightInvalidAllowCredentials,
    /// An `Access-Control-Allow-Methods` element is not a method token.
    InvalidAllowMethodsPreflightResponse,
    /// An `Access-Control-Allow-Headers` element is not a header-name token.
    InvalidAllowHeadersPreflightResponse,
    /// The method is not in `Access-Control-Allow-Methods`.
    MethodDisallowedByPreflightResponse,
    /// A request header is not in `Access-Control-Allow-Headers`.
    HeaderDisallowedByPreflightResponse,
}

impl CorsError {
    /// Chromium's name for the code, as DevTools reports it in `corsErrorStatus.corsError`.
    pub fn as_str(self) -> &'static str {
        self.row().name
    }

    /// Whether the preflight failed (Chromium then prefixes its message
    /// with "Response to preflight request doesn't pass access control check: ").
    pub fn is_preflight(self) -> bool {
        self.as_str().starts_with("Preflight")
    }

    /// The server-side fix, in words.
    ///
    /// ```
    /// use tower_cors::browser::CorsError;
    /// assert!(CorsError::PreflightInvalidStatus.fix().contains("2xx"));
    /// ```
    pub fn fix(self) -> &'static str {
        self.row().fix
    }

    /// The variant for the same access failure on a preflight.
    pub(crate) fn on_preflight(self) -> Self {
        match self {
            CorsError::MissingAllowOriginHeader => CorsError::PreflightMissingAllowOriginHeader,
            CorsError::WildcardOriginNotAllowed => CorsError::PreflightWildcardOriginNotAllowed,
            CorsError::MultipleAllowOriginValues => CorsError::PreflightMultipleAllowOriginValues,
            CorsError::InvalidAllowOriginValue => CorsError::PreflightInvalidAllowOriginValue,
            CorsError::AllowOriginMismatch => CorsError::PreflightAllowOriginMismatch,
            CorsError::InvalidAllowCredentials => CorsError::PreflightInvalidAllowCredentials,
            other => other,
        }
    }
}

impl fmt::Display for CorsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The checks of one exchange, in the standard's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    Redirect,
    Access,
    Status,
    AllowMethods,
    AllowHeaders,
    Method,
    Header,
}

/// One failed check, with what every engine's report needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) check: Check,
    pub(crate) code: CorsError,
    /// Chromium's `failedParameter`.
    pub(crate) parameter: String,
    /// What WebKit names instead (the header as the page wrote it, the
    /// whole list value).
    pub(crate) webkit_parameter: String,
    /// Only the standard fails this (`*` covering `Authorization`).
    pub(crate) standard_only: bool,
}

impl Failure {
    pub(crate) fn new(check: Check, code: CorsError, parameter: impl Into<String>) -> Self {
        let parameter = parameter.into();
        Self {
            check,
            code,
            webkit_parameter: parameter.clone(),
            parameter,
            standard_only: false,
        }
    }

    fn counts_for(&self, engine: Engine) -> bool {
        !self.standard_only || engine == Engine::Standard
    }
}

/// A blocked request: the fetch rejects with a `TypeError` and script sees
/// nothing of the response. Says why, as each engine reports it.
///
/// ```
/// use http::{HeaderMap, StatusCode};
/// use tower_cors::browser::{check_preflight, CorsError, Engine, PageRequest};
///
/// let request = PageRequest::new("https://app.example", "PUT", "https://api.example/x").prepare()?;
/// // A 403 preflight without any CORS header.
/// let blocked = check_preflight(Engine::Chromium, &request, StatusCode::FORBIDDEN, &HeaderMap::new())
///     .unwrap_err();
/// assert_eq!(blocked.code(), CorsError::PreflightMissingAllowOriginHeader);
/// assert_eq!(blocked.reason_in(Engine::Firefox).as_deref(), Some("CORSMissingAllowOrigin"));
/// assert_eq!(
///     blocked.reason_in(Engine::WebKit).as_deref(),
///     Some("Preflight response is not successful. Status code: 403"),
/// );
/// assert!(blocked.message().starts_with(
///     "Access to fetch at 'https://api.example/x' from origin 'https://app.example' has been blocked by CORS policy: Response to preflight request"));
/// # Ok::<(), tower_cors::browser::InvalidRequest>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub(crate) engine: Engine,
    /// Every failed check of the exchange, engine-neutral.
    pub(crate) failures: Vec<Failure>,
    pub(crate) exchange: Box<BlockedExchange>,
}

/// The request and response a [`Blocked`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BlockedExchange {
    pub(crate) page_origin: String,
    pub(crate) origin: String,
    pub(crate) url: Uri,
    pub(crate) initial_url: Uri,
    pub(crate) status: u16,
    /// The response was a redirect: a 3xx with `Location`.
    pub(crate) redirected: bool,
    /// Where the refused redirect of the actual request led.
    pub(crate) redirect_target: Option<Uri>,
}

impl Blocked {
    /// The failure `engine` reports first, if it fails any.
    pub(super) fn first_for(&self, engine: Engine) -> Option<&Failure> {
        self.failures
            .iter()
            .filter(|f| f.counts_for(engine))
            .min_by_key(|f| f.check.rank(engine))
    }

    /// The failure this verdict stands on: in Chromium's order, among those
    /// that count for the engine that judged.
    fn main(&self) -> &Failure {
        let counted = self.failures.iter().filter(|f| f.counts_for(self.engine));
        counted
            .min_by_key(|f| f.check.rank(Engine::Chromium))
            .or_else(|| self.failures.first())
            // A Blocked is only built with at least one failure.
            .unwrap_or(&BLOCKED_WITHOUT_FAILURE)
    }

    /// Chromium's DevTools `corsError` for these responses.
    pub fn code(&self) -> CorsError {
        self.main().code
    }

    /// The code of the check `engine` reports first, named as Chromium
    /// names it (the check behind [`reason_in`](Blocked::reason_in)), or
    /// `None` when `engine` would not block these responses. Engines order
    /// their checks differently: for a `403` preflight without
    /// `Access-Control-Allow-Origin`, WebKit reports the status first.
    ///
    /// ```
    /// use http::{HeaderMap, StatusCode};
    /// use tower_cors::browser::{check_preflight, CorsError, Engine, PageRequest};
    ///
    /// let request = PageRequest::new("https://app.example", "PUT", "https://api.example/x").prepare()?;
    /// let blocked = check_preflight(Engine::WebKit, &request, StatusCode::FORBIDDEN, &HeaderMap::new())
    ///     .unwrap_err();
    /// assert_eq!(blocked.code_in(Engine::WebKit), Some(CorsError::PreflightInvalidStatus));
    /// assert_eq!(blocked.code_in(Engine::Chromium), Some(CorsError::PreflightMissingAllowOriginHeader));
    /// # Ok::<(), tower_cors::browser::InvalidRequest>(())
    /// ```
    pub fn code_in(&self, engine: Engine) -> Option<CorsError> {
        self.first_for(engine).map(|f| f.code)
    }

    /// Chromium's DevTools `failedParameter`: the offending header value,
    /// method or header name, or `""`.
    pub fn failed_parameter(&self) -> &str {
        &self.main().parameter
    }

    /// The engine whose rules gave this verdict.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Whether the preflight failed (the actual request was never sent).
    pub fn is_preflight(&self) -> bool {
        self.main().code.is_preflight() || self.main().check != Check::Access
    }

    /// What `engine` reports for these same responses, or `None` when it
    /// would not block them (only `*` covering `Authorization`, which only
    /// the standard refuses):
    ///
    /// - Standard and Chromium: the `corsError` code, e.g. `PreflightInvalidStatus`;
    /// - Firefox: the MDN name of the console message, e.g. `CORSMissingAllowOrigin`;
    /// - WebKit: its console text, e.g. `Preflight response is not successful. Status code: 403`,
    ///   after `Cross-origin redirection to <URL> denied by Cross-Origin
    ///   Resource Sharing policy: ` for a refused redirect of the actual request.
    ///
    /// Every console line the engine prints: [`console_in`](Blocked::console_in).
    pub fn reason_in(&self, engine: Engine) -> Option<String> {
        let failure = self.first_for(engine)?;
        let exchange = &self.exchange;
        Some(match engine {
            Engine::Standard | Engine::Chromium => failure.code.as_str().to_owned(),
            Engine::Firefox => failure.firefox().name.to_owned(),
            Engine::WebKit => {
                let reason = failure.webkit(&exchange.origin, exchange.status);
                match &exchange.redirect_target {
                    Some(target) => reasons::fill(
                        reasons::WEBKIT_REDIRECT,
                        &[("{target}", &target.to_string()), ("{reason}", &reason)],
                    ),
                    None => reason,
                }
            }
        })
    }

    /// The console message Chromium prints, e.g. `Access to fetch at
    /// 'https://api.example/x' from origin 'https://app.example' has been
    /// blocked by CORS policy: No 'Access-Control-Allow-Origin' header is
    /// present on the requested resource.`
    pub fn message(&self) -> String {
        let failure = self.main();
        let exchange = &self.exchange;
        let mut message = format!("Access to fetch at '{}' ", exchange.url);
        if exchange.url != exchange.initial_url {
            message.push_str(&format!("(redirected from '{}') ", exchange.initial_url));
        }
        message.push_str(&format!(
            "from origin '{}' has been blocked by CORS policy: ",
            exchange.page_origin
        ));
        if failure.code.is_preflight() {
            message.push_str(reasons::CHROMIUM_PREFLIGHT);
        }
        message.push_str(
            &failure
                .code
                .row()
                .chromium
                .replace("{}", &encode_hint(&failure.parameter)),
        );
        message
    }

    /// The server-side fix, in words.
    pub fn fix(&self) -> &'static str {
        self.code().fix()
    }
}

impl fmt::Display for Blocked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

static BLOCKED_WITHOUT_FAILURE: Failure = Failure {
    check: Check::Access,
    code: CorsError::MissingAllowOriginHeader,
    parameter: String::new(),
    webkit_parameter: String::new(),
    standard_only: false,
};

/// Chromium's `EncodeHint`: printable ASCII as is, anything else `\uXXXX`.
fn encode_hint(hint: &str) -> String {
    hint.chars()
        .map(|c| {
            if (' '..='~').contains(&c) {
                c.to_string()
            } else {
                format!("\\u{:04X}", u32::from(c))
            }
        })
        .collect()
}

/// A warning an engine gives about a request it still allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Warning {
    /// `Access-Control-Allow-Headers: *` let `Authorization` through: the
    /// standard refuses it, and Chromium and Firefox announce they will.
    AuthorizationCoveredByWildcard,
}

impl Warning {
    /// The engine's name for it: Chromium's DevTools issue
    /// (`AuthorizationCoveredByWildcard`), Firefox's console key
    /// (`CORSAllowHeaderFromPreflightDeprecation`); `None` when the engine
    /// is silent (WebKit) or blocks instead (the standard).
    ///
    /// ```
    /// use tower_cors::browser::{Engine, Warning};
    /// let w = Warning::AuthorizationCoveredByWildcard;
    /// assert_eq!(w.name_in(Engine::Chromium), Some("AuthorizationCoveredByWildcard"));
    /// assert_eq!(w.name_in(Engine::WebKit), None);
    /// ```
    pub fn name_in(self, engine: Engine) -> Option<&'static str> {
        match (self, engine) {
            (Warning::AuthorizationCoveredByWildcard, Engine::Chromium) => {
                Some("AuthorizationCoveredByWildcard")
            }
            (Warning::AuthorizationCoveredByWildcard, Engine::Firefox) => {
                Some("CORSAllowHeaderFromPreflightDeprecation")
            }
            _ => None,
        }
    }

    /// What it means, and the fix.
    pub fn message(self) -> &'static str {
        match self {
            Warning::AuthorizationCoveredByWildcard => "Authorization was allowed by Access-Control-Allow-Headers: *; the standard requires it to be listed by name, and browsers are dropping this leniency: list Authorization explicitly.",
        }
    }
}

/// An allowed request: script can read the response's status, body and
/// these headers; or, for a `no-cors` request to another origin or a form,
/// the request went through and script reads nothing
/// ([`is_readable`](Allowed::is_readable) is `false`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Allowed {
    pub(crate) readable: Vec<HeaderName>,
    pub(crate) warnings: Vec<Warning>,
    /// Nothing is readable: an opaque response, or a navigation's.
    pub(crate) hidden: bool,
}

impl Allowed {
    /// Whether script can read the response at all (status, body and
    /// [`readable_header_names`](Allowed::readable_header_names)): `false`
    /// for the opaque response of a `no-cors` request to another origin
    /// (status 0, no header, no body) and for a form's response, which
    /// replaces the page as the new document (the user sees it; the page
    /// that sent the form is gone, and the new document is the target's
    /// origin's, not the page's).
    pub fn is_readable(&self) -> bool {
        !self.hidden
    }

    /// The response header names script can read with `headers.get()`.
    pub fn readable_header_names(&self) -> &[HeaderName] {
        &self.readable
    }

    /// Whether script can read this response header.
    pub fn can_read(&self, name: &str) -> bool {
        self.readable
            .iter()
            .any(|n| n.as_str().eq_ignore_ascii_case(name))
    }

    /// The warnings the engine gave while allowing it.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// What the browser makes of an exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The fetch succeeds: script gets the response (to read, unless it is
    /// the opaque response of a `no-cors` request or a form's: see
    /// [`Allowed::is_readable`]).
    Allowed(Allowed),
    /// The fetch fails.
    Blocked(Blocked),
}

impl Verdict {
    /// Whether the fetch succeeds (for a `cors` request: whether script
    /// gets the response).
    pub fn is_allowed(&self) -> bool {
        matches!(self, Verdict::Allowed(_))
    }

    /// The allowed verdict, if it is one.
    pub fn allowed(&self) -> Option<&Allowed> {
        match self {
            Verdict::Allowed(a) => Some(a),
            Verdict::Blocked(_) => None,
        }
    }

    /// The blocked verdict, if it is one.
    pub fn blocked(&self) -> Option<&Blocked> {
        match self {
            Verdict::Blocked(b) => Some(b),
            Verdict::Allowed(_) => None,
        }
    }
}
