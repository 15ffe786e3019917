//! WebKitGTK's MiniBrowser (Safari's engine) driven over WebKit's remote
//! inspector protocol, on a private Xvfb display.
//!
//! [`WebKit::launch`] starts `Xvfb -displayfd` and reads `MiniBrowser
//! --version` ([`WebKit::version`], "WebKitGTK 2.50.6"). [`WebKit::open_page`]
//! starts one MiniBrowser per [`Page`]: `--private` (ephemeral session),
//! `WEBKIT_INSPECTOR_HTTP_SERVER=127.0.0.1:<free port>`, and connects a
//! [`Wire`] to the `/socket/<conn>/<target>/WebPage` listed
//! there. Commands travel in `Target.sendMessageToTarget`, answers and
//! events come back in `Target.dispatchMessageFromTarget`. A navigation to another site gets a
//! new web process and target: targets start paused and get the Page,
//! Network, Console and Runtime domains before they are resumed. A page
//! offers `goto`, `eval` (awaits promises), `wait_for` (re-checks on every
//! inspector message: no sleeping), `security_messages`, `requests`,
//! `loading_failures`, `screenshot_png`, `memory_kib`, `log_tail`.
//!
//! What WebKit reports: a CORS refusal's reason is an English sentence in a
//! console message with source "security" (no URL, no request id) and, the
//! same sentence, in `Network.loadingFailed.errorText` (with the URL).
//! Preflights never appear in the Network domain: ask the server.
//! The viewport is 1024 x 768: MiniBrowser's default window, full screen
//! (no toolbar); without a window manager it cannot be resized.
//!
//! Isolation: each page is its own MiniBrowser with its own network process
//! and ephemeral session: cookies, HTTP and preflight caches start empty and
//! are shared with no other page; pages may run concurrently (`Page` is
//! `Send + Sync`). Within a page
//! the preflight cache survives `goto` (keyed by origin and URL; reused even
//! for `cache: "no-store"`). Every wait is bounded; dropping a `Page` kills
//! its processes, dropping `WebKit` kills Xvfb, also when a test panics.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::process::{fresh_dir, kill_group};
use crate::wire::Wire;

/// Where MiniBrowser is: `$MINIBROWSER`, else WebKitGTK's library directory
/// (`/usr/lib/<triplet>/webkit2gtk-4.1/`, also 4.0 and 6.0), else `PATH`.
pub fn find_minibrowser() -> Option<PathBuf> {
    let apis = ["webkit2gtk-4.1", "webkit2gtk-4.0", "webkitgtk-6.0"];
    let libs = ["x86_64-linux-gnu", "aarch64-linux-gnu"]
        .iter()
        .flat_map(|t| apis.map(|a| PathBuf::from(format!("/usr/lib/{t}/{a}/MiniBrowser"))));
    match std::env::var_os("MINIBROWSER") {
        Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
        None => libs.chain(on_path("MiniBrowser")).find(|p| p.is_file()),
    }
}

/// Where Xvfb is: `$XVFB`, else `Xvfb` on `PATH`.
pub fn find_xvfb() -> Option<PathBuf> {
    let exe = std::env::var_os("XVFB").map(PathBuf::from);
    exe.or_else(|| on_path("Xvfb")).filter(|p| p.is_file())
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The processes in process group `group`.
fn group_members(group: u32) -> Vec<u32> {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    procs
        .flatten()
        .filter_map(|d| d.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // After the parenthesised name: state, ppid, pgrp.
            let pgrp = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(2)?.parse::<u32>().ok());
            pgrp == Some(group)
        })
        .collect()
}

/// A private X display, and the MiniBrowser that pages are started from.
pub struct WebKit {
    xvfb: Child,
    display: String,
    exe: PathBuf,
    version: String,
    dir: PathBuf,
}

impl WebKit {
    /// Starts Xvfb and checks that MiniBrowser runs on it, within `timeout`.
    pub fn launch(timeout: Duration) -> Result<Self, String> {
        let exe = find_minibrowser().ok_or("MiniBrowser not found (set MINIBROWSER)")?;
        let xvfb_exe = find_xvfb().ok_or("Xvfb not found (set XVFB)")?;
        let dir = fresh_dir("webkit")?;
        let log = std::fs::File::create(dir.join("xvfb.log")).map_err(|e| e.to_string())?;
        // `-displayfd 1`: Xvfb picks a free display and writes its number
        // to stdout (a file here) once it accepts connections.
        let number = dir.join("display");
        let out = std::fs::File::create(&number).map_err(|e| e.to_string())?;
        let xvfb = Command::new(&xvfb_exe)
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg("1280x1024x24")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", xvfb_exe.display()))?;
        let mut webkit = WebKit {
            xvfb,
            display: String::new(),
            exe,
            version: String::new(),
            dir,
        };
        let deadline = Instant::now() + timeout;
        while !webkit.display.ends_with('\n') {
            if Instant::now() > deadline || webkit.xvfb.try_wait().is_ok_and(|s| s.is_some()) {
                let log = std::fs::read_to_string(webkit.dir.join("xvfb.log"));
                return Err(format!(
                    "Xvfb gave no display:\n{}",
                    log.unwrap_or_default()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
            webkit.display = std::fs::read_to_string(&number).unwrap_or_default();
        }
        webkit.display = format!(":{}", webkit.display.trim());
        let out = webkit
            .minibrowser()
            .arg("--version")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("{} --version: {e}", webkit.exe.display()))?;
        webkit.version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !out.status.success() || webkit.version.is_empty() {
            let why = String::from_utf8_lossy(&out.stderr);
            return Err(format!("MiniBrowser --version: {why}"));
        }
        Ok(webkit)
    }

    /// The engine's version as `MiniBrowser --version` prints it
    /// ("WebKitGTK 2.50.6").
    pub fn version(&self) -> &str {
        &self.version
    }

    /// A MiniBrowser command for this display, quiet about accessibility.
    fn minibrowser(&self) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.env("DISPLAY", &self.display)
            .env("GDK_BACKEND", "x11")
            .env("NO_AT_BRIDGE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        cmd
    }

    /// Starts a new MiniBrowser (its own ephemeral session), connects its
    /// inspector and loads `url`, within `timeout`.
    pub fn open_page(&self, url: &str, timeout: Duration) -> Result<Page<'_>, String> {
        self.open_page_with(url, &[], timeout)
    }

    /// [`WebKit::open_page`] with more MiniBrowser options, e.g.
    /// `--ignore-tls-errors` (accepts any certificate, such as a
    /// self-signed one made for a test).
    pub fn open_page_with(
        &self,
        url: &str,
        options: &[&str],
        timeout: Duration,
    ) -> Result<Page<'_>, String> {
        let deadline = Instant::now() + timeout;
        let left = || deadline.saturating_duration_since(Instant::now());
        // A port that was free a moment ago; MiniBrowser binds it itself.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let log = self.dir.join(format!("minibrowser-{port}.log"));
        let file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let child = self
            .minibrowser()
            .env("WEBKIT_INSPECTOR_HTTP_SERVER", format!("127.0.0.1:{port}"))
            .args(["--private", "--full-screen"])
            .args(options)
            .arg("about:blank")
            .stderr(file)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.exe.display()))?;
        // From here on, `Drop` kills it whatever happens.
        let mut process = MiniBrowser { child, log };
        let socket = loop {
            if let Some(path) = target_socket(port) {
                break path;
            }
            if left().is_zero() || process.child.try_wait().is_ok_and(|s| s.is_some()) {
                let log = process.log_tail();
                return Err(format!(
                    "MiniBrowser listed no inspector target on {port}:\n{log}"
                ));
            }
            std::thread::sleep(Duration::from_millis(25));
        };
        let wire_timeout = left().max(Duration::from_secs(1));
        let page = Page {
            wire: Wire::connect(port, &socket, wire_timeout, |_| ALL.into())?,
            process,
            _webkit: self,
            next_id: AtomicU64::new(1),
            targets: Mutex::default(),
        };
        page.wire.request(
            json!({"method": "Target.setPauseOnStart", "params": {"pauseOnStart": true}}),
            left(),
        )?;
        page.wait_for(|p| p.current_target().ok(), left())
            .map_err(|e| format!("no page target: {e}"))?;
        page.goto(url, left())?;
        Ok(page)
    }
}

impl Drop for WebKit {
    fn drop(&mut self) {
        kill_group(&mut self.xvfb);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The first `/socket/<conn>/<target>/WebPage` in the inspector's HTML
/// target list on `port`, once it answers and lists one.
fn target_socket(port: u16) -> Option<String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    s.write_all(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    let start = body.find("/socket/")?;
    let end = start + body[start..].find('\'')?;
    Some(body[start..end].to_owned())
}

/// A console message of the page.
#[derive(Debug, Clone)]
pub struct ConsoleMessage {
    /// "security" for CORS refusals; also "javascript", "network", ...
    pub source: String,
    /// "error", "warning", "log", ...
    pub level: String,
    /// The English sentence.
    pub text: String,
    /// WebKit's `timestamp`: wall-clock seconds since the Unix epoch.
    pub timestamp: Option<f64>,
}

/// What the Network domain reported about one request (never a preflight:
/// WebKit does not report those).
#[derive(Debug, Clone, Default)]
pub struct NetRequest {
    /// The method as sent.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The request headers WebKit reports (`Origin`, the script's own).
    pub headers: Value,
    /// The response status, if a response arrived.
    pub status: Option<u64>,
    /// `Network.loadingFailed.errorText` (the CORS reason), if it failed.
    pub error: Option<String>,
    /// Whether the request has ended (finished or failed).
    pub ended: bool,
}

/// The page targets: how many of the wire's events were looked at, and
/// the committed target, which commands go to.
#[derive(Default)]
struct Targets {
    handled: usize,
    current: Option<String>,
}

/// A MiniBrowser process; dropping it kills it and what it started.
struct MiniBrowser {
    child: Child,
    log: PathBuf,
}

impl MiniBrowser {
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines = text.lines().collect::<Vec<_>>();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }
}

impl Drop for MiniBrowser {
    fn drop(&mut self) {
        kill_group(&mut self.child);
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The one key the wire files this protocol's messages under: waits must
/// wake for target events as much as for page events.
const ALL: &str = "all";

/// One MiniBrowser process (one window, one ephemeral session) and its
/// inspector connection.
pub struct Page<'a> {
    /// The first field, so the socket closes before the process dies.
    wire: Wire,
    process: MiniBrowser,
    /// Keeps the display alive while this page exists.
    _webkit: &'a WebKit,
    /// Ids of the commands sent inside `Target.sendMessageToTarget`.
    next_id: AtomicU64,
    targets: Mutex<Targets>,
}

/// The domains every page target gets before it may run.
const DOMAINS: [&str; 4] = ["Page", "Network", "Console", "Runtime"];

impl Page<'_> {
    /// Gives new page targets their domains and resumes them; follows the
    /// target that commands go to.
    fn handle_targets(&self, timeout: Duration) -> Result<(), String> {
        let mut targets = self.targets.lock().unwrap_or_else(PoisonError::into_inner);
        let events = self.wire.events(ALL);
        let news = events.get(targets.handled..).unwrap_or_default();
        targets.handled = events.len();
        for e in news {
            let p = &e["params"];
            match e["method"].as_str().unwrap_or_default() {
                "Target.targetCreated" if p["targetInfo"]["type"] == "page" => {
                    let info = &p["targetInfo"];
                    let id = info["targetId"].as_str().unwrap_or_default();
                    for domain in DOMAINS {
                        self.send(id, &format!("{domain}.enable"), json!({}), timeout)?;
                    }
                    if info["isPaused"] == true {
                        let resume = json!({"method": "Target.resume", "params": {"targetId": id}});
                        self.wire.request(resume, timeout)?;
                    }
                    if info["isProvisional"] != true {
                        targets.current = Some(id.to_owned());
                    }
                }
                "Target.didCommitProvisionalTarget" => {
                    targets.current = p["newTargetId"].as_str().map(str::to_owned);
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn current_target(&self) -> Result<String, String> {
        let targets = self.targets.lock().unwrap_or_else(PoisonError::into_inner);
        targets
            .current
            .clone()
            .ok_or_else(|| "no page target".into())
    }

    /// Sends `method` to `target`; returns the inner command's id.
    fn send(&self, target: &str, method: &str, params: Value, t: Duration) -> Result<u64, String> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let inner = json!({"id": id, "method": method, "params": params}).to_string();
        let msg = json!({"method": "Target.sendMessageToTarget",
                         "params": {"targetId": target, "message": inner}});
        let reply = self.wire.request(msg, t)?;
        match reply.get("error") {
            Some(err) => Err(format!("{method}: {err}")),
            None => Ok(id),
        }
    }

    /// Sends a command to the page's current target and waits at most
    /// `timeout` for its result.
    pub fn call(&self, method: &str, params: Value, timeout: Duration) -> Result<Value, String> {
        self.handle_targets(timeout)?;
        let mark = self.wire.mark(ALL);
        let id = self.send(&self.current_target()?, method, params, timeout)?;
        let reply = self
            .wire
            .wait_events(ALL, mark, timeout, |events| {
                events.iter().filter_map(inner).find(|m| m["id"] == id)
            })
            .map_err(|e| format!("{method}: {e}"))?;
        match reply.get("error") {
            Some(err) => Err(format!("{method}: {err}")),
            None => Ok(reply["result"].clone()),
        }
    }

    /// Navigates to `url` and waits for its load event (in whichever web
    /// process WebKit loads it).
    pub fn goto(&self, url: &str, timeout: Duration) -> Result<(), String> {
        let mark = self.wire.mark(ALL);
        self.call("Page.navigate", json!({"url": url}), timeout)?;
        let loaded = |p: &Self| {
            p.wire.events(ALL)[mark..]
                .iter()
                .filter_map(inner)
                .any(|m| m["method"] == "Page.loadEventFired")
                .then_some(())
        };
        self.wait_for(loaded, timeout)
            .map_err(|e| format!("loading {url}: {e}"))
    }

    /// Evaluates the expression `js`, awaiting it if it is a promise, and
    /// returns its value as JSON; `Err` with the description if it threw.
    pub fn eval(&self, js: &str, timeout: Duration) -> Result<Value, String> {
        let deadline = Instant::now() + timeout;
        let js = format!("(async () => (\n{js}\n))()");
        let params = json!({"expression": js, "returnByValue": false});
        let r = self.call("Runtime.evaluate", params, timeout)?;
        let id = r["result"]["objectId"].as_str().ok_or("no promise")?;
        let params = json!({"promiseObjectId": id, "returnByValue": true});
        let left = deadline.saturating_duration_since(Instant::now());
        let r = self.call("Runtime.awaitPromise", params, left)?;
        match r["wasThrown"] == true {
            true => Err(format!("script threw: {}", r["result"]["description"])),
            false => Ok(r["result"]["value"].clone()),
        }
    }

    /// Every event of the page's targets so far, in order: `(method, params)`.
    pub fn events(&self) -> Vec<(String, Value)> {
        self.wire
            .events(ALL)
            .iter()
            .filter_map(inner)
            .filter_map(|m| Some((m["method"].as_str()?.to_owned(), m["params"].clone())))
            .collect()
    }

    /// Every console message so far, in order.
    pub fn console_messages(&self) -> Vec<ConsoleMessage> {
        let text = |v: &Value| v.as_str().map(str::to_owned);
        self.events()
            .into_iter()
            .filter(|(method, _)| method == "Console.messageAdded")
            .map(|(_, p)| ConsoleMessage {
                source: text(&p["message"]["source"]).unwrap_or_default(),
                level: text(&p["message"]["level"]).unwrap_or_default(),
                text: text(&p["message"]["text"]).unwrap_or_default(),
                timestamp: p["message"]["timestamp"].as_f64(),
            })
            .collect()
    }

    /// The console messages with source "security" (WebKit's reasons for
    /// blocking CORS requests), in order.
    pub fn security_messages(&self) -> Vec<ConsoleMessage> {
        let mut all = self.console_messages();
        all.retain(|m| m.source == "security");
        all
    }

    /// Every request the Network domain reported so far, in order.
    pub fn requests(&self) -> Vec<NetRequest> {
        let mut ids: Vec<String> = Vec::new();
        let mut requests: Vec<NetRequest> = Vec::new();
        let text = |v: &Value| v.as_str().map(str::to_owned).unwrap_or_default();
        for (method, p) in self.events() {
            let id = text(&p["requestId"]);
            if method == "Network.requestWillBeSent" && !ids.contains(&id) {
                ids.push(id.clone());
                requests.push(NetRequest {
                    method: text(&p["request"]["method"]),
                    url: text(&p["request"]["url"]),
                    headers: p["request"]["headers"].clone(),
                    ..NetRequest::default()
                });
            }
            let Some(r) = ids.iter().position(|i| *i == id).map(|i| &mut requests[i]) else {
                continue;
            };
            match method.as_str() {
                "Network.responseReceived" => r.status = p["response"]["status"].as_u64(),
                "Network.loadingFinished" => r.ended = true,
                "Network.loadingFailed" => (r.ended, r.error) = (true, Some(text(&p["errorText"]))),
                _ => {}
            }
        }
        requests
    }

    /// The failed requests so far: `(url, errorText)`.
    pub fn loading_failures(&self) -> Vec<(String, String)> {
        let requests = self.requests().into_iter();
        requests.filter_map(|r| Some((r.url, r.error?))).collect()
    }

    /// Calls `check` now and after every inspector message until it gives
    /// `Some`, for at most `timeout`.
    pub fn wait_for<T>(
        &self,
        check: impl Fn(&Self) -> Option<T>,
        timeout: Duration,
    ) -> Result<T, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            self.handle_targets(left.max(Duration::from_secs(1)))?;
            let mark = self.wire.mark(ALL);
            if let Some(found) = check(self) {
                return Ok(found);
            }
            if left.is_zero() {
                return Err(format!("not seen within {timeout:?}"));
            }
            // Any new message (or the timeout) ends this wait.
            match self
                .wire
                .wait_events(ALL, mark, left, |e| e.first().map(drop))
            {
                Err(e) if e.contains("closed") => return Err(e),
                _ => {}
            }
        }
    }

    /// A PNG of the whole page (`Page.snapshotRect` in page coordinates).
    pub fn screenshot_png(&self, timeout: Duration) -> Result<Vec<u8>, String> {
        let js = "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]";
        let size = self.eval(js, timeout)?;
        let rect = json!({"x": 0, "y": 0, "width": size[0], "height": size[1],
                          "coordinateSystem": "Page"});
        let r = self.call("Page.snapshotRect", rect, timeout)?;
        let png = r["dataURL"]
            .as_str()
            .and_then(|u| u.strip_prefix("data:image/png;base64,"));
        let png = png.ok_or_else(|| format!("snapshotRect gave {r}"))?;
        BASE64.decode(png).map_err(|e| format!("snapshotRect: {e}"))
    }

    /// The memory this page's processes (MiniBrowser, its web and network
    /// processes) use: the sum of their proportional set sizes, in KiB.
    pub fn memory_kib(&self) -> u64 {
        let pss = |pid: u32| -> Option<u64> {
            let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
            let line = text.lines().find(|l| l.starts_with("Pss:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        };
        group_members(self.process.child.id())
            .into_iter()
            .filter_map(pss)
            .sum()
    }

    /// The last lines MiniBrowser wrote to stderr (for failure messages).
    pub fn log_tail(&self) -> String {
        self.process.log_tail()
    }
}

/// The message inside a `Target.dispatchMessageFromTarget` event.
fn inner(event: &Value) -> Option<Value> {
    serde_json::from_str(event["params"]["message"].as_str()?).ok()
}
