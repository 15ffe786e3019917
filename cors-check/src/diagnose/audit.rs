//! `--audit`: the origins misconfigured servers let in, derived from the
//! page's origin, each sent as a probe. Each one accepted (echoed back, the
//! browser's check passing) is a finding, high when the server allows
//! credentials too.

use std::net::IpAddr;

use tower_cors::browser::Url;

use super::args::Plan;
use super::cache_check::{reflection_finding, CacheCheck};
use super::findings::{code, Finding, Severity};
use super::probe::{probe, Probe};
use crate::transport::Client;
use crate::url::{self, made_up_origin, PROBE_HOST};

/// One origin to try, and what letting it in means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trick {
    /// The finding code when accepted.
    pub code: &'static str,
    /// What it tests.
    pub label: &'static str,
    /// The origin sent.
    pub origin: String,
    /// The severity without credentials.
    pub severity: Severity,
    /// The matching bug it reveals.
    pub meaning: &'static str,
}

/// `Origin: null`, which any page can make its requests carry.
fn null_trick() -> Trick {
    Trick {
        code: code::ALLOWS_NULL_ORIGIN,
        label: "null",
        origin: "null".into(),
        severity: Severity::Medium,
        meaning: "Origin: null is sent by sandboxed iframes, file: and data: pages and after cross-origin redirects: any site can make its requests carry it. Never allow null.",
    }
}

/// The trick origins for a page origin (the arbitrary one is the cache
/// check's made-up origin, sent anyway). A trick no browser could send
/// (a label grown past what DNS holds) is left out: no page has it.
pub fn tricks(origin: &str) -> Vec<Trick> {
    let mut out = vec![null_trick()];
    let Some(page) = Url::parse(origin) else {
        return out;
    };
    let (scheme, host, port) = (page.scheme(), page.host(), page.port());
    let is_ip = page.ip().is_some();
    if matches!(page.ip(), Some(IpAddr::V6(_))) {
        return out;
    }
    let at = |host: &str| url::origin(scheme, host, port);
    if let Some(origin) = at(&format!("{host}.{PROBE_HOST}")) {
        out.push(Trick {
            code: code::ALLOWS_PREFIX_MATCH,
            label: "the host followed by another domain",
            origin,
            severity: Severity::Medium,
            meaning: "the allowed origin is matched as a prefix (starts_with, or a regex without $): anyone can register such a domain. Compare whole origins.",
        });
    }
    if !is_ip {
        // A foreign registrable domain that ends with the page's one.
        let domain = psl::domain_str(host).unwrap_or(host);
        if let Some(origin) = at(&format!("corscheck{domain}")) {
            out.push(Trick {
                code: code::ALLOWS_SUFFIX_MATCH,
                label: "another domain ending with the site's",
                origin,
                severity: Severity::Medium,
                meaning: "the allowed origin is matched as a suffix (ends_with, or a regex without a leading dot or ^): anyone can register such a domain. Compare whole origins, or whole labels.",
            });
        }
        if let Some(origin) = host
            .find('.')
            .and_then(|dot| at(&format!("{}x{}", &host[..dot], &host[dot + 1..])))
        {
            out.push(Trick {
                code: code::ALLOWS_UNESCAPED_DOT,
                label: "a dot of the host replaced by a letter",
                origin,
                severity: Severity::Medium,
                meaning: "a regular expression has an unescaped dot, which matches any character. Escape it (\\.), or compare whole origins.",
            });
        }
        if let Some(origin) = at(&format!("cors-check-probe.{host}")) {
            out.push(Trick {
                code: code::ALLOWS_ANY_SUBDOMAIN,
                label: "an arbitrary subdomain",
                origin,
                severity: Severity::Low,
                meaning: "every subdomain is trusted: one with an XSS or a dangling DNS record can then read responses. List the subdomains that need access.",
            });
        }
    }
    if let Some(origin) = url::origin("http", host, port).filter(|_| scheme == "https") {
        out.push(Trick {
            code: code::ALLOWS_HTTP_ORIGIN,
            label: "http:// for the https:// site",
            origin,
            severity: Severity::Medium,
            meaning: "a plain-HTTP page can be injected by anyone on the network path, so trusting it gives up HTTPS. Allow https:// only.",
        });
    }
    out
}

/// What the audit sent.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    /// Each trick with its probe.
    pub probes: Vec<(Trick, Probe)>,
    /// Why the trick probes were not sent.
    pub skipped: Option<String>,
}

/// Sends the trick probes, unless the cache check already showed that
/// any origin is let in (then they would all be).
pub async fn run(client: &Client, plan: &Plan, cache: &CacheCheck) -> Audit {
    let arbitrary = made_up_origin(plan.page.origin());
    let mut any = cache
        .probes
        .iter()
        .find(|p| p.origin.as_deref() == Some(arbitrary.as_str()))
        .cloned();
    if any.is_none() {
        any = Some(probe(client, plan, "an arbitrary origin", Some(&arbitrary)).await);
    }
    let mut audit = Audit::default();
    if any.as_ref().is_some_and(|p| p.accepted) {
        audit.skipped = Some(format!(
            "the other origins were not tried: {arbitrary} was let in, so every origin is"
        ));
    }
    if let Some(p) = any {
        audit.probes.push((
            Trick {
                code: code::REFLECTS_ANY_ORIGIN,
                label: "an arbitrary origin",
                origin: arbitrary,
                severity: Severity::Low,
                meaning: "",
            },
            p,
        ));
    }
    if audit.skipped.is_some() {
        return audit;
    }
    for trick in tricks(plan.page.origin()) {
        if trick.origin == plan.page.origin() {
            continue;
        }
        let p = probe(client, plan, trick.label, Some(&trick.origin)).await;
        audit.probes.push((trick, p));
    }
    audit
}

/// A finding for each trick let in.
pub fn findings(audit: &Audit) -> Vec<Finding> {
    audit
        .probes
        .iter()
        .filter(|(_, p)| p.accepted)
        .map(|(trick, p)| {
            if trick.code == code::REFLECTS_ANY_ORIGIN {
                return reflection_finding(p);
            }
            let credentials = p.allows_credentials();
            let with = if credentials {
                " with Access-Control-Allow-Credentials: true, so that site can read what your users' cookies unlock"
            } else {
                ""
            };
            Finding::new(
                trick.code,
                Severity::high_if(credentials, trick.severity),
                format!("{} was let in{with}: {}", trick.origin, trick.meaning),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
