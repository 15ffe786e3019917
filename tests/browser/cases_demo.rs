//! The demo matrix: the demo page itself (examples/demo), loaded from an
//! allowed origin, its `localhost` spelling, an origin the policy does not
//! allow, and with the sample policy file. The page runs its rows itself
//! and predicts each with the browser model; every row is a step.

use example_demo::api::EXPOSED_HEADER;
use example_demo::matrix::{Row, MATRIX};

use crate::case::{actual, preflight, Case, Expect, HeaderSeen, How, Logs, Sees, Sent, Step};
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
        .map(|row| Step {
            id: row.id,
            what: row.as_js(),
            how: How::DemoRow(row),
            pause: None,
            same_url_as: None,
            sets_cookie: None,
            expect: expect(row, &page, api, verdict(row)),
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

/// The demo matrix cases.
pub fn cases(env: &Env) -> Vec<Case> {
    vec![
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
