//! Each engine's words for a walk, rendered from the browser model's
//! reason table (`tower_cors::browser`, which holds every engine's reason,
//! console lines and codes): the reason and console lines, the warnings,
//! how long it caches the preflight, and where the engines asked differ.

use std::time::Duration;

use tower_cors::browser::Engine;

use super::walk::{End, Walk};

/// What the engine names the reason ([`Blocked::reason_in`]): Chromium's
/// DevTools `corsError`, Firefox's message name, WebKit's console text.
///
/// [`Blocked::reason_in`]: tower_cors::browser::Blocked::reason_in
pub fn reason(walk: &Walk) -> Option<String> {
    let End::Blocked(b) = &walk.end else {
        return None;
    };
    b.reason_in(walk.engine)
}

/// The console messages the engine prints for a blocked walk, one line
/// per message ([`Blocked::console_in`]).
///
/// [`Blocked::console_in`]: tower_cors::browser::Blocked::console_in
pub fn console(walk: &Walk) -> Option<String> {
    let End::Blocked(b) = &walk.end else {
        return None;
    };
    Some(b.console_in(walk.engine).join("\n"))
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
    if walks.len() < 2 {
        return Vec::new();
    }
    [
        cache_difference(walks),
        warning_difference(walks),
        verdict_difference(walks),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Whether any two neighbours differ.
fn differ<T: PartialEq>(each: &[T]) -> bool {
    each.windows(2).any(|w| w[0] != w[1])
}

/// "`<engine>` `<words>`" for each walk.
fn per_engine(walks: &[Walk], words: impl Fn(&Walk) -> String) -> Vec<String> {
    walks
        .iter()
        .map(|w| format!("{} {}", w.engine.label(), words(w)))
        .collect()
}

/// The preflight's cache time, when the engines cache it differently.
fn cache_difference(walks: &[Walk]) -> Option<String> {
    let cached: Vec<Option<Duration>> = walks.iter().map(|w| w.preflight_cached).collect();
    if !cached.iter().any(Option::is_some) || !differ(&cached) {
        return None;
    }
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
    let caps: Vec<String> = Engine::BROWSERS
        .iter()
        .filter_map(|e| Some(format!("{} {} s", e.label(), e.max_age_cap()?.as_secs())))
        .collect();
    Some(format!(
        "The preflight's cache time differs ({max_age}): {}. Each engine caps it ({}), and Firefox does not cache a value that is not digits, or 0.",
        per_engine(walks, |w| cache_words(w.preflight_cached)).join(", "),
        caps.join(", ")
    ))
}

/// The warnings, when the engines warn differently.
fn warning_difference(walks: &[Walk]) -> Option<String> {
    if !differ(&walks.iter().map(warnings).collect::<Vec<_>>()) {
        return None;
    }
    let each = per_engine(walks, |w| {
        let names = warnings(w);
        if names.is_empty() {
            "is silent".to_owned()
        } else {
            format!("warns {}", names.join(", "))
        }
    });
    Some(format!(
        "The engines warn differently: {}.",
        each.join("; ")
    ))
}

/// The verdicts, when the engines disagree.
fn verdict_difference(walks: &[Walk]) -> Option<String> {
    let allows = |w: &Walk| matches!(w.end, End::Allowed(..));
    if !differ(&walks.iter().map(allows).collect::<Vec<_>>()) {
        return None;
    }
    let each = per_engine(walks, |w| {
        if allows(w) { "allows it" } else { "blocks it" }.to_owned()
    });
    Some(format!("The engines disagree: {}.", each.join(", ")))
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
