//! Verdicts: what an engine did with a vector's page request, and what the
//! browser model (`tower_cors::browser`) of that engine says of the same
//! request to the same tower-cors app, in the same terms.

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt as _;
use tower_cors::browser as model;

use super::reason;
use super::server::{Hit, Target};
use super::vectors::{Page, Verdict};
use crate::engine::{Engine, Report};

/// The reason of a page request the engine never sent.
pub const NETWORK: &str = "network";

/// What the model of `engine` makes of `page` against `target`'s app, as
/// the conformance runner judges it: readable, or blocked for the failed
/// check that engine reports first (`Blocked::code_in`).
pub fn model_verdict(
    engine: Engine,
    target: &Target,
    page: &Page,
    rt: &tokio::runtime::Handle,
) -> Verdict {
    let url = format!("http://api.test{}", page.path);
    let credentials = match page.credentials.as_str() {
        "include" => model::Credentials::Include,
        "same-origin" => model::Credentials::SameOrigin,
        _ => model::Credentials::Omit,
    };
    let request = page
        .headers
        .iter()
        .fold(
            model::PageRequest::new(&page.origin, &page.method, url),
            |p, (n, v)| p.header(n, v),
        )
        .credentials(credentials);
    let app = target.app.clone();
    let mut service = tower::service_fn(move |req: Request<Body>| app.clone().oneshot(req));
    let mut browser = model::Browser::new(engine.model());
    match rt.block_on(browser.fetch(&mut service, &request)) {
        Err(_) => Verdict::blocked(NETWORK),
        Ok(outcome) => match outcome.blocked() {
            None => Verdict::readable(),
            Some(b) => {
                let code = b.code_in(engine.model()).unwrap_or(b.code());
                Verdict::blocked(code.as_str())
            }
        },
    }
}

/// What `engine` did: the page read the body (`readable`), or the
/// engine's reason from its `reports` (`network` when the server got
/// nothing). `model` is the model's reason, to pick among the codes the
/// engine's words fit. Words no row gives are kept as they are.
pub fn engine_verdict(
    engine: Engine,
    readable: bool,
    hits: &[Hit],
    reports: &[Report],
    model: Option<&str>,
) -> Verdict {
    if readable {
        return Verdict::readable();
    }
    if hits.is_empty() {
        return Verdict::blocked(NETWORK);
    }
    let Some(words) = engine.first_reason(reports) else {
        return Verdict::blocked("unreported");
    };
    let on_preflight = hits.last().is_some_and(|h| h.preflight);
    Verdict::blocked(reason::code(engine, &words, on_preflight, model).unwrap_or(words))
}
