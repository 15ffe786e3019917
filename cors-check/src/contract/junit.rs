//! `--junit FILE`: the policy check as JUnit XML: one test suite per URL,
//! one test case per expectation, a `<failure>` with the reason when the
//! deployment differs, an `<error>` when the expectation could not be
//! tried, `<skipped>` when it does not apply there; then a suite with one
//! case per setting of the cross-origin surface.

use super::check::{ContractReport, Grade, Row};
use super::surface::{self, Conformance, Line};
use crate::output::junit::{self, Case, Problem, ProblemKind, Suite};

/// The report as a JUnit XML document.
pub fn render(r: &ContractReport) -> String {
    let mut suites: Vec<Suite> = r
        .urls
        .iter()
        .map(|url| Suite {
            name: url.clone(),
            cases: r
                .rows
                .iter()
                .filter(|row| &row.url == url)
                .map(case)
                .collect(),
        })
        .collect();
    suites.push(Suite {
        name: "cross-origin surface".into(),
        cases: surface::lines(r).into_iter().map(setting).collect(),
    });
    junit::render(
        &format!("cors-check --policy {}", r.intended.source),
        &suites,
    )
}

fn case(row: &Row) -> Case {
    Case {
        class: format!("cors-check.{}", row.kind),
        name: format!("{} {}: {}", row.origin, row.request, row.expected),
        problem: problem(row),
    }
}

/// A setting's line: passed when the deployment conforms.
fn setting(line: Line) -> Case {
    let kind = match line.conformance {
        Conformance::Conforms => None,
        Conformance::DoesNotConform => Some(ProblemKind::Failure),
        Conformance::NotChecked => Some(ProblemKind::Skipped),
    };
    Case {
        class: "cors-check.surface".into(),
        name: line.setting.to_owned(),
        problem: kind.map(|kind| Problem {
            kind,
            message: format!("{}: {}", line.conformance.as_str(), line.detail),
            detail: line.detail.clone(),
        }),
    }
}

fn problem(row: &Row) -> Option<Problem> {
    let (kind, message) = match row.grade {
        Grade::Pass => return None,
        Grade::Skipped => (
            ProblemKind::Skipped,
            row.message
                .clone()
                .unwrap_or_else(|| "not applicable".into()),
        ),
        Grade::Error => (
            ProblemKind::Error,
            format!(
                "not tried: {}",
                row.message.as_deref().unwrap_or("no answer")
            ),
        ),
        Grade::Fail => (
            ProblemKind::Failure,
            format!(
                "expected {}, got {}{}",
                row.expected,
                row.got,
                row.code
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            ),
        ),
    };
    let mut detail = format!("expected because: {}", row.why);
    if let Some(message) = &row.message {
        detail.push('\n');
        detail.push_str(message);
    }
    if !row.answer.is_empty() {
        detail.push_str("\nthe deployment: ");
        detail.push_str(&row.answer);
    }
    Some(Problem {
        kind,
        message,
        detail,
    })
}
