//! Each engine's own words for a verdict: its console message and reason,
//! its warnings, how long it caches the preflight, and where the engines
//! asked differ.

use std::time::Duration;

use http::header::LOCATION;
use tower_cors::browser::{Blocked, Engine};

use super::walk::{End, Step, Walk};

/// The engine's name as users know it.
pub fn label(engine: Engine) -> &'static str {
    match engine {
        Engine::Chromium => "Chromium",
        Engine::Firefox => "Firefox",
        Engine::WebKit => "WebKit (Safari)",
        Engine::Standard => "The Fetch standard",
    }
}

/// What the engine's console names the reason: Chromium's DevTools
/// `corsError`, Firefox's message name (MDN's: its console key without the
/// version digits, `CORSMissingAllowOrigin` for `CORSMissingAllowOrigin2`),
/// WebKit's console text.
pub fn reason(walk: &Walk) -> Option<String> {
    let End::Blocked(b) = &walk.end else {
        return None;
    };
    reason_in(walk, b, walk.engine)
}

/// What `engine` reports for `walk`'s blocked ending `b`, though another
/// engine judged the walk (the exchanges are the same for every engine).
pub fn reason_in(walk: &Walk, b: &Blocked, engine: Engine) -> Option<String> {
    let reason = b.reason_in(engine)?;
    match (engine, redirect_target(walk)) {
        // WebKit names the redirect it refused, then the check that failed
        // (observed in WebKitGTK 2.50).
        (Engine::WebKit, Some(target)) => Some(format!(
            "Cross-origin redirection to {target} denied by Cross-Origin Resource Sharing policy: {reason}"
        )),
        _ => Some(reason),
    }
}

/// Where the blocked response redirected to, when it was a redirect of the
/// actual request.
fn redirect_target(walk: &Walk) -> Option<String> {
    let last = walk.last().filter(|e| e.step == Step::Actual)?;
    let location = last.response.headers.get(LOCATION)?.to_str().ok()?;
    let next = last.state.redirect(last.response.status, location).ok()?;
    Some(next.url().to_string())
}

/// The console message the engine prints for a blocked walk, as its
/// console shows it (one line per console message).
pub fn console(walk: &Walk) -> Option<String> {
    let End::Blocked(b) = &walk.end else {
        return None;
    };
    Some(match walk.engine {
        Engine::Firefox => firefox_messages(walk, b),
        Engine::WebKit => webkit_messages(walk),
        _ => b.message(),
    })
}

/// WebKit's three console errors for a blocked `fetch()`, in order: the
/// reason (source "security"), the script's failure naming the URL it
/// called (source "javascript"), and the request's (source "network").
fn webkit_messages(walk: &Walk) -> String {
    let reason = reason(walk).unwrap_or_default();
    let url = walk
        .exchanges
        .first()
        .map_or_else(String::new, |e| e.request.uri().to_string());
    format!(
        "{reason}\nFetch API cannot load {url} due to access control checks.\nFailed to load resource: {reason}"
    )
}

/// Firefox's console errors for a blocked `fetch()`, in order: the reason,
/// then, when a preflight failed or a redirect was refused, "CORS request
/// did not succeed" (twice for a preflight answered with a bare redirect,
/// after "CORS preflight response did not succeed" for one with CORS
/// headers), as Firefox ESR 153 prints them.
fn firefox_messages(walk: &Walk, b: &Blocked) -> String {
    let url = walk
        .last()
        .map_or_else(String::new, |e| e.request.uri().to_string());
    let sentence = |reason: &str| firefox_sentence(&url, reason);
    let not_succeeded = sentence("CORS request did not succeed). Status code: (null)");
    let last = walk.last();
    let redirected = last.is_some_and(|e| {
        e.response.status.is_redirection() && e.response.headers.contains_key(LOCATION)
    });
    let name = b.reason_in(Engine::Firefox).unwrap_or_default();
    let mut lines = vec![firefox_message(walk, b)];
    match (last.map(|e| e.step), redirected) {
        (Some(Step::Preflight), true) if name == "CORSExternalRedirectNotAllowed" => {
            let status = last.map_or(0, |e| e.response.status.as_u16());
            lines.push(sentence(&format!(
                "CORS preflight response did not succeed). Status code: {status}"
            )));
            lines.push(not_succeeded);
        }
        (Some(Step::Preflight), true) => lines.extend([not_succeeded.clone(), not_succeeded]),
        (Some(Step::Preflight), false) | (Some(Step::Actual), true) => lines.push(not_succeeded),
        _ => {}
    }
    lines.join("\n")
}

/// Firefox's "Cross-Origin Request Blocked" sentence: `reason` ends with
/// the `)` that closes "(Reason: ".
fn firefox_sentence(url: &str, reason: &str) -> String {
    format!(
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: {reason}."
    )
}

/// Firefox's "Cross-Origin Request Blocked" sentence for its message name,
/// as `dom/locales/en-US/chrome/security/security.properties` words it
/// (the ones compared with Firefox ESR 153 in the tests).
fn firefox_message(walk: &Walk, b: &Blocked) -> String {
    let name = b.reason_in(Engine::Firefox).unwrap_or_default();
    let (url, status) = walk.last().map_or((String::new(), 0), |e| {
        (e.request.uri().to_string(), e.response.status.as_u16())
    });
    let parameter = b.failed_parameter();
    let reason = match name.as_str() {
        "CORSMissingAllowOrigin" => format!(
            "CORS header ‘Access-Control-Allow-Origin’ missing). Status code: {status}"
        ),
        "CORSAllowOriginNotMatchingOrigin" => format!(
            "CORS header ‘Access-Control-Allow-Origin’ does not match ‘{parameter}’)"
        ),
        "CORSNotSupportingCredentials" => {
            // The one message that quotes the URL.
            return format!(
                "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘{url}’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)."
            );
        }
        "CORSMissingAllowCredentials" => "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)".to_owned(),
        "CORSPreflightDidNotSucceed" => format!(
            "CORS preflight response did not succeed). Status code: {status}"
        ),
        "CORSMethodNotFound" => "Did not find method in CORS header ‘Access-Control-Allow-Methods’)".to_owned(),
        "CORSMissingAllowHeaderFromPreflight" => format!(
            "header ‘{parameter}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)"
        ),
        "CORSMultipleAllowOriginNotAllowed" => "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)".to_owned(),
        "CORSInvalidAllowMethod" => format!(
            "invalid token ‘{}’ in CORS header ‘Access-Control-Allow-Methods’)",
            invalid_token(walk, "access-control-allow-methods")
        ),
        "CORSInvalidAllowHeader" => format!(
            "invalid token ‘{}’ in CORS header ‘Access-Control-Allow-Headers’)",
            invalid_token(walk, "access-control-allow-headers")
        ),
        "CORSExternalRedirectNotAllowed" => "CORS request external redirect not allowed)".to_owned(),
        other => format!("{other})"),
    };
    firefox_sentence(&url, &reason)
}

/// The first element of the last response's `header` (its lines joined)
/// that is not a token, as Firefox quotes it: trimmed, empty ones skipped.
fn invalid_token(walk: &Walk, header: &str) -> String {
    let values: Vec<String> = walk.last().map_or_else(Vec::new, |e| {
        e.response
            .headers
            .get_all(header)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    });
    let is_tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|t| t.trim_matches([' ', '\t']))
        .find(|t| !t.is_empty() && !t.chars().all(is_tchar))
        .unwrap_or_default()
        .to_owned()
}

/// The engine's names of the warnings it gave on an allowed walk.
pub fn warnings(walk: &Walk) -> Vec<&'static str> {
    match &walk.end {
        End::Allowed(_, w) => w.iter().filter_map(|w| w.name_in(walk.engine)).collect(),
        _ => Vec::new(),
    }
}

/// Where the engines asked differ on this request: the preflight-cache
/// time, the warnings, the verdict.
pub fn differences(walks: &[Walk]) -> Vec<String> {
    let mut out = Vec::new();
    if walks.len() < 2 {
        return out;
    }
    let cached: Vec<Option<Duration>> = walks.iter().map(|w| w.preflight_cached).collect();
    if cached.iter().any(Option::is_some) && cached.windows(2).any(|w| w[0] != w[1]) {
        let max_age = walks
            .iter()
            .flat_map(|w| w.exchanges.iter())
            .find_map(|e| e.response.headers.get("access-control-max-age"))
            .map_or_else(
                || "no Access-Control-Max-Age".to_owned(),
                |v| {
                    format!(
                        "Access-Control-Max-Age: {}",
                        String::from_utf8_lossy(v.as_bytes())
                    )
                },
            );
        let each: Vec<String> = walks
            .iter()
            .map(|w| format!("{} {}", label(w.engine), cache_words(w.preflight_cached)))
            .collect();
        out.push(format!(
            "The preflight's cache time differs ({max_age}): {}. Each engine caps it (Chromium 7200 s, Firefox 86400 s, WebKit 600 s), and Firefox does not cache a value that is not digits, or 0.",
            each.join(", ")
        ));
    }
    let warned: Vec<String> = walks
        .iter()
        .map(|w| {
            let names = warnings(w);
            format!(
                "{} {}",
                label(w.engine),
                if names.is_empty() {
                    "is silent".to_owned()
                } else {
                    format!("warns {}", names.join(", "))
                }
            )
        })
        .collect();
    if walks
        .iter()
        .map(warnings)
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| w[0] != w[1])
    {
        out.push(format!(
            "The engines warn differently: {}.",
            warned.join("; ")
        ));
    }
    let verdicts: Vec<bool> = walks
        .iter()
        .map(|w| matches!(w.end, End::Allowed(..)))
        .collect();
    if verdicts.windows(2).any(|w| w[0] != w[1]) {
        let each: Vec<String> = walks
            .iter()
            .map(|w| {
                format!(
                    "{} {}",
                    label(w.engine),
                    if matches!(w.end, End::Allowed(..)) {
                        "allows it"
                    } else {
                        "blocks it"
                    }
                )
            })
            .collect();
        out.push(format!("The engines disagree: {}.", each.join(", ")));
    }
    out
}

/// "caches it N s", or "does not cache it".
pub fn cache_words(cached: Option<Duration>) -> String {
    match cached {
        Some(d) if d.is_zero() => "does not cache it".to_owned(),
        Some(d) => format!("caches it {} s", d.as_secs()),
        None => "sent no preflight that passed".to_owned(),
    }
}

#[cfg(test)]
mod tests;
