//! One engine's pass over the vectors: a page per origin kind (the
//! loopback page, and the sandboxed one for `null`), in which every
//! vector's page request runs, one after the other, in one script; then
//! the engine's reason for each blocked one, from its reports.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::judge::{engine_verdict, model_verdict};
use super::server::{prefix, Hit, Served, Target};
use super::vectors::{Page, Verdict};
use crate::engine::{Browser, Engine, Report, Tab};
use crate::run::OPEN;

/// How long all the page requests of one page may take together.
const BATCH: Duration = Duration::from_secs(180);
/// How long an engine may take to report a blocked request's reason once
/// the page has seen it fail.
const REPORT: Duration = Duration::from_secs(5);

/// One vector's page request, numbered as the server numbers it.
pub struct Job<'a> {
    pub n: usize,
    pub page: &'a Page,
    pub target: &'a Target,
}

/// Where an engine's pass spent its time.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timing {
    /// Opening the tab and its pages.
    pub open: Duration,
    /// Running the pages' scripts (every request).
    pub fetch: Duration,
    /// Reading the engine's reports and asking the model.
    pub judge: Duration,
}

/// What one engine did with one vector, and what its model says.
#[derive(Debug)]
pub struct Seen {
    pub n: usize,
    pub engine: Verdict,
    pub model: Verdict,
}

/// The engine's pass: every job's verdict, with the model's, and how long
/// it took; or why the pass could not be made.
pub fn run(
    browser: &dyn Browser,
    jobs: &[Job<'_>],
    served: &Served,
    rt: &tokio::runtime::Handle,
) -> Result<(Vec<Seen>, Timing), String> {
    let mut timing = Timing::default();
    let mut seen = Vec::new();
    // One tab (WebKit starts a browser for each), on each page in turn.
    let mut tab: Option<Box<dyn Tab + '_>> = None;
    for opaque in [false, true] {
        let batch: Vec<&Job> = jobs
            .iter()
            .filter(|j| (j.page.origin == "null") == opaque)
            .collect();
        if batch.is_empty() {
            continue;
        }
        let page = served.page(if opaque { "null" } else { "" });
        let began = Instant::now();
        let open = match tab.take() {
            Some(t) => t.goto(&page, OPEN).map(|()| t),
            None => browser.open(&page, 1000, OPEN),
        };
        let on_page = open.map_err(|e| format!("opening {page}: {e}"))?;
        timing.open += began.elapsed();
        let engine = browser.engine();
        let page_seen = run_page(on_page.as_ref(), engine, &batch, served, rt, &mut timing)?;
        seen.extend(page_seen);
        tab = Some(on_page);
    }
    Ok((seen, timing))
}

fn run_page(
    tab: &dyn Tab,
    engine: Engine,
    batch: &[&Job<'_>],
    served: &Served,
    rt: &tokio::runtime::Handle,
    timing: &mut Timing,
) -> Result<Vec<Seen>, String> {
    let tag = engine.tag();
    let began = Instant::now();
    let requests: Vec<Value> = batch
        .iter()
        .map(|j| json!([served.url(tag, j.n, &j.page.path), init(j.page)]))
        .collect();
    let results = tab.eval(&batch_js(&Value::Array(requests)), BATCH)?;
    let results = results
        .as_array()
        .ok_or(format!("the page gave {results}"))?;
    timing.fetch += began.elapsed();
    let began = Instant::now();
    let readable: Vec<bool> = results.iter().map(|r| r["ok"] == true).collect();
    let hits: Vec<Vec<Hit>> = batch.iter().map(|j| served.hits(tag, j.n)).collect();
    // The blocked requests the servers saw: the engine reports each.
    let blocked: Vec<String> = batch
        .iter()
        .zip(readable.iter().zip(&hits))
        .filter(|(_, (read, hits))| !**read && !hits.is_empty())
        .map(|(j, _)| format!("{}/", prefix(tag, j.n)))
        .collect();
    let about = |reports: &[Report], needle: &str| -> Vec<Report> {
        reports
            .iter()
            .filter(|r| r.url.contains(needle))
            .cloned()
            .collect()
    };
    let enough = |r: &[Report]| {
        blocked
            .iter()
            .all(|needle| engine.first_reason(&about(r, needle)).is_some())
    };
    let reports = match blocked.is_empty() {
        true => Vec::new(),
        false => tab.reports(&format!("/cv/{tag}/"), None, REPORT, &enough),
    };
    let mut seen = Vec::new();
    for ((job, read), hits) in batch.iter().zip(readable).zip(hits) {
        let model = model_verdict(engine, job.target, job.page, rt);
        let reports = about(&reports, &format!("{}/", prefix(tag, job.n)));
        let verdict = engine_verdict(engine, read, &hits, &reports, model.reason.as_deref());
        seen.push(Seen {
            n: job.n,
            engine: verdict,
            model,
        });
    }
    timing.judge += began.elapsed();
    Ok(seen)
}

/// `fetch()`'s init for `page`.
fn init(page: &Page) -> Value {
    let headers: Vec<Value> = page.headers.iter().map(|(n, v)| json!([n, v])).collect();
    json!({"method": page.method, "headers": headers, "credentials": page.credentials, "mode": "cors"})
}

/// A script that makes each `[url, init]` request in turn, reads its body,
/// and resolves to `{ok, status}` or `{ok: false, error}` for each.
fn batch_js(requests: &Value) -> String {
    format!(
        r#"(async () => {{
            const out = [];
            for (const [url, init] of {requests}) {{
                try {{
                    const res = await fetch(url, init);
                    await res.text();
                    out.push({{ ok: true, status: res.status }});
                }} catch (e) {{
                    out.push({{ ok: false, error: String(e) }});
                }}
            }}
            return out;
        }})()"#
    )
}
