//! Firefox (`tower_cors_test_drivers::firefox`: WebDriver BiDi, its console
//! over Marionette) behind the suite's engine interface. Every tab is in its
//! own user context. The reason for a blocked request is its console
//! message's key (`CORSMissingAllowOrigin2`); warnings come the same way.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use tower_cors_test_drivers::firefox::{self, ConsoleMessage, Firefox};

use crate::engine::{Browser, Engine, Level, Report, Tab};
use crate::env::PLAIN_NAMES;

/// A running headless Firefox behind the suite's engine interface.
pub struct FirefoxBrowser(Firefox);

impl FirefoxBrowser {
    /// Starts Firefox and connects to it, within `timeout`, with the
    /// plain-http names ([`PLAIN_NAMES`]) resolved to 127.0.0.1
    /// (`network.dns.localDomains`).
    pub fn launch(exe: &Path, timeout: Duration) -> Result<Self, String> {
        let names = format!("{:?}", PLAIN_NAMES.join(","));
        let prefs = [("network.dns.localDomains", names.as_str())];
        Firefox::launch_with(exe, &prefs, false, timeout).map(Self)
    }
}

/// Where Firefox is, if installed.
pub fn find() -> Option<std::path::PathBuf> {
    firefox::find()
}

impl Browser for FirefoxBrowser {
    fn engine(&self) -> Engine {
        Engine::Firefox
    }

    fn version(&self) -> String {
        self.0.version().to_owned()
    }

    fn open(&self, url: &str, width: u32, timeout: Duration) -> Result<Box<dyn Tab + '_>, String> {
        let tab = self.0.open(url, width, timeout)?;
        Ok(Box::new(FirefoxTab {
            firefox: &self.0,
            tab,
        }))
    }

    fn log_tail(&self) -> String {
        self.0.log_tail()
    }
}

/// A tab in its own user context.
struct FirefoxTab<'a> {
    firefox: &'a Firefox,
    tab: firefox::Tab<'a>,
}

/// The messages about `needle` (they quote the URL), or about the cookie
/// named `cookie` (cookie messages quote only its name, as “name”). Cookie
/// messages are warnings: the request itself went through.
fn matching(messages: &[ConsoleMessage], needle: &str, cookie: Option<&str>) -> Vec<Report> {
    messages
        .iter()
        .filter_map(|m| {
            if let Some(name) = cookie.filter(|n| m.text.contains(&format!("“{n}”"))) {
                return Some(Report {
                    url: name.to_owned(),
                    level: Level::Warning,
                    code: m.key.clone(),
                    detail: m.text.clone(),
                });
            }
            let url = m
                .text
                .split_whitespace()
                .find(|w| w.contains(needle))?
                .trim_end_matches(['.', ',', ')', '”', '’'])
                .trim_start_matches(['“', '‘', '(']);
            Some(Report {
                url: url.to_owned(),
                level: if m.warning {
                    Level::Warning
                } else {
                    Level::Error
                },
                code: m.key.clone(),
                detail: m.text.clone(),
            })
        })
        .collect()
}

impl Tab for FirefoxTab<'_> {
    fn goto(&self, url: &str, timeout: Duration) -> Result<(), String> {
        self.tab.goto(url, timeout)
    }

    fn eval(&self, js: &str, timeout: Duration) -> Result<Value, String> {
        self.tab.eval(js, timeout)
    }

    fn reports(
        &self,
        needle: &str,
        cookie: Option<&str>,
        timeout: Duration,
        enough: &dyn Fn(&[Report]) -> bool,
    ) -> Vec<Report> {
        let messages = self.firefox.console(timeout, |messages| {
            enough(&matching(messages, needle, cookie))
        });
        matching(&messages, needle, cookie)
    }

    fn screenshot(&self, timeout: Duration) -> Result<Vec<u8>, String> {
        self.tab.screenshot(timeout)
    }
}
