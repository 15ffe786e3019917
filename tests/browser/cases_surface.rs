//! The rest of the cross-origin surface, from the policy's one allowlist,
//! in real engines:
//!
//! - **WebSocket handshakes** (the guard): `new WebSocket()` from the
//!   allowed page connects and gets its message echoed by the API's `/ws`
//!   route; from a page the policy does not allow the handshake is answered
//!   403 and the route's handler never runs. A control with the guard off
//!   shows the handler upgrading for that page: cross-site WebSocket
//!   hijacking, which browsers do nothing against.
//! - **Resource isolation** (`isolate_resources`): from a page the policy
//!   does not allow, `<script src>`, `<img src>` and a `no-cors` fetch of
//!   the API are refused before the handler; a link the page follows (a
//!   top-level navigation) and the allowed page's fetch reach it. The
//!   allowed page's own `<img>` carries no `Origin`, and is refused too.
//! - **`Timing-Allow-Origin`** (`timing_allow_origin`): the API answers
//!   the allowed page `Timing-Allow-Origin: <its origin>`, and the page
//!   reads `domainLookupStart`, `requestStart` and `responseStart` of its
//!   fetch in `PerformanceResourceTiming`; a page the policy does not
//!   allow gets no such header, and it and the allowed page without the
//!   setting see zeros.
//!
//! `server_origins` behind a front that rewrites `Host` is in the guard's
//! plain-http cases (`cases_guard_paths`).

use serde_json::json;
use tower_cors::{CorsPolicy, CorsPolicyBuilder};

use crate::case::{
    actual, none, ByEngine, Case, Expect, How, Load, Logs, Reason, Sees, Sent, Step,
};
use crate::cases_policy::fetch;
use crate::engine::Engine;
use crate::env::Env;
use crate::servers::Server;

/// The report's group of these cases.
pub const SURFACE: &str = "cross-origin surface";

const H: &str = "127.0.0.1";
/// WebKit's `errorText` for a subresource it stops loading on an error
/// status (a `<script>` answered 403).
const CANCELLED: &str = "Load request cancelled";
/// Chromium's warning for a `no-cors` response it keeps from the page
/// (JSON: opaque response blocking).
const ORB: &str = "ResponseWasBlockedByORB";
const DATA: &str = "/api/data";

/// A policy allowing `allowed` only, the guard on, as `more` says.
fn policy(
    allowed: &str,
    more: impl FnOnce(CorsPolicyBuilder) -> CorsPolicyBuilder,
) -> Result<CorsPolicy, String> {
    more(
        CorsPolicy::builder()
            .allow_origins([allowed])
            .guard_writes(true),
    )
    .build()
    .map_err(|e| e.to_string())
}

/// A case on `servers`: the API, and the control API beside it that some
/// steps call instead (its requests are `at_target`).
fn case(
    id: &'static str,
    title: &'static str,
    page: String,
    (api, control): (&Server, Option<&Server>),
    steps: Vec<Step>,
) -> Case {
    Case {
        id,
        group: SURFACE,
        title,
        page,
        logs: Logs::Suite {
            api: api.clone(),
            target: control.cloned(),
        },
        steps,
        differs: None,
    }
}

/// A step that uses `url` as `load` says; the page shows `shows`, the API
/// receives `sent` (per engine), the engines report `blocked`.
fn load(
    id: &'static str,
    what: String,
    (url, load): (String, Load),
    shows: &'static str,
    sent: ByEngine<Vec<Sent>>,
    blocked: Reason,
) -> Step {
    Step::new(
        id,
        what,
        How::Load { url, load },
        Expect {
            sent,
            blocked,
            ..Expect::sees(Sees::Shows(shows), Vec::new())
        },
    )
}

/// One GET the API receives, answered `status`, with `Sec-Fetch-Site:
/// site`, reaching the handler or not.
fn get(status: u16, site: &'static str, ran: bool) -> Sent {
    actual("GET", status).site(Some(site)).handled(ran)
}

/// A WebSocket handshake the API receives, answered `status`: Chromium
/// sends no Fetch Metadata on it (only `Origin`), Firefox and WebKit send
/// `Sec-Fetch-Site: site`.
fn handshake(status: u16, site: &'static str, ran: bool) -> ByEngine<Vec<Sent>> {
    let sent = |s| vec![actual("GET", status).site(s).handled(ran)];
    ByEngine::all(sent(Some(site))).but(Engine::Chromium, sent(None))
}

/// The same, received by the case's control API.
fn handshake_at_control(status: u16, site: &'static str, ran: bool) -> ByEngine<Vec<Sent>> {
    let at = |sent: &Vec<Sent>| sent.iter().cloned().map(Sent::at_target).collect();
    let by = handshake(status, site, ran);
    ByEngine {
        chromium: at(&by.chromium),
        firefox: at(&by.firefox),
        webkit: at(&by.webkit),
    }
}

/// Every case of the surface.
pub fn cases(env: &Env) -> Result<Vec<Case>, String> {
    let mut cases = websocket(env)?;
    cases.extend(isolation(env)?);
    cases.extend(timing(env)?);
    Ok(cases)
}

/// `new WebSocket()` from the allowed page, and from a cross-site page
/// the policy does not allow, to the API and, as the control, to the same
/// API with the guard off.
fn websocket(env: &Env) -> Result<Vec<Case>, String> {
    let allowed = env.origin(H);
    let api = env.servers.guard_api(policy(&allowed, |b| b)?, "")?;
    let open = env
        .servers
        .guard_api(policy(&allowed, |b| b.guard_writes(false))?, "")?;
    let ws = |api: &Server| (api.url(H, "/ws").replacen("http", "ws", 1), Load::WebSocket);
    let what =
        |to: &str| format!("new WebSocket(\"ws://127.0.0.1:PORT/ws\"), then send(\"ping\"){to}");
    Ok(vec![
        case(
            "ws-allowed",
            "WebSocket from the allowed page (same site)",
            env.blank(H),
            (&api, None),
            vec![load(
                "ws",
                what(""),
                ws(&api),
                "echo ping",
                handshake(101, "same-site", true),
                none(),
            )],
        ),
        case(
            "ws-disallowed",
            "WebSocket from a cross-site page the policy does not allow (localhost)",
            format!("http://localhost:{}/blank", env.wrong),
            (&api, Some(&open)),
            vec![
                load(
                    "ws",
                    what(""),
                    ws(&api),
                    "closed",
                    handshake(403, "cross-site", false),
                    none(),
                ),
                load(
                    "ws-guard-off",
                    what(", to the same API with the guard off (the control)"),
                    ws(&open),
                    "echo ping",
                    handshake_at_control(101, "cross-site", true),
                    none(),
                ),
            ],
        ),
    ])
}

/// Resource isolation on: a page the policy does not allow loads the API
/// as a script, an image and a `no-cors` fetch (refused), and follows a
/// link to it (reaches it); the allowed page fetches it (reaches it).
fn isolation(env: &Env) -> Result<Vec<Case>, String> {
    let allowed = env.origin(H);
    let api = env
        .servers
        .guard_api(policy(&allowed, |b| b.isolate_resources(true))?, "")?;
    let url = api.url(H, DATA);
    let refused = || ByEngine::all(vec![get(403, "cross-site", false).no_origin()]);
    let no_cors = {
        let mut step = fetch(
            "no-cors",
            &api,
            H,
            DATA,
            json!({"mode": "no-cors"}),
            None,
            Expect::sees(
                Sees::Read {
                    status: 0,
                    header: crate::case::HeaderSeen::NotRead,
                },
                vec![get(403, "cross-site", false).no_origin()],
            ),
        );
        step.what = format!("fetch(\"{url}\", {{mode: \"no-cors\"}})");
        step
    };
    let link = Step::new(
        "link",
        format!("<a href=\"{url}\">, clicked by script"),
        How::Link { url: url.clone() },
        Expect::sees(
            Sees::Navigated,
            vec![get(200, "cross-site", true).no_origin()],
        ),
    );
    Ok(vec![
        case(
            "isolate-disallowed",
            "resource isolation on, a cross-site page the policy does not allow (localhost)",
            format!("http://localhost:{}/blank", env.wrong),
            (&api, None),
            vec![
                load(
                    "script",
                    format!("<script src=\"{url}\">"),
                    (url.clone(), Load::ScriptTag),
                    "error",
                    refused(),
                    // WebKit cancels a script's load on an error status.
                    none().but(Engine::WebKit, Some(CANCELLED)),
                ),
                load(
                    "img",
                    format!("<img src=\"{url}\">"),
                    (url.clone(), Load::Image),
                    "error",
                    refused(),
                    none(),
                ),
                no_cors,
                link,
            ],
        ),
        case(
            "isolate-allowed",
            "resource isolation on, the allowed page (same site)",
            env.blank(H),
            (&api, None),
            vec![
                Step {
                    what: format!("fetch(\"{url}\")"),
                    ..fetch(
                        "fetch",
                        &api,
                        H,
                        DATA,
                        json!({}),
                        None,
                        Expect::read(vec![get(200, "same-site", true)]),
                    )
                },
                // An `<img>` carries no `Origin`: from another origin of
                // the same site, isolation cannot tell the allowed page's
                // from any other's, and refuses it.
                load(
                    "img",
                    format!("<img src=\"{url}\">"),
                    (url.clone(), Load::Image),
                    "error",
                    ByEngine::all(vec![get(403, "same-site", false).no_origin()]),
                    none(),
                ),
            ],
        ),
    ])
}

/// `Timing-Allow-Origin` for the allowed origin: its page reads the
/// details of its fetch, and, as the control, zeros from the same API
/// without the setting; a page the policy does not allow (a `no-cors`
/// fetch, which it may make) sees zeros. The API answers
/// `Timing-Allow-Origin: <the page's origin>` to the first only.
fn timing(env: &Env) -> Result<Vec<Case>, String> {
    let allowed = env.origin(H);
    let tao = env
        .servers
        .guard_api(policy(&allowed, |b| b.timing_allow_origin(true))?, "")?;
    let plain = env.servers.guard_api(policy(&allowed, |b| b)?, "")?;
    let step = |(id, api): (_, &Server), init: serde_json::Value, shows, sent: Sent| {
        let url = api.url(H, DATA);
        let what = format!("fetch(\"{url}\", {init}), then its PerformanceResourceTiming");
        load(
            id,
            what,
            (url, Load::Timing { init }),
            shows,
            ByEngine::all(vec![sent]),
            none(),
        )
    };
    let mut off = step(
        ("timing-off", &plain),
        json!({}),
        "zeros",
        get(200, "same-site", true)
            .timing_allowed(false)
            .at_target(),
    );
    off.what
        .push_str(", the same API without the setting (the control)");
    let mut opaque = step(
        ("timing", &tao),
        json!({"mode": "no-cors"}),
        "zeros",
        get(200, "cross-site", true)
            .no_origin()
            .timing_allowed(false),
    );
    // The page cannot have the JSON body of a `no-cors` answer anyway.
    opaque.expect.warning = none().but(Engine::Chromium, Some(ORB));
    Ok(vec![
        case(
            "tao-allowed",
            "Timing-Allow-Origin on, the allowed page (same site)",
            env.blank(H),
            (&tao, Some(&plain)),
            vec![
                step(
                    ("timing", &tao),
                    json!({}),
                    "details",
                    get(200, "same-site", true).timing_allowed(true),
                ),
                off,
            ],
        ),
        case(
            "tao-disallowed",
            "Timing-Allow-Origin on, a cross-site page the policy does not allow (localhost)",
            format!("http://localhost:{}/blank", env.wrong),
            (&tao, None),
            vec![opaque],
        ),
    ])
}
