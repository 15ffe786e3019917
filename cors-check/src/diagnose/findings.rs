//! Findings: problems worth fixing that are not (only) the verdict, each
//! with a stable code and a severity that decides the exit status.

use std::fmt;

use serde::Serialize;

/// How much a finding matters. Medium and high make the exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Another site can read what the user's credentials unlock.
    High,
    /// A real defect: wrong answers through caches, a broken error path,
    /// origins let in that were not meant to be.
    Medium,
    /// Works today, but is fragile or going away.
    Low,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `high`, `medium`, `low` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// Whether it makes the exit status 1.
    pub fn fails(self) -> bool {
        matches!(self, Severity::High | Severity::Medium)
    }

    /// High when the server also allows credentials, otherwise `otherwise`.
    pub fn high_if(credentials: bool, otherwise: Severity) -> Severity {
        if credentials {
            Severity::High
        } else {
            otherwise
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable codes (documented in docs/cors-check.md).
pub mod code {
    /// `Access-Control-Allow-Origin` depends on `Origin` but `Vary: Origin` is missing.
    pub const MISSING_VARY_ORIGIN: &str = "missing-vary-origin";
    /// An arbitrary origin is echoed back.
    pub const REFLECTS_ANY_ORIGIN: &str = "reflects-any-origin";
    /// `Origin: null` is let in.
    pub const ALLOWS_NULL_ORIGIN: &str = "allows-null-origin";
    /// The given host with a foreign domain after it is let in.
    pub const ALLOWS_PREFIX_MATCH: &str = "allows-origin-prefix-match";
    /// A foreign domain ending in the given domain is let in.
    pub const ALLOWS_SUFFIX_MATCH: &str = "allows-origin-suffix-match";
    /// The given host with a dot replaced by a letter is let in.
    pub const ALLOWS_UNESCAPED_DOT: &str = "allows-unescaped-dot";
    /// `http://` is let in for an `https://` page.
    pub const ALLOWS_HTTP_ORIGIN: &str = "allows-http-origin";
    /// Any subdomain of the given host is let in.
    pub const ALLOWS_ANY_SUBDOMAIN: &str = "allows-any-subdomain";
    /// An auth layer or the router answered the preflight.
    pub const PREFLIGHT_ANSWERED_BY_APP: &str = "preflight-answered-by-app";
    /// A 5xx without CORS headers: the page sees a CORS error instead.
    pub const ERROR_WITHOUT_CORS_HEADERS: &str = "error-without-cors-headers";
    /// `Access-Control-Allow-Headers: *` covered `Authorization` (deprecated).
    pub const AUTHORIZATION_COVERED_BY_WILDCARD: &str = "authorization-covered-by-wildcard";
    /// tower-cors's development-only `x-cors-refusal` header is on.
    pub const EXPLAINS_REFUSALS: &str = "explains-refusals";
    /// An `https:` page calling an `http:` URL.
    pub const MIXED_CONTENT: &str = "mixed-content";
    /// A page reaching a more private address space than its own.
    pub const LOCAL_NETWORK_ACCESS: &str = "local-network-access";
    /// A cookie an engine will not send with the credentialed request.
    pub const COOKIE_NOT_SENT: &str = "cookie-not-sent";
    /// A header given with -H that no browser would send.
    pub const HEADER_NOT_SENT: &str = "header-not-sent";
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable code from [`code`].
    pub code: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// What was seen and what to do, whole (the JSON's `message`).
    pub message: String,
    /// Where the human text says it already.
    #[serde(skip)]
    pub told: Told,
}

/// Where the human text says a finding's fact before the findings, so
/// that the finding only points there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Told {
    /// Nowhere: the finding says it.
    #[default]
    Here,
    /// As the verdict's "Why".
    AsWhy,
    /// Under "Before CORS", as a cause.
    BeforeCors,
}

impl Finding {
    /// A finding.
    pub fn new(code: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            told: Told::Here,
        }
    }

    /// The same finding, its fact said already where `told` says.
    pub fn told(self, told: Told) -> Self {
        Self { told, ..self }
    }
}

/// Sorts findings by severity (stable), dropping exact repeats.
pub fn tidy(findings: &mut Vec<Finding>) {
    let mut seen: Vec<Finding> = Vec::new();
    findings.retain(|f| {
        let fresh = !seen.contains(f);
        if fresh {
            seen.push(f.clone());
        }
        fresh
    });
    findings.sort_by_key(|f| f.severity);
}
