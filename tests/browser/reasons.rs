//! What each engine reports when a check fails: Chromium's DevTools
//! `corsError` code, Firefox's console message keys (after a failed
//! preflight it always adds `CORSDidNotSucceed2`), and a fragment of
//! WebKit's console text. One constant per failed check, as observed here.

use crate::case::{ByEngine, Reason};

const fn r(chromium: &'static str, firefox: &'static str, webkit: &'static str) -> Reason {
    ByEngine {
        chromium: Some(chromium),
        firefox: Some(firefox),
        webkit: Some(webkit),
    }
}

/// The actual response has no `Access-Control-Allow-Origin`.
pub const MISSING_ACAO: Reason = r(
    "MissingAllowOriginHeader",
    "CORSMissingAllowOrigin2",
    "is not allowed by Access-Control-Allow-Origin",
);

/// The preflight was answered 403 without CORS headers (how tower-cors
/// refuses). Chromium and Firefox report the missing ACAO; WebKit checks the
/// status first.
pub const PREFLIGHT_REFUSED: Reason = r(
    "PreflightMissingAllowOriginHeader",
    "CORSMissingAllowOrigin2, CORSDidNotSucceed2",
    "Preflight response is not successful. Status code: 403",
);

/// The preflight was answered 403 with every CORS header.
pub const PREFLIGHT_403_WITH_CORS: Reason = r(
    "PreflightInvalidStatus",
    "CORSPreflightDidNotSucceed3, CORSDidNotSucceed2",
    "Preflight response is not successful. Status code: 403",
);

/// The preflight was answered with a 307 (without CORS headers).
pub const PREFLIGHT_REDIRECT: Reason = r(
    "PreflightDisallowedRedirect",
    "CORSMissingAllowOrigin2, CORSDidNotSucceed2, CORSDidNotSucceed2",
    "Preflight response is not successful. Status code: 307",
);

/// A redirect (307) on the actual request, without CORS headers.
pub const REDIRECT_WITHOUT_ACAO: Reason = r(
    "MissingAllowOriginHeader",
    "CORSMissingAllowOrigin2, CORSDidNotSucceed2",
    "Cross-origin redirection to",
);

/// `Access-Control-Allow-Origin: *` on a request with credentials.
pub const WILDCARD_WITH_CREDENTIALS: Reason = r(
    "WildcardOriginNotAllowed",
    "CORSNotSupportingCredentials",
    "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true",
);

/// Two `Access-Control-Allow-Origin` lines: Firefox joins them into one
/// value, which then does not match the origin.
pub const TWO_ACAO_LINES: Reason = r(
    "MultipleAllowOriginValues",
    "CORSAllowOriginNotMatchingOrigin",
    "cannot contain more than one origin",
);

/// One `Access-Control-Allow-Origin` line with a comma list.
pub const COMMA_ACAO: Reason = r(
    "MultipleAllowOriginValues",
    "CORSAllowOriginNotMatchingOrigin",
    "cannot contain more than one origin",
);

/// `Access-Control-Allow-Credentials: TRUE` (only `true` counts).
pub const ACAC_NOT_TRUE: Reason = r(
    "InvalidAllowCredentials",
    "CORSMissingAllowCredentials",
    "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\"",
);

/// `Access-Control-Allow-Headers: *` covering `Authorization`: allowed by
/// all three today; two of them warn that it will end.
pub const AUTHORIZATION_UNDER_WILDCARD: Reason = ByEngine {
    chromium: Some("AuthorizationCoveredByWildcard"),
    firefox: Some("CORSAllowHeaderFromPreflightDeprecation"),
    webkit: None,
};
