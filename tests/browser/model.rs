//! The browser model, `tower_cors::browser`, held to what the real engines
//! did. For every step in every engine, the model of that engine makes the
//! same request to the same servers, in-process (the same tower-cors policy
//! or the same canned answers, unlogged), and must agree with the engine on
//! the verdict, the engine's own reason, its warnings, whether the step's
//! header is readable, and every request it sent (preflight or not, method,
//! `Access-Control-Request-*`, `Origin`, on the suite's own servers
//! `Sec-Fetch-Site`, `-Mode` and `-Dest`) with the status it got. Form
//! posts and `no-cors` fetches too: for them the verdict is whether script
//! can read the answer.
//!
//! The model's preflight cache lives across the steps of a case, on a
//! clock moved by the steps' pauses, as the engine's did.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::Router;
use tower::ServiceExt as _;
use tower_cors::browser as model;

use crate::case::{Case, How, Logs, Step};
use crate::engine::{Engine, Level, Report};
use crate::run::{origin_of, Observed};
use crate::servers::Received;
use example_demo::api::{api_router, RequestLog};

/// The model's browser for one case in one engine, and what it calls.
pub struct CaseModel {
    engine: Engine,
    browser: model::Browser,
    clock: model::ManualClock,
    /// The case's servers by port.
    services: Arc<HashMap<u16, Router>>,
    rt: tokio::runtime::Handle,
}

fn port_of(base: &str) -> Option<u16> {
    base.rsplit(':').next()?.trim_end_matches('/').parse().ok()
}

impl CaseModel {
    /// The model of `engine`, with an empty preflight cache, for `case`.
    pub fn new(engine: Engine, case: &Case, rt: tokio::runtime::Handle) -> Self {
        let mut services = HashMap::new();
        match &case.logs {
            Logs::Suite { api, target } => {
                for server in [Some(api), target.as_ref()].into_iter().flatten() {
                    services.insert(server.port, server.app.clone());
                }
            }
            Logs::Demo(demo) => {
                let router = api_router(demo.policy.clone(), RequestLog::default());
                if let Some(port) = port_of(&demo.base) {
                    services.insert(port, router);
                }
            }
        }
        let clock = model::ManualClock::new();
        Self {
            engine,
            browser: model::Browser::new(engine.model()).with_clock(clock.clone()),
            clock,
            services: Arc::new(services),
            rt,
        }
    }

    /// Makes `step`'s request (the page fetched `url`) and compares what
    /// the model says with what the engine did: the differences, each with
    /// what it is about (`verdict`, `reason`, `warnings`, the header's
    /// name, `requests`).
    pub fn judge(
        &mut self,
        case: &Case,
        step: &Step,
        url: &str,
        seen: &Observed,
    ) -> Vec<(String, String)> {
        if let Some(gap) = step.pause {
            self.clock.advance(gap);
        }
        let Some(page) = page_request(origin_of(&case.page), step, url) else {
            let why = "a visit is not a page's request".to_owned();
            return vec![("request".into(), why)];
        };
        let services = Arc::clone(&self.services);
        let mut service = tower::service_fn(move |req: Request<Body>| {
            let app = req.uri().port_u16().and_then(|p| services.get(&p).cloned());
            async move {
                match app {
                    Some(app) => app.oneshot(req).await,
                    None => {
                        let mut res = Response::new(Body::empty());
                        *res.status_mut() = StatusCode::BAD_GATEWAY;
                        Ok(res)
                    }
                }
            }
        });
        let cors = page.kind() == model::RequestKind::Cors;
        let outcome = match self.rt.block_on(self.browser.fetch(&mut service, &page)) {
            Ok(o) => o,
            Err(e) => {
                let why = format!("the model could not make the request: {e}");
                return vec![("request".into(), why)];
            }
        };
        let e = self.engine;
        let m = e.model();
        let mut problems = Vec::new();
        let mut differ = |what: &str, model: String, engine: String| {
            if model != engine {
                let why = format!("{what}: the model says {model}, {e} {engine}");
                problems.push((what.to_owned(), why));
            }
        };
        let verdict = |allowed: bool| if allowed { "allowed" } else { "blocked" }.to_owned();
        if cors {
            differ(
                "verdict",
                verdict(outcome.is_allowed()),
                verdict(seen.readable()),
            );
        } else {
            // A form's answer becomes the new document, a cross-origin
            // `no-cors` one is opaque (status 0): script reads neither.
            let readable = |r: bool| if r { "readable" } else { "not readable" }.to_owned();
            let engine = seen.readable() && seen.page["status"] != 0;
            differ("verdict", readable(outcome.is_readable()), readable(engine));
        }
        differ(
            "reason",
            format!("{:?}", outcome.blocked().and_then(|b| b.reason_in(m))),
            format!("{:?}", e.first_reason(&seen.reports)),
        );
        let mut warnings: Vec<&str> = outcome
            .allowed()
            .map(|a| a.warnings().iter().filter_map(|w| w.name_in(m)).collect())
            .unwrap_or_default();
        warnings.sort_unstable();
        let mut real: Vec<&str> = seen
            .reports
            .iter()
            .filter(|r| r.level == Level::Warning && !outside_model(r))
            .map(|r| r.code.as_str())
            .collect();
        real.sort_unstable();
        differ("warnings", format!("{warnings:?}"), format!("{real:?}"));
        if let (Some(name), Some(allowed)) = (reads(&step.how), outcome.allowed()) {
            let readable = |r: bool| if r { "readable" } else { "null" }.to_owned();
            differ(
                name,
                readable(allowed.can_read(name)),
                readable(!seen.page["header"].is_null()),
            );
        }
        // The suite's own servers log Fetch Metadata; the demo's do not.
        let metadata = matches!(case.logs, Logs::Suite { .. });
        let sent: Vec<String> = outcome
            .exchanges()
            .iter()
            .map(|x| request_line(x, metadata))
            .collect();
        let received: Vec<String> = seen
            .received
            .iter()
            .map(|r| received_line(r, metadata))
            .collect();
        differ("requests", format!("{sent:?}"), format!("{received:?}"));
        problems
    }
}

/// Whether the model speaks for `how`: every page request (`fetch()` in any
/// mode, a form post), not a visit (a URL the user opens in the tab), nor
/// what it has no request for (a link, a `<script>`, an `<img>`, a
/// WebSocket, resource timing).
pub fn applies(how: &How) -> bool {
    !matches!(how, How::Visit { .. } | How::Link { .. } | How::Load { .. })
}

/// The request the page made, as the model takes it (`None` for a visit,
/// which no page makes).
fn page_request(origin: &str, step: &Step, url: &str) -> Option<model::PageRequest> {
    let (method, headers, credentials): (&str, Vec<(String, String)>, model::Credentials) =
        match &step.how {
            // The suite's forms are url-encoded (hidden inputs).
            How::Form { .. } => {
                let form = model::PageRequest::form_post(origin, url, model::Enctype::UrlEncoded);
                return Some(form);
            }
            How::Fetch { init, .. } => {
                let headers = init["headers"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(n, v)| (n.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect();
                let credentials = match init["credentials"].as_str() {
                    Some("include") => model::Credentials::Include,
                    Some("omit") => model::Credentials::Omit,
                    _ => model::Credentials::SameOrigin,
                };
                (
                    init["method"].as_str().unwrap_or("GET"),
                    headers,
                    credentials,
                )
            }
            How::Visit { .. } | How::Link { .. } | How::Load { .. } => return None,
            How::DemoRow(row) => (
                row.method,
                row.headers
                    .iter()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
                if row.credentials {
                    model::Credentials::Include
                } else {
                    model::Credentials::SameOrigin
                },
            ),
        };
    let page = headers
        .into_iter()
        .fold(model::PageRequest::new(origin, method, url), |p, (n, v)| {
            p.header(n, v)
        });
    let mode = match &step.how {
        How::Fetch { init, .. } if init["mode"] == "no-cors" => model::Mode::NoCors,
        _ => model::Mode::Cors,
    };
    Some(page.credentials(credentials).mode(mode))
}

/// The response header `how` reads, if any.
pub fn reads(how: &How) -> Option<&'static str> {
    match how {
        How::Fetch { read, .. } => *read,
        How::DemoRow(row) => row.read_header,
        How::Form { .. } | How::Visit { .. } | How::Link { .. } | How::Load { .. } => None,
    }
}

/// Reports about what the model leaves out: cookies (it has no cookie
/// jar) and Chromium's Opaque Response Blocking of a `no-cors` body (not
/// CORS: the page reads nothing of an opaque response either way).
fn outside_model(r: &Report) -> bool {
    r.code.to_ascii_lowercase().contains("cookie") || r.code == "ResponseWasBlockedByORB"
}

/// A request in a line: method, and the headers the checks are about.
fn request_line(exchange: &model::Exchange, metadata: bool) -> String {
    let headers = exchange.request().headers();
    let get = |n: &str| {
        headers
            .get(n)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let fetch_metadata = metadata.then(|| {
        [
            get("sec-fetch-site"),
            get("sec-fetch-mode"),
            get("sec-fetch-dest"),
        ]
    });
    line(
        exchange.request().method().as_str(),
        [
            get("origin"),
            get("access-control-request-method"),
            get("access-control-request-headers"),
        ],
        fetch_metadata,
        exchange.status().as_u16(),
    )
}

fn received_line(r: &Received, metadata: bool) -> String {
    let fetch_metadata = metadata.then(|| [r.site.clone(), r.mode.clone(), r.dest.clone()]);
    line(
        &r.method,
        [r.origin.clone(), r.acrm.clone(), r.acrh.clone()],
        fetch_metadata,
        r.status,
    )
}

/// `METHOD Origin o [ACRM m] [ACRH h] [Sec-Fetch site/mode/dest] -> status`.
fn line(
    method: &str,
    [origin, acrm, acrh]: [Option<String>; 3],
    fetch_metadata: Option<[Option<String>; 3]>,
    status: u16,
) -> String {
    let mut s = format!("{method} Origin {}", origin.as_deref().unwrap_or("-"));
    if let Some(m) = acrm {
        s.push_str(&format!(" ACRM {m}"));
    }
    if let Some(h) = acrh {
        s.push_str(&format!(" ACRH {h}"));
    }
    if let Some(values) = fetch_metadata {
        let values: Vec<&str> = values.iter().map(|v| v.as_deref().unwrap_or("-")).collect();
        s.push_str(&format!(" Sec-Fetch {}", values.join("/")));
    }
    s.push_str(&format!(" -> {status}"));
    s
}
