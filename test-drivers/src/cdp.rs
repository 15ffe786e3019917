//! Chromium's network log of a tab, for the tests that compare requests
//! (the gRPC-web test, the cors-check comparison): which requests a page
//! made, their status, and the `corsError` of those that failed. The
//! browser itself ([`crate::devtools`]) is shared with the three-engine
//! suite.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

pub use crate::devtools::find as find_chromium;
use crate::devtools::{DevTools, Page};

/// A running headless Chromium.
pub struct Chromium {
    /// The browser-level DevTools connection.
    pub cdp: DevTools,
}

impl Chromium {
    /// Starts Chromium and connects to it, within `timeout`.
    pub fn launch(exe: &Path, timeout: Duration) -> Result<Self, String> {
        Self::launch_with(exe, &[], timeout)
    }

    /// Starts Chromium with `extra` switches ([`DevTools::launch_with`]).
    pub fn launch_with(exe: &Path, extra: &[String], timeout: Duration) -> Result<Self, String> {
        Ok(Self {
            cdp: DevTools::launch_with(exe, extra, timeout)?,
        })
    }

    /// The last lines Chromium wrote to stderr (for failure messages).
    pub fn log_tail(&self) -> String {
        self.cdp.log_tail()
    }
}

/// A blank tab in its own browser context, with the Page and Network
/// domains on; it derefs to the [`Page`] (`goto`, `eval`, `session`).
pub struct Tab<'a> {
    page: Page<'a>,
}

impl<'a> Deref for Tab<'a> {
    type Target = Page<'a>;

    fn deref(&self) -> &Page<'a> {
        &self.page
    }
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
    /// `Network.loadingFailed`'s `blockedReason`, if something other than
    /// CORS stopped it (`mixed-content`, `inspector`, ...).
    pub blocked_reason: Option<String>,
}

impl NetRequest {
    /// Whether Chromium sent this as a CORS preflight.
    pub fn is_preflight(&self) -> bool {
        self.initiator == "preflight"
    }
}

impl<'a> Tab<'a> {
    /// Opens a blank tab in a new browser context.
    pub fn open(cdp: &'a DevTools, timeout: Duration) -> Result<Self, String> {
        Ok(Self {
            page: Page::open(cdp, &["Page.enable", "Network.enable"], timeout)?,
        })
    }

    /// The requests DevTools reported for this tab so far.
    pub fn requests(&self) -> Vec<NetRequest> {
        let mut order: Vec<String> = Vec::new();
        let mut by_id: HashMap<String, NetRequest> = HashMap::new();
        for (method, p) in self.devtools.events(&self.session) {
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
                        r.blocked_reason = text(&p["blockedReason"]);
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
            let events = self.devtools.events(&self.session);
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
