//! `--json`: one object with stable fields (documented in
//! docs/cors-check.md), from the report's own parts.

use std::collections::BTreeMap;

use http::{Request, Version};
use serde::Serialize;
use tower_cors::browser::Engine;

use super::causes::{Cause, Effect};
use super::cookies::Fate;
use super::engines;
use super::findings::Finding;
use super::probe::Probe;
use super::report::{walk_conclusion, Report};
use super::walk::{End, Exchange, Step, Walk};
use crate::answer::{allow_origin, allows_credentials};
use crate::output::json::{Headers, SCHEMA};
use crate::transport::{FailureKind, ResponseHead};
use tower_cors::browser::varies_on_origin;

/// The whole report.
#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    schema: u64,
    url: String,
    origin: &'a str,
    method: &'a str,
    credentials: bool,
    engine: &'static str,
    verdict: &'static str,
    code: Option<&'static str>,
    failed_parameter: Option<&'a str>,
    reason: Option<String>,
    message: Option<String>,
    why: Option<String>,
    fix: Option<String>,
    error: Option<String>,
    error_kind: Option<&'static str>,
    warnings: Vec<&'static str>,
    readable_headers: Vec<&'a str>,
    other_engines: &'a [String],
    engines: Vec<EngineJson>,
    causes: Vec<CauseJson<'a>>,
    cookies: Option<CookiesJson<'a>>,
    preflight: Option<ExchangeJson<'a>>,
    actual: Option<ExchangeJson<'a>>,
    exchanges: Vec<ExchangeJson<'a>>,
    findings: &'a [Finding],
    probes: Vec<ProbeJson<'a>>,
}

/// One engine's verdict.
#[derive(Debug, Serialize)]
struct EngineJson {
    engine: &'static str,
    verdict: &'static str,
    cors_verdict: &'static str,
    blocked_by: Vec<&'static str>,
    code: Option<&'static str>,
    reason: Option<String>,
    message: Option<String>,
    warnings: Vec<&'static str>,
    preflight_cache_seconds: Option<u64>,
    exchanges: usize,
}

/// A failure before CORS.
#[derive(Debug, Serialize)]
struct CauseJson<'a> {
    code: &'static str,
    summary: &'a str,
    engines: BTreeMap<&'static str, EffectJson<'a>>,
    fix: &'a str,
}

/// What a cause does in one engine.
#[derive(Debug, Serialize)]
struct EffectJson<'a> {
    effect: &'static str,
    detail: &'a str,
    code: Option<&'static str>,
}

/// The cookie check.
#[derive(Debug, Serialize)]
struct CookiesJson<'a> {
    context: &'a str,
    cookies: Vec<CookieJson<'a>>,
}

/// One cookie and whether each engine sends it.
#[derive(Debug, Serialize)]
struct CookieJson<'a> {
    name: &'a str,
    set_cookie: &'a str,
    engines: BTreeMap<&'static str, SentJson<'a>>,
}

/// Whether one engine sends a cookie.
#[derive(Debug, Serialize)]
struct SentJson<'a> {
    sent: &'static str,
    detail: Option<&'a str>,
}

/// One request and its answer.
#[derive(Debug, Serialize)]
struct ExchangeJson<'a> {
    kind: &'static str,
    request: RequestJson<'a>,
    response: ResponseJson<'a>,
}

/// A request as sent.
#[derive(Debug, Serialize)]
struct RequestJson<'a> {
    method: &'a str,
    url: String,
    headers: Headers<'a>,
}

/// An answer's head.
#[derive(Debug, Serialize)]
struct ResponseJson<'a> {
    status: u16,
    http_version: &'static str,
    headers: Headers<'a>,
}

/// A probe and what it got.
#[derive(Debug, Serialize)]
struct ProbeJson<'a> {
    label: &'a str,
    origin: Option<&'a str>,
    method: &'a str,
    url: String,
    request_headers: Headers<'a>,
    status: Option<u16>,
    allow_origin: Option<String>,
    allow_credentials: bool,
    vary_origin: bool,
    accepted: bool,
    error: Option<String>,
}

/// The report as JSON.
pub fn report(r: &Report) -> ReportJson<'_> {
    // The CORS walk's refusal, unless a cause failed the request first.
    let blocked = match &r.walk.end {
        End::Blocked(b) if !r.causes.iter().any(|c| c.blocks(r.walk.engine)) => Some(b),
        _ => None,
    };
    let (error_kind, error) = match r.error() {
        Some((kind, text)) => (Some(kind_name(kind)), Some(text)),
        None => (None, None),
    };
    let message = match &r.walk.end {
        End::Blocked(_) => engines::console(&r.walk),
        End::NetworkError(e) => Some(format!("TypeError: Failed to fetch ({e})")),
        _ => None,
    };
    let readable = match &r.walk.end {
        End::Allowed(a, _) => a
            .readable_header_names()
            .iter()
            .map(|n| n.as_str())
            .collect(),
        _ => Vec::new(),
    };
    ReportJson {
        schema: SCHEMA,
        url: r.plan.request.initial_url().to_string(),
        origin: r.plan.page.origin(),
        method: r.plan.request.method().as_str(),
        credentials: r.plan.credentialed(),
        engine: r.walk.engine.name(),
        verdict: r.conclusion().as_str(),
        code: devtools_code(r, &r.walk),
        failed_parameter: blocked
            .map(|b| b.failed_parameter())
            .filter(|p| !p.is_empty()),
        reason: engines::reason(&r.walk),
        message,
        why: r.why(),
        fix: r.fix(),
        error,
        error_kind,
        warnings: engines::warnings(&r.walk),
        readable_headers: readable,
        other_engines: &r.diagnosis.engines,
        engines: r.walks.iter().map(|w| engine_verdict(r, w)).collect(),
        causes: r.causes.iter().map(cause).collect(),
        cookies: cookies(r),
        preflight: r.walk.first(Step::Preflight).map(exchange),
        actual: r.walk.first(Step::Actual).map(exchange),
        exchanges: r.walk.exchanges.iter().map(exchange).collect(),
        findings: &r.findings,
        probes: r.probes().into_iter().map(probe).collect(),
    }
}

/// One engine's verdict.
fn engine_verdict(r: &Report, w: &Walk) -> EngineJson {
    EngineJson {
        engine: w.engine.name(),
        verdict: r.engine_conclusion(w).as_str(),
        cors_verdict: walk_conclusion(w).as_str(),
        blocked_by: r
            .causes
            .iter()
            .filter(|c| c.blocks(w.engine))
            .map(|c| c.code)
            .collect(),
        code: devtools_code(r, w),
        reason: engines::reason(w),
        message: engines::console(w),
        warnings: engines::warnings(w),
        preflight_cache_seconds: w.preflight_cached.map(|d| d.as_secs()),
        exchanges: w.exchanges.len(),
    }
}

/// One engine's DevTools code: a cause that blocks the request there
/// fails it before CORS is checked (Local Network Access from a non-secure
/// page: `InsecureLocalNetwork`), else the CORS walk's code when blocked.
fn devtools_code(r: &Report, w: &Walk) -> Option<&'static str> {
    if let Some(cause) = r.causes.iter().find(|c| c.blocks(w.engine)) {
        return cause.blocking_code(w.engine);
    }
    match &w.end {
        End::Blocked(b) => Some(b.code().as_str()),
        _ => None,
    }
}

fn cause(c: &Cause) -> CauseJson<'_> {
    let engines = c
        .engines
        .iter()
        .map(|(e, effect, why)| {
            // Chromium's code when the cause fails its request (blocked, or
            // the prompt denied); the other engines have none.
            let code = (*e == Engine::Chromium && *effect != Effect::Allows)
                .then_some(c.devtools_code)
                .flatten();
            let effect = EffectJson {
                effect: effect.as_str(),
                detail: why,
                code,
            };
            (e.name(), effect)
        })
        .collect();
    CauseJson {
        code: c.code,
        summary: &c.summary,
        engines,
        fix: &c.fix,
    }
}

fn cookies(r: &Report) -> Option<CookiesJson<'_>> {
    let context = r.cookies.context.as_deref()?;
    let cookies = r
        .cookies
        .cookies
        .iter()
        .map(|(c, fates)| CookieJson {
            name: &c.name,
            set_cookie: &c.line,
            engines: fates
                .iter()
                .map(|(e, fate)| (e.name(), sent(fate)))
                .collect(),
        })
        .collect();
    Some(CookiesJson { context, cookies })
}

fn sent(fate: &Fate) -> SentJson<'_> {
    let (sent, detail) = match fate {
        Fate::Sent => ("yes", None),
        Fate::SentIf(why) => ("if", Some(why.as_str())),
        Fate::NotSent(why) => ("no", Some(why.as_str())),
    };
    SentJson { sent, detail }
}

fn kind_name(kind: FailureKind) -> &'static str {
    match kind {
        FailureKind::Dns => "dns",
        FailureKind::Connect => "connect",
        FailureKind::Tls => "tls",
        FailureKind::Timeout => "timeout",
        FailureKind::Http => "http",
    }
}

fn exchange(e: &Exchange) -> ExchangeJson<'_> {
    ExchangeJson {
        kind: match e.step {
            Step::Preflight => "preflight",
            Step::Actual => "actual",
        },
        request: request(&e.request),
        response: response(&e.response),
    }
}

fn request(r: &Request<()>) -> RequestJson<'_> {
    RequestJson {
        method: r.method().as_str(),
        url: r.uri().to_string(),
        headers: Headers(r.headers()),
    }
}

fn response(h: &ResponseHead) -> ResponseJson<'_> {
    ResponseJson {
        status: h.status.as_u16(),
        http_version: version(h.version),
        headers: Headers(&h.headers),
    }
}

fn version(v: Version) -> &'static str {
    match v {
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    }
}

fn probe(p: &Probe) -> ProbeJson<'_> {
    let (status, acao, acac, vary, error) = match &p.response {
        Ok(h) => (
            Some(h.status.as_u16()),
            allow_origin(&h.headers),
            allows_credentials(&h.headers),
            varies_on_origin(&h.headers),
            None,
        ),
        Err(e) => (None, None, false, false, Some(e.to_string())),
    };
    ProbeJson {
        label: &p.label,
        origin: p.origin.as_deref(),
        method: p.request.method().as_str(),
        url: p.request.uri().to_string(),
        request_headers: Headers(p.request.headers()),
        status,
        allow_origin: acao,
        allow_credentials: acac,
        vary_origin: vary,
        accepted: p.accepted,
        error,
    }
}
