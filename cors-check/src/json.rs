//! `--json`: one object with stable fields (documented in docs/cors-check.md).

use http::{HeaderMap, Request, Version};
use serde_json::{json, Map, Value};

use tower_cors::browser::{varies_on_origin, Engine};

use crate::causes::{Cause, Effect};
use crate::cookies::Fate;
use crate::engines;
use crate::findings::Finding;
use crate::probe::{allow_origin, allows_credentials, Probe};
use crate::report::{shown_value, walk_verdict, Report, Verdict};
use crate::transport::{FailureKind, Head};
use crate::walk::{End, Exchange, Step, Walk};

/// The version of the JSON shape; it changes only when a field changes meaning or goes away.
pub const SCHEMA: u64 = 1;

/// The report as JSON.
pub fn report(r: &Report) -> Value {
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
        End::NetworkError(e) => Some(format!("{} ({e})", r.walk.engine.fetch_error())),
        _ => None,
    };
    let warnings = engines::warnings(&r.walk);
    let readable: Vec<&str> = match &r.walk.end {
        End::Allowed(a, _) => a
            .readable_header_names()
            .iter()
            .map(|n| n.as_str())
            .collect(),
        _ => Vec::new(),
    };
    json!({
        "schema": SCHEMA,
        "url": r.plan.request.initial_url().to_string(),
        "origin": r.plan.page.origin(),
        "method": r.plan.request.method().as_str(),
        "credentials": r.plan.credentialed(),
        "engine": r.walk.engine.name(),
        "verdict": r.verdict().as_str(),
        "code": devtools_code(r, &r.walk),
        "failed_parameter": blocked.map(|b| b.failed_parameter()).filter(|p| !p.is_empty()),
        "reason": engines::reason(&r.walk),
        "message": message,
        "why": r.diagnosis.why,
        "fix": r.diagnosis.fix,
        "error": error,
        "error_kind": error_kind,
        "warnings": warnings,
        "readable_headers": readable,
        "other_engines": r.diagnosis.engines,
        "engines": r.walks.iter().map(|w| engine_verdict(r, w)).collect::<Vec<_>>(),
        "causes": r.causes.iter().map(cause).collect::<Vec<_>>(),
        "cookies": cookies(r),
        "preflight": r.walk.first(Step::Preflight).map(exchange),
        "actual": r.walk.first(Step::Actual).map(exchange),
        "exchanges": r.walk.exchanges.iter().map(exchange).collect::<Vec<_>>(),
        "findings": r.findings.iter().map(finding).collect::<Vec<_>>(),
        "probes": r.probes().into_iter().map(probe).collect::<Vec<_>>(),
    })
}

/// One engine's verdict.
fn engine_verdict(r: &Report, w: &Walk) -> Value {
    json!({
        "engine": w.engine.name(),
        "verdict": r.engine_verdict(w).as_str(),
        "cors_verdict": walk_verdict(w).as_str(),
        "blocked_by": r.causes.iter().filter(|c| c.blocks(w.engine)).map(|c| c.code).collect::<Vec<_>>(),
        "code": devtools_code(r, w),
        "reason": engines::reason(w),
        "message": engines::console(w),
        "warnings": engines::warnings(w),
        "preflight_cache_seconds": w.preflight_cached.map(|d| d.as_secs()),
        "exchanges": w.exchanges.len(),
    })
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

fn cause(c: &Cause) -> Value {
    let mut engines = Map::new();
    for (e, effect, why) in &c.engines {
        // Chromium's code when the cause fails its request (blocked, or
        // the prompt denied); the other engines have none.
        let code = (*e == Engine::Chromium && *effect != Effect::Allows)
            .then_some(c.devtools_code)
            .flatten();
        engines.insert(
            e.name().to_owned(),
            json!({"effect": effect.as_str(), "detail": why, "code": code}),
        );
    }
    json!({"code": c.code, "summary": c.summary, "engines": engines, "fix": c.fix})
}

fn cookies(r: &Report) -> Value {
    let Some(context) = &r.cookies.context else {
        return Value::Null;
    };
    let list: Vec<Value> = r
        .cookies
        .cookies
        .iter()
        .map(|(c, fates)| {
            let mut engines = Map::new();
            for (e, fate) in fates {
                let (sent, why) = match fate {
                    Fate::Sent => ("yes", None),
                    Fate::SentIf(why) => ("if", Some(why)),
                    Fate::NotSent(why) => ("no", Some(why)),
                };
                engines.insert(e.name().to_owned(), json!({"sent": sent, "detail": why}));
            }
            json!({"name": c.name, "set_cookie": c.line, "engines": engines})
        })
        .collect();
    json!({"context": context, "cookies": list})
}

/// The object printed for a usage error (exit 2).
pub fn usage_error(message: &str) -> Value {
    json!({
        "schema": SCHEMA,
        "verdict": Verdict::Error.as_str(),
        "code": null,
        "error": message,
        "error_kind": "usage",
        "preflight": null,
        "actual": null,
        "exchanges": [],
        "findings": [],
        "fix": null,
    })
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

fn exchange(e: &Exchange) -> Value {
    json!({
        "kind": match e.step { Step::Preflight => "preflight", Step::Actual => "actual" },
        "request": request(&e.request),
        "response": response(&e.response),
    })
}

fn request(r: &Request<()>) -> Value {
    json!({
        "method": r.method().as_str(),
        "url": r.uri().to_string(),
        "headers": headers(r.headers()),
    })
}

fn response(h: &Head) -> Value {
    json!({
        "status": h.status.as_u16(),
        "http_version": version(h.version),
        "headers": headers(&h.headers),
    })
}

fn version(v: Version) -> &'static str {
    match v {
        Version::HTTP_2 => "HTTP/2",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    }
}

/// Header names (lower case) to every value, in order.
fn headers(map: &HeaderMap) -> Value {
    let mut out = Map::new();
    for name in map.keys() {
        let values: Vec<Value> = map
            .get_all(name)
            .iter()
            .map(|v| Value::String(shown_value(name.as_str(), v)))
            .collect();
        out.insert(name.as_str().to_owned(), Value::Array(values));
    }
    Value::Object(out)
}

fn finding(f: &Finding) -> Value {
    json!({"code": f.code, "severity": f.severity.as_str(), "message": f.message})
}

fn probe(p: &Probe) -> Value {
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
    json!({
        "label": p.label,
        "origin": p.origin,
        "method": p.request.method().as_str(),
        "url": p.request.uri().to_string(),
        "request_headers": headers(p.request.headers()),
        "status": status,
        "allow_origin": acao,
        "allow_credentials": acac,
        "vary_origin": vary,
        "accepted": p.accepted,
        "error": error,
    })
}
