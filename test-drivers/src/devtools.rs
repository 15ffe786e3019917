//! Headless Chromium over the DevTools protocol, as every Chromium-driven
//! test uses it: the three-engine suite (`tests/browser/chromium_engine.rs`),
//! and the gRPC-web and cors-check comparisons ([`crate::cdp`]).
//!
//! Chromium is started with `--remote-debugging-port=0` and a fresh
//! `--user-data-dir`; it announces its endpoint on stderr ("DevTools
//! listening on ws://…"). Every [`Page`] gets its own browser context (own
//! cookies and preflight cache), attached with a flat session. Dropping
//! [`DevTools`] closes the connection and kills the whole process group.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

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

/// The flags every run uses, plus DevTools on a free port, then `extra`.
fn flags(profile: &Path, extra: &[String]) -> Vec<String> {
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
    .chain([format!("--user-data-dir={}", profile.display())])
    .chain(extra.iter().cloned())
    .chain(["about:blank".to_owned()])
    .collect()
}

/// A running headless Chromium and its browser-level DevTools connection.
pub struct DevTools {
    /// Every event, filed by its session.
    pub wire: Wire,
    /// `Browser.getVersion`'s product, e.g. `Chrome/140.0.7339.185`.
    pub version: String,
    // Dropped after `wire`: the connection closes before the kill.
    process: Process,
}

impl DevTools {
    /// Starts Chromium and connects to it, within `timeout`.
    pub fn launch(exe: &Path, timeout: Duration) -> Result<Self, String> {
        Self::launch_with(exe, &[], timeout)
    }

    /// Starts Chromium with `extra` command-line switches after the usual
    /// ones, and connects to it, within `timeout`. For tests that need the
    /// network seen differently: `--host-resolver-rules=MAP *.test
    /// 127.0.0.1` (names of their own, without DNS),
    /// `--ignore-certificate-errors` (a certificate made by the test),
    /// `--ip-address-space-overrides=127.0.0.1:PORT=public` (a page served
    /// from loopback taken for a public one, for Local Network Access).
    pub fn launch_with(exe: &Path, extra: &[String], timeout: Duration) -> Result<Self, String> {
        let profile = fresh_dir("chromium")?;
        let mut process = Process::spawn(exe, &flags(&profile, extra), profile)?;
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
        let mut browser = DevTools {
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
    pub fn call(
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

    /// Every event of `session` so far: `(method, params)`.
    pub fn events(&self, session: &str) -> Vec<(String, Value)> {
        self.wire
            .events(session)
            .into_iter()
            .map(|mut e| {
                let method = e["method"].as_str().unwrap_or_default().to_owned();
                (method, e["params"].take())
            })
            .collect()
    }

    /// The last lines Chromium wrote to stderr (for failure messages).
    pub fn log_tail(&self) -> String {
        self.process.log_tail()
    }
}

impl Drop for DevTools {
    fn drop(&mut self) {
        let _ = self.call(None, "Browser.close", json!({}), Duration::from_secs(2));
        self.wire.shutdown();
    }
}

/// One blank tab in its own browser context, with the given domains on.
/// Dropping it disposes of the context (and its tab).
pub struct Page<'a> {
    /// The browser this tab belongs to.
    pub devtools: &'a DevTools,
    context: String,
    /// The flat session that files this tab's events.
    pub session: String,
}

impl<'a> Page<'a> {
    /// Opens the tab and sends each of `enable` (e.g. `"Network.enable"`).
    pub fn open(
        devtools: &'a DevTools,
        enable: &[&str],
        timeout: Duration,
    ) -> Result<Self, String> {
        let ctx = devtools.call(None, "Target.createBrowserContext", json!({}), timeout)?;
        let context = ctx["browserContextId"]
            .as_str()
            .ok_or("no browserContextId")?
            .to_owned();
        // From here on, `Drop` disposes of the context.
        let mut page = Page {
            devtools,
            context,
            session: String::new(),
        };
        let target = devtools.call(
            None,
            "Target.createTarget",
            json!({"url": "about:blank", "browserContextId": page.context}),
            timeout,
        )?;
        let target_id = target["targetId"].as_str().ok_or("no targetId")?;
        let attached = devtools.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
            timeout,
        )?;
        page.session = attached["sessionId"]
            .as_str()
            .ok_or("no sessionId")?
            .to_owned();
        for domain in enable {
            page.call(domain, json!({}), timeout)?;
        }
        Ok(page)
    }

    /// The id of this tab's browser context (for browser-level commands
    /// about it, such as `Browser.setPermission`).
    pub fn context_id(&self) -> &str {
        &self.context
    }

    /// Sends a command to this tab.
    pub fn call(&self, method: &str, params: Value, timeout: Duration) -> Result<Value, String> {
        self.devtools
            .call(Some(&self.session), method, params, timeout)
    }

    /// Navigates to `url` and waits for its load event.
    pub fn goto(&self, url: &str, timeout: Duration) -> Result<(), String> {
        let mark = self.devtools.wire.mark(&self.session);
        let nav = self.call("Page.navigate", json!({"url": url}), timeout)?;
        if let Some(err) = nav.get("errorText").and_then(Value::as_str) {
            return Err(format!("navigating to {url}: {err}"));
        }
        self.devtools
            .wire
            .wait_events(&self.session, mark, timeout, |events| {
                events
                    .iter()
                    .any(|e| e["method"] == "Page.loadEventFired")
                    .then_some(())
            })
            .map_err(|e| format!("loading {url}: {e}"))
    }

    /// Evaluates `js` in the page, awaiting a promise, and returns its value
    /// (JSON).
    pub fn eval(&self, js: &str, timeout: Duration) -> Result<Value, String> {
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
}

impl Drop for Page<'_> {
    fn drop(&mut self) {
        let _ = self.devtools.call(
            None,
            "Target.disposeBrowserContext",
            json!({"browserContextId": self.context}),
            Duration::from_secs(3),
        );
    }
}
