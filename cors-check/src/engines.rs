//! Each engine's own words for a verdict: its console message and reason,
//! its warnings, how long it caches the preflight, and where the engines
//! asked differ.

use std::time::Duration;

use tower_cors::browser::{Blocked, Engine};

use crate::walk::{End, Walk};

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
/// `corsError`, Firefox's message name (MDN's), WebKit's console text.
pub fn reason(walk: &Walk) -> Option<String> {
    match &walk.end {
        End::Blocked(b) => b.reason_in(walk.engine),
        _ => None,
    }
}

/// The console message the engine prints for a blocked walk.
pub fn console(walk: &Walk) -> Option<String> {
    let End::Blocked(b) = &walk.end else {
        return None;
    };
    Some(match walk.engine {
        Engine::Firefox => firefox_message(walk, b),
        Engine::WebKit => {
            let url = walk
                .last()
                .map_or_else(String::new, |e| e.request.uri().to_string());
            format!(
                "{} Fetch API cannot load {url} due to access control checks.",
                b.reason_in(Engine::WebKit).unwrap_or_default()
            )
        }
        _ => b.message(),
    })
}

/// Firefox's "Cross-Origin Request Blocked" sentence, from its message
/// name (dom/locales security.properties).
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
        "CORSNotSupportingCredentials" => "Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’)".to_owned(),
        "CORSMissingAllowCredentials" => "expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’)".to_owned(),
        "CORSPreflightDidNotSucceed" => format!(
            "CORS preflight response did not succeed). Status code: {status}"
        ),
        "CORSMethodNotFound" => "Did not find method in CORS header ‘Access-Control-Allow-Methods’)".to_owned(),
        "CORSMissingAllowHeaderFromPreflight" => format!(
            "header ‘{parameter}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)"
        ),
        "CORSMultipleAllowOriginNotAllowed" => "Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed)".to_owned(),
        "CORSInvalidAllowMethod" => "invalid token in CORS header ‘Access-Control-Allow-Methods’)".to_owned(),
        "CORSInvalidAllowHeader" => "invalid token in CORS header ‘Access-Control-Allow-Headers’)".to_owned(),
        "CORSExternalRedirectNotAllowed" => "CORS request external redirect not allowed)".to_owned(),
        other => format!("{other})"),
    };
    format!(
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: {reason}. [{name}]"
    )
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
