//! `--junit FILE`: the result as JUnit XML, the format CI systems show as
//! test results: one test suite per URL, one test case per expectation, a
//! `<failure>` with the reason when the deployment differs, an `<error>`
//! when the expectation could not be tried.

use std::fmt::Write as _;

use super::check::{ContractReport, Outcome, Row};

/// The report as a JUnit XML document.
pub fn render(r: &ContractReport) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"cors-check --policy {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        escape(&r.intended.source),
        r.rows.len(),
        r.count(Outcome::Fail),
        r.count(Outcome::Error)
    );
    for url in &r.urls {
        let rows: Vec<&Row> = r.rows.iter().filter(|row| &row.url == url).collect();
        let count = |o: Outcome| rows.iter().filter(|row| row.outcome == o).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            escape(url),
            rows.len(),
            count(Outcome::Fail),
            count(Outcome::Error)
        );
        for row in rows {
            case(&mut out, row);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn case(out: &mut String, row: &Row) {
    let name = format!("{} {}: {}", row.origin, row.request, row.expected);
    let _ = write!(
        out,
        "    <testcase classname=\"cors-check.{}\" name=\"{}\"",
        escape(row.kind),
        escape(&name)
    );
    if row.outcome == Outcome::Pass {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    let mut detail = format!("expected because: {}", row.why);
    if let Some(message) = &row.message {
        let _ = write!(detail, "\n{message}");
    }
    if !row.answer.is_empty() {
        let _ = write!(detail, "\nthe deployment: {}", row.answer);
    }
    let (tag, message) = match row.outcome {
        Outcome::Error => (
            "error",
            format!(
                "not tried: {}",
                row.message.as_deref().unwrap_or("no answer")
            ),
        ),
        _ => (
            "failure",
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
    let _ = writeln!(
        out,
        "      <{tag} message=\"{}\">{}</{tag}>",
        escape(&message),
        escape(&detail)
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
