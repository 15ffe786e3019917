//! One run's result, as both outputs (human and JSON) present it, and the
//! exit status it gives.

use std::process::ExitCode;

use crate::args::Plan;
use crate::audit::{self, Audit};
use crate::cache_check::{self, CacheCheck};
use crate::diagnose::{diagnose, Diagnosis};
use crate::engines;
use crate::error_probe;
use crate::findings::{tidy, Finding};
use crate::probe::Probe;
use crate::transport::{Client, FailureKind};
use crate::walk::{walk, End, Sent, Walk, ENGINE};

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
    /// The verdict: blocked when any engine asked blocks.
    pub fn verdict(&self) -> Verdict {
        self.walks
            .iter()
            .map(walk_verdict)
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
    let mut walks = Vec::new();
    for engine in engines {
        walks.push(walk(client, &plan, engine, &mut sent).await);
    }
    // One walk per engine, and there is at least one.
    let walk = walks[0].clone();
    let mut diagnosis = diagnose(&plan, &walk);
    diagnosis.engines.extend(engines::differences(&walks));
    let mut findings = diagnosis.findings.clone();
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
