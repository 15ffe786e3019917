//! `--policy ... --json`: one object, the policy and every expectation
//! (fields in docs/cors-check.md).

use serde_json::{json, Value};

use super::check::{ContractReport, Outcome, Row};
use super::expect::How;
use crate::diagnose::json::SCHEMA;
use crate::diagnose::walk::ENGINE;

/// The report as JSON.
pub fn report(r: &ContractReport) -> Value {
    let c = &r.intended.config;
    json!({
        "schema": SCHEMA,
        "mode": "policy",
        "policy": {
            "source": r.intended.source,
            "allow_origins": c.allow_origins,
            "allow_methods": c.allow_methods,
            "allow_headers": c.allow_headers,
            "allow_credentials": c.allow_credentials,
        },
        "urls": r.urls,
        "engine": ENGINE.name(),
        "verdict": r.verdict(),
        "passed": r.count(Outcome::Pass),
        "failed": r.count(Outcome::Fail),
        "errors": r.count(Outcome::Error),
        "allows_more": r.rows.iter().filter(|row| row.allows_more()).count(),
        "allows_less": r.rows.iter().filter(|row| row.allows_less()).count(),
        "expectations": r.rows.iter().map(row).collect::<Vec<_>>(),
    })
}

fn row(r: &Row) -> Value {
    let request = r.ask.as_ref().map(|a| {
        json!({
            "url": a.url,
            "method": a.method,
            "headers": a.headers.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            "credentials": a.credentials,
            "sent": match a.how { How::Sent => "request", How::PreflightOnly => "preflight" },
        })
    });
    json!({
        "url": r.url,
        "kind": r.kind,
        "origin": r.ask.as_ref().map(|a| a.origin.as_str()),
        "why": r.why,
        "request": request,
        "description": r.request,
        "expected": r.expected,
        "got": r.got,
        "result": r.outcome.as_str(),
        "status": r.status,
        "code": r.code,
        "message": r.message,
        "answer": r.answer,
    })
}
