//! What the suite needs from a browser engine, whichever it is: open a page
//! in a fresh context, run a script in it, and say what the engine itself
//! reported about the requests whose URL contains a given string.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// The three engines users' pages run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Engine {
    /// Chromium (Blink), driven over the DevTools protocol.
    Chromium,
    /// Firefox ESR (Gecko), over WebDriver BiDi, its console over Marionette.
    Firefox,
    /// WebKitGTK's MiniBrowser (Safari's engine), over WebKit's inspector protocol.
    WebKit,
}

impl Engine {
    /// Every engine, in the order the report shows them.
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::WebKit];

    /// The browser model's name for this engine.
    pub fn model(self) -> tower_cors::browser::Engine {
        match self {
            Engine::Chromium => tower_cors::browser::Engine::Chromium,
            Engine::Firefox => tower_cors::browser::Engine::Firefox,
            Engine::WebKit => tower_cors::browser::Engine::WebKit,
        }
    }

    /// The engine's reason among its reports, in the model's terms
    /// (`Blocked::reason_in`): the first error; for Firefox the first that
    /// is not the `CORSDidNotSucceed` it adds after each failure, its key
    /// without the version digits.
    pub fn first_reason(self, reports: &[Report]) -> Option<String> {
        let mut errors = reports.iter().filter(|r| r.level == Level::Error);
        match self {
            Engine::Chromium | Engine::WebKit => errors.next().map(|r| r.code.clone()),
            Engine::Firefox => errors
                .map(|r| r.code.trim_end_matches(|c: char| c.is_ascii_digit()))
                .find(|k| *k != "CORSDidNotSucceed")
                .map(str::to_owned),
        }
    }

    /// Lower-case tag, used in URLs (`e=firefox`) and file names.
    pub fn tag(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }

    /// The Debian packages that provide it (for the skip notice).
    pub fn packages(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox-esr",
            Engine::WebKit => "webkit2gtk-driver xvfb",
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Chromium => "Chromium",
            Engine::Firefox => "Firefox",
            Engine::WebKit => "WebKit",
        })
    }
}

/// Whether a report blocked the request or only warned about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The request was blocked (or failed) for this reason.
    Error,
    /// A warning (a deprecation, for example); the request went through.
    Warning,
}

/// One thing an engine reported about one request.
#[derive(Debug, Clone)]
pub struct Report {
    /// The URL it is about (for page-level reports, the page's).
    pub url: String,
    /// Error or warning.
    pub level: Level,
    /// The engine's own reason: Chromium's `corsError` code or issue type,
    /// Firefox's console message key, WebKit's message text.
    pub code: String,
    /// More: Chromium's `failedParameter`, Firefox's console text.
    pub detail: String,
}

/// A page open in a fresh context: own cookies, own caches, own preflight
/// cache.
pub trait Tab {
    /// Navigates to `url` and waits for its load event.
    fn goto(&self, url: &str, timeout: Duration) -> Result<(), String>;

    /// Evaluates the JavaScript expression `js` in the page, awaiting it if
    /// it is a promise; its value must be JSON-serialisable.
    fn eval(&self, js: &str, timeout: Duration) -> Result<Value, String>;

    /// The engine's reports about requests whose URL contains `needle`
    /// (and, where the engine names the cookie instead of the URL, about
    /// the cookie named `cookie`). Returns as soon as `enough` holds for
    /// them, or when the engine has shown it will report nothing more about
    /// them, or after `timeout`; either way with what was reported.
    fn reports(
        &self,
        needle: &str,
        cookie: Option<&str>,
        timeout: Duration,
        enough: &dyn Fn(&[Report]) -> bool,
    ) -> Vec<Report>;

    /// A PNG of the whole page.
    fn screenshot(&self, timeout: Duration) -> Result<Vec<u8>, String>;

    /// Runs `js`, which makes the page navigate (submits a form) to a URL
    /// containing `needle`, and waits until that document has loaded,
    /// whatever its status (Chromium shows its own error page,
    /// `chrome-error://`, for an empty 403). The same in every engine: it
    /// asks the page, in short evaluations that may fail while the old
    /// document goes away, until the new one answers. (Firefox may show
    /// a transient document first, which must not count.)
    fn navigate_by(&self, js: &str, needle: &str, timeout: Duration) -> Result<(), String> {
        const DOC: &str = "document.readyState === 'complete' ? location.href : null";
        let arrived = |now: &Value| {
            now.as_str()
                .is_some_and(|href| href.contains(needle) || href.starts_with("chrome-error:"))
        };
        let deadline = std::time::Instant::now() + timeout;
        let poll = Duration::from_secs(2);
        // The script submits in a task of its own, so that this evaluation
        // returns before its document goes away.
        // WebKit may lose the evaluation's promise to the navigation, so a
        // failure here only counts if no new document comes.
        let submit = self.eval(&format!("(setTimeout(() => {{ {js} }}, 0), true)"), poll);
        let mut last;
        loop {
            match self.eval(DOC, poll) {
                Ok(now) if arrived(&now) => return Ok(()),
                Ok(now) => last = format!("still {now}"),
                Err(e) => last = e,
            }
            if std::time::Instant::now() >= deadline {
                let submit = submit.err().unwrap_or_else(|| "submitted".into());
                return Err(format!(
                    "no new document within {timeout:?} ({submit}; {last})"
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A running engine.
pub trait Browser: Sync {
    /// Which engine this is.
    fn engine(&self) -> Engine;

    /// Its product name and version, as it reports them.
    fn version(&self) -> String;

    /// Opens `url` in a fresh context, `width` CSS pixels wide.
    fn open(&self, url: &str, width: u32, timeout: Duration) -> Result<Box<dyn Tab + '_>, String>;

    /// The last lines of the engine's own log, for failure messages.
    fn log_tail(&self) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firefox_reason_skips_did_not_succeed() {
        let report = |code: &str| Report {
            url: "http://localhost:1/cv/firefox/0/x".into(),
            level: Level::Error,
            code: code.into(),
            detail: String::new(),
        };
        let reports = [
            report("CORSDidNotSucceed2"),
            report("CORSMissingAllowOrigin2"),
        ];
        assert_eq!(
            Engine::Firefox.first_reason(&reports).as_deref(),
            Some("CORSMissingAllowOrigin")
        );
        assert_eq!(Engine::WebKit.first_reason(&[]), None);
    }
}
