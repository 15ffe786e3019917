//! One run's result, as both outputs (human and JSON) present it, and the
//! exit status it gives.

use http::header::SET_COOKIE;
use tower_cors::browser::Engine;

use super::args::Plan;
use super::audit::{self, Audit};
use super::cache_check::{self, CacheCheck};
use super::causes::{self, Cause};
use super::cookies::{self, CookieCheck};
use super::engines;
use super::error_probe;
use super::explain::{diagnose, Diagnosis};
use super::findings::{code, tidy, Finding, Severity, Told};
use super::probe::Probe;
use super::walk::{walk, End, Sent, Walk};
use crate::answer::ENGINE;
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
    /// The cause that kept every engine asked from sending anything, if one
    /// did (mixed content): then nothing was sent.
    pub unsent: Option<usize>,
    /// Which cookies each engine sends, on a credentialed request.
    pub cookies: CookieCheck,
}

/// The run's result in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Conclusion {
    /// The page gets the response.
    Allowed,
    /// The fetch fails.
    Blocked,
    /// The check could not run.
    Error,
}

impl Conclusion {
    /// `allowed`, `blocked` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Conclusion::Allowed => "allowed",
            Conclusion::Blocked => "blocked",
            Conclusion::Error => "error",
        }
    }
}

impl Report {
    /// One engine's result: its walk's, or blocked by a non-CORS cause.
    pub fn engine_conclusion(&self, walk: &Walk) -> Conclusion {
        match walk_conclusion(walk) {
            Conclusion::Allowed if self.causes.iter().any(|c| c.blocks(walk.engine)) => {
                Conclusion::Blocked
            }
            v => v,
        }
    }

    /// The result: blocked when any engine asked blocks.
    pub fn conclusion(&self) -> Conclusion {
        self.walks
            .iter()
            .map(|w| self.engine_conclusion(w))
            .max()
            .unwrap_or(Conclusion::Error)
    }

    /// 0 allowed without medium/high finding, 1 blocked or such a
    /// finding, 2 could not run.
    pub fn exit_code(&self) -> u8 {
        match self.conclusion() {
            Conclusion::Error => 2,
            Conclusion::Blocked => 1,
            Conclusion::Allowed if self.findings.iter().any(|f| f.severity.fails()) => 1,
            Conclusion::Allowed => 0,
        }
    }

    /// The cause that kept anything from being sent.
    pub fn unsent_cause(&self) -> Option<&Cause> {
        self.unsent.and_then(|i| self.causes.get(i))
    }

    /// Why, in words: the diagnosis's, or the cause that kept the request
    /// from being sent.
    pub fn why(&self) -> Option<String> {
        self.diagnosis
            .why
            .clone()
            .or_else(|| self.unsent_cause().map(|c| format!("{}.", c.summary)))
    }

    /// The fix: the diagnosis's, or the cause's that kept the request from
    /// being sent.
    pub fn fix(&self) -> Option<String> {
        self.diagnosis
            .fix
            .clone()
            .or_else(|| self.unsent_cause().map(|c| c.fix.clone()))
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

/// One walk's result.
pub fn walk_conclusion(walk: &Walk) -> Conclusion {
    match walk.end {
        End::Allowed(..) => Conclusion::Allowed,
        End::Blocked(_) | End::NetworkError(_) => Conclusion::Blocked,
        End::Transport(_) => Conclusion::Error,
    }
}

/// Runs the whole check.
pub async fn run(client: &Client, plan: Plan) -> Report {
    let mut engines = plan.engines.clone();
    if engines.is_empty() {
        engines.push(ENGINE);
    }
    let url = plan.request.initial_url().to_string();
    // Before anything is sent: a request every engine asked blocks as mixed
    // content is not sent at all.
    let causes: Vec<Cause> = causes::mixed_content(plan.page.origin(), &url, &engines)
        .into_iter()
        .collect();
    if let Some(i) = causes
        .iter()
        .position(|c| engines.iter().all(|e| c.blocks(*e)))
    {
        return unsent(plan, &engines, causes, i);
    }
    let mut sent = Sent::default();
    let mut walks = Vec::new();
    for engine in &engines {
        walks.push(walk(client, &plan, *engine, &mut sent).await);
    }
    let mut report = walked(plan, &engines, walks, causes);
    if !matches!(report.walk.end, End::Transport(_)) {
        probe_further(client, &mut report).await;
    }
    tidy(&mut report.findings);
    report
}

/// The report when a cause kept every engine from sending anything.
fn unsent(plan: Plan, engines: &[Engine], causes: Vec<Cause>, cause: usize) -> Report {
    let code = causes[cause].code;
    let walks: Vec<Walk> = engines
        .iter()
        .map(|e| Walk {
            engine: *e,
            exchanges: Vec::new(),
            end: End::NetworkError(format!("{code}: not sent")),
            preflight_cached: None,
        })
        .collect();
    let mut findings = cause_findings(&causes);
    findings.extend(diagnose(&plan, &walks[0]).findings);
    tidy(&mut findings);
    Report {
        walk: walks[0].clone(),
        walks,
        diagnosis: Diagnosis::default(),
        cache: CacheCheck::default(),
        error_probe: None,
        audit: None,
        findings,
        cookies: CookieCheck::default(),
        causes,
        unsent: Some(cause),
        plan,
    }
}

/// The report of the walks, before the probes: what they mean, the causes
/// before CORS and the cookies.
fn walked(plan: Plan, engines: &[Engine], walks: Vec<Walk>, mut causes: Vec<Cause>) -> Report {
    // One walk per engine, and there is at least one.
    let walk = walks[0].clone();
    // The address the tool actually connected to.
    if let Some(remote) = walk.exchanges.iter().find_map(|e| e.response.remote) {
        causes.extend(causes::local_network_access(
            plan.page.origin(),
            &plan.resolve,
            remote,
            engines,
        ));
    }
    let mut diagnosis = diagnose(&plan, &walk);
    diagnosis.engines.extend(engines::differences(&walks));
    let mut findings = diagnosis.findings.clone();
    findings.extend(cause_findings(&causes));
    let cookies = cookie_check(&plan, &walk, engines, &mut findings);
    Report {
        plan,
        walk,
        walks,
        diagnosis,
        cache: CacheCheck::default(),
        error_probe: None,
        audit: None,
        findings,
        cookies,
        causes,
        unsent: None,
    }
}

/// The causes' findings, said under "Before CORS".
fn cause_findings(causes: &[Cause]) -> Vec<Finding> {
    causes
        .iter()
        .filter_map(Cause::finding)
        .map(|f| f.told(Told::BeforeCors))
        .collect()
}

/// Which cookies each engine sends with a credentialed request, from
/// `--set-cookie` and the API's answers; their findings go to `findings`.
fn cookie_check(
    plan: &Plan,
    walk: &Walk,
    engines: &[Engine],
    findings: &mut Vec<Finding>,
) -> CookieCheck {
    if !plan.credentialed() {
        if !plan.set_cookies.is_empty() {
            findings.push(Finding::new(
                code::COOKIE_NOT_SENT,
                Severity::Info,
                "--set-cookie without --credentials: a browser sends cookies with a cross-origin fetch() only with credentials: \"include\".",
            ));
        }
        return CookieCheck::default();
    }
    let mut lines = plan.set_cookies.clone();
    for e in &walk.exchanges {
        for v in e.response.headers.get_all(SET_COOKIE) {
            lines.push(String::from_utf8_lossy(v.as_bytes()).into_owned());
        }
    }
    let url = plan.request.initial_url().to_string();
    let check = cookies::check(plan.page.origin(), &url, &lines, engines);
    findings.extend(cookies::findings(&check));
    check
}

/// The requests after the walk: the cache check, the error probe and
/// `--audit`, with their findings.
async fn probe_further(client: &Client, r: &mut Report) {
    r.cache = cache_check::run(client, &r.plan, &r.walk).await;
    r.findings
        .extend(cache_check::findings(&r.plan, &r.walk, &r.cache));
    r.error_probe = error_probe::run(client, &r.plan).await;
    r.findings
        .extend(error_probe::findings(&r.walk, r.error_probe.as_ref()));
    if r.plan.audit {
        let a = audit::run(client, &r.plan, &r.cache).await;
        r.findings.extend(audit::findings(&a));
        r.audit = Some(a);
    }
}
