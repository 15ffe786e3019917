//! One run's result, as both outputs (human and JSON) present it, and the
//! exit status it gives.

use std::process::ExitCode;

use super::args::Plan;
use super::audit::{self, Audit};
use super::cache_check::{self, CacheCheck};
use super::engines;
use super::error_probe;
use super::explain::{diagnose, Diagnosis};
use http::header::SET_COOKIE;

use super::causes::{self, Cause};
use super::cookies::{self, CookieCheck};
use super::findings::{code, tidy, Finding, Severity};
use super::probe::Probe;
use super::walk::{walk, End, Sent, Walk, ENGINE};
use crate::transport::{Client, FailureKind};

/// Everything one run found.
#[derive(Debug)]
pub struct Report {
    /// What was checked.
    pub plan: Plan,
    /// The walk as the first engine asked judged it.
    pub walk: Walk,
    /// Every engine's walk, in the order asked (the first is `walk`).
    pub walks: Vec<Walk>,
    /// What it means.
    pub diagnosis: Diagnosis,
    /// The cache-safety probes.
    pub cache: CacheCheck,
    /// The error probe, and whether its answer passed the CORS check.
    pub error_probe: Option<(Probe, bool)>,
    /// The `--audit` probes.
    pub audit: Option<Audit>,
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
    /// Failures no CORS header can fix (mixed content, Local Network Access).
    pub causes: Vec<Cause>,
    /// Which cookies each engine sends, on a credentialed request.
    pub cookies: CookieCheck,
}

/// The verdict in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The page gets the response.
    Allowed,
    /// The fetch fails.
    Blocked,
    /// The check could not run.
    Error,
}

impl Verdict {
    /// `allowed`, `blocked` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Blocked => "blocked",
            Verdict::Error => "error",
        }
    }
}

impl Report {
    /// One engine's verdict: its walk's, or blocked by a non-CORS cause.
    pub fn engine_verdict(&self, walk: &Walk) -> Verdict {
        match walk_verdict(walk) {
            Verdict::Allowed if self.causes.iter().any(|c| c.blocks(walk.engine)) => {
                Verdict::Blocked
            }
            v => v,
        }
    }

    /// The verdict: blocked when any engine asked blocks.
    pub fn verdict(&self) -> Verdict {
        self.walks
            .iter()
            .map(|w| self.engine_verdict(w))
            .max_by_key(|v| match v {
                Verdict::Allowed => 0,
                Verdict::Blocked => 1,
                Verdict::Error => 2,
            })
            .unwrap_or(Verdict::Error)
    }

    /// 0 allowed without medium/high finding, 1 blocked or such a
    /// finding, 2 could not run.
    pub fn exit_code(&self) -> ExitCode {
        match self.verdict() {
            Verdict::Error => ExitCode::from(2),
            Verdict::Blocked => ExitCode::from(1),
            Verdict::Allowed if self.findings.iter().any(|f| f.severity.fails()) => {
                ExitCode::from(1)
            }
            Verdict::Allowed => ExitCode::SUCCESS,
        }
    }

    /// The transport failure that stopped the walk, if any.
    pub fn error(&self) -> Option<(FailureKind, String)> {
        match &self.walk.end {
            End::Transport(e) => Some((e.kind, e.to_string())),
            _ => None,
        }
    }

    /// Every probe sent after the walk, in order.
    pub fn probes(&self) -> Vec<&Probe> {
        let mut out: Vec<&Probe> = self.cache.probes.iter().collect();
        out.extend(self.error_probe.as_ref().map(|(p, _)| p));
        if let Some(audit) = &self.audit {
            for (_, p) in &audit.probes {
                if !out
                    .iter()
                    .any(|q| q.origin == p.origin && q.request.uri() == p.request.uri())
                {
                    out.push(p);
                }
            }
        }
        out
    }
}

/// One walk's verdict.
pub fn walk_verdict(walk: &Walk) -> Verdict {
    match walk.end {
        End::Allowed(..) => Verdict::Allowed,
        End::Blocked(_) | End::NetworkError(_) => Verdict::Blocked,
        End::Transport(_) => Verdict::Error,
    }
}

/// Runs the whole check.
pub async fn run(client: &Client, plan: Plan) -> Report {
    let mut sent = Sent::default();
    let mut engines = plan.engines.clone();
    if engines.is_empty() {
        engines.push(ENGINE);
    }
    let url = plan.request.initial_url().to_string();
    // Before anything is sent: a request every engine asked blocks as mixed
    // content is not sent at all.
    let mut causes: Vec<Cause> = causes::mixed_content(plan.page.origin(), &url, &engines)
        .into_iter()
        .collect();
    if let Some(cause) = causes.iter().find(|c| engines.iter().all(|e| c.blocks(*e))) {
        let walks: Vec<Walk> = engines
            .iter()
            .map(|e| Walk {
                engine: *e,
                exchanges: Vec::new(),
                end: End::NetworkError(format!("{}: not sent", cause.code)),
                preflight_cached: None,
            })
            .collect();
        let diagnosis = Diagnosis {
            why: Some(format!("{}.", cause.summary)),
            fix: Some(cause.fix.clone()),
            ..Diagnosis::default()
        };
        let mut findings: Vec<Finding> = cause.finding().into_iter().collect();
        findings.extend(diagnose(&plan, &walks[0]).findings);
        tidy(&mut findings);
        return Report {
            walk: walks[0].clone(),
            walks,
            diagnosis,
            cache: CacheCheck::default(),
            error_probe: None,
            audit: None,
            findings,
            cookies: CookieCheck::default(),
            causes,
            plan,
        };
    }
    let mut walks = Vec::new();
    for engine in &engines {
        walks.push(walk(client, &plan, *engine, &mut sent).await);
    }
    // One walk per engine, and there is at least one.
    let walk = walks[0].clone();
    // The address the tool actually connected to.
    if let Some(remote) = walk.exchanges.iter().find_map(|e| e.response.remote) {
        causes.extend(causes::local_network_access(
            plan.page.origin(),
            &plan.resolve,
            remote,
            &engines,
        ));
    }
    let mut diagnosis = diagnose(&plan, &walk);
    diagnosis.engines.extend(engines::differences(&walks));
    let mut findings = diagnosis.findings.clone();
    findings.extend(causes.iter().filter_map(Cause::finding));
    let mut cookie_check = CookieCheck::default();
    if plan.credentialed() {
        let mut lines = plan.set_cookies.clone();
        for e in &walk.exchanges {
            for v in e.response.headers.get_all(SET_COOKIE) {
                lines.push(String::from_utf8_lossy(v.as_bytes()).into_owned());
            }
        }
        cookie_check = cookies::check(plan.page.origin(), &url, &lines, &engines);
        findings.extend(cookies::findings(&cookie_check));
    } else if !plan.set_cookies.is_empty() {
        findings.push(Finding::new(
            code::COOKIE_NOT_SENT,
            Severity::Info,
            "--set-cookie without --credentials: a browser sends cookies with a cross-origin fetch() only with credentials: \"include\".",
        ));
    }
    let mut cache = CacheCheck::default();
    let mut audit_run = None;
    let mut error = None;
    if !matches!(walk.end, End::Transport(_)) {
        cache = cache_check::run(client, &plan, &walk).await;
        findings.extend(cache_check::findings(&plan, &walk, &cache));
        error = error_probe::run(client, &plan).await;
        findings.extend(error_probe::findings(&walk, error.as_ref()));
        if plan.audit {
            let a = audit::run(client, &plan, &cache).await;
            findings.extend(audit::findings(&a));
            audit_run = Some(a);
        }
    }
    tidy(&mut findings);
    Report {
        plan,
        walk,
        walks,
        diagnosis,
        cache,
        error_probe: error,
        audit: audit_run,
        findings,
        cookies: cookie_check,
        causes,
    }
}

/// Whether a header name matters to CORS (what the human output shows).
pub fn is_cors_relevant(name: &str) -> bool {
    name.starts_with("access-control-")
        || name == tower_cors::EXPLANATION_HEADER.as_str()
        || matches!(
            name,
            "origin"
                | "vary"
                | "location"
                | "www-authenticate"
                | "cache-control"
                | "age"
                | "x-cache"
                | "cf-cache-status"
                | "cookie"
                | "authorization"
        )
}

/// A header value as shown: credentials are redacted.
pub fn shown_value(name: &str, value: &http::HeaderValue) -> String {
    if matches!(name, "cookie" | "authorization") {
        let text = String::from_utf8_lossy(value.as_bytes());
        let scheme = text
            .split_once(' ')
            .map(|(s, _)| s)
            .filter(|_| name == "authorization");
        return match scheme {
            Some(s) => format!("{s} <redacted, {} bytes>", value.len()),
            None => format!("<redacted, {} bytes>", value.len()),
        };
    }
    String::from_utf8_lossy(value.as_bytes()).into_owned()
}
