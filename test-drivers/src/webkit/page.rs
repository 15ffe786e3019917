//! A MiniBrowser page over WebKit's inspector protocol: following its
//! targets across web processes, commands, navigation, scripts, and what
//! it reported (console, network, load failures).

use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Value};

use super::minibrowser::MiniBrowser;
use crate::wire::Wire;

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

/// The one key the wire files this protocol's messages under: waits must
/// wake for target events as much as for page events.
const ALL: &str = "all";

/// One MiniBrowser process (one window, one ephemeral session) and its
/// inspector connection.
pub struct Page<'a> {
    /// The first field, so the socket closes before the process dies.
    wire: Wire,
    process: MiniBrowser,
    /// Borrows the `WebKit` the page came from: its display outlives it.
    _webkit: PhantomData<&'a ()>,
    /// Ids of the commands sent inside `Target.sendMessageToTarget`.
    next_id: AtomicU64,
    targets: Mutex<Targets>,
}

/// The domains every page target gets before it may run.
const DOMAINS: [&str; 4] = ["Page", "Network", "Console", "Runtime"];

impl Page<'_> {
    /// Connects to the inspector socket `socket` on `port` of `process`,
    /// pauses every page target that starts (so that it gets its domains
    /// first), and waits for the first one, within `timeout`.
    pub(super) fn connect(
        port: u16,
        socket: &str,
        process: MiniBrowser,
        timeout: Duration,
    ) -> Result<Self, String> {
        let deadline = Instant::now() + timeout;
        let left = || deadline.saturating_duration_since(Instant::now());
        let wire_timeout = left().max(Duration::from_secs(1));
        let page = Page {
            wire: Wire::connect(port, socket, wire_timeout, |_| ALL.into())?,
            process,
            _webkit: PhantomData,
            next_id: AtomicU64::new(1),
            targets: Mutex::default(),
        };
        page.wire.request(
            json!({"method": "Target.setPauseOnStart", "params": {"pauseOnStart": true}}),
            left(),
        )?;
        page.wait_for(|p| p.current_target().ok(), left())
            .map_err(|e| format!("no page target: {e}"))?;
        Ok(page)
    }

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
                // A web process that ended (it crashed, or WebKit swapped
                // it out) takes its target along: commands wait for the
                // next one instead of going nowhere.
                "Target.targetDestroyed"
                    if targets.current.as_deref() == p["targetId"].as_str() =>
                {
                    targets.current = None;
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
    ///
    /// A command sent to a target that ended in the meantime (WebKit
    /// answers "Missing target for given targetId") is sent once more, to
    /// the target that replaced it, when one comes within the time left.
    pub fn call(&self, method: &str, params: Value, timeout: Duration) -> Result<Value, String> {
        let deadline = Instant::now() + timeout;
        let left = || deadline.saturating_duration_since(Instant::now());
        let mark = self.wire.mark(ALL);
        let target = self.wait_for(|p| p.current_target().ok(), timeout)?;
        let id = match self.send(&target, method, params.clone(), left()) {
            Err(e) if e.contains("Missing target") => {
                let next = |p: &Self| p.current_target().ok().filter(|t| *t != target);
                let replaced = self
                    .wait_for(next, left())
                    .map_err(|_| format!("{e} (and no page target replaced it)"))?;
                self.send(&replaced, method, params, left())?
            }
            sent => sent?,
        };
        let reply = self
            .wire
            .wait_events(ALL, mark, left(), |events| {
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
    ///
    /// The event is the answer; where none has come for a while, the
    /// document itself is asked (its URL and `readyState`), since an event
    /// lost between web processes must not cost the whole timeout.
    pub fn goto(&self, url: &str, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        let mark = self.wire.mark(ALL);
        self.call("Page.navigate", json!({"url": url}), timeout)?;
        let loaded = |p: &Self| {
            p.wire.events(ALL)[mark..]
                .iter()
                .filter_map(inner)
                .any(|m| m["method"] == "Page.loadEventFired")
                .then_some(())
        };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let error = match self.wait_for(loaded, left.min(Duration::from_secs(3))) {
                Ok(()) => return Ok(()),
                Err(e) => e,
            };
            if error.contains("closed") {
                return Err(format!("loading {url}: {error}"));
            }
            if left.is_zero() {
                return Err(format!("loading {url}: not loaded within {timeout:?}"));
            }
            if self.shows_loaded(url, Duration::from_secs(1)) {
                return Ok(());
            }
        }
    }

    /// Whether the current document is `url` and has finished loading.
    fn shows_loaded(&self, url: &str, timeout: Duration) -> bool {
        let js = "[location.href, document.readyState]";
        let params = json!({"expression": js, "returnByValue": true});
        let Ok(r) = self.call("Runtime.evaluate", params, timeout) else {
            return false;
        };
        let state = &r["result"]["value"];
        let href = state[0].as_str().unwrap_or_default();
        let same = href == url || href.strip_suffix('/') == Some(url);
        same && state[1] == "complete"
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
        self.process.memory_kib()
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
