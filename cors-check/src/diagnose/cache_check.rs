//! Cache safety: the request sent once more from a second, made-up origin
//! and once without `Origin`. When `Access-Control-Allow-Origin` differs
//! between them, every one of these responses needs `Vary: Origin`, or a
//! shared cache (CDN, proxy) can hand one site's answer to another.

use tower_cors::browser::varies_on_origin;

use super::args::Plan;
use super::findings::{code, Finding, Severity};
use super::probe::{probe, sends_actual, Probe};
use super::walk::{Step, Walk};
use crate::answer::allow_origin;
use crate::transport::Client;
use crate::url::made_up_origin;

/// What the cache check sent and found.
#[derive(Debug, Clone, Default)]
pub struct CacheCheck {
    /// The probes sent (the page's own origin first, when it had to be sent again).
    pub probes: Vec<Probe>,
    /// Why it was not run, if it was not.
    pub skipped: Option<String>,
}

/// Runs the cache check for a `GET` or `HEAD`; other methods' responses
/// are not stored by shared caches, and repeating them could repeat their
/// effect.
pub async fn run(client: &Client, plan: &Plan, walk: &Walk) -> CacheCheck {
    if !sends_actual(plan) {
        return CacheCheck {
            probes: Vec::new(),
            skipped: Some(format!(
                "cache check not run for {}: shared caches store only GET and HEAD responses, and repeating the request could repeat its effect",
                plan.request.method()
            )),
        };
    }
    if !plan.request.is_cross_origin() {
        return CacheCheck {
            probes: Vec::new(),
            skipped: Some("cache check not run: the request is same-origin".into()),
        };
    }
    let mut probes = Vec::new();
    // The page's own answer, at the URL it called: from the walk if the
    // actual request was sent, otherwise sent now.
    let sent = walk
        .first(Step::Actual)
        .is_some_and(|e| e.request.uri() == plan.request.url());
    if !sent {
        probes.push(probe(client, plan, "the page's origin", Some(plan.page.origin())).await);
    }
    let other = made_up_origin(plan.page.origin());
    probes.push(probe(client, plan, "a made-up origin", Some(&other)).await);
    probes.push(
        probe(
            client,
            plan,
            "as curl or a server-side client sends it",
            None,
        )
        .await,
    );
    CacheCheck {
        probes,
        skipped: None,
    }
}

/// One response of the comparison.
struct Answer {
    who: String,
    allow_origin: Option<String>,
    varies: bool,
}

impl Answer {
    /// "Origin: X got 'X'", "no Origin got no Access-Control-Allow-Origin".
    fn seen(&self) -> String {
        let got = self.allow_origin.as_deref().map_or_else(
            || "no Access-Control-Allow-Origin".to_owned(),
            |v| format!("'{v}'"),
        );
        format!("{} got {got}", self.who)
    }
}

/// The `missing-vary-origin` and `reflects-any-origin` findings.
pub fn findings(plan: &Plan, walk: &Walk, check: &CacheCheck) -> Vec<Finding> {
    let mut answers = Vec::new();
    if let Some(e) = walk
        .first(Step::Actual)
        .filter(|e| e.request.uri() == plan.request.url())
    {
        answers.push(Answer {
            who: format!("Origin: {}", plan.page.origin()),
            allow_origin: allow_origin(&e.response.headers),
            varies: varies_on_origin(&e.response.headers),
        });
    }
    for p in &check.probes {
        if let Ok(head) = &p.response {
            answers.push(Answer {
                who: p
                    .origin
                    .as_ref()
                    .map_or_else(|| "no Origin".to_owned(), |o| format!("Origin: {o}")),
                allow_origin: allow_origin(&head.headers),
                varies: varies_on_origin(&head.headers),
            });
        }
    }
    let mut out = Vec::new();
    let depends = answers
        .windows(2)
        .any(|w| w[0].allow_origin != w[1].allow_origin);
    let unvaried: Vec<&Answer> = answers.iter().filter(|a| !a.varies).collect();
    if depends && !unvaried.is_empty() {
        let seen: Vec<String> = answers.iter().map(Answer::seen).collect();
        // Each answer named once: all of them, or those without Vary.
        let lacking = if unvaried.len() == answers.len() {
            "none of these answers says Vary: Origin".to_owned()
        } else {
            let missing: Vec<&str> = unvaried.iter().map(|a| a.who.as_str()).collect();
            format!(
                "the answer to {} has no Vary: Origin",
                missing.join(" and ")
            )
        };
        out.push(Finding::new(
            code::MISSING_VARY_ORIGIN,
            Severity::Medium,
            format!(
                "Access-Control-Allow-Origin depends on the request's Origin ({}), but {lacking}: a shared cache (CDN, proxy) can hand one site's answer to another, and pages are then blocked at random. Send Vary: Origin on every response of this resource, those without Origin and refused ones included (tower-cors does this itself).",
                seen.join("; "),
            ),
        ));
    }
    if let Some(p) = check.probes.iter().find(|p| {
        p.accepted && p.origin.as_deref() == Some(made_up_origin(plan.page.origin()).as_str())
    }) {
        out.push(reflection_finding(p));
    }
    out
}

/// `reflects-any-origin` for a probe that had a made-up origin echoed.
pub fn reflection_finding(p: &Probe) -> Finding {
    let credentials = p.allows_credentials();
    let message = if credentials {
        format!(
            "The server echoes any origin ({} was let in) with Access-Control-Allow-Credentials: true: every site on the web can read what your users' cookies unlock. Allow a fixed list of origins (tower-cors: allow_origins([...])).",
            p.origin.as_deref().unwrap_or_default()
        )
    } else {
        format!(
            "The server echoes any origin ({} was let in): no worse than *, but each answer then depends on Origin and needs Vary: Origin. Send * for a public resource, or allow a fixed list.",
            p.origin.as_deref().unwrap_or_default()
        )
    };
    Finding::new(
        code::REFLECTS_ANY_ORIGIN,
        Severity::high_if(credentials, Severity::Low),
        message,
    )
}
