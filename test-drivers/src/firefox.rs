//! Firefox ESR, headless, driven over WebDriver BiDi, with its console read
//! over Marionette.
//!
//! Firefox is started with `--marionette --remote-debugging-port=0` and a
//! fresh profile (`marionette.port` 0); it announces both ports on stderr.
//! The WebDriver session is created over Marionette with `webSocketUrl`, so
//! BiDi (`ws://127.0.0.1:N/session/<id>`) attaches to the same session.
//! Pages run over BiDi: every tab in its own user context (own cookie jar
//! and caches). The reason for a blocked request is its console message,
//! read in the chrome context from `Services.console` with the message's
//! key (`CORSMissingAllowOrigin2`); warnings (`CORSAllowHeaderFromPreflight
//! Deprecation`) come the same way. A listener installed there collects
//! them, and one thread long-polls it, so waits wake on each message.
//!
//! The three-engine suite puts this driver behind its engine interface
//! (`tests/browser/firefox_engine.rs`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::marionette::Marionette;
use crate::process::{fresh_dir, Process};
use crate::wire::Wire;

/// Where Firefox is: `$FIREFOX`, else `firefox-esr` or `firefox` on `PATH`.
pub fn find() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FIREFOX") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    ["firefox-esr", "firefox"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Preferences for a quiet, fast profile (the remote agent adds its own
/// recommended ones).
const PREFS: &[(&str, &str)] = &[
    ("marionette.port", "0"),
    ("browser.shell.checkDefaultBrowser", "false"),
    ("datareporting.policy.dataSubmissionEnabled", "false"),
    ("toolkit.telemetry.enabled", "false"),
    ("app.normandy.enabled", "false"),
    ("messaging-system.rsexperimentloader.enabled", "false"),
    ("network.captive-portal-service.enabled", "false"),
    ("network.connectivity-service.enabled", "false"),
    ("browser.safebrowsing.malware.enabled", "false"),
    ("browser.safebrowsing.phishing.enabled", "false"),
    ("extensions.update.enabled", "false"),
    ("browser.startup.page", "0"),
    ("browser.startup.homepage_override.mstone", "\"ignore\""),
    ("startup.homepage_welcome_url", "\"about:blank\""),
    ("browser.aboutwelcome.enabled", "false"),
    ("browser.newtabpage.enabled", "false"),
    ("browser.backup.scheduled.enabled", "false"),
    ("browser.search.update", "false"),
    ("extensions.getAddons.cache.enabled", "false"),
    ("extensions.systemAddon.update.enabled", "false"),
    ("browser.places.importBookmarksHTML", "false"),
    ("browser.bookmarks.restore_default_bookmarks", "false"),
];

/// Installs the console listener once (the sandbox persists), then answers
/// with the messages after index `arguments[0]`, waiting up to a second
/// for one to arrive.
const CONSOLE_POLL: &str = r#"
const [since, done] = [arguments[0], arguments[arguments.length - 1]];
if (!globalThis.towerCors) {
  const log = [], waiters = [];
  Services.console.registerListener({ observe(m) {
    if (!(m instanceof Ci.nsIScriptError)) return;
    if (!/CORS|[Cc]ookie/.test(m.category)) return;
    log.push({ key: m.category, warning: (m.flags & 1) === 1, text: m.errorMessage });
    for (const wake of waiters.splice(0)) wake();
  } });
  globalThis.towerCors = { log, waiters };
}
const s = globalThis.towerCors;
if (s.log.length > since) { done(s.log.slice(since)); return; }
const { setTimeout } = ChromeUtils.importESModule("resource://gre/modules/Timer.sys.mjs");
let answered = false;
const answer = () => { if (!answered) { answered = true; done(s.log.slice(since)); } };
s.waiters.push(answer);
setTimeout(answer, 1000);
"#;

/// One console message about CORS or cookies.
#[derive(Debug, Clone)]
pub struct ConsoleMessage {
    /// The message's key (its category), e.g. `CORSMissingAllowOrigin2`.
    pub key: String,
    /// Whether it is a warning (the request went through) or an error.
    pub warning: bool,
    /// The message as the console shows it.
    pub text: String,
}

/// The ports Firefox announces: Marionette's and WebDriver BiDi's.
struct Ports {
    marionette: u16,
    bidi: u16,
}

/// Starts Firefox with a fresh profile ([`PREFS`] and `prefs` in its
/// `user.js`) and waits, at most `timeout`, for it to announce its ports.
fn start(
    exe: &Path,
    prefs: &[(&str, &str)],
    timeout: Duration,
) -> Result<(Process, Ports), String> {
    let profile = fresh_dir("firefox")?;
    let prefs: String = PREFS
        .iter()
        .chain(prefs)
        .map(|(k, v)| format!("user_pref({k:?}, {v});\n"))
        .collect();
    std::fs::write(profile.join("user.js"), prefs).map_err(|e| format!("user.js: {e}"))?;
    let args: Vec<String> = [
        "--headless",
        "--no-remote",
        "--marionette",
        "-remote-allow-system-access",
        "--remote-debugging-port=0",
        "--profile",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([profile.display().to_string(), "about:blank".into()])
    .collect();
    let mut process = Process::spawn(exe, &args, profile)?;
    let (mut marionette, mut bidi) = (None, None);
    process.wait_line(timeout, |line| {
        if let Some((_, port)) = line.split_once("Marionette\tINFO\tListening on port ") {
            marionette = port.trim().parse::<u16>().ok();
        }
        if let Some(rest) = line.strip_prefix("WebDriver BiDi listening on ws://127.0.0.1:") {
            bidi = rest.trim_end_matches('/').parse::<u16>().ok();
        }
        marionette.zip(bidi)
    })?;
    let (Some(marionette), Some(bidi)) = (marionette, bidi) else {
        return Err("Firefox did not announce its ports".into());
    };
    Ok((process, Ports { marionette, bidi }))
}

/// Creates the WebDriver session over Marionette (with `webSocketUrl`, and
/// `acceptInsecureCerts` as asked), attaches BiDi to it and puts
/// Marionette in the chrome context: the connections and the session's
/// capabilities.
fn open_session(
    ports: Ports,
    accept_insecure_certs: bool,
    timeout: Duration,
) -> Result<(Marionette, Wire, Value), String> {
    let marionette = Marionette::connect(ports.marionette, timeout)?;
    let mut session = marionette.command(
        "WebDriver:NewSession",
        json!({"webSocketUrl": true, "acceptInsecureCerts": accept_insecure_certs}),
        timeout,
    )?;
    let caps = session["capabilities"].take();
    let ws = caps["webSocketUrl"].as_str().unwrap_or_default();
    let path = ws
        .strip_prefix(&format!("ws://127.0.0.1:{}", ports.bidi))
        .ok_or_else(|| format!("unexpected BiDi address {ws}"))?;
    let bidi = Wire::connect(ports.bidi, path, timeout, |e| {
        let p = &e["params"];
        p["context"]
            .as_str()
            .or_else(|| p["source"]["context"].as_str())
            .unwrap_or_default()
            .to_owned()
    })?;
    marionette.command("Marionette:SetContext", json!({"value": "chrome"}), timeout)?;
    Ok((marionette, bidi, caps))
}

#[derive(Default)]
struct Console {
    messages: Mutex<(Vec<ConsoleMessage>, Option<String>)>,
    changed: Condvar,
}

/// A running Firefox with its BiDi and Marionette connections.
pub struct Firefox {
    bidi: Wire,
    marionette: Arc<Marionette>,
    console: Arc<Console>,
    stop: Arc<AtomicBool>,
    poller: Option<JoinHandle<()>>,
    /// The session's first tab, never closed: new tabs open next to it
    /// (a tab being closed cannot serve as their reference).
    anchor: String,
    /// Held while a tab opens or closes: Firefox fails to create a tab
    /// ("BrowsingContext does no longer exist") while another one closes.
    tabs: Mutex<()>,
    version: String,
    // Dropped last: the connections close before the kill.
    process: Process,
}

impl Firefox {
    /// Starts Firefox and connects to it, within `timeout`.
    pub fn launch(exe: &Path, timeout: Duration) -> Result<Self, String> {
        Self::launch_with(exe, &[], false, timeout)
    }

    /// [`Firefox::launch`] with more preferences (each value as `user.js`
    /// writes it: `true`, `0`, `"a,b"` with its quotes), and, with
    /// `accept_insecure_certs`, the session's `acceptInsecureCerts`
    /// capability (any certificate, such as a self-signed one made for a
    /// test, is accepted).
    pub fn launch_with(
        exe: &Path,
        prefs: &[(&str, &str)],
        accept_insecure_certs: bool,
        timeout: Duration,
    ) -> Result<Self, String> {
        let (process, ports) = start(exe, prefs, timeout)?;
        let (marionette, bidi, caps) = open_session(ports, accept_insecure_certs, timeout)?;
        let name = exe.file_name().map(|n| n.to_string_lossy().into_owned());
        let version = format!(
            "Firefox {} ({})",
            caps["browserVersion"].as_str().unwrap_or("?"),
            name.unwrap_or_default()
        );
        let mut firefox = Firefox {
            bidi,
            marionette: Arc::new(marionette),
            console: Arc::default(),
            stop: Arc::default(),
            poller: None,
            anchor: String::new(),
            tabs: Mutex::new(()),
            version,
            process,
        };
        let tree = firefox.call("browsingContext.getTree", json!({"maxDepth": 0}), timeout)?;
        firefox.anchor = tree["contexts"][0]["context"]
            .as_str()
            .ok_or("no browsing context")?
            .to_owned();
        // The first poll installs the listener; only then can pages run.
        firefox
            .marionette
            .chrome_async(CONSOLE_POLL, json!([0]), timeout)?;
        firefox.poller = Some(firefox.start_poller());
        Ok(firefox)
    }

    fn start_poller(&self) -> JoinHandle<()> {
        let (marionette, console, stop) = (
            Arc::clone(&self.marionette),
            Arc::clone(&self.console),
            Arc::clone(&self.stop),
        );
        std::thread::spawn(move || {
            // A poll answers within a second; on a machine under load one
            // may miss its bound. Only a console failing for this long
            // gives no more (replies carry their command's id, so a late
            // one is skipped).
            const GIVE_UP: Duration = Duration::from_secs(60);
            let mut failing_since: Option<Instant> = None;
            while !stop.load(Ordering::SeqCst) {
                let since = console
                    .messages
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
                    .len();
                let got =
                    marionette.chrome_async(CONSOLE_POLL, json!([since]), Duration::from_secs(10));
                let mut state = console
                    .messages
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                match got {
                    Ok(Value::Array(new)) => {
                        failing_since = None;
                        state.0.extend(new.iter().map(|m| ConsoleMessage {
                            key: m["key"].as_str().unwrap_or_default().to_owned(),
                            warning: m["warning"] == true,
                            text: m["text"].as_str().unwrap_or_default().to_owned(),
                        }));
                    }
                    Ok(other) => state.1 = Some(format!("console poll gave {other}")),
                    Err(e) => {
                        let since = *failing_since.get_or_insert_with(Instant::now);
                        if since.elapsed() >= GIVE_UP {
                            state.1 = Some(e);
                        }
                    }
                }
                let (failed, retrying) = (state.1.is_some(), failing_since.is_some());
                drop(state);
                console.changed.notify_all();
                if failed {
                    return;
                }
                if retrying {
                    // Not a busy loop while a closed connection fails fast.
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        })
    }

    /// Its product name and version, e.g. `Firefox 140.5.0esr (firefox-esr)`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The last lines of Firefox's own output, for failure messages.
    pub fn log_tail(&self) -> String {
        self.process.log_tail()
    }

    /// Sends a BiDi command and waits at most `timeout` for its result.
    pub fn call(&self, method: &str, params: Value, timeout: Duration) -> Result<Value, String> {
        let reply = self
            .bidi
            .request(json!({"method": method, "params": params}), timeout)?;
        if reply["type"] == "error" {
            return Err(format!(
                "{method}: {} ({})",
                reply["error"], reply["message"]
            ));
        }
        Ok(reply["result"].clone())
    }
}

impl Drop for Firefox {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(poller) = self.poller.take() {
            let _ = poller.join();
        }
        self.bidi.shutdown();
    }
}

impl Firefox {
    /// Opens `url` in a new tab in its own user context (own cookie jar and
    /// caches), `width` CSS pixels wide. Dropping the tab removes the
    /// context.
    pub fn open(&self, url: &str, width: u32, timeout: Duration) -> Result<Tab<'_>, String> {
        let (user_context, context) = {
            let _opening = self.tabs.lock().unwrap_or_else(PoisonError::into_inner);
            let uc = self.call("browser.createUserContext", json!({}), timeout)?;
            let uc = uc["userContext"]
                .as_str()
                .ok_or("no userContext")?
                .to_owned();
            let created = self.call(
                "browsingContext.create",
                json!({"type": "tab", "userContext": uc,
                       "referenceContext": self.anchor, "background": true}),
                timeout,
            );
            match created.map(|c| c["context"].as_str().map(str::to_owned)) {
                Ok(Some(context)) => (uc, context),
                failed => {
                    let _ = self.call(
                        "browser.removeUserContext",
                        json!({"userContext": uc}),
                        timeout,
                    );
                    return Err(failed.err().unwrap_or_else(|| "no context".into()));
                }
            }
        };
        // From here on, `Drop` closes the tab and its user context.
        let tab = Tab {
            firefox: self,
            user_context,
            context,
        };
        self.call(
            "browsingContext.setViewport",
            json!({"context": tab.context, "viewport": {"width": width, "height": 900}}),
            timeout,
        )?;
        tab.goto(url, timeout)?;
        Ok(tab)
    }

    /// The console messages so far, as soon as `enough` holds for them, or
    /// when the console can give no more (its poll failed), or after
    /// `timeout`; either way with every message received.
    pub fn console(
        &self,
        timeout: Duration,
        enough: impl Fn(&[ConsoleMessage]) -> bool,
    ) -> Vec<ConsoleMessage> {
        let deadline = Instant::now() + timeout;
        let mut state = self
            .console
            .messages
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if enough(&state.0) || state.1.is_some() || left.is_zero() {
                return state.0.clone();
            }
            state = self
                .console
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// A tab in its own user context.
pub struct Tab<'a> {
    firefox: &'a Firefox,
    user_context: String,
    context: String,
}

impl Tab<'_> {
    /// Navigates to `url` and waits for its load to complete.
    pub fn goto(&self, url: &str, timeout: Duration) -> Result<(), String> {
        self.firefox
            .call(
                "browsingContext.navigate",
                json!({"context": self.context, "url": url, "wait": "complete"}),
                timeout,
            )
            .map(drop)
            .map_err(|e| format!("loading {url}: {e}"))
    }

    /// Evaluates the JavaScript expression `js`, awaiting it if it is a
    /// promise; its value must be JSON-serialisable.
    pub fn eval(&self, js: &str, timeout: Duration) -> Result<Value, String> {
        let r = self.firefox.call(
            "script.evaluate",
            json!({
                "expression": format!("(async () => JSON.stringify(await ({js})))()"),
                "target": {"context": self.context},
                "awaitPromise": true,
                "resultOwnership": "none",
            }),
            timeout,
        )?;
        if r["type"] != "success" {
            return Err(format!("script threw: {}", r["exceptionDetails"]["text"]));
        }
        let text = r["result"]["value"].as_str().unwrap_or("null");
        serde_json::from_str(text).map_err(|e| format!("script result is not JSON ({e}): {text}"))
    }

    /// A PNG of the whole document.
    pub fn screenshot(&self, timeout: Duration) -> Result<Vec<u8>, String> {
        let shot = self.firefox.call(
            "browsingContext.captureScreenshot",
            json!({"context": self.context, "origin": "document"}),
            timeout,
        )?;
        let data = shot["data"].as_str().unwrap_or_default();
        BASE64
            .decode(data)
            .map_err(|e| format!("captureScreenshot: {e}"))
    }
}

impl Drop for Tab<'_> {
    fn drop(&mut self) {
        let _closing = self
            .firefox
            .tabs
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let _ = self.firefox.call(
            "browser.removeUserContext",
            json!({"userContext": self.user_context}),
            Duration::from_secs(3),
        );
    }
}
