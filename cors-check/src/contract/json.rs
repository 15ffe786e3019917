//! `--policy ... --json`: one object, the policy and every expectation
//! (fields in docs/cors-check.md).

use serde::Serialize;

use super::check::{ContractReport, Grade, Row};
use super::expect::How;
use super::surface::{self, Line};
use crate::answer::ENGINE;
use crate::output::json::SCHEMA;

/// The whole check.
#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    schema: u64,
    mode: &'static str,
    policy: PolicyJson<'a>,
    urls: &'a [String],
    engine: &'static str,
    verdict: &'static str,
    passed: usize,
    failed: usize,
    errors: usize,
    skipped: usize,
    allows_more: usize,
    allows_less: usize,
    surface: Vec<LineJson>,
    expectations: Vec<RowJson<'a>>,
}

/// Whether the deployment does what one setting of the cross-origin
/// surface says.
#[derive(Debug, Serialize)]
struct LineJson {
    setting: &'static str,
    result: &'static str,
    detail: String,
}

/// The policy's settings the expectations come from.
#[derive(Debug, Serialize)]
struct PolicyJson<'a> {
    source: &'a str,
    allow_origins: &'a [String],
    allow_methods: &'a [String],
    allow_headers: &'a [String],
    allow_credentials: bool,
    guard_writes: bool,
    guard_report_only: bool,
    isolate_resources: bool,
    timing_allow_origin: bool,
}

/// One expectation.
#[derive(Debug, Serialize)]
struct RowJson<'a> {
    url: &'a str,
    kind: &'static str,
    origin: Option<&'a str>,
    why: &'a str,
    request: Option<RequestJson<'a>>,
    description: &'a str,
    expected: &'a str,
    got: &'a str,
    result: &'static str,
    status: Option<u16>,
    code: Option<&'a str>,
    message: Option<&'a str>,
    answer: &'a str,
}

/// The request an expectation tried.
#[derive(Debug, Serialize)]
struct RequestJson<'a> {
    url: &'a str,
    method: &'a str,
    headers: Vec<&'a str>,
    credentials: bool,
    sent: &'static str,
}

/// The report as JSON.
pub fn report(r: &ContractReport) -> ReportJson<'_> {
    let c = &r.intended.config;
    ReportJson {
        schema: SCHEMA,
        mode: "policy",
        policy: PolicyJson {
            source: &r.intended.source,
            allow_origins: &c.allow_origins,
            allow_methods: &c.allow_methods,
            allow_headers: &c.allow_headers,
            allow_credentials: c.allow_credentials,
            guard_writes: r.intended.policy.guards_writes(),
            guard_report_only: c.guard_report_only,
            isolate_resources: c.isolate_resources,
            timing_allow_origin: c.timing_allow_origin,
        },
        urls: &r.urls,
        engine: ENGINE.name(),
        verdict: r.verdict(),
        passed: r.count(Grade::Pass),
        failed: r.count(Grade::Fail),
        errors: r.count(Grade::Error),
        skipped: r.count(Grade::Skipped),
        allows_more: r.rows.iter().filter(|row| row.allows_more()).count(),
        allows_less: r.rows.iter().filter(|row| row.allows_less()).count(),
        surface: surface::lines(r).into_iter().map(line).collect(),
        expectations: r.rows.iter().map(row).collect(),
    }
}

fn line(l: Line) -> LineJson {
    LineJson {
        setting: l.setting,
        result: l.conformance.as_str(),
        detail: l.detail,
    }
}

fn row(r: &Row) -> RowJson<'_> {
    let request = r.ask.as_ref().map(|a| RequestJson {
        url: &a.url,
        method: &a.method,
        headers: a.headers.iter().map(|(n, _)| n.as_str()).collect(),
        credentials: a.credentials,
        sent: match a.how {
            How::Sent => "request",
            How::PreflightOnly => "preflight",
        },
    });
    // A probe's request is sent as a browser sends it: with the user's
    // cookies (cors-check has none to send).
    let request = request.or_else(|| {
        r.probe.as_ref().map(|p| RequestJson {
            url: &p.url,
            method: &p.method,
            headers: p.headers.iter().map(String::as_str).collect(),
            credentials: true,
            sent: p.sent,
        })
    });
    RowJson {
        url: &r.url,
        kind: r.kind,
        origin: (r.ask.is_some() || r.probe.is_some()).then_some(r.origin.as_str()),
        why: &r.why,
        request,
        description: &r.request,
        expected: &r.expected,
        got: &r.got,
        result: r.grade.as_str(),
        status: r.status,
        code: r.code.as_deref(),
        message: r.message.as_deref(),
        answer: &r.answer,
    }
}
