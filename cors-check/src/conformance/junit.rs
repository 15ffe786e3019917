//! `--junit FILE`: one test suite per kind, one test case per vector, a
//! `<failure>` with the message when it fails, `<skipped>` when the
//! implementation cannot express its policy.

use super::report::{Judged, Report};
use super::run::Outcome;
use super::vector::Kind;
use crate::output::junit::{self, Case, Problem, ProblemKind, Suite};

/// The report as a JUnit XML document.
pub fn render(r: &Report) -> String {
    let suites: Vec<Suite> = Kind::ALL
        .iter()
        .map(|kind| Suite {
            name: format!("conformance.{}", kind.as_str()),
            cases: r
                .vectors
                .iter()
                .filter(|v| v.kind == *kind)
                .map(case)
                .collect(),
        })
        .filter(|s| !s.cases.is_empty())
        .collect();
    let i = &r.implementation;
    junit::render(
        &format!("cors-check conformance: {} {}", i.name, i.version),
        &suites,
    )
}

fn case(v: &Judged) -> Case {
    let problem = match &v.outcome {
        Outcome::Pass => None,
        Outcome::Fail(m) => Some(Problem {
            kind: ProblemKind::Failure,
            message: v.title.clone(),
            detail: m.clone(),
        }),
        Outcome::Unsupported(m) => Some(Problem {
            kind: ProblemKind::Skipped,
            message: format!("unsupported: {m}"),
            detail: String::new(),
        }),
    };
    Case {
        class: format!("conformance.{}", v.file.trim_end_matches(".json")),
        name: v.id.clone(),
        problem,
    }
}
