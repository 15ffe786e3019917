//! The write guard in real engines: writes a page can make without CORS's
//! permission (an auto-submitted `<form method=post>`, a `no-cors` fetch, a
//! `text/plain` POST, which needs no preflight) carry the user's cookie to
//! the API. With credentials allowed the guard is on, and a write from an
//! origin the policy does not allow never reaches the API's handler (the
//! layer answers 403), whatever the page does with the answer; from an
//! allowed origin, from the API's own origin, and on an exempt path it
//! does. A control with the guard off shows the handler running for the
//! same writes: the attack the guard closes.
//!
//! The user logs in first: the tab opens the API's `/api/login` (a
//! top-level GET, so the cookie is first party in every engine), then the
//! case's page. Each request asserts what the servers received, with its
//! `Sec-Fetch-Site`, and whether the handler ran.

use serde_json::json;
use tower_cors::CorsPolicy;

use crate::case::{
    actual, none, ByEngine, Case, Expect, HeaderSeen, How, Logs, Reason, Sees, Sent, Step, READ,
};
use crate::cases_policy::fetch;
use crate::engine::Engine;
use crate::env::Env;
use crate::reasons::MISSING_ACAO;
use crate::report::WRITE_GUARD;
use crate::servers::Server;

/// The API is addressed as this host.
const H: &str = "127.0.0.1";
/// The body every write sends.
const BODY: &str = "amount=100";
/// The path the guard lets through from anywhere.
const EXEMPT: &str = "/oauth/callback";
const DATA: &str = "/api/data";
/// The cookie the API sets, with no `SameSite` attribute: what most
/// sessions still get, and what each engine treats its own way.
const COOKIE: &str = "sid_guard=1";

/// The policy: `allowed` only, credentials (so the guard is on unless
/// `guard` says off), `/oauth/callback` exempt.
fn policy(allowed: &str, guard: bool) -> Result<CorsPolicy, String> {
    CorsPolicy::builder()
        .allow_origins([allowed])
        .allow_credentials(true)
        .guard_writes(guard)
        .exempt_from_write_guard(|parts| parts.uri.path() == EXEMPT)
        .build()
        .map_err(|e| e.to_string())
}

/// Chromium's report when it withholds the cookie from a cross-site fetch:
/// a cookie without `SameSite` counts as `Lax`, and third-party cookies are
/// blocked.
const CHROMIUM_WITHHELD: &str =
    "cookie sid_guard not sent: SchemefulSameSiteUnspecifiedTreatedAsLax+UserPreferences";
/// Chromium's Opaque Response Blocking: a `no-cors` fetch of the handler's
/// JSON gets an empty opaque response, and an issue says so (the layer's
/// empty 403 raises none).
const ORB: &str = "ResponseWasBlockedByORB";
/// Chromium sends a cookie without `SameSite` (for it `Lax`) on a
/// cross-site top-level POST only while the cookie is under two minutes old
/// ("Lax-allowing-unsafe"), and warns that this will end.
const LAX_ALLOW_UNSAFE: &str = "CookieIssue WarnSameSiteUnspecifiedLaxAllowUnsafe";
const CHROMIUM_WITHHELD_ORB: &str =
    "cookie sid_guard not sent: SchemefulSameSiteUnspecifiedTreatedAsLax+UserPreferences, ResponseWasBlockedByORB";

/// How a write arrives at the API in each engine: its `Sec-Fetch-Site`
/// (the page's relation to the API, the same in every engine), and
/// whether the cookie came with it.
#[derive(Clone)]
struct Arrives {
    site: &'static str,
    cookie: ByEngine<bool>,
}

impl Arrives {
    /// With the cookie in every engine.
    fn with_cookie(site: &'static str) -> Self {
        Self {
            site,
            cookie: ByEngine::all(true),
        }
    }

    /// A fetch from a cross-site page: Chromium and Firefox (partitioned
    /// storage) withhold the first-party cookie, WebKit sends it.
    fn cross_site_fetch() -> Self {
        Self {
            site: "cross-site",
            cookie: ByEngine {
                chromium: false,
                firefox: false,
                webkit: true,
            },
        }
    }

    /// The one request, per engine: `method`, answered `status`, reaching
    /// the handler or not.
    fn sent(&self, method: &'static str, status: u16, ran: bool) -> ByEngine<Vec<Sent>> {
        let one = |cookie: bool| {
            let s = actual(method, status).site(Some(self.site)).handled(ran);
            vec![if cookie { s.cookie(COOKIE) } else { s }]
        };
        ByEngine {
            chromium: one(self.cookie.chromium),
            firefox: one(self.cookie.firefox),
            webkit: one(self.cookie.webkit),
        }
    }

    /// What the engines warn about a form post: Chromium, that it sent the
    /// cookie cross site only because it is new.
    fn form_warnings(&self) -> Reason {
        let lax = (self.site == "cross-site").then_some(LAX_ALLOW_UNSAFE);
        none().but(Engine::Chromium, lax)
    }

    /// What the engines warn about a fetch (`orb`: Chromium blocks its
    /// opaque response's body).
    fn warnings(&self, orb: bool) -> Reason {
        let chromium = match (self.cookie.chromium, orb) {
            (true, false) => None,
            (true, true) => Some(ORB),
            (false, false) => Some(CHROMIUM_WITHHELD),
            (false, true) => Some(CHROMIUM_WITHHELD_ORB),
        };
        none().but(Engine::Chromium, chromium)
    }
}

/// The page sees `sees`, the engine reports `blocked` and warns `warns`,
/// the API receives one `method` answered `status`, its handler running or
/// not.
fn expect(
    (sees, blocked, warns): (Sees, Reason, Reason),
    arrives: &Arrives,
    (method, status, ran): (&'static str, u16, bool),
) -> Expect {
    let base = if blocked.chromium.is_some() {
        Expect::blocked(blocked, Vec::new())
    } else {
        Expect::sees(sees, Vec::new())
    };
    Expect {
        sent: arrives.sent(method, status, ran),
        ..base.warns(warns)
    }
}

/// The user opens the API's `/api/login` in the tab: a top-level GET
/// without `Origin`, which sets the cookie first party. Chromium and
/// Firefox mark a navigation the driver starts `Sec-Fetch-Site: none`, as
/// one the user typed; WebKit rates it against the page it leaves, the
/// case's page (`from`).
fn login(api: &Server, from: &'static str) -> Step {
    let sent = |site| {
        vec![actual("GET", 200)
            .no_origin()
            .site(Some(site))
            .handled(true)]
    };
    let mut expect = Expect::sees(Sees::Navigated, sent("none"));
    expect = expect.sent_by(Engine::WebKit, sent(from));
    Step::new(
        "login",
        "the user opens /api/login in the tab (sets the cookie)".into(),
        How::Visit {
            url: api.url(H, "/api/login"),
        },
        expect,
    )
}

/// (a) An auto-submitted `<form method=post action=path>`.
fn form(api: &Server, path: &str, arrives: &Arrives, (status, ran): (u16, bool)) -> Step {
    Step::new(
        "form",
        format!("<form method=post action=\"{path}\">, submitted by script"),
        How::Form {
            url: api.url(H, path),
            fields: vec![("amount", "100")],
        },
        expect(
            (Sees::Navigated, none(), arrives.form_warnings()),
            arrives,
            ("POST", status, ran),
        ),
    )
}

/// (b) `fetch(path, {method: "POST", mode: "no-cors", credentials: "include", body})`:
/// the page gets an opaque response either way.
fn no_cors(api: &Server, path: &str, arrives: &Arrives, (status, ran): (u16, bool)) -> Step {
    let init = json!({"method": "POST", "mode": "no-cors", "credentials": "include", "body": BODY});
    let opaque = Sees::Read {
        status: 0,
        header: HeaderSeen::NotRead,
    };
    let warns = arrives.warnings(status == 200);
    let e = expect((opaque, none(), warns), arrives, ("POST", status, ran));
    fetch("no-cors", api, H, path, init, None, e)
}

/// (c) A `text/plain` POST in `cors` mode, with credentials: a simple
/// request, sent without a preflight.
fn plain(
    api: &Server,
    arrives: &Arrives,
    sees: Sees,
    blocked: Reason,
    (status, ran): (u16, bool),
) -> Step {
    let init = json!({"method": "POST", "credentials": "include",
        "headers": {"Content-Type": "text/plain"}, "body": BODY});
    let warns = arrives.warnings(false);
    let e = expect((sees, blocked, warns), arrives, ("POST", status, ran));
    fetch("text-plain", api, H, DATA, init, None, e)
}

fn case(
    id: &'static str,
    title: &'static str,
    page: String,
    api: &Server,
    steps: Vec<Step>,
) -> Case {
    let cross = page.contains("//localhost:");
    Case {
        id,
        group: WRITE_GUARD,
        title,
        page,
        logs: Logs::Suite {
            api: api.clone(),
            target: None,
        },
        steps,
        differs: cross.then_some(CROSS_SITE_COOKIE),
    }
}

/// How the engines differ on the cross-site cases: only in the cookie.
const CROSS_SITE_COOKIE: &str = "Only the cookie differs, never what the guard \
    decides: a cross-site fetch carries the first-party cookie in WebKit, not in \
    Chromium (a cookie without SameSite counts as Lax, and third-party cookies are \
    blocked) nor in Firefox (its storage is partitioned by top-level site). The \
    cross-site form post carries it everywhere (in Chromium because it is under two \
    minutes old).";

/// The three writes from a page the policy does not allow (`form` and
/// `fetches` say how they arrive): refused (the guard on) or reaching the
/// handler (off).
fn disallowed(api: &Server, form_: &Arrives, fetches: &Arrives, guard: bool) -> Vec<Step> {
    let answer = if guard { (403, false) } else { (200, true) };
    vec![
        login(api, form_.site),
        form(api, DATA, form_, answer),
        no_cors(api, DATA, fetches, answer),
        plain(api, fetches, Sees::Blocked, MISSING_ACAO, answer),
    ]
}

/// The write guard's cases.
pub fn cases(env: &Env) -> Result<Vec<Case>, String> {
    let allowed = env.origin(H);
    let cookie = format!("{COOKIE}; Path=/");
    let api = env.servers.guard_api(policy(&allowed, true)?, &cookie)?;
    let open = env.servers.guard_api(policy(&allowed, false)?, &cookie)?;
    let wrong = |host: &str| format!("http://{host}:{}/blank", env.wrong);
    let same_site = Arrives::with_cookie("same-site");
    let cross_site = Arrives::with_cookie("cross-site");
    let cross_fetch = Arrives::cross_site_fetch();
    let ran = (200, true);
    Ok(vec![
        case(
            "guard-same-site",
            "guard on, a same-site page the policy does not allow (127.0.0.1, another port)",
            wrong(H),
            &api,
            disallowed(&api, &same_site, &same_site, true),
        ),
        case(
            "guard-cross-site",
            "guard on, a cross-site page the policy does not allow (localhost)",
            wrong("localhost"),
            &api,
            disallowed(&api, &cross_site, &cross_fetch, true),
        ),
        case(
            "guard-allowed",
            "guard on, the allowed page (same site)",
            env.blank(H),
            &api,
            vec![
                login(&api, "same-site"),
                form(&api, DATA, &same_site, ran),
                no_cors(&api, DATA, &same_site, ran),
                plain(&api, &same_site, READ, none(), ran),
            ],
        ),
        case(
            "guard-same-origin",
            "guard on, a page on the API's own origin",
            api.url(H, "/page"),
            &api,
            vec![
                login(&api, "same-origin"),
                form(&api, DATA, &Arrives::with_cookie("same-origin"), ran),
            ],
        ),
        case(
            "guard-exempt",
            "guard on, the exempt path /oauth/callback from a cross-site page the policy does not allow",
            wrong("localhost"),
            &api,
            vec![
                login(&api, "cross-site"),
                form(&api, EXEMPT, &cross_site, ran),
                no_cors(&api, EXEMPT, &cross_fetch, ran),
            ],
        ),
        case(
            "guard-off",
            "guard off (the control): the same-site page the policy does not allow",
            wrong(H),
            &open,
            disallowed(&open, &same_site, &same_site, false),
        ),
    ])
}
