//! An engine's own words for a blocked request, named as the vectors name
//! reasons: `tower_cors::browser::CorsError::as_str()`. Chromium's DevTools
//! code is that name already; Firefox's console keys and WebKit's console
//! texts are mapped back to codes by the tables below. They restate the
//! library's reason table (`src/browser/reasons.rs`, which is not public)
//! the other way round; a row that drifts from what an engine says fails
//! the recorder, which compares every engine's words on every run.
//!
//! Where the engine's words fit several codes (Firefox's "does not match"
//! for a mismatch, an invalid value and several values; WebKit's "not
//! allowed by Access-Control-Allow-Origin" for a missing, invalid or
//! mismatching value), the browser model, judging the same answer, picks
//! among them. Whether the failed check was the preflight's comes from the
//! server: a preflight that no actual request followed.

use crate::engine::Engine;

/// The checks on `Access-Control-Allow-Origin`/`-Credentials`, which have
/// a `Preflight…` twin.
const ACCESS: [&str; 6] = [
    "MissingAllowOriginHeader",
    "WildcardOriginNotAllowed",
    "MultipleAllowOriginValues",
    "InvalidAllowOriginValue",
    "AllowOriginMismatch",
    "InvalidAllowCredentials",
];

/// Firefox's console keys (without the version digits), each with the
/// codes whose row gives that key.
const FIREFOX: [(&str, &[&str]); 11] = [
    ("CORSMissingAllowOrigin", &["MissingAllowOriginHeader"]),
    (
        "CORSAllowOriginNotMatchingOrigin",
        &[
            "AllowOriginMismatch",
            "InvalidAllowOriginValue",
            "MultipleAllowOriginValues",
        ],
    ),
    (
        "CORSMultipleAllowOriginNotAllowed",
        &["MultipleAllowOriginValues"],
    ),
    (
        "CORSNotSupportingCredentials",
        &["WildcardOriginNotAllowed"],
    ),
    ("CORSMissingAllowCredentials", &["InvalidAllowCredentials"]),
    ("CORSPreflightDidNotSucceed", &["PreflightInvalidStatus"]),
    (
        "CORSExternalRedirectNotAllowed",
        &["PreflightDisallowedRedirect"],
    ),
    (
        "CORSInvalidAllowMethod",
        &["InvalidAllowMethodsPreflightResponse"],
    ),
    (
        "CORSInvalidAllowHeader",
        &["InvalidAllowHeadersPreflightResponse"],
    ),
    (
        "CORSMethodNotFound",
        &["MethodDisallowedByPreflightResponse"],
    ),
    (
        "CORSMissingAllowHeaderFromPreflight",
        &["HeaderDisallowedByPreflightResponse"],
    ),
];

/// Fragments of WebKit's console texts, each with the codes whose row
/// gives that text.
const WEBKIT: [(&str, &[&str]); 9] = [
    (
        "Preflight response is not successful",
        &["PreflightInvalidStatus", "PreflightDisallowedRedirect"],
    ),
    (
        "is not allowed by Access-Control-Allow-Origin",
        &[
            "MissingAllowOriginHeader",
            "AllowOriginMismatch",
            "InvalidAllowOriginValue",
        ],
    ),
    (
        "Cannot use wildcard in Access-Control-Allow-Origin",
        &["WildcardOriginNotAllowed"],
    ),
    (
        "cannot contain more than one origin",
        &["MultipleAllowOriginValues"],
    ),
    (
        "Access-Control-Allow-Credentials is not",
        &["InvalidAllowCredentials"],
    ),
    (
        "Access-Control-Allow-Methods has an invalid value",
        &["InvalidAllowMethodsPreflightResponse"],
    ),
    (
        "Access-Control-Allow-Headers has an invalid value",
        &["InvalidAllowHeadersPreflightResponse"],
    ),
    (
        "is not allowed by Access-Control-Allow-Methods",
        &["MethodDisallowedByPreflightResponse"],
    ),
    (
        "is not allowed by Access-Control-Allow-Headers",
        &["HeaderDisallowedByPreflightResponse"],
    ),
];

/// The code for `engine`'s `words`, `None` if no row gives them. The
/// preflight's twin when `on_preflight`; among several codes, `model`'s
/// if it is one of them, else the first.
pub fn code(
    engine: Engine,
    words: &str,
    on_preflight: bool,
    model: Option<&str>,
) -> Option<String> {
    let codes: Vec<String> = match engine {
        Engine::Chromium => vec![words.to_owned()],
        Engine::Firefox => rows(&FIREFOX, |key| words == key),
        Engine::WebKit => rows(&WEBKIT, |fragment| words.contains(fragment)),
    }
    .into_iter()
    .map(|c| match ACCESS.contains(&c.as_str()) && on_preflight {
        true => format!("Preflight{c}"),
        false => c,
    })
    .collect();
    let first = codes.first().cloned();
    model
        .filter(|m| codes.iter().any(|c| c == m))
        .map(str::to_owned)
        .or(first)
}

fn rows(table: &[(&str, &[&str])], fits: impl Fn(&str) -> bool) -> Vec<String> {
    table
        .iter()
        .find(|(words, _)| fits(words))
        .map(|(_, codes)| codes.iter().map(|c| (*c).to_owned()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_words_name_the_codes() {
        let c = |e, words, preflight, model| code(e, words, preflight, model);
        assert_eq!(
            c(Engine::Chromium, "PreflightInvalidStatus", true, None).as_deref(),
            Some("PreflightInvalidStatus")
        );
        // Firefox's key says which check, the server whether on the preflight.
        assert_eq!(
            c(Engine::Firefox, "CORSMissingAllowOrigin", true, None).as_deref(),
            Some("PreflightMissingAllowOriginHeader")
        );
        assert_eq!(
            c(Engine::Firefox, "CORSMissingAllowOrigin", false, None).as_deref(),
            Some("MissingAllowOriginHeader")
        );
        // Words that fit several codes: the model's, if it is one of them.
        let mismatch = "Origin http://127.0.0.1:1 is not allowed by Access-Control-Allow-Origin. Status code: 200";
        assert_eq!(
            c(Engine::WebKit, mismatch, false, Some("AllowOriginMismatch")).as_deref(),
            Some("AllowOriginMismatch")
        );
        assert_eq!(
            c(
                Engine::WebKit,
                mismatch,
                false,
                Some("PreflightInvalidStatus")
            )
            .as_deref(),
            Some("MissingAllowOriginHeader")
        );
        let status = "Preflight response is not successful. Status code: 403";
        assert_eq!(
            c(Engine::WebKit, status, true, None).as_deref(),
            Some("PreflightInvalidStatus")
        );
        let header = "Request header field x-other is not allowed by Access-Control-Allow-Headers.";
        assert_eq!(
            c(Engine::WebKit, header, false, None).as_deref(),
            Some("HeaderDisallowedByPreflightResponse")
        );
        assert_eq!(c(Engine::Firefox, "CORSSomethingNew", false, None), None);
    }
}
