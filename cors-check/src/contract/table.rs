//! The human output: the policy in one paragraph, then per URL a table
//! with one row per expectation (result, origin, request, expected, got,
//! Chromium's reason), each failure followed by why it was expected and
//! what the deployment answered, then one line per setting of the
//! cross-origin surface (write guard, isolation, `Timing-Allow-Origin`) and
//! a summary.

use std::fmt::Write as _;

use super::check::{ContractReport, Grade, Row};
use super::expect;
use super::surface;

const HEADINGS: [&str; 6] = ["result", "origin", "request", "expected", "got", "reason"];

/// The whole report as text.
pub fn render(r: &ContractReport) -> String {
    let mut out = String::new();
    policy(&mut out, r);
    for url in &r.urls {
        let rows: Vec<&Row> = r.rows.iter().filter(|row| &row.url == url).collect();
        let _ = writeln!(out, "\n{url}");
        table(&mut out, &rows);
    }
    beyond_cors(&mut out, r);
    counts(&mut out, r);
    let _ = writeln!(out, "{}", verdict(r));
    out
}

/// The first lines: what is checked against which policy, and the policy.
fn policy(out: &mut String, r: &ContractReport) {
    let c = &r.intended.config;
    let _ = writeln!(
        out,
        "cors-check: {} against the policy in {}, judged by Chromium's rules",
        if r.urls.len() == 1 {
            r.urls[0].clone()
        } else {
            format!("{} URLs", r.urls.len())
        },
        r.intended.source
    );
    let origins: Vec<String> = c
        .allow_origins
        .iter()
        .map(|o| {
            if o.contains('*') && o != "*" {
                format!("{o} (tried as {})", expect::sample(o))
            } else {
                o.clone()
            }
        })
        .collect();
    let _ = writeln!(out, "  origins: {}", origins.join(", "));
    let list = |l: &[String]| {
        if l.is_empty() {
            "(none listed)".to_owned()
        } else {
            l.join(", ")
        }
    };
    let _ = writeln!(
        out,
        "  methods: {}; headers: {}; credentials: {}",
        list(&c.allow_methods),
        list(&c.allow_headers),
        if c.allow_credentials {
            "yes (every request is credentialed; no cookie is sent)"
        } else {
            "no"
        }
    );
}

/// The cross-origin surface, one line per setting.
fn beyond_cors(out: &mut String, r: &ContractReport) {
    let lines = surface::lines(r);
    let width = lines.iter().map(|l| l.setting.len()).max().unwrap_or(0);
    let _ = writeln!(out, "\nBeyond CORS (what the same allowlist refuses):");
    for l in &lines {
        let _ = writeln!(
            out,
            "  {:<width$}  {}: {}",
            l.setting,
            l.conformance.as_str(),
            l.detail
        );
    }
}

/// How many expectations passed, failed and could not be tried.
fn counts(out: &mut String, r: &ContractReport) {
    let _ = write!(
        out,
        "\n{} expectations: {} passed, {} failed",
        r.rows.len(),
        r.count(Grade::Pass),
        r.count(Grade::Fail)
    );
    let error = r.count(Grade::Error);
    if error > 0 {
        let _ = write!(out, ", {error} could not be tried");
    }
    let skipped = r.count(Grade::Skipped);
    if skipped > 0 {
        let _ = write!(out, ", {skipped} not applicable");
    }
    out.push('\n');
}

/// The last line: whether the deployment does what the policy says.
fn verdict(r: &ContractReport) -> String {
    let (fail, error) = (r.count(Grade::Fail), r.count(Grade::Error));
    let more = r.rows.iter().filter(|row| row.allows_more()).count();
    let less = r.rows.iter().filter(|row| row.allows_less()).count();
    let other = fail - more - less;
    match (fail, error) {
        (0, 0) => "The deployment does what the policy says.".to_owned(),
        (0, _) => "Not every expectation could be tried: see the errors above.".to_owned(),
        _ => {
            let mut parts = Vec::new();
            if more > 0 {
                parts.push(format!(
                    "lets in {more} request(s) the policy does not allow"
                ));
            }
            if less > 0 {
                parts.push(format!("blocks {less} request(s) the policy allows"));
            }
            if other > 0 {
                parts.push(format!("misses {other} other expectation(s)"));
            }
            format!(
                "The deployment differs from the policy: it {}.",
                parts.join(", ")
            )
        }
    }
}

fn table(out: &mut String, rows: &[&Row]) {
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                match r.grade {
                    Grade::Pass => "pass".to_owned(),
                    Grade::Fail => "FAIL".to_owned(),
                    Grade::Error => "ERROR".to_owned(),
                    Grade::Skipped => "skip".to_owned(),
                },
                r.origin.clone(),
                r.request.clone(),
                r.expected.clone(),
                match r.status {
                    Some(s) if r.kind != "vary" && r.kind != "timing" => format!("{} ({s})", r.got),
                    _ => r.got.clone(),
                },
                r.code.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = HEADINGS.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    line(out, &HEADINGS.map(str::to_owned), &widths);
    for (cells, row) in cells.iter().zip(rows) {
        line(out, cells, &widths);
        if row.grade == Grade::Skipped {
            if let Some(message) = &row.message {
                let _ = writeln!(out, "        {message}");
            }
        } else if row.grade != Grade::Pass {
            let _ = writeln!(out, "        expected because: {}", row.why);
            if let Some(message) = &row.message {
                let _ = writeln!(out, "        {message}");
            }
            if !row.answer.is_empty() {
                let _ = writeln!(out, "        the deployment: {}", row.answer);
            }
        }
    }
}

fn line(out: &mut String, cells: &[String; 6], widths: &[usize; 6]) {
    let mut text = String::from("  ");
    for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
        if i + 1 == cells.len() {
            text.push_str(cell);
        } else {
            let _ = write!(text, "{cell:<w$}  ");
        }
    }
    let _ = writeln!(out, "{}", text.trim_end());
}
