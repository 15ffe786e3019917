//! Kept for the test binaries that include it by `#[path]` (the gRPC-web
//! test, the cors-check comparison); the three-engine browser suite uses
//! `chromium.rs` (same protocol, behind the suite's engine interface).
//!
//! Headless Chromium driven over the DevTools protocol.
//!
//! Chromium is started with `--remote-debugging-port=0` and a fresh
//! `--user-data-dir`; it writes the port it chose to `DevToolsActivePort` in
//! that directory, and we talk to it over a WebSocket on 127.0.0.1. One I/O
//! thread owns the socket; callers send commands through a channel and wait
//! (with a timeout) for the reply or for events. Every wait is bounded, and
//! dropping [`Chromium`] kills its whole process group and removes the
//! profile directory, also when a test panics.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::Message;

/// Where Chromium is: `$CHROMIUM`, else `chromium`, `chromium-browser`,
/// `google-chrome` on `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
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

/// A running headless Chromium and its DevTools connection.
pub struct Chromium {
    child: Child,
    profile: PathBuf,
    /// The browser-level DevTools connection.
    pub cdp: Cdp,
}

impl Chromium {
    /// Starts Chromium and connects to it, within `timeout`.
    pub fn launch(exe: &Path, timeout: Duration) -> Result<Self, String> {
        let deadline = Instant::now() + timeout;
        let profile = std::env::temp_dir().join(format!(
            "tower-cors-chromium-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        std::fs::create_dir_all(&profile).map_err(|e| format!("profile dir: {e}"))?;
        let log = std::fs::File::create(profile.join("chromium.log"))
            .map_err(|e| format!("log file: {e}"))?;
        let mut cmd = Command::new(exe);
        cmd.args(flags(&profile))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            // Its own process group, so that every helper process it starts
            // can be killed with it.
            .process_group(0);
        let child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&profile);
                return Err(format!("cannot start {}: {e}", exe.display()));
            }
        };
        // From here on, `Drop` cleans up whatever happens.
        let mut browser = Chromium {
            child,
            profile,
            cdp: Cdp::disconnected(),
        };
        let port_file = browser.profile.join("DevToolsActivePort");
        let (port, path) = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    if let Ok(port) = port.trim().parse::<u16>() {
                        break (port, path.trim().to_owned());
                    }
                }
            }
            if let Ok(Some(status)) = browser.child.try_wait() {
                return Err(format!(
                    "Chromium exited ({status}) before DevTools was up:\n{}",
                    browser.log_tail()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "Chromium did not open DevTools within {timeout:?}:\n{}",
                    browser.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(25));
        };
        let left = deadline.saturating_duration_since(Instant::now());
        browser.cdp = Cdp::connect(port, &path, left.max(Duration::from_secs(1)))?;
        Ok(browser)
    }

    /// The last lines Chromium wrote to stderr (for failure messages).
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.profile.join("chromium.log")).unwrap_or_default();
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !l.contains("dbus") && !l.contains("unexpected operator"))
            .collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // Ask nicely (bounded), then make sure.
        let _ = self
            .cdp
            .call(None, "Browser.close", json!({}), Duration::from_secs(2));
        self.cdp.shutdown();
        let pid = self.child.id();
        let grace = Instant::now() + Duration::from_secs(3);
        while Instant::now() < grace {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        // The process group has the browser's pid as its id; kill what is
        // left of it (renderers, crash handler) by that id.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

#[derive(Default)]
struct State {
    replies: HashMap<u64, Value>,
    /// Every event, in arrival order.
    events: Vec<Value>,
    /// Why the connection ended, once it has.
    closed: Option<String>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A DevTools protocol connection (browser endpoint, flat sessions).
pub struct Cdp {
    outgoing: Option<mpsc::Sender<String>>,
    shared: Arc<Shared>,
    next_id: AtomicU64,
    stop: Arc<AtomicBool>,
    io: Option<JoinHandle<()>>,
}

impl Cdp {
    fn disconnected() -> Self {
        Self {
            outgoing: None,
            shared: Arc::default(),
            next_id: AtomicU64::new(1),
            stop: Arc::default(),
            io: None,
        }
    }

    fn connect(port: u16, path: &str, timeout: Duration) -> Result<Self, String> {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let stream = TcpStream::connect_timeout(&addr, timeout)
            .map_err(|e| format!("connect to DevTools on {addr}: {e}"))?;
        stream
            .set_read_timeout(Some(timeout))
            .and_then(|()| stream.set_write_timeout(Some(timeout)))
            .map_err(|e| e.to_string())?;
        let url = format!("ws://127.0.0.1:{port}{path}");
        let (mut ws, _) = tungstenite::client(url.as_str(), stream)
            .map_err(|e| format!("DevTools WebSocket handshake with {url}: {e}"))?;
        // Short reads from now on, so the I/O thread can also send.
        ws.get_mut()
            .set_read_timeout(Some(Duration::from_millis(5)))
            .map_err(|e| e.to_string())?;

        let (tx, rx) = mpsc::channel::<String>();
        let shared = Arc::new(Shared::default());
        let stop = Arc::new(AtomicBool::new(false));
        let io = {
            let shared = Arc::clone(&shared);
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("cdp-io".into())
                .spawn(move || io_loop(ws, rx, &shared, &stop))
                .map_err(|e| e.to_string())?
        };
        Ok(Self {
            outgoing: Some(tx),
            shared,
            next_id: AtomicU64::new(1),
            stop,
            io: Some(io),
        })
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.outgoing = None;
        if let Some(io) = self.io.take() {
            let _ = io.join();
        }
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
        let Some(tx) = &self.outgoing else {
            return Err("DevTools is not connected".into());
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        tx.send(msg.to_string())
            .map_err(|_| format!("{method}: DevTools connection is gone"))?;
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        loop {
            if let Some(reply) = state.replies.remove(&id) {
                return match reply.get("error") {
                    Some(err) => Err(format!("{method}: {err}")),
                    None => Ok(reply.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
            if let Some(why) = &state.closed {
                return Err(format!("{method}: DevTools connection closed: {why}"));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("{method}: no answer within {timeout:?}"));
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// The number of events received so far (a position for [`Self::wait_event`]).
    pub fn event_mark(&self) -> usize {
        self.shared.lock().events.len()
    }

    /// Waits at most `timeout` for an event of `session` named `method`,
    /// received after position `since`, that satisfies `pred`.
    pub fn wait_event(
        &self,
        session: &str,
        method: &str,
        since: usize,
        pred: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Result<Value, String> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        loop {
            if let Some(e) = state.events.get(since..).and_then(|events| {
                events.iter().find(|e| {
                    e["sessionId"] == session && e["method"] == method && pred(&e["params"])
                })
            }) {
                return Ok(e["params"].clone());
            }
            if let Some(why) = &state.closed {
                return Err(format!("waiting for {method}: connection closed: {why}"));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("no {method} event within {timeout:?}"));
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Every event of `session` so far: `(method, params)`.
    pub fn events(&self, session: &str) -> Vec<(String, Value)> {
        self.shared
            .lock()
            .events
            .iter()
            .filter(|e| e["sessionId"] == session)
            .map(|e| {
                (
                    e["method"].as_str().unwrap_or_default().to_owned(),
                    e["params"].clone(),
                )
            })
            .collect()
    }
}

impl Drop for Cdp {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn io_loop(
    mut ws: tungstenite::WebSocket<TcpStream>,
    rx: mpsc::Receiver<String>,
    shared: &Shared,
    stop: &AtomicBool,
) {
    let close = |why: String| {
        shared.lock().closed.get_or_insert(why);
        shared.changed.notify_all();
    };
    loop {
        if stop.load(Ordering::SeqCst) {
            let _ = ws.close(None);
            let _ = ws.flush();
            close("closed by the test".into());
            return;
        }
        loop {
            match rx.try_recv() {
                Ok(text) => {
                    if let Err(e) = ws.send(Message::text(text)) {
                        close(format!("send: {e}"));
                        return;
                    }
                }
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => {
                    close("the client went away".into());
                    return;
                }
            }
        }
        match ws.read() {
            Ok(Message::Text(text)) => {
                let Ok(msg) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                let mut state = shared.lock();
                match msg.get("id").and_then(Value::as_u64) {
                    Some(id) => {
                        state.replies.insert(id, msg);
                    }
                    None => state.events.push(msg),
                }
                drop(state);
                shared.changed.notify_all();
            }
            Ok(Message::Close(_)) => {
                close("Chromium closed the connection".into());
                return;
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => {
                close(format!("read: {e}"));
                return;
            }
        }
    }
}

/// One tab in its own browser context (its own cookies and preflight
/// cache), attached with a flat session, with the Network domain on.
pub struct Tab<'a> {
    cdp: &'a Cdp,
    context: String,
    /// The session id of the attached target.
    pub session: String,
}

/// What DevTools reported about one request of a tab.
#[derive(Debug, Clone, Default)]
pub struct NetRequest {
    /// DevTools' id.
    pub id: String,
    /// The URL.
    pub url: String,
    /// The method as sent.
    pub method: String,
    /// The resource type (`Fetch`, `Document`, `Other`, ...).
    pub kind: String,
    /// The initiator's type (`script`, `preflight`, ...).
    pub initiator: String,
    /// The status of the response, if one arrived.
    pub status: Option<u64>,
    /// `Network.loadingFailed`'s `errorText`, if it failed.
    pub error: Option<String>,
    /// `corsErrorStatus.corsError`, if Chromium blocked it for CORS.
    pub cors_error: Option<String>,
    /// `corsErrorStatus.failedParameter`.
    pub failed_parameter: Option<String>,
}

impl NetRequest {
    /// Whether Chromium sent this as a CORS preflight.
    pub fn is_preflight(&self) -> bool {
        self.initiator == "preflight"
    }
}

impl<'a> Tab<'a> {
    /// Opens a blank tab in a new browser context.
    pub fn open(cdp: &'a Cdp, timeout: Duration) -> Result<Self, String> {
        let ctx = cdp.call(None, "Target.createBrowserContext", json!({}), timeout)?;
        let context = ctx["browserContextId"]
            .as_str()
            .ok_or("no browserContextId")?
            .to_owned();
        // From here on, `Drop` disposes of the context (and its tab).
        let mut tab = Tab {
            cdp,
            context,
            session: String::new(),
        };
        let target = cdp.call(
            None,
            "Target.createTarget",
            json!({"url": "about:blank", "browserContextId": tab.context}),
            timeout,
        )?;
        let target_id = target["targetId"].as_str().ok_or("no targetId")?;
        let attached = cdp.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
            timeout,
        )?;
        tab.session = attached["sessionId"]
            .as_str()
            .ok_or("no sessionId")?
            .to_owned();
        for domain in ["Page.enable", "Network.enable"] {
            tab.call(domain, json!({}), timeout)?;
        }
        Ok(tab)
    }

    /// Sends a command to this tab.
    pub fn call(&self, method: &str, params: Value, timeout: Duration) -> Result<Value, String> {
        self.cdp.call(Some(&self.session), method, params, timeout)
    }

    /// Navigates to `url` and waits for its load event.
    pub fn goto(&self, url: &str, timeout: Duration) -> Result<(), String> {
        let mark = self.cdp.event_mark();
        let nav = self.call("Page.navigate", json!({"url": url}), timeout)?;
        if let Some(err) = nav.get("errorText").and_then(Value::as_str) {
            return Err(format!("navigating to {url}: {err}"));
        }
        self.cdp
            .wait_event(
                &self.session,
                "Page.loadEventFired",
                mark,
                |_| true,
                timeout,
            )
            .map(drop)
            .map_err(|e| format!("loading {url}: {e}"))
    }

    /// Evaluates `expression` in the page, awaiting a promise, and returns
    /// its value (JSON).
    pub fn eval(&self, expression: &str, timeout: Duration) -> Result<Value, String> {
        let r = self.call(
            "Runtime.evaluate",
            json!({
                "expression": expression,
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

    /// The requests DevTools reported for this tab so far.
    pub fn requests(&self) -> Vec<NetRequest> {
        let mut order: Vec<String> = Vec::new();
        let mut by_id: HashMap<String, NetRequest> = HashMap::new();
        for (method, p) in self.cdp.events(&self.session) {
            let id = p["requestId"].as_str().unwrap_or_default().to_owned();
            let text = |v: &Value| v.as_str().map(str::to_owned);
            match method.as_str() {
                "Network.requestWillBeSent" => {
                    if !by_id.contains_key(&id) {
                        order.push(id.clone());
                    }
                    let r = by_id.entry(id.clone()).or_default();
                    r.id = id;
                    r.url = text(&p["request"]["url"]).unwrap_or_default();
                    r.method = text(&p["request"]["method"]).unwrap_or_default();
                    r.kind = text(&p["type"]).unwrap_or_default();
                    r.initiator = text(&p["initiator"]["type"]).unwrap_or_default();
                }
                "Network.responseReceived" => {
                    if let Some(r) = by_id.get_mut(&id) {
                        r.status = p["response"]["status"].as_u64();
                    }
                }
                "Network.loadingFailed" => {
                    if let Some(r) = by_id.get_mut(&id) {
                        r.error = text(&p["errorText"]);
                        r.cors_error = text(&p["corsErrorStatus"]["corsError"]);
                        r.failed_parameter = text(&p["corsErrorStatus"]["failedParameter"]);
                    }
                }
                _ => {}
            }
        }
        order
            .into_iter()
            .filter_map(|id| by_id.remove(&id))
            .collect()
    }

    /// Polls [`Self::requests`] until `done` holds, for at most `timeout`;
    /// returns the last list either way (`Err` on timeout). DevTools does
    /// not order a preflight's events before those of its request.
    pub fn wait_requests(
        &self,
        done: impl Fn(&[NetRequest]) -> bool,
        timeout: Duration,
    ) -> Result<Vec<NetRequest>, Vec<NetRequest>> {
        let deadline = Instant::now() + timeout;
        loop {
            let requests = self.requests();
            if done(&requests) {
                return Ok(requests);
            }
            if Instant::now() > deadline {
                return Err(requests);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until DevTools has reported the end (finished or failed) of
    /// every request whose URL contains `needle`, at least `count` of them.
    pub fn settle(&self, needle: &str, count: usize, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            let events = self.cdp.events(&self.session);
            let ids: Vec<&str> = events
                .iter()
                .filter(|(m, p)| {
                    m == "Network.requestWillBeSent"
                        && p["request"]["url"]
                            .as_str()
                            .is_some_and(|u| u.contains(needle))
                })
                .filter_map(|(_, p)| p["requestId"].as_str())
                .collect();
            let done = ids
                .iter()
                .filter(|id| {
                    events.iter().any(|(m, p)| {
                        (m == "Network.loadingFinished" || m == "Network.loadingFailed")
                            && p["requestId"] == **id
                    })
                })
                .count();
            if ids.len() >= count && done == ids.len() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "DevTools reported {} of {count} requests to {needle}, {done} ended, within {timeout:?}",
                    ids.len()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Tab<'_> {
    fn drop(&mut self) {
        let _ = self.cdp.call(
            None,
            "Target.disposeBrowserContext",
            json!({"browserContextId": self.context}),
            Duration::from_secs(3),
        );
    }
}
