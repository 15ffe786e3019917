//! `cors-check` against real servers on 127.0.0.1: the
//! demo, tower-http's `CorsLayer` and deliberately misconfigured servers.
//! Each case asserts the verdict, Chromium's code, the findings and the
//! exit status; the same requests run in headless Chromium must give the
//! same verdict and code. Without Chromium that comparison fails when `CI`
//! is set and is skipped (saying so) otherwise; `CHROMIUM=/path` picks one.
//! `engines` does the same in Firefox and WebKit (and Chromium) for each
//! engine's own verdict, reason and console lines where the engines differ;
//! `cookies` compares the `--credentials` cookie verdicts with all three.
//!
//! This file is the list of modules and the helpers several of them share.

// The rust-version is the library's; test code builds with the newer
// toolchain its dev-dependencies need anyway.
#![allow(clippy::incompatible_msrv)]

// What is checked, one module each.
mod causes;
mod contract;
mod cookie_report;
mod cookies;
mod engine_reports;
mod engines;
mod error_probe;
mod failures;
mod hostile;
mod human;
mod json_shape;
mod non_cors;
mod sent;
mod verdicts;

// What the checks run on: the servers, the cases, the engines.
mod cases;
mod chromium;
mod installed;
mod servers;

use std::io::Write as _;

use cases::{Case, CASES};
use serde_json::Value;

/// The finding codes of a JSON report.
fn finding_codes(report: &Value) -> Vec<String> {
    let mut codes: Vec<String> = report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    codes.sort();
    codes
}

/// The case of that name in the table.
fn case(name: &str) -> &'static Case {
    CASES
        .iter()
        .find(|c| c.name == name)
        .expect("a case of that name")
}

/// The `engines` array of a report: `(engine, field)` for each engine.
fn per_engine(report: &Value, field: &str) -> Vec<(String, Value)> {
    report["engines"]
        .as_array()
        .expect("an engines array")
        .iter()
        .map(|e| (e["engine"].as_str().unwrap().to_owned(), e[field].clone()))
        .collect()
}

/// Runs `attempt` in `tab`; when the browser step fails (a load or a
/// script that never answered, a web process lost), says so and runs it
/// once more in a fresh tab from `open`. Only the driver's `Err` is tried
/// again: a verdict that disagrees is the caller's to judge, never retried.
fn once_more<P, T>(
    name: &str,
    tab: &mut P,
    open: impl Fn() -> Result<P, String>,
    attempt: impl Fn(&P) -> Result<T, String>,
) -> Result<T, String> {
    attempt(tab).or_else(|e| {
        let _ = writeln!(std::io::stderr(), "{name}: retried after: {e}");
        *tab = open()?;
        attempt(tab)
    })
}

/// Arguments as the owned strings `cors_check` takes.
fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}
