//! The suite's report: a summary for the test log, and `docs/browsers.md`
//! (every case by engine, with each engine's verdict and own reason, the
//! engine versions, and where the engines differ), generated from the run.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;

use crate::case::{Case, How};
use crate::cases_surface::SURFACE;
use crate::engine::Engine;
use crate::env::PLAIN_NAMES;
use crate::memory::Peaks;
use crate::model::reads;
use crate::report_notes::{COOKIE_NOTES, GUARD_NOTES, SURFACE_NOTES};
use crate::run::{describe, CaseRun, Observed};
use crate::servers::Received;

/// One engine's part of the run.
pub struct EngineRun {
    pub engine: Engine,
    pub version: String,
    pub launched: Duration,
    pub took: Duration,
    pub runs: Vec<CaseRun>,
    /// Why the engine could not run at all.
    pub failure: Option<String>,
    pub log_tail: String,
    /// The demo page, when screenshots were asked for.
    pub screenshot: Option<Result<Vec<u8>, String>>,
}

impl EngineRun {
    fn observed(&self, case: &str, step: &str) -> Option<&Observed> {
        let run = self.runs.iter().find(|r| r.case == case)?;
        run.steps.iter().find(|s| s.step == step)
    }

    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none() && self.runs.iter().all(CaseRun::passed)
    }
}

/// The whole run.
pub struct Suite<'a> {
    pub cases: &'a [Case],
    pub engines: &'a [EngineRun],
    pub wall: Duration,
    pub memory: Peaks,
}

/// Ports change on every run; the report shows `PORT`.
fn unport(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(':') {
        let (head, tail) = rest.split_at(i + 1);
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let host_before = ["127.0.0.1", "localhost"]
            .iter()
            .chain(&PLAIN_NAMES)
            .any(|host| head.ends_with(&format!("{host}:")));
        if host_before && digits >= 2 {
            out.push_str("PORT");
            rest = &tail[digits..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

fn md(text: &str) -> String {
    unport(text).replace('|', "\\|").replace('\n', " ")
}

/// What the servers received, in a few words.
fn received(rs: &[Received]) -> String {
    if rs.is_empty() {
        return "nothing".into();
    }
    rs.iter()
        .map(|r| {
            let mut s = if r.is_preflight() {
                let mut p = format!("preflight {}", r.acrm.as_deref().unwrap_or("?"));
                if let Some(h) = &r.acrh {
                    p.push_str(&format!(" [{h}]"));
                }
                p
            } else {
                r.method.clone()
            };
            if r.origin.as_deref() == Some("null") {
                s.push_str(" (Origin: null)");
            }
            if let Some(c) = &r.cookie {
                s.push_str(&format!(" with cookie {c}"));
            }
            format!("{s} → {}", r.status)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a script step's page saw besides its word: a socket's close code,
/// or the resource timing entry (each timing only as zero or not, which is
/// what `Timing-Allow-Origin` decides; the sizes as read).
fn shown(page: &Value) -> String {
    if let Some(code) = page["code"].as_u64() {
        return format!(" (code {code})");
    }
    if page["requestStart"].is_null() {
        return String::new();
    }
    let timings: Vec<String> = ["domainLookupStart", "requestStart", "responseStart"]
        .iter()
        .map(|t| match page[*t].as_f64() {
            Some(v) if v > 0.0 => format!("{t} > 0"),
            _ => format!("{t} {}", page[*t]),
        })
        .collect();
    format!(
        " ({}; transferSize {}, encodedBodySize {})",
        timings.join(", "),
        page["transferSize"],
        page["encodedBodySize"]
    )
}

/// One table cell: verdict (and the header the step read), reason, warning.
fn cell(o: &Observed, read: Option<&str>) -> String {
    let mut s = if let Some(shows) = o.page["shows"].as_str() {
        format!("🔎 {shows}{}", shown(&o.page))
    } else if o.page["navigated"] == true {
        "↪ navigated".to_owned()
    } else if o.readable() && o.page["status"] == 0 {
        "✅ opaque (status 0)".to_owned()
    } else if o.readable() {
        let mut v = format!("✅ {}", o.page["status"]);
        if let Some(name) = read {
            match o.page["header"].as_str() {
                Some(_) => v.push_str(&format!(", {name} readable")),
                None => v.push_str(&format!(", {name} null")),
            }
        }
        v
    } else {
        "⛔ blocked".to_owned()
    };
    let reason = o.reason();
    if !reason.is_empty() {
        s.push_str(&format!(": `{}`", md(&reason)));
    }
    let warning = o.warning();
    if !warning.is_empty() {
        s.push_str(&format!(" ⚠ `{}`", md(&warning)));
    }
    if !o.problems.is_empty() {
        s.push_str(&format!(" **FAILED**: {}", md(&o.problems.join("; "))));
    }
    s
}

/// The summary for the test log.
pub fn summary(suite: &Suite<'_>) -> String {
    let mut out = String::new();
    for e in suite.engines {
        let _ = writeln!(
            out,
            "{}: {} (up in {:.1?}, cases done in {:.1?}, peak {} MiB)",
            e.engine,
            e.version,
            e.launched,
            e.took,
            suite.memory.by_engine.get(&e.engine).copied().unwrap_or(0) / 1024
        );
        if let Some(f) = &e.failure {
            let _ = writeln!(out, "  FAIL  could not run: {f}");
        }
        for run in &e.runs {
            let steps = run.steps.len();
            if let Some(why) = &run.retried {
                let _ = writeln!(
                    out,
                    "  again {}: its first run failed in the driver: {why}",
                    run.case
                );
            }
            if run.passed() {
                let _ = writeln!(
                    out,
                    "  ok    {} ({steps} requests, {:.1?})",
                    run.case, run.took
                );
                continue;
            }
            let _ = writeln!(out, "  FAIL  {} ({:.1?})", run.case, run.took);
            for p in &run.problems {
                let _ = writeln!(out, "          {p}");
            }
            for s in run.steps.iter().filter(|s| !s.problems.is_empty()) {
                for p in &s.problems {
                    let _ = writeln!(out, "          {}: {p}", s.step);
                }
                let got: Vec<String> = s.received.iter().map(describe).collect();
                let _ = writeln!(
                    out,
                    "          {}: page {}, server [{}]",
                    s.step,
                    s.page,
                    got.join("; ")
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "browser suite: {:.1?} wall, peak {} MiB over all browsers ({} samples)",
        suite.wall,
        suite.memory.total / 1024,
        suite.memory.samples
    );
    out
}

/// The date today (UTC), as YYYY-MM-DD.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `docs/browsers.md`.
pub fn markdown(suite: &Suite<'_>) -> String {
    let mut out = String::new();
    let engines: Vec<&EngineRun> = suite.engines.iter().collect();
    let steps: usize = suite.cases.iter().map(|c| c.steps.len()).sum();
    let all_passed = engines.iter().all(|e| e.passed());
    let _ = writeln!(out, "# tower-cors in three browser engines\n");
    let _ = writeln!(
        out,
        "Generated by `BROWSERS_DOC=1 cargo test --test browser` from its own run on {}; \
         do not edit by hand. The suite is `tests/browser/`.\n",
        today()
    );
    for e in &engines {
        let _ = writeln!(out, "- **{}**: {}", e.engine, e.version);
    }
    let _ =
        writeln!(
        out,
        "\n{} cases, {steps} requests, in each engine: {}. Wall time {:.0} s for the whole suite \
         (engines in parallel, on 2 cores); peak memory of all browser processes together {} MiB \
         (PSS; {}).\n",
        suite.cases.len(),
        if all_passed { "every one passed in every engine" } else { "**some failed**" },
        suite.wall.as_secs_f64(),
        suite.memory.total / 1024,
        engines
            .iter()
            .map(|e| format!(
                "{} {} MiB",
                e.engine,
                suite.memory.by_engine.get(&e.engine).copied().unwrap_or(0) / 1024
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out.push_str(
        "Each request is checked in each engine for what the page could read, what the \
         servers received (every preflight, with its `Access-Control-Request-*` headers and \
         cookies), and the engine's own reason: Chromium's DevTools `corsError` code (or \
         issue type for warnings), Firefox's console message key (after a failed preflight \
         it always adds `CORSDidNotSucceed2`), WebKit's console sentence; and the browser \
         model of the same engine must agree (below). ✅ readable (with \
         the status), ⛔ blocked (the page sees only a `TypeError`), ⚠ a warning. Ports \
         show as `PORT`.\n\n",
    );
    differences(&mut out, suite, &engines);
    model_gaps(&mut out, suite, &engines);
    let mut group = "";
    for case in suite.cases {
        if case.group != group {
            group = case.group;
            let _ = write!(out, "\n## {group}\n\n| request | server received |");
            for e in &engines {
                let _ = write!(out, " {} |", e.engine);
            }
            out.push_str("\n|---|---|");
            out.push_str(&"---|".repeat(engines.len()));
            out.push('\n');
        }
        for (i, step) in case.steps.iter().enumerate() {
            let label = if i == 0 {
                format!(
                    "**{}** (`{}`, page {}): ",
                    md(case.title),
                    case.id,
                    md(&case.page)
                )
            } else {
                String::new()
            };
            let what = match &step.how {
                How::DemoRow(row) => row.title.to_owned(),
                _ => step.what.clone(),
            };
            let seen: Vec<String> = engines
                .iter()
                .filter_map(|e| e.observed(case.id, step.id))
                .map(|o| received(&o.received))
                .collect();
            let server = if seen.windows(2).all(|w| w[0] == w[1]) {
                seen.first().cloned().unwrap_or_default()
            } else {
                engines
                    .iter()
                    .zip(&seen)
                    .map(|(e, s)| format!("{}: {s}", e.engine))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let _ = write!(out, "| {label}`{}` | {} |", md(&what), md(&server));
            for e in &engines {
                let c = e
                    .observed(case.id, step.id)
                    .map_or("not run".into(), |o| cell(o, reads(&step.how)));
                let _ = write!(out, " {c} |");
            }
            out.push('\n');
        }
    }
    out.push_str(COOKIE_NOTES);
    arrivals(&mut out, suite, &engines, (WRITE_GUARD, GUARD_NOTES));
    arrivals(&mut out, suite, &engines, (SURFACE, SURFACE_NOTES));
    out
}

/// A section of what arrived: for every request of the cases of `group`,
/// what arrived at the API in each engine (`Sec-Fetch-Site`, `-Mode`,
/// `-Dest`, `Origin`, the cookie) and whether the API's handler ran, after
/// `notes`.
fn arrivals(
    out: &mut String,
    suite: &Suite<'_>,
    engines: &[&EngineRun],
    (group, notes): (&str, &str),
) {
    let cases: Vec<&Case> = suite.cases.iter().filter(|c| c.group == group).collect();
    if cases.is_empty() {
        return;
    }
    out.push_str(notes);
    out.push_str("| case | request |");
    for e in engines {
        let _ = write!(out, " {} |", e.engine);
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(engines.len()));
    out.push('\n');
    for case in cases {
        for (i, step) in case.steps.iter().enumerate() {
            let label = if i == 0 {
                format!("`{}` (page {})", case.id, md(&case.page))
            } else {
                String::new()
            };
            let _ = write!(out, "| {label} | `{}` |", md(&step.what));
            for e in engines {
                let c = e
                    .observed(case.id, step.id)
                    .map_or("not run".into(), |o| arrived(&o.received));
                let _ = write!(out, " {c} |");
            }
            out.push('\n');
        }
    }
}

/// The report's group of the write guard's cases.
pub const WRITE_GUARD: &str = "write guard";

/// What arrived for one request, for the write guard's table.
fn arrived(rs: &[Received]) -> String {
    if rs.is_empty() {
        return "nothing".into();
    }
    let h = |v: &Option<String>| v.as_deref().map_or("–".to_owned(), |v| format!("`{v}`"));
    rs.iter()
        .map(|r| {
            let mut s = format!(
                "{} / {} / {}, Origin {}",
                h(&r.site),
                h(&r.mode),
                h(&r.dest),
                h(&r.origin.as_deref().map(unport))
            );
            if let Some(c) = &r.cookie {
                s.push_str(&format!(", cookie `{c}`"));
            }
            if let Some((_, tao)) = r.answer.iter().find(|(n, _)| n == "timing-allow-origin") {
                s.push_str(&format!(
                    ", answered `Timing-Allow-Origin: {}`",
                    unport(tao)
                ));
            }
            if r.handled {
                s.push_str(&format!(": **handler ran** ({})", r.status));
            } else if (300..400).contains(&r.status) {
                s.push_str(&format!(": {} (the redirect)", r.status));
            } else {
                s.push_str(&format!(": {} from the layer", r.status));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The "where engines differ" list: the cases whose table entry says how,
/// with what each engine reported, and any step whose verdict or requests
/// differ between engines.
fn differences(out: &mut String, suite: &Suite<'_>, engines: &[&EngineRun]) {
    out.push_str("## Where engines differ\n\n");
    for case in suite.cases {
        let mut lines = Vec::new();
        for step in &case.steps {
            let seen: Vec<(&EngineRun, &Observed)> = engines
                .iter()
                .filter_map(|e| Some((*e, e.observed(case.id, step.id)?)))
                .collect();
            let verdicts: Vec<bool> = seen.iter().map(|(_, o)| o.readable()).collect();
            let sent: Vec<String> = seen.iter().map(|(_, o)| received(&o.received)).collect();
            let split =
                verdicts.windows(2).any(|w| w[0] != w[1]) || sent.windows(2).any(|w| w[0] != w[1]);
            if case.differs.is_some() || split {
                let each: Vec<String> = seen
                    .iter()
                    .map(|(e, o)| {
                        let mut s = format!("{} {}", e.engine, cell(o, reads(&step.how)));
                        if split {
                            s.push_str(&format!(" (server: {})", md(&received(&o.received))));
                        }
                        s
                    })
                    .collect();
                lines.push(format!("  - `{}`: {}", step.id, each.join("; ")));
            }
        }
        if lines.is_empty() {
            continue;
        }
        let note = case.differs.unwrap_or("The engines differ here:");
        let _ = writeln!(out, "- **{}** (`{}`): {note}", md(case.title), case.id);
        for l in lines {
            let _ = writeln!(out, "{l}");
        }
    }
    out.push('\n');
}

/// The "where the model differs" list: every step on which the browser
/// model (`tower_cors::browser`) disagrees with an engine, as its case
/// expects.
fn model_gaps(out: &mut String, suite: &Suite<'_>, engines: &[&EngineRun]) {
    out.push_str(
        "## Where the browser model differs from an engine\n\n\
         On every other request (visits aside, which no page makes), the model (`tower_cors::browser`, run in-process against the \
         same servers for the same engine) agreed with the engine on the verdict, the engine's \
         reason, its warnings, the readable headers and every request sent (with its \
         `Sec-Fetch-*` headers, on the suite's own servers) and the status it got.\n\n",
    );
    let mut any = false;
    for case in suite.cases {
        for step in &case.steps {
            for e in engines {
                let Some(o) = e.observed(case.id, step.id) else {
                    continue;
                };
                for gap in &o.model_gaps {
                    any = true;
                    let _ = writeln!(
                        out,
                        "- `{}` `{}`, {}: {}",
                        case.id,
                        step.id,
                        e.engine,
                        md(gap)
                    );
                }
            }
        }
    }
    if !any {
        out.push_str("- none\n");
    }
    out.push('\n');
}
