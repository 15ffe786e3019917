//! Headless Chromium driven over the DevTools protocol.
//!
//! Chromium is started with `--remote-debugging-port=0` and a fresh
//! `--user-data-dir`; it announces its endpoint on stderr ("DevTools
//! listening on ws://…"). Every tab gets its own browser context (own
//! cookies and preflight cache), attached with a flat session, with the
//! Network and Audits domains on. The reason for a blocked request is
//! `Network.loadingFailed`'s `corsErrorStatus.corsError` (with
//! `failedParameter`); deprecations that do not block arrive as
//! `Audits.issueAdded`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use crate::engine::{Browser, Engine, Level, Report, Tab};
use crate::process::{fresh_dir, Process};
use crate::wire::Wire;

/// Where Chromium is: `$CHROMIUM`, else `chromium`, `chromium-browser`,
/// `google-chrome` on `PATH`.
pub fn find() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// The flags every run uses, plus DevTools on a free port.
fn flags(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-proxy-server",
        "--mute-audio",
        "--remote-debugging-port=0",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([
        format!("--user-data-dir={}", profile.display()),
        "about:blank".to_owned(),
    ])
    .collect()
}

/// A running headless Chromium and its browser-level DevTools connection.
pub struct Chromium {
    wire: Wire,
    version: String,
    // Dropped after `wire`: the connection closes before the kill.
    process: Process,
}

impl Chromium {
    /// Starts Chromium and connects to it, within `timeout`.
    pub fn launch(exe: &Path, timeout: Duration) -> Result<Self, String> {
        let profile = fresh_dir("chromium")?;
        let mut process = Process::spawn(exe, &flags(&profile), profile)?;
        let url = process.wait_line(timeout, |line| {
            line.strip_prefix("DevTools listening on ")
                .map(str::to_owned)
        })?;
        let rest = url
            .strip_prefix("ws://127.0.0.1:")
            .ok_or_else(|| format!("unexpected DevTools address {url}"))?;
        let (port, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let port: u16 = port.parse().map_err(|_| format!("bad port in {url}"))?;
        let wire = Wire::connect(port, path, timeout, |e| {
            e["sessionId"].as_str().unwrap_or_default().to_owned()
        })?;
        let mut browser = Chromium {
            wire,
            version: String::new(),
            process,
        };
        let v = browser.call(None, "Browser.getVersion", json!({}), timeout)?;
        browser.version = v["product"].as_str().unwrap_or("Chromium").to_owned();
        Ok(browser)
    }

    /// Sends a command (to a session, or to the browser when `session` is
    /// `None`) and waits at most `timeout` for its result.
    fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, String> {
        let mut msg = json!({"method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let reply = self.wire.request(msg, timeout)?;
        match reply.get("error") {
            Some(err) => Err(format!("{method}: {err}")),
            None => Ok(reply.get("result").cloned().unwrap_or(Value::Null)),
        }
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.call(None, "Browser.close", json!({}), Duration::from_secs(2));
        self.wire.shutdown();
    }
}

impl Browser for Chromium {
    fn engine(&self) -> Engine {
        Engine::Chromium
    }

    fn version(&self) -> String {
        self.version.clone()
    }

    fn open(&self, url: &str, width: u32, timeout: Duration) -> Result<Box<dyn Tab + '_>, String> {
        let tab = ChromiumTab::open(self, width, timeout)?;
        tab.goto(url, timeout)?;
        Ok(Box::new(tab))
    }

    fn log_tail(&self) -> String {
        self.process.log_tail()
    }
}

/// One tab in its own browser context.
struct ChromiumTab<'a> {
    browser: &'a Chromium,
    context: String,
    session: String,
}

impl<'a> ChromiumTab<'a> {
    fn open(browser: &'a Chromium, width: u32, timeout: Duration) -> Result<Self, String> {
        let ctx = browser.call(None, "Target.createBrowserContext", json!({}), timeout)?;
        let context = ctx["browserContextId"]
            .as_str()
            .ok_or("no browserContextId")?
            .to_owned();
        // From here on, `Drop` disposes of the context (and its tab).
        let mut tab = ChromiumTab {
            browser,
            context,
            session: String::new(),
        };
        let target = browser.call(
            None,
            "Target.createTarget",
            json!({"url": "about:blank", "browserContextId": tab.context}),
            timeout,
        )?;
        let target_id = target["targetId"].as_str().ok_or("no targetId")?;
        let attached = browser.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
            timeout,
        )?;
        tab.session = attached["sessionId"]
            .as_str()
            .ok_or("no sessionId")?
            .to_owned();
        for domain in ["Page.enable", "Network.enable", "Audits.enable"] {
            tab.call(domain, json!({}), timeout)?;
        }
        tab.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
            timeout,
        )?;
        Ok(tab)
    }

    fn call(&self, method: &str, params: Value, timeout: Duration) -> Result<Value, String> {
        self.browser
            .call(Some(&self.session), method, params, timeout)
    }
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
        "CorsIssue" => detail["corsErrorStatus"]["corsError"].as_str()?,
        "DeprecationIssue" => detail["type"].as_str()?,
        other => other,
    };
    Some(Report {
        url: url.to_owned(),
        level: Level::Warning,
        code: code.to_owned(),
        detail: String::new(),
    })
}

impl Tab for ChromiumTab<'_> {
    fn goto(&self, url: &str, timeout: Duration) -> Result<(), String> {
        let mark = self.browser.wire.mark(&self.session);
        let nav = self.call("Page.navigate", json!({"url": url}), timeout)?;
        if let Some(err) = nav.get("errorText").and_then(Value::as_str) {
            return Err(format!("navigating to {url}: {err}"));
        }
        self.browser
            .wire
            .wait_events(&self.session, mark, timeout, |events| {
                events
                    .iter()
                    .any(|e| e["method"] == "Page.loadEventFired")
                    .then_some(())
            })
            .map_err(|e| format!("loading {url}: {e}"))
    }

    fn eval(&self, js: &str, timeout: Duration) -> Result<Value, String> {
        let r = self.call(
            "Runtime.evaluate",
            json!({
                "expression": js,
                "awaitPromise": true,
                "returnByValue": true,
                "timeout": timeout.as_millis() as u64,
            }),
            timeout + Duration::from_secs(2),
        )?;
        if let Some(ex) = r.get("exceptionDetails") {
            return Err(format!("script threw: {ex}"));
        }
        Ok(r["result"]["value"].clone())
    }

    fn reports(
        &self,
        needle: &str,
        _cookie: Option<&str>,
        timeout: Duration,
        enough: &dyn Fn(&[Report]) -> bool,
    ) -> Vec<Report> {
        let found = self
            .browser
            .wire
            .wait_events(&self.session, 0, timeout, |events| {
                let (reports, settled) = digest(events, needle);
                (settled || enough(&reports)).then_some(reports)
            });
        found.unwrap_or_else(|_| digest(&self.browser.wire.events(&self.session), needle).0)
    }

    fn screenshot(&self, timeout: Duration) -> Result<Vec<u8>, String> {
        let metrics = self.call("Page.getLayoutMetrics", json!({}), timeout)?;
        let size = &metrics["cssContentSize"];
        let shot = self.call(
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
            }),
            timeout,
        )?;
        crate::base64::decode(shot["data"].as_str().unwrap_or_default())
    }
}

impl Drop for ChromiumTab<'_> {
    fn drop(&mut self) {
        let _ = self.browser.call(
            None,
            "Target.disposeBrowserContext",
            json!({"browserContextId": self.context}),
            Duration::from_secs(3),
        );
    }
}
