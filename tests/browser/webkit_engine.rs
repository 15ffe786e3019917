//! WebKit (`tower_cors_test_drivers::webkit`, MiniBrowser under Xvfb over the inspector protocol)
//! behind the suite's engine interface. Every tab is its own MiniBrowser
//! with its own ephemeral session. The reason for a blocked request is the
//! `errorText` the Network domain gives it, the same English sentence as
//! the security console message; WebKit reports no preflights and no
//! warnings there.

use std::time::Duration;

use serde_json::Value;

use crate::engine::{Browser, Engine, Level, Report, Tab};
use tower_cors_test_drivers::webkit::{self, Page, WebKit};

/// Whether MiniBrowser and Xvfb are both there.
pub fn available() -> bool {
    webkit::find_minibrowser().is_some() && webkit::find_xvfb().is_some()
}

/// A running Xvfb to start MiniBrowsers on, and the options every
/// MiniBrowser gets.
pub struct WebKitBrowser {
    webkit: WebKit,
    options: Vec<String>,
}

impl WebKitBrowser {
    /// Starts Xvfb and checks MiniBrowser, within `timeout`. Every page
    /// sends its requests through the HTTP proxy on `proxy`, except those
    /// to loopback addresses (`127.0.0.1`, `localhost`), which go straight:
    /// MiniBrowser has no resolver override, so the proxy is how the
    /// suite's plain-http names ([`crate::env::PLAIN_NAMES`]) reach it.
    pub fn launch(timeout: Duration, proxy: u16) -> Result<Self, String> {
        let options = vec![
            format!("--proxy=http://127.0.0.1:{proxy}"),
            "--ignore-host=127.0.0.1".to_owned(),
            "--ignore-host=localhost".to_owned(),
        ];
        let webkit = WebKit::launch(timeout)?;
        Ok(Self { webkit, options })
    }
}

impl Browser for WebKitBrowser {
    fn engine(&self) -> Engine {
        Engine::WebKit
    }

    fn version(&self) -> String {
        format!("{} (MiniBrowser under Xvfb)", self.webkit.version())
    }

    /// Each page is a MiniBrowser of its own. One that dies while starting
    /// (its inspector's connection reset before the page opened, seen on a
    /// loaded machine) is replaced once: no request of the case was made
    /// yet. The case runner may then run a whole case once more when a
    /// page still fails to open; the conformance recorder has only this.
    fn open(&self, url: &str, _width: u32, timeout: Duration) -> Result<Box<dyn Tab + '_>, String> {
        let options: Vec<&str> = self.options.iter().map(String::as_str).collect();
        let page = match self.webkit.open_page_with(url, &options, timeout) {
            Err(e) if e.contains("connection closed") => self
                .webkit
                .open_page_with(url, &options, timeout)
                .map_err(|again| format!("{e}; then, in a new MiniBrowser: {again}"))?,
            other => other?,
        };
        Ok(Box::new(WebKitTab(page)))
    }

    fn log_tail(&self) -> String {
        String::new()
    }
}

struct WebKitTab<'a>(Page<'a>);

/// The reports about requests to `needle`, and whether they all ended.
fn digest(page: &Page<'_>, needle: &str) -> (Vec<Report>, bool) {
    let requests: Vec<_> = page
        .requests()
        .into_iter()
        .filter(|r| r.url.contains(needle))
        .collect();
    let settled = !requests.is_empty() && requests.iter().all(|r| r.ended);
    let reports = requests
        .into_iter()
        .filter_map(|r| {
            Some(Report {
                code: r.error?,
                url: r.url,
                level: Level::Error,
                detail: String::new(),
            })
        })
        .collect();
    (reports, settled)
}

impl Tab for WebKitTab<'_> {
    fn goto(&self, url: &str, timeout: Duration) -> Result<(), String> {
        self.0.goto(url, timeout)
    }

    fn eval(&self, js: &str, timeout: Duration) -> Result<Value, String> {
        self.0.eval(js, timeout)
    }

    fn reports(
        &self,
        needle: &str,
        _cookie: Option<&str>,
        timeout: Duration,
        enough: &dyn Fn(&[Report]) -> bool,
    ) -> Vec<Report> {
        let found = self.0.wait_for(
            |page| {
                let (reports, settled) = digest(page, needle);
                (settled || enough(&reports)).then_some(reports)
            },
            timeout,
        );
        found.unwrap_or_else(|_| digest(&self.0, needle).0)
    }

    fn screenshot(&self, timeout: Duration) -> Result<Vec<u8>, String> {
        self.0.screenshot_png(timeout)
    }
}
