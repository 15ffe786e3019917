//! Headless Chromium (`tower_cors_test_drivers::devtools`) behind the suite's engine interface.
//!
//! Every tab gets its own browser context (own cookies and preflight
//! cache), with the Network and Audits domains on. The reason for a blocked request is
//! `Network.loadingFailed`'s `corsErrorStatus.corsError` (with
//! `failedParameter`); deprecations that do not block arrive as
//! `Audits.issueAdded`.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};

use crate::engine::{Browser, Engine, Level, Report, Tab};
use crate::env::PLAIN_NAMES;
use tower_cors_test_drivers::devtools::{DevTools, Page};

/// How long after a request has ended an issue about it may still come.
const ISSUES_TRAIL: Duration = Duration::from_millis(1500);

/// A running headless Chromium behind the suite's engine interface.
pub struct ChromiumBrowser {
    devtools: DevTools,
}

impl ChromiumBrowser {
    /// Starts Chromium and connects to it, within `timeout`, with the
    /// plain-http names ([`PLAIN_NAMES`]) resolved to 127.0.0.1.
    pub fn launch(exe: &Path, timeout: Duration) -> Result<Self, String> {
        let rules: Vec<String> = PLAIN_NAMES
            .iter()
            .map(|name| format!("MAP {name} 127.0.0.1"))
            .collect();
        let flag = format!("--host-resolver-rules={}", rules.join(", "));
        Ok(Self {
            devtools: DevTools::launch_with(exe, &[flag], timeout)?,
        })
    }
}

impl Browser for ChromiumBrowser {
    fn engine(&self) -> Engine {
        Engine::Chromium
    }

    fn version(&self) -> String {
        self.devtools.version.clone()
    }

    fn open(&self, url: &str, width: u32, timeout: Duration) -> Result<Box<dyn Tab + '_>, String> {
        let page = Page::open(
            &self.devtools,
            &["Page.enable", "Network.enable", "Audits.enable"],
            timeout,
        )?;
        page.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
            timeout,
        )?;
        let tab = ChromiumTab { page };
        tab.goto(url, timeout)?;
        Ok(Box::new(tab))
    }

    fn log_tail(&self) -> String {
        self.devtools.log_tail()
    }
}

/// One tab in its own browser context.
struct ChromiumTab<'a> {
    page: Page<'a>,
}

/// What DevTools said about the requests of one tab, from its events:
/// `(reports, all requests to needle ended)`.
fn digest(events: &[Value], needle: &str) -> (Vec<Report>, bool) {
    let mut url_of: HashMap<&str, &str> = HashMap::new();
    let mut ended: HashMap<&str, bool> = HashMap::new();
    let mut reports = Vec::new();
    let mut issues: Vec<&Value> = Vec::new();
    let mut cookies: Vec<(&str, String)> = Vec::new();
    for e in events {
        let p = &e["params"];
        let id = p["requestId"].as_str().unwrap_or_default();
        match e["method"].as_str().unwrap_or_default() {
            "Network.requestWillBeSent" => {
                let url = p["request"]["url"].as_str().unwrap_or_default();
                url_of.insert(id, url);
                if url.contains(needle) {
                    ended.entry(id).or_insert(false);
                }
            }
            "Network.loadingFinished" | "Network.loadingFailed" => {
                let Some(url) = url_of.get(id).copied() else {
                    continue;
                };
                if !url.contains(needle) {
                    continue;
                }
                ended.insert(id, true);
                if let Some(code) = p["corsErrorStatus"]["corsError"].as_str() {
                    reports.push(Report {
                        url: url.to_owned(),
                        level: Level::Error,
                        code: code.to_owned(),
                        detail: p["corsErrorStatus"]["failedParameter"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    });
                }
            }
            "Audits.issueAdded" => issues.push(p),
            "Network.responseReceivedExtraInfo" => {
                for c in p["blockedCookies"].as_array().into_iter().flatten() {
                    cookies.push((
                        id,
                        format!("Set-Cookie blocked: {}", reasons(&c["blockedReasons"])),
                    ));
                }
            }
            "Network.requestWillBeSentExtraInfo" => {
                for c in p["associatedCookies"].as_array().into_iter().flatten() {
                    if c["blockedReasons"]
                        .as_array()
                        .is_some_and(|r| !r.is_empty())
                    {
                        let name = c["cookie"]["name"].as_str().unwrap_or("?");
                        cookies.push((
                            id,
                            format!("cookie {name} not sent: {}", reasons(&c["blockedReasons"])),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    // Extra-info and issue events may come before the request's own.
    for (id, code) in cookies {
        if let Some(url) = url_of.get(id).filter(|u| u.contains(needle)) {
            reports.push(Report {
                url: (*url).to_owned(),
                level: Level::Warning,
                code,
                detail: String::new(),
            });
        }
    }
    for p in issues {
        if let Some(r) = issue_report(p, &url_of, needle) {
            reports.push(r);
        }
    }
    let settled = !ended.is_empty() && ended.values().all(|done| *done);
    (reports, settled)
}

fn reasons(list: &Value) -> String {
    let names: Vec<&str> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    names.join("+")
}

/// A warning from an `Audits.issueAdded`: a deprecation, or a CORS issue
/// marked as a warning (CORS issues that are errors repeat what
/// `loadingFailed` says). An issue about a request counts for that request;
/// a deprecation names only the page, so it counts for every request of the
/// tab (the cases that expect one make a single request).
fn issue_report(p: &Value, url_of: &HashMap<&str, &str>, needle: &str) -> Option<Report> {
    let issue = &p["issue"];
    let details = issue["details"].as_object()?;
    let detail = details.values().next()?;
    let request = detail["request"]["url"].as_str().or_else(|| {
        url_of
            .get(detail["request"]["requestId"].as_str()?)
            .copied()
    });
    let url = match request {
        Some(url) if url.contains(needle) => url,
        Some(_) => return None,
        None => detail["sourceCodeLocation"]["url"].as_str()?,
    };
    let code = match issue["code"].as_str()? {
        "CorsIssue" if detail["isWarning"] != true => return None,
        "CorsIssue" => detail["corsErrorStatus"]["corsError"].as_str()?.to_owned(),
        "DeprecationIssue" => detail["type"].as_str()?.to_owned(),
        // Opaque Response Blocking and the like: the kind of error is more
        // telling than the issue's generic code.
        "GenericIssue" => detail["errorType"]
            .as_str()
            .unwrap_or("GenericIssue")
            .to_owned(),
        // A cookie sent or withheld under a rule about to change: which.
        "CookieIssue" => {
            let why: Vec<&str> = ["cookieWarningReasons", "cookieExclusionReasons"]
                .iter()
                .flat_map(|k| detail[*k].as_array().into_iter().flatten())
                .filter_map(Value::as_str)
                .collect();
            format!("CookieIssue {}", why.join("+"))
        }
        other => other.to_owned(),
    };
    Some(Report {
        url: url.to_owned(),
        level: Level::Warning,
        code,
        detail: String::new(),
    })
}

impl Tab for ChromiumTab<'_> {
    fn goto(&self, url: &str, timeout: Duration) -> Result<(), String> {
        self.page.goto(url, timeout)
    }

    fn eval(&self, js: &str, timeout: Duration) -> Result<Value, String> {
        self.page.eval(js, timeout)
    }

    fn reports(
        &self,
        needle: &str,
        _cookie: Option<&str>,
        timeout: Duration,
        enough: &dyn Fn(&[Report]) -> bool,
    ) -> Vec<Report> {
        let wire = &self.page.devtools.wire;
        let session = &self.page.session;
        let found = wire.wait_events(session, 0, timeout, |events| {
            let (reports, settled) = digest(events, needle);
            (settled || enough(&reports)).then_some(reports)
        });
        match found {
            Ok(reports) if enough(&reports) => reports,
            // Audits issues (Opaque Response Blocking, cookies) may come
            // after the request has ended.
            _ => wire
                .wait_events(session, 0, ISSUES_TRAIL, |events| {
                    let (reports, _) = digest(events, needle);
                    enough(&reports).then_some(reports)
                })
                .unwrap_or_else(|_| digest(&wire.events(session), needle).0),
        }
    }

    fn screenshot(&self, timeout: Duration) -> Result<Vec<u8>, String> {
        let metrics = self
            .page
            .call("Page.getLayoutMetrics", json!({}), timeout)?;
        let size = &metrics["cssContentSize"];
        let shot = self.page.call(
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
            }),
            timeout,
        )?;
        use base64::Engine as _;
        let data = shot["data"].as_str().unwrap_or_default();
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|e| format!("captureScreenshot: {e}"))
    }
}
