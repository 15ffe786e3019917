//! The demo matrix: the demo page itself (examples/demo), loaded from an
//! allowed origin, its `localhost` spelling, an origin the policy does not
//! allow, and with the sample policy file. The page runs its rows itself
//! and predicts each with the browser model; every row is a step.
//!
//! The demo's forged requests: from each of the demo's two front ends (the
//! allowed one, and the "wrong origin" one on another site), the writes a
//! page can make without CORS's permission (a form post, a `no-cors` POST
//! with credentials) and a WebSocket handshake, to the demo's own API. From
//! the wrong origin the write guard refuses each (403) and the API's
//! handler never runs; from the allowed one each reaches the handler (the
//! socket upgrades: 101).

use example_demo::api::EXPOSED_HEADER;
use example_demo::matrix::{Row, MATRIX};
use serde_json::json;

use crate::case::{actual, none, preflight, Case, Expect, HeaderSeen, How, Logs, Sees, Sent, Step};
use crate::engine::Engine;
use crate::env::{DemoApi, Env};
use crate::reasons::{MISSING_ACAO, PREFLIGHT_REFUSED};
use crate::run::origin_of;

/// What a policy makes of a row.
#[derive(Clone, Copy)]
enum Verdict {
    Allowed,
    Refused,
}

/// The requests and what the page at `page` sees for `row` when the
/// policy of `api` allows or refuses it (a refused preflight is a 403
/// without CORS headers; a refused simple request is answered without
/// them). Whether the row needs a preflight, and the
/// `Access-Control-Request-Headers` it carries, come from the browser model
/// (`PageRequest::prepare`).
fn expect(row: &Row, page: &str, api: &DemoApi, verdict: Verdict) -> Expect {
    let request = row
        .request(origin_of(page), &format!("{}/api/data", api.base))
        .prepare()
        .expect("every demo row is a request fetch() sends");
    let acrh = request.unsafe_header_names().join(",");
    let pre = |status| preflight(row.method, leak(acrh.clone()), status);
    let act = |status| actual(row.method, status);
    match (verdict, request.needs_preflight()) {
        (Verdict::Allowed, needs) => {
            let mut sent: Vec<Sent> = Vec::new();
            if needs {
                sent.push(pre(204));
            }
            sent.push(act(200));
            let header = match row.read_header {
                Some(EXPOSED_HEADER) => HeaderSeen::Value("req-"),
                Some(_) => HeaderSeen::Null,
                None => HeaderSeen::NotRead,
            };
            Expect::sees(
                Sees::Read {
                    status: 200,
                    header,
                },
                sent,
            )
        }
        (Verdict::Refused, true) => Expect::blocked(PREFLIGHT_REFUSED, vec![pre(403)]),
        (Verdict::Refused, false) => Expect::blocked(MISSING_ACAO, vec![act(200)]),
    }
}

/// Row ids are `'static`; their ACRH strings are built once per case.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn matrix_case(
    id: &'static str,
    title: &'static str,
    page: String,
    api: &DemoApi,
    verdict: impl Fn(&Row) -> Verdict,
) -> Case {
    let steps = MATRIX
        .iter()
        .map(|row| {
            Step::new(
                row.id,
                row.as_js(),
                How::DemoRow(row),
                expect(row, &page, api, verdict(row)),
            )
        })
        .collect();
    Case {
        id,
        group: "demo matrix",
        title,
        page,
        logs: Logs::Demo(api.clone()),
        steps,
        differs: None,
    }
}

/// The built-in policy from one of its own origins: everything passes
/// except the lower-case `patch` (methods are case-sensitive) and a header
/// it does not list.
fn builtin(row: &Row) -> Verdict {
    match row.id {
        "patch-lower" | "bad-header" => Verdict::Refused,
        _ => Verdict::Allowed,
    }
}

/// The sample policy file has no PATCH and no Authorization.
fn sample(row: &Row) -> Verdict {
    match row.id {
        "patch" | "authorization" => Verdict::Refused,
        _ => builtin(row),
    }
}

/// Chromium's Opaque Response Blocking: the handler's JSON answer to a
/// `no-cors` fetch reaches the page as an empty opaque response, and an
/// issue says so (the guard's empty 403 raises none).
const ORB: &str = "ResponseWasBlockedByORB";

/// The forged requests from `page` to the demo's API: refused before the
/// handler (`refused`), or reaching it.
fn forged_steps(env: &Env, page: &str, refused: bool) -> Vec<Step> {
    let api = &env.demo.base;
    let (status, ran) = if refused { (403, false) } else { (200, true) };
    let write = |status| vec![actual("POST", status).handled(ran)];
    let opaque = Sees::Read {
        status: 0,
        header: HeaderSeen::NotRead,
    };
    let orb = (!refused).then_some(ORB);
    let socket_status = if refused { 403 } else { 101 };
    vec![
        // The /socket page opens the socket while it loads and finishes
        // loading once the API has answered the handshake.
        Step::new(
            "ws",
            "new WebSocket(\"ws://API/ws\") from a page of this origin (/socket)".into(),
            How::Visit {
                url: format!("{}/socket", origin_of(page)),
            },
            Expect::sees(
                Sees::Navigated,
                vec![actual("GET", socket_status).handled(ran)],
            ),
        ),
        Step::new(
            "form",
            "<form method=post action=\"/api/transfer\">, submitted by script".into(),
            How::Form {
                url: format!("{api}/api/transfer"),
                fields: vec![("amount", "100")],
            },
            Expect::sees(Sees::Navigated, write(status)),
        ),
        Step::new(
            "no-cors",
            "fetch(\"/api/transfer\", {method: \"POST\", mode: \"no-cors\", credentials: \"include\", body})"
                .into(),
            How::Fetch {
                url: format!("{api}/api/transfer"),
                init: json!({"method": "POST", "mode": "no-cors", "credentials": "include",
                    "body": "amount=100"}),
                read: None,
            },
            Expect::sees(opaque, write(status)).warns(none().but(Engine::Chromium, orb)),
        ),
    ]
}

fn forged_case(
    id: &'static str,
    title: &'static str,
    page: String,
    env: &Env,
    refused: bool,
) -> Case {
    Case {
        id,
        group: "demo matrix",
        title,
        steps: forged_steps(env, &page, refused),
        page,
        logs: Logs::Demo(env.demo.clone()),
        differs: None,
    }
}

/// The demo matrix cases.
pub fn cases(env: &Env) -> Vec<Case> {
    vec![
        forged_case(
            "demo-forged",
            "the demo's forged requests from its own front end (allowed): each reaches the handler",
            format!("{}/blank", env.origin("127.0.0.1")),
            env,
            false,
        ),
        forged_case(
            "demo-forged-wrong",
            "the demo's forged requests from its wrong-origin front end (another site): the write guard refuses each before the handler",
            format!("http://localhost:{}/blank", env.wrong),
            env,
            true,
        ),
        matrix_case(
            "demo",
            "demo page from its own origin (built-in policy)",
            format!("{}/", env.origin("127.0.0.1")),
            &env.demo,
            builtin,
        ),
        matrix_case(
            "demo-localhost",
            "demo page from the localhost spelling of its origin",
            format!("{}/", env.origin("localhost")),
            &env.demo,
            builtin,
        ),
        matrix_case(
            "demo-wrong",
            "demo page from an origin the policy does not list",
            format!("http://localhost:{}/", env.wrong),
            &env.demo,
            |_| Verdict::Refused,
        ),
        matrix_case(
            "demo-sample",
            "demo page with examples/demo/policy.toml, from app.localhost (allowed by http://*.localhost:*)",
            format!("http://app.localhost:{}/", env.sample_web),
            &env.sample,
            sample,
        ),
        matrix_case(
            "demo-sample-bare",
            "demo page with examples/demo/policy.toml, from localhost (not allowed)",
            format!("http://localhost:{}/", env.sample_web),
            &env.sample,
            |_| Verdict::Refused,
        ),
    ]
}
