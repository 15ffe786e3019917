//! One line per setting of the cross-origin surface: whether the
//! deployment does what the policy's write guard (forged writes and
//! WebSocket handshakes), resource isolation and `Timing-Allow-Origin`
//! say, from the rows of their probes; or why that was not checked.

use crate::contract::check::{ContractReport, Grade, Row};

/// Whether the deployment does what a setting says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conformance {
    /// Every probe of it agreed with the policy.
    Conforms,
    /// Some probe did not.
    DoesNotConform,
    /// Nothing showed it: not probed, no answer, nothing there.
    NotChecked,
}

impl Conformance {
    /// `conforms`, `does not conform`, `not checked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Conformance::Conforms => "conforms",
            Conformance::DoesNotConform => "does not conform",
            Conformance::NotChecked => "not checked",
        }
    }
}

/// One setting's line.
#[derive(Debug, Clone)]
pub struct Line {
    /// `write guard`, `resource isolation`, `Timing-Allow-Origin`.
    pub setting: &'static str,
    /// The answer.
    pub conformance: Conformance,
    /// What was seen, or why it was not checked.
    pub detail: String,
}

/// The three lines of a report.
pub fn lines(r: &ContractReport) -> Vec<Line> {
    let of = |kinds: &[&str]| -> Vec<&Row> {
        r.rows
            .iter()
            .filter(|row| kinds.contains(&row.kind))
            .collect()
    };
    let policy = &r.intended.policy;
    let config = &r.intended.config;
    let guard = if !policy.guards_writes() {
        "the policy does not guard writes (guard_writes = false, or allow_origins = [\"*\"])"
    } else if policy.guard_is_report_only() {
        "the policy guards writes report-only: they reach the app"
    } else {
        "the policy guards writes"
    };
    let isolation = if policy.guard_is_report_only() {
        "report-only: loads reach the app"
    } else {
        "refuses other sites' loads"
    };
    vec![
        line(
            "write guard",
            guard,
            &of(&["write", "websocket"]),
            "no --send 'POST PATH' names where to forge a write and no --websocket PATH where to open a socket",
        ),
        match config.isolate_resources {
            true => line("resource isolation", isolation, &of(&["isolation"]), "nothing probed"),
            false => off("resource isolation", "isolate_resources"),
        },
        match config.timing_allow_origin {
            true => line("Timing-Allow-Origin", "on", &of(&["timing"]), "nothing probed"),
            false => off("Timing-Allow-Origin", "timing_allow_origin"),
        },
    ]
}

fn off(setting: &'static str, key: &str) -> Line {
    Line {
        setting,
        conformance: Conformance::NotChecked,
        detail: format!("{key} is off in the policy"),
    }
}

/// The line of one setting (`policy`: what the policy says of it) from
/// its rows; `none`: why there are none.
fn line(setting: &'static str, policy: &str, rows: &[&Row], none: &str) -> Line {
    let count = |g: Grade| rows.iter().filter(|r| r.grade == g).count();
    let (pass, fail, error) = (count(Grade::Pass), count(Grade::Fail), count(Grade::Error));
    let skipped: Vec<&str> = rows
        .iter()
        .filter(|r| r.grade == Grade::Skipped)
        .filter_map(|r| r.message.as_deref())
        .collect();
    let (conformance, detail) = if fail > 0 {
        let more = rows.iter().filter(|r| r.allows_more()).count();
        let less = rows.iter().filter(|r| r.allows_less()).count();
        let mut parts = Vec::new();
        if more > 0 {
            parts.push(format!("{more} request(s) the policy refuses got through"));
        }
        if less > 0 {
            parts.push(format!("{less} request(s) it lets through were refused"));
        }
        if fail > more + less {
            parts.push(format!("{} other difference(s)", fail - more - less));
        }
        (Conformance::DoesNotConform, parts.join(", "))
    } else if pass > 0 {
        let mut text = format!("{pass} probe(s) as the policy says");
        if !skipped.is_empty() {
            text.push_str(&format!(", {} not applicable", skipped.len()));
        }
        (Conformance::Conforms, text)
    } else if error > 0 {
        (Conformance::NotChecked, "no probe got an answer".to_owned())
    } else if let Some(first) = skipped.first() {
        (Conformance::NotChecked, (*first).to_owned())
    } else {
        (Conformance::NotChecked, none.to_owned())
    };
    Line {
        setting,
        conformance,
        detail: format!("{detail} ({policy})"),
    }
}
