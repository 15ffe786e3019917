//! Runs one case in one engine and checks every step against its
//! expectation for that engine: what the page read, what the servers
//! received, and what the engine reported.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::case::{At, Case, HeaderSeen, How, Logs, OriginSent, Sees, Sent};
use crate::engine::{Browser, Engine, Level, Report};
use crate::model::CaseModel;
use crate::page_js::{fetch_js, form_js, link_js, load_js};
use crate::servers::{current_seq, Received};

/// The longest any single browser step may take.
pub const STEP: Duration = Duration::from_secs(15);
/// The longest opening a page may take (WebKit starts a browser for it:
/// six at once on a loaded machine took over 30 s).
pub const OPEN: Duration = Duration::from_secs(60);

/// What one step gave in one engine.
#[derive(Debug, Clone)]
pub struct Observed {
    /// The step's id.
    pub step: &'static str,
    /// What the page got: `{ok, status, body, header}` or `{ok: false, error}`.
    pub page: Value,
    /// What the case's servers received for it, in arrival order.
    pub received: Vec<Received>,
    /// What the engine reported about it.
    pub reports: Vec<Report>,
    /// Where it differs from the expectation (empty: it passed).
    pub problems: Vec<String>,
    /// Where the browser model differs from the engine, as the case
    /// expects it to.
    pub model_gaps: Vec<String>,
}

impl Observed {
    /// Whether the page could read the response.
    pub fn readable(&self) -> bool {
        self.page["ok"] == true
    }

    /// The engine's reason for blocking (its reports, `, `-joined).
    pub fn reason(&self) -> String {
        joined(&self.reports, Level::Error)
    }

    /// The engine's warnings, `, `-joined.
    pub fn warning(&self) -> String {
        joined(&self.reports, Level::Warning)
    }
}

fn joined(reports: &[Report], level: Level) -> String {
    let mut parts: Vec<String> = Vec::new();
    for r in reports.iter().filter(|r| r.level == level) {
        let part = if r.detail.is_empty() || level == Level::Warning || r.detail.len() > 40 {
            r.code.clone()
        } else {
            format!("{} ({})", r.code, r.detail)
        };
        parts.push(part);
    }
    parts.join(", ")
}

/// One case in one engine.
#[derive(Debug, Clone)]
pub struct CaseRun {
    pub case: &'static str,
    pub steps: Vec<Observed>,
    /// Problems that are not about one step (the page did not open...).
    pub problems: Vec<String>,
    pub took: Duration,
    /// Why the case was run a second time: its first run failed in the
    /// driver (a page that did not open, a script or load that never
    /// answered), not on what the browser did.
    pub retried: Option<String>,
}

impl CaseRun {
    /// Whether every step passed.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.steps.iter().all(|s| s.problems.is_empty())
    }

    /// The driver's failure that spoiled this run, if one did: the page
    /// did not open, or a step's page result is a driver error.
    pub fn driver_failure(&self) -> Option<String> {
        if self.passed() {
            return None;
        }
        let steps = self.steps.iter().map(|s| s.page.to_string());
        self.problems
            .iter()
            .cloned()
            .chain(steps)
            .find(|p| p.contains("driver: ") || p.starts_with("opening "))
    }
}

/// Waits (at most `STEP`) until the case's servers have answered a request
/// whose URL contains `needle`.
fn wait_logged(logs: &Logs, needle: &str) {
    let deadline = Instant::now() + STEP;
    while received(logs, needle, 0..u64::MAX).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The origin of `url` (`scheme://host[:port]`).
pub fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}

/// Runs `case` in `browser` and checks it, against its expectation and
/// against the browser model (run on `rt`).
pub fn run_case(browser: &dyn Browser, case: &Case, rt: &tokio::runtime::Handle) -> CaseRun {
    let _turn = crate::conformance::TURN
        .read()
        .unwrap_or_else(|p| p.into_inner());
    let engine = browser.engine();
    let started = Instant::now();
    let mut run = CaseRun {
        case: case.id,
        steps: Vec::new(),
        problems: Vec::new(),
        took: Duration::ZERO,
        retried: None,
    };
    let tab = match browser.open(&case.page, 1000, OPEN) {
        Ok(t) => t,
        Err(e) => {
            run.problems.push(format!("opening {}: {e}", case.page));
            run.took = started.elapsed();
            return run;
        }
    };
    // What the page got, the string its requests' URLs contain, and the
    // arrival number of the first request it could have made.
    let mut results: Vec<(Value, String, u64)> = Vec::new();
    let demo = if case.steps.iter().any(|s| matches!(s.how, How::DemoRow(_))) {
        match tab
            .eval("window.demoDone", STEP)
            .and_then(|rows| Ok((rows, tab.eval("RUN", STEP)?)))
        {
            Ok(r) => Some(r),
            Err(e) => {
                run.problems.push(format!("the demo page: {e}"));
                None
            }
        }
    } else {
        None
    };
    for step in &case.steps {
        if let Some(gap) = step.pause {
            std::thread::sleep(gap);
        }
        let from = current_seq();
        let key = step.same_url_as.unwrap_or(step.id);
        let needle = format!("s={}.{key}&e={}", case.id, engine.tag());
        // A navigation's page: the new document loaded, and the case's page
        // open again for the next step.
        let navigated = |went: Result<(), String>| {
            let back = tab.goto(&case.page, OPEN);
            match went.and(back) {
                Ok(()) => json!({"navigated": true}),
                Err(e) => json!({"navigated": false, "error": format!("driver: {e}")}),
            }
        };
        let (page, needle) = match &step.how {
            How::Form { url, fields } => {
                let js = form_js(&format!("{url}?{needle}"), fields);
                let went = tab.navigate_by(&js, &needle, STEP);
                wait_logged(&case.logs, &needle);
                (navigated(went), needle)
            }
            How::Visit { url } => {
                let went = tab.goto(&format!("{url}?{needle}"), STEP);
                (navigated(went), needle)
            }
            How::Link { url } => {
                let went = tab.navigate_by(&link_js(&format!("{url}?{needle}")), &needle, STEP);
                wait_logged(&case.logs, &needle);
                (navigated(went), needle)
            }
            How::Load { url, load } => {
                let js = load_js(load, &format!("{url}?{needle}"));
                let page = tab
                    .eval(&js, STEP)
                    .unwrap_or_else(|e| json!({"shows": format!("driver: {e}")}));
                (page, needle)
            }
            How::Fetch { url, init, read } => {
                let js = fetch_js(&format!("{url}?{needle}"), init, *read);
                let page = tab
                    .eval(&js, STEP)
                    .unwrap_or_else(|e| json!({"ok": false, "error": format!("driver: {e}")}));
                (page, needle)
            }
            How::DemoRow(row) => {
                let Some((rows, run_id)) = &demo else {
                    results.push((
                        json!({"ok": false, "error": "no demo run"}),
                        String::new(),
                        from,
                    ));
                    continue;
                };
                let found = rows
                    .as_array()
                    .and_then(|rows| rows.iter().find(|r| r["id"] == row.id))
                    .cloned()
                    .unwrap_or(Value::Null);
                let page = json!({
                    "ok": found["outcome"] == "ok" || found["outcome"] == "hidden",
                    "status": found["status"],
                    "body": found["text"],
                    "header": found["header"],
                    "error": found["text"],
                    "expect": found["expect"],
                    "why": found["why"],
                });
                (
                    page,
                    format!("row={}&run={}", row.id, run_id.as_str().unwrap_or("?")),
                )
            }
        };
        results.push((page, needle, from));
    }
    let ends: Vec<u64> = results
        .iter()
        .skip(1)
        .map(|r| r.2)
        .chain([u64::MAX])
        .collect();
    let mut model = CaseModel::new(engine, case, rt.clone());
    for ((step, (page, needle, from)), to) in case.steps.iter().zip(results).zip(ends) {
        let expect = &step.expect;
        let blocked = *expect.blocked.get(engine);
        let warning = *expect.warning.get(engine);
        let enough = |r: &[Report]| {
            reason_matches(engine, r, Level::Error, blocked)
                && reason_matches(engine, r, Level::Warning, warning)
        };
        let reports = tab.reports(&needle, step.sets_cookie, STEP, &enough);
        let received = received(&case.logs, &needle, from..to);
        let mut problems = Vec::new();
        check_page(expect.sees.get(engine), &step.how, &page, &mut problems);
        check_sent(case, expect.sent.get(engine), &received, &mut problems);
        for (level, want) in [(Level::Error, blocked), (Level::Warning, warning)] {
            if !reason_matches(engine, &reports, level, want) {
                let urls: Vec<&str> = reports.iter().map(|r| r.url.as_str()).collect();
                problems.push(format!(
                    "{engine} reported {level:?} {:?} (about {urls:?}), expected {want:?}",
                    joined(&reports, level)
                ));
            }
        }
        let mut seen = Observed {
            step: step.id,
            page,
            received,
            reports,
            problems,
            model_gaps: Vec::new(),
        };
        let url = match (&step.how, &case.logs) {
            (How::Fetch { url, .. } | How::Form { url, .. }, _) => format!("{url}?{needle}"),
            (How::DemoRow(_), Logs::Demo(demo)) => format!("{}/api/data?{needle}", demo.base),
            _ => String::new(),
        };
        if !crate::model::applies(&step.how) {
            run.steps.push(seen);
            continue;
        }
        let gap = *expect.model_gap.get(engine);
        let disagreements = model.judge(case, step, &url, &seen);
        if let Some(what) = gap.filter(|w| !disagreements.iter().any(|(d, _)| d == w)) {
            seen.problems.push(format!(
                "the model now agrees with {engine} on the {what}: drop the known difference"
            ));
        }
        for (what, why) in disagreements {
            match gap {
                Some(w) if w == what => seen.model_gaps.push(why),
                _ => seen.problems.push(why),
            }
        }
        run.steps.push(seen);
    }
    drop(tab);
    run.took = started.elapsed();
    run
}

/// Whether the reports at `level` are `want`: for Chromium and Firefox the
/// codes or keys, `, `-joined, exactly; for WebKit its text contains `want`.
pub fn reason_matches(
    engine: Engine,
    reports: &[Report],
    level: Level,
    want: Option<&str>,
) -> bool {
    let codes: Vec<&str> = reports
        .iter()
        .filter(|r| r.level == level)
        .map(|r| r.code.as_str())
        .collect();
    match want {
        None => codes.is_empty(),
        Some(w) if engine == Engine::WebKit => !codes.is_empty() && codes.join(" | ").contains(w),
        Some(w) => codes.join(", ") == w,
    }
}

/// What the case's servers received for `needle` while the step ran
/// (arrival numbers in `window`: steps may share a URL).
fn received(logs: &Logs, needle: &str, window: std::ops::Range<u64>) -> Vec<Received> {
    match logs {
        Logs::Suite { api, target } => {
            let mut all = api.log.matching(needle);
            if let Some(t) = target {
                all.extend(t.log.matching(needle));
            }
            all.retain(|r| window.contains(&r.seq));
            all.sort_by_key(|r| r.seq);
            all
        }
        Logs::Demo(demo) => demo
            .log
            .snapshot()
            .into_iter()
            .filter(|s| s.uri.contains(needle))
            .enumerate()
            .map(|(i, s)| Received {
                seq: i as u64,
                port: 0,
                method: s.method,
                uri: s.uri,
                origin: s.origin,
                acrm: s.acrm,
                acrh: s.acrh,
                // The demo's log does not record cookies; its rows set none.
                cookie: None,
                site: None,
                mode: None,
                dest: None,
                handled: s.handled,
                status: s.status,
                answer: s
                    .acao
                    .map(|v| ("access-control-allow-origin".to_owned(), v))
                    .into_iter()
                    .collect(),
            })
            .collect(),
    }
}

fn check_page(want: &Sees, how: &How, page: &Value, problems: &mut Vec<String>) {
    match want {
        Sees::Shows(word) => {
            if page["shows"] != *word {
                problems.push(format!("expected the page to show {word:?}, it got {page}"));
            }
        }
        Sees::Navigated => {
            if page["navigated"] != true {
                problems.push(format!("expected a navigation, the page got {page}"));
            }
        }
        Sees::Blocked => {
            let error = page["error"].as_str().unwrap_or_default();
            if page["ok"] != false || !error.contains("TypeError") {
                problems.push(format!(
                    "expected blocked (a TypeError), the page got {page}"
                ));
            }
        }
        Sees::Read { status, header } => {
            if page["ok"] != true || page["status"] != *status {
                problems.push(format!(
                    "expected readable with status {status}, the page got {page}"
                ));
                return;
            }
            let method = match how {
                How::Fetch { init, .. } => init["method"].as_str().unwrap_or("GET"),
                How::DemoRow(row) => row.method,
                How::Form { .. } => "POST",
                How::Visit { .. } | How::Link { .. } | How::Load { .. } => "GET",
            };
            let body = page["body"].as_str().unwrap_or_default();
            if (200..300).contains(status) && !body.contains(&format!(r#""method":"{method}""#)) {
                problems.push(format!("unexpected body {body:?}"));
            }
            match header {
                HeaderSeen::NotRead => {}
                HeaderSeen::Null if !page["header"].is_null() => {
                    problems.push(format!(
                        "an unexposed header was readable: {}",
                        page["header"]
                    ));
                }
                HeaderSeen::Value(prefix)
                    if !page["header"]
                        .as_str()
                        .is_some_and(|v| v.starts_with(prefix)) =>
                {
                    problems.push(format!("exposed header not readable: {}", page["header"]));
                }
                _ => {}
            }
        }
    }
    // The demo page predicts each row from the policy: it must agree.
    if let (Some(expect), How::DemoRow(_)) = (page["expect"].as_str(), how) {
        let got = match want {
            Sees::Blocked | Sees::Navigated | Sees::Shows(_) => "blocked",
            Sees::Read {
                header: HeaderSeen::Null,
                ..
            } => "hidden",
            Sees::Read { .. } => "ok",
        };
        if expect != got {
            problems.push(format!(
                "the page predicted {expect} ({}), not {got}",
                page["why"]
            ));
        }
    }
}

fn check_sent(case: &Case, want: &[Sent], got: &[Received], problems: &mut Vec<String>) {
    let page_origin = origin_of(&case.page);
    let port_of = |at: At| match (&case.logs, at) {
        (Logs::Suite { api, .. }, At::Api) => Some(api.port),
        (
            Logs::Suite {
                target: Some(t), ..
            },
            At::Target,
        ) => Some(t.port),
        _ => None,
    };
    let matches = |w: &Sent, r: &Received| {
        let origin = match w.origin {
            OriginSent::Page => Some(page_origin),
            OriginSent::Null => Some("null"),
            OriginSent::Absent => None,
        };
        r.method == w.method
            && r.acrm.as_deref() == w.acrm
            && r.acrh.as_deref() == w.acrh
            && r.origin.as_deref() == origin
            && r.cookie.as_deref() == w.cookie
            && r.status == w.status
            && w.site.is_none_or(|site| r.site.as_deref() == site)
            && w.handled.is_none_or(|ran| r.handled == ran)
            && w.timing_allowed.is_none_or(|allowed| {
                let tao = r.answer.iter().find(|(n, _)| n == "timing-allow-origin");
                tao.map(|(_, v)| v.as_str()) == allowed.then_some(page_origin)
            })
            && port_of(w.at).is_none_or(|p| p == r.port)
    };
    if want.len() != got.len() || want.iter().zip(got).any(|(w, r)| !matches(w, r)) {
        let got: Vec<String> = got.iter().map(describe).collect();
        problems.push(format!(
            "the servers received [{}], expected {want:?}",
            got.join("; ")
        ));
    }
}

/// One received request in a line.
pub fn describe(r: &Received) -> String {
    let mut s = format!(
        "{} from {}",
        r.method,
        r.origin.as_deref().unwrap_or("(no Origin)")
    );
    if let Some(m) = &r.acrm {
        s.push_str(&format!(" ACRM {m}"));
    }
    if let Some(h) = &r.acrh {
        s.push_str(&format!(" ACRH {h}"));
    }
    if let Some(c) = &r.cookie {
        s.push_str(&format!(" Cookie {c}"));
    }
    if let Some(site) = &r.site {
        s.push_str(&format!(" Sec-Fetch-Site {site}"));
    }
    if let Some((_, tao)) = r.answer.iter().find(|(n, _)| n == "timing-allow-origin") {
        s.push_str(&format!(" answered Timing-Allow-Origin {tao}"));
    }
    if r.handled {
        s.push_str(" (handler ran)");
    }
    s.push_str(&format!(" -> {} (port {})", r.status, r.port));
    s
}
