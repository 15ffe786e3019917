//! Every engine's words for a failed check, in one table: for each
//! [`CorsError`], Chromium's console sentence, Firefox's message name and
//! console sentence, WebKit's console text, and the fix; then which failed
//! check each engine reports first, and the lines an engine adds around
//! the reason. Adding an engine is one more column here.
//!
//! Firefox's sentences are worded as
//! `dom/locales/en-US/chrome/security/security.properties` words them; the
//! texts are compared with the engines themselves in the three-engine
//! tests and in `cors-check`'s.

use super::engine::Engine;
use super::verdict::{Check, CorsError, Failure};

/// One row of the reason table.
pub(super) struct Row {
    pub(super) code: CorsError,
    /// Chromium's name, as DevTools reports it.
    pub(super) name: &'static str,
    /// Chromium's console sentence after "has been blocked by CORS policy: "
    /// (and the preflight prefix); `{}` is the failed parameter.
    pub(super) chromium: &'static str,
    pub(super) firefox: &'static Firefox,
    /// WebKit's console text; `{origin}`, `{status}` and `{}` are filled in.
    pub(super) webkit: &'static str,
    /// What to change on the server.
    pub(super) fix: &'static str,
}

/// What Firefox reports for a failed check.
pub(super) struct Firefox {
    /// The MDN name of its console message (its key without the version
    /// digits Firefox adds when it rewords one: `CORSMissingAllowOrigin`
    /// for `CORSMissingAllowOrigin2`).
    pub(super) name: &'static str,
    /// The console sentence: `{url}`, `{status}`, `{}` (the failed
    /// parameter) and `{token}` (the first element of the list that is not
    /// a token) are filled in.
    pub(super) console: &'static str,
}

/// Firefox's "Cross-Origin Request Blocked" sentence around a reason that
/// ends with the `)` closing "(Reason: " (and may go on after it).
macro_rules! firefox_blocked {
    ($reason:literal) => {
        concat!(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: ",
            $reason,
            "."
        )
    };
}

const FF_MISSING: Firefox = Firefox {
    name: "CORSMissingAllowOrigin",
    console: firefox_blocked!(
        "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}"
    ),
};
const FF_NOT_MATCHING: Firefox = Firefox {
    name: "CORSAllowOriginNotMatchingOrigin",
    console: firefox_blocked!("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{}’)"),
};
const FF_WILDCARD: Firefox = Firefox {
    name: "CORSNotSupportingCredentials",
    // The one message that quotes the URL.
    console: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{url}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
};
const FF_MULTIPLE: Firefox = Firefox {
    name: "CORSMultipleAllowOriginNotAllowed",
    console: firefox_blocked!("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)"),
};
const FF_CREDENTIALS: Firefox = Firefox {
    name: "CORSMissingAllowCredentials",
    console: firefox_blocked!("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)"),
};
const FF_STATUS: Firefox = Firefox {
    name: "CORSPreflightDidNotSucceed",
    console: firefox_blocked!("CORS preflight response did not succeed). Status code: {status}"),
};
const FF_REDIRECT: Firefox = Firefox {
    name: "CORSExternalRedirectNotAllowed",
    console: firefox_blocked!("CORS request external redirect not allowed)"),
};
const FF_ALLOW_METHODS: Firefox = Firefox {
    name: "CORSInvalidAllowMethod",
    console: firefox_blocked!(
        "invalid token ‘{token}’ in CORS header ‘Access-Control-Allow-Methods’)"
    ),
};
const FF_ALLOW_HEADERS: Firefox = Firefox {
    name: "CORSInvalidAllowHeader",
    console: firefox_blocked!(
        "invalid token ‘{token}’ in CORS header ‘Access-Control-Allow-Headers’)"
    ),
};
const FF_METHOD: Firefox = Firefox {
    name: "CORSMethodNotFound",
    console: firefox_blocked!("Did not find method in CORS header ‘Access-Control-Allow-Methods’)"),
};
const FF_HEADER: Firefox = Firefox {
    name: "CORSMissingAllowHeaderFromPreflight",
    console: firefox_blocked!("header ‘{}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)"),
};
/// Firefox's `CORSPreflightDidNotSucceed3`, which also follows the reason
/// for a preflight answered with a redirect that has CORS headers.
pub(super) const FIREFOX_PREFLIGHT_DID_NOT_SUCCEED: &str = FF_STATUS.console;
/// Firefox's `CORSDidNotSucceed2`, which follows a failed preflight or a
/// refused redirect.
pub(super) const FIREFOX_DID_NOT_SUCCEED: &str =
    firefox_blocked!("CORS request did not succeed). Status code: (null)");

const NOT_ALLOWED_BY_ACAO: &str =
    "Origin {origin} is not allowed by Access-Control-Allow-Origin. Status code: {status}";
const WEBKIT_WILDCARD: &str =
    "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.";
const WEBKIT_MULTIPLE: &str = "Access-Control-Allow-Origin cannot contain more than one origin.";
const WEBKIT_CREDENTIALS: &str =
    "Credentials flag is true, but Access-Control-Allow-Credentials is not \"true\".";
const WEBKIT_STATUS: &str = "Preflight response is not successful. Status code: {status}";
/// WebKit's reason for a refused redirect of the actual request: it names
/// the redirect, then the check that failed (observed in WebKitGTK 2.50).
pub(super) const WEBKIT_REDIRECT: &str =
    "Cross-origin redirection to {target} denied by Cross-Origin Resource Sharing policy: {reason}";
/// WebKit's console lines for a blocked `fetch()`, in order: the reason
/// (source "security"), the script's failure naming the URL it called
/// (source "javascript"), and the request's (source "network").
pub(super) const WEBKIT_CONSOLE: [&str; 3] = [
    "{reason}",
    "Fetch API cannot load {url} due to access control checks.",
    "Failed to load resource: {reason}",
];
const MISSING: &str =
    "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
const WILDCARD: &str = "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.";
const MULTIPLE: &str = "The 'Access-Control-Allow-Origin' header contains multiple values '{}', but only one is allowed. Have the server send the header with a valid value.";
const INVALID: &str = "The 'Access-Control-Allow-Origin' header contains the invalid value '{}'. Have the server send the header with a valid value.";
const MISMATCH: &str = "The 'Access-Control-Allow-Origin' header has a value '{}' that is not equal to the supplied origin. Have the server send the header with a valid value.";
const CREDENTIALS: &str = "The value of the 'Access-Control-Allow-Credentials' header in the response is '{}' which must be 'true' when the request's credentials mode is 'include'.";
/// Chromium's prefix of a failed preflight's sentence.
pub(super) const CHROMIUM_PREFLIGHT: &str =
    "Response to preflight request doesn't pass access control check: ";
const FIX_MISSING: &str = "Send Access-Control-Allow-Origin with the page's exact origin (or * for a public, uncredentialed resource) on this response, error responses included; on a preflight, make sure OPTIONS reaches the CORS layer before authentication or routing refuses it.";
const FIX_WILDCARD: &str = "For a request with credentials, send the page's exact origin instead of *, with Access-Control-Allow-Credentials: true and Vary: Origin; or have the page drop credentials: 'include'.";
const FIX_MULTIPLE: &str = "Send exactly one Access-Control-Allow-Origin line with one origin: two layers (proxy and app) probably both add it, and a list of origins is never valid; echo the one allowed origin that matches the request.";
const FIX_MISMATCH: &str = "Access-Control-Allow-Origin must be byte-equal to the Origin the browser sent (scheme, host and port, no trailing slash; null after a cross-origin redirect): add this origin to the allowed list or fix its spelling.";
const FIX_CREDENTIALS: &str = "For a request with credentials, send Access-Control-Allow-Credentials: true, exactly that lower-case value.";

/// The reason table: one row per code, every engine's report in it.
const TABLE: [Row; 18] = [
    Row { code: CorsError::MissingAllowOriginHeader, name: "MissingAllowOriginHeader", chromium: MISSING, firefox: &FF_MISSING, webkit: NOT_ALLOWED_BY_ACAO, fix: FIX_MISSING },
    Row { code: CorsError::WildcardOriginNotAllowed, name: "WildcardOriginNotAllowed", chromium: WILDCARD, firefox: &FF_WILDCARD, webkit: WEBKIT_WILDCARD, fix: FIX_WILDCARD },
    Row { code: CorsError::MultipleAllowOriginValues, name: "MultipleAllowOriginValues", chromium: MULTIPLE, firefox: &FF_MULTIPLE, webkit: WEBKIT_MULTIPLE, fix: FIX_MULTIPLE },
    Row { code: CorsError::InvalidAllowOriginValue, name: "InvalidAllowOriginValue", chromium: INVALID, firefox: &FF_NOT_MATCHING, webkit: NOT_ALLOWED_BY_ACAO, fix: FIX_MISMATCH },
    Row { code: CorsError::AllowOriginMismatch, name: "AllowOriginMismatch", chromium: MISMATCH, firefox: &FF_NOT_MATCHING, webkit: NOT_ALLOWED_BY_ACAO, fix: FIX_MISMATCH },
    Row { code: CorsError::InvalidAllowCredentials, name: "InvalidAllowCredentials", chromium: CREDENTIALS, firefox: &FF_CREDENTIALS, webkit: WEBKIT_CREDENTIALS, fix: FIX_CREDENTIALS },
    Row { code: CorsError::PreflightInvalidStatus, name: "PreflightInvalidStatus", chromium: "It does not have HTTP ok status.", firefox: &FF_STATUS, webkit: WEBKIT_STATUS, fix: "Answer the preflight (OPTIONS with Access-Control-Request-Method) with a 2xx status, typically 204: it carries no credentials, so authentication must let it through, and the route must accept OPTIONS." },
    Row { code: CorsError::PreflightDisallowedRedirect, name: "PreflightDisallowedRedirect", chromium: "Redirect is not allowed for a preflight request.", firefox: &FF_REDIRECT, webkit: WEBKIT_STATUS, fix: "Answer the preflight at the URL the page calls, without a redirect (no trailing-slash, HTTPS or login redirect for OPTIONS), or have the page call the final URL." },
    Row { code: CorsError::PreflightWildcardOriginNotAllowed, name: "PreflightWildcardOriginNotAllowed", chromium: WILDCARD, firefox: &FF_WILDCARD, webkit: WEBKIT_WILDCARD, fix: FIX_WILDCARD },
    Row { code: CorsError::PreflightMissingAllowOriginHeader, name: "PreflightMissingAllowOriginHeader", chromium: MISSING, firefox: &FF_MISSING, webkit: NOT_ALLOWED_BY_ACAO, fix: FIX_MISSING },
    Row { code: CorsError::PreflightMultipleAllowOriginValues, name: "PreflightMultipleAllowOriginValues", chromium: MULTIPLE, firefox: &FF_MULTIPLE, webkit: WEBKIT_MULTIPLE, fix: FIX_MULTIPLE },
    Row { code: CorsError::PreflightInvalidAllowOriginValue, name: "PreflightInvalidAllowOriginValue", chromium: INVALID, firefox: &FF_NOT_MATCHING, webkit: NOT_ALLOWED_BY_ACAO, fix: FIX_MISMATCH },
    Row { code: CorsError::PreflightAllowOriginMismatch, name: "PreflightAllowOriginMismatch", chromium: MISMATCH, firefox: &FF_NOT_MATCHING, webkit: NOT_ALLOWED_BY_ACAO, fix: FIX_MISMATCH },
    Row { code: CorsError::PreflightInvalidAllowCredentials, name: "PreflightInvalidAllowCredentials", chromium: CREDENTIALS, firefox: &FF_CREDENTIALS, webkit: WEBKIT_CREDENTIALS, fix: FIX_CREDENTIALS },
    Row { code: CorsError::InvalidAllowMethodsPreflightResponse, name: "InvalidAllowMethodsPreflightResponse", chromium: "Cannot parse Access-Control-Allow-Methods response header field in preflight response.", firefox: &FF_ALLOW_METHODS, webkit: "Header Access-Control-Allow-Methods has an invalid value: {}", fix: "Send Access-Control-Allow-Methods as a comma-separated list of method tokens (GET, PUT, ...), nothing else." },
    Row { code: CorsError::InvalidAllowHeadersPreflightResponse, name: "InvalidAllowHeadersPreflightResponse", chromium: "Cannot parse Access-Control-Allow-Headers response header field in preflight response.", firefox: &FF_ALLOW_HEADERS, webkit: "Header Access-Control-Allow-Headers has an invalid value: {}", fix: "Send Access-Control-Allow-Headers as a comma-separated list of header names, nothing else." },
    Row { code: CorsError::MethodDisallowedByPreflightResponse, name: "MethodDisallowedByPreflightResponse", chromium: "Method {} is not allowed by Access-Control-Allow-Methods in preflight response.", firefox: &FF_METHOD, webkit: "Method {} is not allowed by Access-Control-Allow-Methods.", fix: "List this method, spelled exactly as the page sends it (methods are case-sensitive; only DELETE GET HEAD OPTIONS POST PUT are upper-cased by fetch), in Access-Control-Allow-Methods." },
    Row { code: CorsError::HeaderDisallowedByPreflightResponse, name: "HeaderDisallowedByPreflightResponse", chromium: "Request header field {} is not allowed by Access-Control-Allow-Headers in preflight response.", firefox: &FF_HEADER, webkit: "Request header field {} is not allowed by Access-Control-Allow-Headers.", fix: "List this request header in Access-Control-Allow-Headers (Authorization always by name: * never covers it in the standard, and not at all with credentials)." },
];

impl CorsError {
    /// The code's row of the reason table.
    pub(super) fn row(self) -> &'static Row {
        // Every code has its row: the table is indexed by the enum.
        TABLE.iter().find(|r| r.code == self).unwrap_or(&TABLE[0])
    }
}

impl Check {
    /// Which failed check an engine reports when several fail: the lowest
    /// rank. Chromium (and the standard's order) checks ACAO/ACAC before the
    /// status; Firefox checks the method before parsing ACAH; WebKit checks
    /// the status (a redirect is one) before anything else.
    pub(super) fn rank(self, engine: Engine) -> u8 {
        const RANKS: [(Check, [u8; 4]); 7] = [
            // Standard, Chromium, Firefox, WebKit
            (Check::Redirect, [0, 0, 1, 1]),
            (Check::Access, [1, 1, 0, 2]),
            (Check::Status, [2, 2, 2, 0]),
            (Check::AllowMethods, [3, 3, 3, 3]),
            (Check::AllowHeaders, [4, 4, 5, 4]),
            (Check::Method, [5, 5, 4, 5]),
            (Check::Header, [6, 6, 6, 6]),
        ];
        let column = Engine::ALL.iter().position(|e| *e == engine).unwrap_or(0);
        RANKS
            .iter()
            .find(|(c, _)| *c == self)
            .map_or(u8::MAX, |(_, ranks)| ranks[column])
    }
}

impl Failure {
    /// What Firefox reports for this failure. Firefox joins repeated
    /// `Access-Control-Allow-Origin` lines into one value before it
    /// compares, so several origins, on one line or on several, read as a
    /// mismatch (observed in Firefox ESR 153).
    pub(super) fn firefox(&self) -> &'static Firefox {
        let row = self.code.row();
        if self.check == Check::Access && row.firefox.name == FF_MULTIPLE.name {
            &FF_NOT_MATCHING
        } else {
            row.firefox
        }
    }

    /// WebKit's console text for this failure (the redirect it refused
    /// aside), `origin` being the `Origin` sent and `status` the
    /// response's.
    pub(super) fn webkit(&self, origin: &str, status: u16) -> String {
        let row = self.code.row();
        // WebKit only speaks of "more than one origin" for a comma.
        let template = if self.check == Check::Access
            && row.webkit == WEBKIT_MULTIPLE
            && !self.parameter.contains(',')
        {
            NOT_ALLOWED_BY_ACAO
        } else {
            row.webkit
        };
        fill(
            template,
            &[
                ("{origin}", origin),
                ("{status}", &status.to_string()),
                ("{}", &self.webkit_parameter),
            ],
        )
    }
}

/// A template with each `{name}` replaced by its value, in one pass (a
/// value is never read as a template); an unknown `{` stays.
pub(super) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        match values.iter().find(|(key, _)| tail.starts_with(key)) {
            Some((key, value)) => {
                out.push_str(value);
                rest = &tail[key.len()..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
