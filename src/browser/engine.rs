//! The browser engines the model speaks for, and the few places where they
//! do not do what the Fetch standard's text says.

use std::time::Duration;

use crate::fetch;

/// Whose behaviour the model follows.
///
/// All four give the same verdict on almost every exchange; they differ in
/// how they *report* a refusal (see [`Blocked::reason_in`]) and in a few
/// documented places:
///
/// | | `ACAH: *` covers `Authorization` | preflight-cache cap | a new preflight replaces the cached one |
/// |---|---|---|---|
/// | [`Standard`](Engine::Standard) | no (blocked) | none | no, entries merge |
/// | [`Chromium`](Engine::Chromium) | yes, warns `AuthorizationCoveredByWildcard` | 7200 s | yes |
/// | [`Firefox`](Engine::Firefox) | yes, warns `CORSAllowHeaderFromPreflightDeprecation` | 86400 s | no, entries merge |
/// | [`WebKit`](Engine::WebKit) | yes, silently | 600 s | yes |
///
/// The `Authorization` column was observed in Chromium 156, Firefox ESR 153
/// and WebKitGTK 2.50; the caps come from each engine's source.
///
/// ```
/// use std::time::Duration;
/// use tower_cors::browser::Engine;
///
/// assert!(!Engine::Standard.wildcard_covers_authorization());
/// assert!(Engine::Chromium.wildcard_covers_authorization());
/// assert_eq!(Engine::WebKit.max_age_cap(), Some(Duration::from_secs(600)));
/// ```
///
/// [`Blocked::reason_in`]: crate::browser::Blocked::reason_in
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Engine {
    /// The WHATWG Fetch standard as written (fetch.spec.whatwg.org).
    #[default]
    Standard,
    /// Chrome, Edge, Opera and every other Blink browser.
    Chromium,
    /// Firefox (Gecko).
    Firefox,
    /// Safari and every WebKit browser (WebKitGTK, Epiphany).
    WebKit,
}

impl Engine {
    /// The standard and the three engines, in that order.
    pub const ALL: [Engine; 4] = [
        Engine::Standard,
        Engine::Chromium,
        Engine::Firefox,
        Engine::WebKit,
    ];

    /// The three real engines.
    pub const BROWSERS: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::WebKit];

    /// A lower-case name: `standard`, `chromium`, `firefox` or `webkit`.
    ///
    /// ```
    /// assert_eq!(tower_cors::browser::Engine::Firefox.name(), "firefox");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Engine::Standard => "standard",
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }

    /// The name users know it by: `The Fetch standard`, `Chromium`,
    /// `Firefox` or `WebKit (Safari)`.
    ///
    /// ```
    /// assert_eq!(tower_cors::browser::Engine::WebKit.label(), "WebKit (Safari)");
    /// ```
    pub fn label(self) -> &'static str {
        match self {
            Engine::Standard => "The Fetch standard",
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox",
            Engine::WebKit => "WebKit (Safari)",
        }
    }

    /// What the page's script gets when the engine fails a `fetch()` (CORS
    /// or network error): the `TypeError` the promise rejects with, as
    /// `String(error)` gives it. The standard names no message.
    ///
    /// ```
    /// use tower_cors::browser::Engine;
    /// assert_eq!(Engine::Chromium.fetch_error(), "TypeError: Failed to fetch");
    /// assert_eq!(Engine::WebKit.fetch_error(), "TypeError: Load failed");
    /// ```
    pub fn fetch_error(self) -> &'static str {
        match self {
            Engine::Standard => "TypeError",
            Engine::Chromium => "TypeError: Failed to fetch",
            Engine::Firefox => "TypeError: NetworkError when attempting to fetch resource.",
            Engine::WebKit => "TypeError: Load failed",
        }
    }

    /// Whether `Access-Control-Allow-Headers: *` (without credentials) lets
    /// a request carry `Authorization`. The standard says no (it is the one
    /// CORS non-wildcard request-header name); every engine observed still
    /// says yes.
    ///
    /// ```
    /// use tower_cors::browser::Engine;
    /// assert!(Engine::BROWSERS.iter().all(|e| e.wildcard_covers_authorization()));
    /// ```
    pub fn wildcard_covers_authorization(self) -> bool {
        !matches!(self, Engine::Standard)
    }

    /// The longest time a preflight stays cached, whatever
    /// `Access-Control-Max-Age` says; `None` for the standard, which leaves
    /// the limit to the user agent.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_cors::browser::Engine;
    /// assert_eq!(Engine::Chromium.max_age_cap(), Some(Duration::from_secs(7200)));
    /// assert_eq!(Engine::Standard.max_age_cap(), None);
    /// ```
    pub fn max_age_cap(self) -> Option<Duration> {
        let secs = match self {
            Engine::Standard => return None,
            Engine::Chromium => fetch::MAX_AGE_CAP_CHROMIUM,
            Engine::Firefox => fetch::MAX_AGE_CAP_FIREFOX,
            Engine::WebKit => fetch::MAX_AGE_CAP_WEBKIT,
        };
        Some(Duration::from_secs(secs))
    }

    /// How long a successful preflight is cached, given its
    /// `Access-Control-Max-Age` value (all lines joined with `, `, or `None`
    /// when absent). [`Duration::ZERO`] means not cached at all.
    ///
    /// - Standard: `delta-seconds` (digits only), anything else 5 s. A
    ///   negative integer is not cached, as WPT `cors/preflight-cache.htm`
    ///   expects of every engine.
    /// - Chromium: a signed integer, anything else 5 s; negative is 0.
    /// - Firefox: missing 5 s; any non-digit, or `0`, is not cached.
    /// - WebKit: a signed integer, anything else 5 s; negative is 0.
    ///
    /// ```
    /// use std::time::Duration;
    /// use tower_cors::browser::Engine;
    ///
    /// assert_eq!(Engine::Standard.preflight_cache_lifetime(None), Duration::from_secs(5));
    /// assert_eq!(Engine::Chromium.preflight_cache_lifetime(Some("86400")), Duration::from_secs(7200));
    /// assert_eq!(Engine::Firefox.preflight_cache_lifetime(Some("ten")), Duration::ZERO);
    /// assert_eq!(Engine::WebKit.preflight_cache_lifetime(Some("ten")), Duration::from_secs(5));
    /// ```
    pub fn preflight_cache_lifetime(self, max_age: Option<&str>) -> Duration {
        let default = fetch::MAX_AGE_DEFAULT;
        let value = max_age.map(|v| v.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n')));
        let secs = match self {
            Engine::Standard => match value {
                Some(v) if is_digits(v) => saturating_decimal(v),
                Some(v) if v.strip_prefix('-').is_some_and(is_digits) => 0,
                _ => default,
            },
            Engine::Chromium | Engine::WebKit => match value.and_then(signed_integer) {
                Some(n) if n < 0 => 0,
                Some(n) => n.unsigned_abs(),
                None => default,
            },
            Engine::Firefox => match value {
                None | Some("") => default,
                Some(v) if is_digits(v) => saturating_decimal(v),
                Some(_) => 0,
            },
        };
        let secs = self
            .max_age_cap()
            .map_or(secs, |cap| secs.min(cap.as_secs()));
        Duration::from_secs(secs)
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether `s` is one or more ASCII digits.
fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A digit string's value, `u64::MAX` when it does not fit.
fn saturating_decimal(s: &str) -> u64 {
    s.parse().unwrap_or(u64::MAX)
}

/// An optionally signed decimal that fits in an `i64` (Chromium's
/// `StringToInt64`, WebKit's `parseInteger<int64_t>`).
fn signed_integer(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if !is_digits(digits) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests;
