//! One engine's pass over the vectors: a page per origin kind (the
//! loopback page, and the sandboxed one for `null`), in which every
//! vector's page request runs, one after the other, in one script; then
//! the engine's reason for each blocked one, from its reports.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::judge::{engine_verdict, model_verdict};
use super::reason;
use super::server::{prefix, Served, Target};
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
) -> Result<(Vec<Seen>, Duration), String> {
    let began = Instant::now();
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
        let open = match tab.take() {
            Some(t) => t.goto(&page, OPEN).map(|()| t),
            None => browser.open(&page, 1000, OPEN),
        };
        let on_page = open.map_err(|e| format!("opening {page}: {e}"))?;
        seen.extend(run_page(
            on_page.as_ref(),
            browser.engine(),
            &batch,
            served,
            rt,
        )?);
        tab = Some(on_page);
    }
    Ok((seen, began.elapsed()))
}

fn run_page(
    tab: &dyn Tab,
    engine: Engine,
    batch: &[&Job<'_>],
    served: &Served,
    rt: &tokio::runtime::Handle,
) -> Result<Vec<Seen>, String> {
    let tag = engine.tag();
    let requests: Vec<Value> = batch
        .iter()
        .map(|j| json!([served.url(tag, j.n, &j.page.path), init(j.page)]))
        .collect();
    let results = tab.eval(&batch_js(&Value::Array(requests)), BATCH)?;
    let results = results
        .as_array()
        .ok_or(format!("the page gave {results}"))?;
    let mut seen = Vec::new();
    for (job, result) in batch.iter().zip(results) {
        let (model, model_code) = model_verdict(engine, job.target, job.page, rt);
        let readable = result["ok"] == true;
        let hits = served.hits(tag, job.n);
        let reports = if readable || hits.is_empty() {
            Vec::new()
        } else {
            let needle = format!("{}/", prefix(tag, job.n));
            let enough = |r: &[Report]| reason::engine_words(engine, r).is_some();
            tab.reports(&needle, None, REPORT, &enough)
        };
        let verdict = engine_verdict(engine, readable, &hits, &reports, model_code.as_deref());
        seen.push(Seen {
            n: job.n,
            engine: verdict,
            model,
        });
    }
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
