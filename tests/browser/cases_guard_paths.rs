//! The write guard on the other roads a write takes to the API, recording
//! per engine what arrives (`Sec-Fetch-*`, `Origin`, the cookie) and
//! whether the handler ran:
//!
//! - **plain http on a name that is not loopback** (`http://app.test`, as
//!   `http://intranet.example` is): not a potentially trustworthy origin,
//!   unlike `127.0.0.1` and `localhost`, so no engine sends Fetch
//!   Metadata and the guard decides on `Origin` against `Host`. The site's
//!   own form post and `fetch` must pass, a form post from another name the
//!   policy does not allow must not;
//! - **a cross-site form post answered `307`**: the attacker's page posts
//!   to a server of its own site, which redirects (method and body kept)
//!   to the API.

use serde_json::json;
use tower_cors::CorsPolicy;

use crate::case::{actual, none, ByEngine, Case, Expect, How, Logs, Sees, Sent, Step};
use crate::cases_policy::fetch;
use crate::engine::Engine;
use crate::env::{Env, PLAIN_NAMES};
use crate::forward;
use crate::report::WRITE_GUARD;
use crate::servers::{Reply, Script, Server};

/// The API's own plain-http name, and another site's.
const APP: &str = PLAIN_NAMES[0];
const OTHER: &str = PLAIN_NAMES[1];
const DATA: &str = "/api/data";
const COOKIE: &str = "sid_guard=1";
/// Chromium sends a cookie without `SameSite` on a cross-site top-level
/// POST only while it is under two minutes old, and warns.
const LAX_ALLOW_UNSAFE: &str = "CookieIssue WarnSameSiteUnspecifiedLaxAllowUnsafe";

/// The guard on, credentials allowed, `allowed` the only origin.
fn policy(allowed: &str) -> Result<CorsPolicy, String> {
    CorsPolicy::builder()
        .allow_origins([allowed])
        .allow_credentials(true)
        .guard_writes(true)
        .build()
        .map_err(|e| e.to_string())
}

/// The user opens `url` (the API's `/api/login`) in the tab: a top-level
/// GET that sets the cookie first party; `site` is its `Sec-Fetch-Site`
/// per engine (`None`: none sent), `at` which server gets it.
fn login(url: String, site: ByEngine<Option<&'static str>>, target: bool) -> Step {
    let one = |s: Option<&'static str>| {
        let r = actual("GET", 200).no_origin().site(s).handled(true);
        vec![if target { r.at_target() } else { r }]
    };
    let expect = Expect {
        sent: ByEngine {
            chromium: one(site.chromium),
            firefox: one(site.firefox),
            webkit: one(site.webkit),
        },
        ..Expect::sees(Sees::Navigated, Vec::new())
    };
    Step::new(
        "login",
        "the user opens /api/login in the tab (sets the cookie)".into(),
        How::Visit { url },
        expect,
    )
}

/// An auto-submitted `<form method=post action=url>`; the servers receive
/// `sent` in every engine.
fn form(url: String, sent: Vec<Sent>, warns: crate::case::Reason) -> Step {
    Step::new(
        "form",
        format!("<form method=post action=\"{url}\">, submitted by script"),
        How::Form {
            url,
            fields: vec![("amount", "100")],
        },
        Expect::sees(Sees::Navigated, sent).warns(warns),
    )
}

fn case(
    id: &'static str,
    title: &'static str,
    page: String,
    logs: Logs,
    steps: Vec<Step>,
    differs: Option<&'static str>,
) -> Case {
    Case {
        id,
        group: WRITE_GUARD,
        title,
        page,
        logs,
        steps,
        differs,
    }
}

/// What WebKit reports about the first request of a form post that a
/// redirect takes to another site: it moves such a navigation to a new web
/// process (process swap on navigation), and the old one reports its load
/// as interrupted. The new document arrives all the same.
const PROCESS_SWAP: &str = "Frame load interrupted";

const REDIRECT_DIFFERS: &str = "What arrives is the same in every engine: the \
    redirected POST carries Origin: null (the redirect taints it), Sec-Fetch-Site: \
    cross-site and the cookie, and the guard refuses it. Only the reports differ: \
    Chromium warns that it sent the cookie cross site because it is new; WebKit \
    reports the first request's load as interrupted (the navigation moves to a new \
    web process when the redirect leads to another site).";

/// The guard's cases on plain http and through a redirect.
pub fn cases(env: &Env) -> Result<Vec<Case>, String> {
    let allowed = env.origin("127.0.0.1");
    let api = env
        .servers
        .guard_api(policy(&allowed)?, &format!("{COOKIE}; Path=/"))?;
    let logs = Logs::Suite {
        api: api.clone(),
        target: None,
    };
    let no_metadata = ByEngine::all(None);
    // Plain http: no Fetch Metadata; `Origin` on every POST.
    let post = |status: u16, ran: bool| actual("POST", status).site(None).handled(ran);
    let mut cases = vec![
        case(
            "plain-same-origin",
            "guard on, plain http on a name that is not loopback: a page on the API's own origin",
            api.url(APP, "/page"),
            logs.clone(),
            vec![
                login(api.url(APP, "/api/login"), no_metadata.clone(), false),
                form(
                    api.url(APP, DATA),
                    vec![post(200, true).cookie(COOKIE)],
                    none(),
                ),
                fetch(
                    "fetch",
                    &api,
                    APP,
                    DATA,
                    json!({"method": "POST", "body": "amount=100"}),
                    None,
                    Expect::read(vec![post(200, true).cookie(COOKIE)]),
                ),
            ],
            None,
        ),
        case(
            "plain-cross-site",
            "guard on, plain http: a page on another name the policy does not allow",
            format!("http://{OTHER}:{}/blank", env.wrong),
            logs,
            vec![
                login(api.url(APP, "/api/login"), no_metadata, false),
                form(
                    api.url(APP, DATA),
                    vec![post(403, false).cookie(COOKIE)],
                    none().but(Engine::Chromium, Some(LAX_ALLOW_UNSAFE)),
                ),
            ],
            None,
        ),
    ];
    cases.push(fronted(&api)?);
    cases.push(declared_front(env)?);
    cases.push(redirected(env, &api)?);
    Ok(cases)
}

/// The site's own form post through a front that rewrites `Host` to the
/// API's address (nginx's default): the page and the form are on
/// `http://app.test:FRONT`, the API sees `Host: 127.0.0.1:API`.
fn fronted(api: &Server) -> Result<Case, String> {
    let refused = actual("POST", 403).site(None).cookie(COOKIE).handled(false);
    let title =
        "guard on, plain http: the API's own page and form behind a front that rewrites Host";
    front_case(
        ("plain-front", title),
        forward::bind()?,
        api.clone(),
        refused,
    )
}

/// The API's own page, its login and its form post to `api`, all through
/// a front bound at `bound` that rewrites `Host`; the post arrives as
/// `post`.
fn front_case(
    (id, title): (&'static str, &'static str),
    bound: forward::Bound,
    api: Server,
    post: Sent,
) -> Result<Case, String> {
    let front = bound.front(&api)?;
    let at = |path: &str| front.url(APP, path);
    let (page, login_url, action) = (at("/page"), at("/api/login"), at(DATA));
    Ok(case(
        id,
        title,
        page,
        Logs::Suite {
            api,
            target: Some(front),
        },
        vec![
            login(login_url, ByEngine::all(None), false),
            form(action, vec![post], none()),
        ],
        None,
    ))
}

/// A cross-site page (`localhost`) posts a form to a server of its own
/// site, which answers `307` to the API (`127.0.0.1`).
fn redirected(env: &Env, api: &Server) -> Result<Case, String> {
    let redirector = env.servers.other_api(Script {
        preflight: Reply::new(200, &[]),
        actual: Reply::redirect(api.url("127.0.0.1", DATA)),
    })?;
    let page = format!("http://localhost:{}/blank", env.wrong);
    let sent = vec![
        actual("POST", 307).site(Some("same-site")),
        actual("POST", 403)
            .at_target()
            .null_origin()
            .site(Some("cross-site"))
            .cookie(COOKIE)
            .handled(false),
    ];
    let site = ByEngine::all(Some("none")).but(Engine::WebKit, Some("cross-site"));
    let lax = none().but(Engine::Chromium, Some(LAX_ALLOW_UNSAFE));
    let mut post = form(redirector.url("localhost", DATA), sent, lax);
    post.expect.blocked = none().but(Engine::WebKit, Some(PROCESS_SWAP));
    post.expect = post.expect.model_differs(Engine::WebKit, "reason");
    Ok(case(
        "guard-form-307",
        "guard on, a cross-site form post answered 307 (method and body kept) to the API",
        page,
        Logs::Suite {
            api: redirector.clone(),
            target: Some(api.clone()),
        },
        vec![login(api.url("127.0.0.1", "/api/login"), site, true), post],
        Some(REDIRECT_DIFFERS),
    ))
}

/// The same through a front that rewrites `Host`, with the policy
/// declaring the site's public origin (`server_origins`): the form post
/// reaches the handler.
fn declared_front(env: &Env) -> Result<Case, String> {
    let bound = forward::bind()?;
    let public = format!("http://{APP}:{}", bound.port);
    let policy = CorsPolicy::builder()
        .allow_origins([env.origin("127.0.0.1")])
        .allow_credentials(true)
        .guard_writes(true)
        .server_origins([public])
        .build()
        .map_err(|e| e.to_string())?;
    let api = env
        .servers
        .guard_api(policy, &format!("{COOKIE}; Path=/"))?;
    let ran = actual("POST", 200).site(None).cookie(COOKIE).handled(true);
    let title = "guard on, plain http, behind a front that rewrites Host, the policy declaring the public origin (server_origins)";
    front_case(("plain-front-declared", title), bound, api, ran)
}
