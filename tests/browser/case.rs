//! The shape of the case table: a case is a page on some origin making one
//! or more requests (steps) to servers; each step says, per engine, what
//! the page can read, what the servers must receive, and the engine's own
//! reason. Engines that differ get different expectations, side by side.

use std::time::Duration;

use serde_json::Value;

use crate::engine::Engine;
use crate::servers::Server;

/// One value per engine.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ByEngine<T> {
    pub chromium: T,
    pub firefox: T,
    pub webkit: T,
}

impl<T: Clone> ByEngine<T> {
    /// The same for every engine.
    pub fn all(t: T) -> Self {
        Self {
            chromium: t.clone(),
            firefox: t.clone(),
            webkit: t,
        }
    }
}

impl<T> ByEngine<T> {
    /// The value for `e`.
    pub fn get(&self, e: Engine) -> &T {
        match e {
            Engine::Chromium => &self.chromium,
            Engine::Firefox => &self.firefox,
            Engine::WebKit => &self.webkit,
        }
    }

    /// Replaces `e`'s value.
    pub fn set(&mut self, e: Engine, t: T) {
        match e {
            Engine::Chromium => self.chromium = t,
            Engine::Firefox => self.firefox = t,
            Engine::WebKit => self.webkit = t,
        }
    }

    /// The same with `e`'s value replaced.
    pub fn but(mut self, e: Engine, t: T) -> Self {
        self.set(e, t);
        self
    }
}

/// What the page can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sees {
    /// The response, with this status (and, for a 2xx, the JSON body naming
    /// the method); `header` is what reading the step's header gives.
    Read { status: u16, header: HeaderSeen },
    /// Nothing: `fetch` rejects with the engine's TypeError.
    Blocked,
    /// The page navigated to the response (a form post, a visit): there is
    /// nothing for it to read; what counts is what the server did.
    Navigated,
    /// What a [`Load`] script saw, in its own word (`"echo"`, `"error"`,
    /// `"details"`, ...).
    Shows(&'static str),
}

/// What `res.headers.get(name)` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderSeen {
    /// The step reads no header.
    NotRead,
    /// A value starting with this.
    Value(&'static str),
    /// `null`: the header is not exposed.
    Null,
}

/// A readable 200 (no header read).
pub const READ: Sees = Sees::Read {
    status: 200,
    header: HeaderSeen::NotRead,
};

/// Which server a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The step's API.
    Api,
    /// The case's second server (a redirect's target, a control API).
    Target,
}

/// What `Origin` a request carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginSent {
    /// The page's origin.
    Page,
    /// `null` (after a cross-origin redirect).
    Null,
    /// No `Origin` header (a top-level GET the user typed).
    Absent,
}

/// One request a server must receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub at: At,
    /// `OPTIONS` for a preflight.
    pub method: &'static str,
    /// For a preflight: `Access-Control-Request-Method` and `…-Headers`
    /// (`None`: no such header).
    pub acrm: Option<&'static str>,
    pub acrh: Option<&'static str>,
    pub origin: OriginSent,
    /// The `Cookie` header it must carry (`None`: no cookie at all).
    pub cookie: Option<&'static str>,
    /// The status the server answered.
    pub status: u16,
    /// The `Sec-Fetch-Site` it must carry (`None`: not checked;
    /// `Some(None)`: none at all).
    pub site: Option<Option<&'static str>>,
    /// Whether the API's own handler must have run (`None`: not checked).
    /// A request the layer refuses never reaches it.
    pub handled: Option<bool>,
    /// Whether the answer carried `Timing-Allow-Origin: <the page's
    /// origin>` (`true`) or no `Timing-Allow-Origin` at all (`false`);
    /// `None`: not checked.
    pub timing_allowed: Option<bool>,
}

/// A preflight for `method` with `headers` (`""`: no ACRH), answered `status`.
pub fn preflight(method: &'static str, headers: &'static str, status: u16) -> Sent {
    Sent {
        at: At::Api,
        method: "OPTIONS",
        acrm: Some(method),
        acrh: (!headers.is_empty()).then_some(headers),
        origin: OriginSent::Page,
        cookie: None,
        status,
        site: None,
        handled: None,
        timing_allowed: None,
    }
}

/// The actual request, `method`, answered `status`.
pub fn actual(method: &'static str, status: u16) -> Sent {
    Sent {
        at: At::Api,
        method,
        acrm: None,
        acrh: None,
        origin: OriginSent::Page,
        cookie: None,
        status,
        site: None,
        handled: None,
        timing_allowed: None,
    }
}

impl Sent {
    /// Carrying `cookie`.
    pub fn cookie(mut self, cookie: &'static str) -> Self {
        self.cookie = Some(cookie);
        self
    }

    /// Received by the case's second server (a redirect's target, a
    /// control API).
    pub fn at_target(mut self) -> Self {
        self.at = At::Target;
        self
    }

    /// With `Origin: null`.
    pub fn null_origin(mut self) -> Self {
        self.origin = OriginSent::Null;
        self
    }

    /// Without `Origin`.
    pub fn no_origin(mut self) -> Self {
        self.origin = OriginSent::Absent;
        self
    }

    /// Carrying `Sec-Fetch-Site: site` (`None`: no such header).
    pub fn site(mut self, site: Option<&'static str>) -> Self {
        self.site = Some(site);
        self
    }

    /// Reaching the API's handler (`true`) or refused before it (`false`).
    pub fn handled(mut self, ran: bool) -> Self {
        self.handled = Some(ran);
        self
    }

    /// Answered with `Timing-Allow-Origin: <the page's origin>` (`true`)
    /// or without the header (`false`).
    pub fn timing_allowed(mut self, allowed: bool) -> Self {
        self.timing_allowed = Some(allowed);
        self
    }
}

/// An engine's own reason: Chromium's `corsError` code, Firefox's console
/// keys (in order, `, `-joined), a fragment of WebKit's message.
pub type Reason = ByEngine<Option<&'static str>>;

/// The same reason text for no engine: nothing blocked.
pub fn none() -> Reason {
    ByEngine::all(None)
}

/// What one step must give, per engine.
#[derive(Debug, Clone)]
pub struct Expect {
    pub sees: ByEngine<Sees>,
    pub sent: ByEngine<Vec<Sent>>,
    /// Why the engine blocked it.
    pub blocked: Reason,
    /// The warning (deprecation, cookie) the engine reported, if any.
    pub warning: Reason,
    /// Where the browser model (`tower_cors::browser`) is known to differ
    /// from the engine: what about (`reason`, `requests`, ...). The suite
    /// asserts the difference is exactly this, so a fixed model shows.
    pub model_gap: ByEngine<Option<&'static str>>,
}

impl Expect {
    /// Readable, with these requests, in every engine.
    pub fn read(sent: Vec<Sent>) -> Self {
        Self::sees(READ, sent)
    }

    /// `sees` with these requests, in every engine, nothing reported.
    pub fn sees(sees: Sees, sent: Vec<Sent>) -> Self {
        Self {
            sees: ByEngine::all(sees),
            sent: ByEngine::all(sent),
            blocked: none(),
            warning: none(),
            model_gap: ByEngine::all(None),
        }
    }

    /// Blocked in every engine for `reason`, with these requests.
    pub fn blocked(reason: Reason, sent: Vec<Sent>) -> Self {
        Self {
            sees: ByEngine::all(Sees::Blocked),
            sent: ByEngine::all(sent),
            blocked: reason,
            warning: none(),
            model_gap: ByEngine::all(None),
        }
    }

    /// The same, with these warnings.
    pub fn warns(mut self, warning: Reason) -> Self {
        self.warning = warning;
        self
    }

    /// The same, with the model known to differ from engine `e` on `what`.
    pub fn model_differs(mut self, e: Engine, what: &'static str) -> Self {
        self.model_gap = self.model_gap.but(e, Some(what));
        self
    }

    /// The same, but engine `e` is sent `sent`.
    pub fn sent_by(mut self, e: Engine, sent: Vec<Sent>) -> Self {
        self.sent = self.sent.but(e, sent);
        self
    }
}

/// How a step makes its request.
#[derive(Debug, Clone)]
pub enum How {
    /// `fetch(url, init)` from the case's page, then reading `read`.
    Fetch {
        url: String,
        init: Value,
        read: Option<&'static str>,
    },
    /// A row of the demo page, which makes its own requests.
    DemoRow(&'static example_demo::matrix::Row),
    /// A `<form method=post action=url>` with `fields`, submitted by script:
    /// a top-level navigation. The runner waits for the response's document
    /// to load, then opens the case's page again for the next step.
    Form {
        url: String,
        fields: Vec<(&'static str, &'static str)>,
    },
    /// The user opens `url` in the tab (a top-level GET, as when they log
    /// in to the site itself), then comes back to the case's page.
    Visit { url: String },
    /// The page follows a link to `url` (an `<a href>` it clicks: a
    /// top-level navigation the page starts), then the runner reopens the
    /// case's page.
    Link { url: String },
    /// The page loads `url` in one of the ways a page reads another site's
    /// resource besides `fetch()`, or opens a WebSocket to it.
    Load { url: String, load: Load },
}

/// How a [`How::Load`] step uses its URL; each resolves to `{shows, ...}`.
#[derive(Debug, Clone)]
pub enum Load {
    /// `new WebSocket(url)`, sends `"ping"`: shows `"echo ping"` when the
    /// answer comes back, `"closed"` when the handshake fails.
    WebSocket,
    /// A `<script src=url>`: shows `"load"` or `"error"`.
    ScriptTag,
    /// An `<img src=url>`: shows `"load"` or `"error"`.
    Image,
    /// `fetch(url, init)`, then its `PerformanceResourceTiming` entry:
    /// shows `"details"` (`domainLookupStart`, `requestStart` and
    /// `responseStart` non-zero), `"zeros"` (they and `transferSize` zero,
    /// as for a cross-origin resource without `Timing-Allow-Origin`),
    /// `"partial"` or `"no entry"`.
    Timing { init: Value },
}

/// One request of a case.
#[derive(Debug, Clone)]
pub struct Step {
    /// Short id, unique in its case (also in the request's query).
    pub id: &'static str,
    /// What the page does, as a user would write it.
    pub what: String,
    pub how: How,
    /// A deliberate gap before this step (only the preflight cache needs it).
    pub pause: Option<Duration>,
    /// The cookie this step sets, if any: Firefox names it, not the URL,
    /// when it rejects or warns about it.
    pub sets_cookie: Option<&'static str>,
    /// Request exactly the URL of this earlier step (the preflight cache is
    /// keyed by URL); by default every step has its own.
    pub same_url_as: Option<&'static str>,
    pub expect: Expect,
}

impl Step {
    /// A step with no pause, its own URL, and no cookie of its own.
    pub fn new(id: &'static str, what: String, how: How, expect: Expect) -> Step {
        Step {
            id,
            what,
            how,
            pause: None,
            same_url_as: None,
            sets_cookie: None,
            expect,
        }
    }
}

/// The servers of a case: the API (its log), and a second server (a
/// redirect's target, a control API).
#[derive(Clone)]
pub enum Logs {
    /// Servers of this suite.
    Suite { api: Server, target: Option<Server> },
    /// The demo's own API.
    Demo(crate::env::DemoApi),
}

/// One case: a page, its servers, its steps.
#[derive(Clone)]
pub struct Case {
    /// Short unique id (also in the requests' queries).
    pub id: &'static str,
    /// Group in the report.
    pub group: &'static str,
    pub title: &'static str,
    /// The page the steps run from.
    pub page: String,
    pub logs: Logs,
    pub steps: Vec<Step>,
    /// How engines differ here, if they do; the report lists it with what
    /// each engine reported.
    pub differs: Option<&'static str>,
}

impl Case {
    /// The longest the case may take, pauses included.
    pub fn pauses(&self) -> Duration {
        self.steps.iter().filter_map(|s| s.pause).sum()
    }
}
