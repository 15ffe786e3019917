//! JUnit XML, the format CI systems show as test results: suites of test
//! cases, each passed, failed (`<failure>`), not run (`<error>`) or
//! skipped (`<skipped>`).

use std::fmt::Write as _;

/// One test case.
#[derive(Debug, Clone)]
pub struct Case {
    /// `classname`: what kind of check it is.
    pub class: String,
    /// `name`: the check in a few words.
    pub name: String,
    /// `None` when it passed.
    pub problem: Option<Problem>,
}

/// Why a case did not pass.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Failed, or could not run.
    pub kind: ProblemKind,
    /// The one-line `message` attribute.
    pub message: String,
    /// The element's text: the reason in full.
    pub detail: String,
}

/// `<failure>`, `<error>` or `<skipped>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The check ran and did not hold.
    Failure,
    /// The check could not run.
    Error,
    /// The check does not apply (`<skipped>`, its message only).
    Skipped,
}

/// One test suite.
#[derive(Debug, Clone)]
pub struct Suite {
    /// Its name.
    pub name: String,
    /// Its cases, in order.
    pub cases: Vec<Case>,
}

impl Suite {
    fn count(&self, kind: ProblemKind) -> usize {
        self.cases
            .iter()
            .filter(|c| c.problem.as_ref().is_some_and(|p| p.kind == kind))
            .count()
    }
}

/// The document: `name` for the `<testsuites>` element, then each suite.
pub fn render(name: &str, suites: &[Suite]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total = |f: &dyn Fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        escape(name),
        total(&|s| s.cases.len()),
        total(&|s| s.count(ProblemKind::Failure)),
        total(&|s| s.count(ProblemKind::Error))
    );
    for suite in suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            escape(&suite.name),
            suite.cases.len(),
            suite.count(ProblemKind::Failure),
            suite.count(ProblemKind::Error),
            suite.count(ProblemKind::Skipped)
        );
        for case in &suite.cases {
            test_case(&mut out, case);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn test_case(out: &mut String, case: &Case) {
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\"",
        escape(&case.class),
        escape(&case.name)
    );
    let Some(problem) = &case.problem else {
        out.push_str("/>\n");
        return;
    };
    let tag = match problem.kind {
        ProblemKind::Failure => "failure",
        ProblemKind::Error => "error",
        ProblemKind::Skipped => {
            let _ = writeln!(
                out,
                ">\n      <skipped message=\"{}\"/>",
                escape(&problem.message)
            );
            out.push_str("    </testcase>\n");
            return;
        }
    };
    let _ = writeln!(
        out,
        ">\n      <{tag} message=\"{}\">{}</{tag}>",
        escape(&problem.message),
        escape(&problem.detail)
    );
    out.push_str("    </testcase>\n");
}

/// Escapes text for an XML attribute or element, dropping the control
/// characters XML 1.0 cannot hold.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}
