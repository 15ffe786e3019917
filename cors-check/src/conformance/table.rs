//! The human output: what ran, a table of pass, fail and unsupported
//! counts per kind, then each failure with its message, and the verdict.

use std::fmt::Write as _;

use super::report::Report;
use super::run::Outcome;
use super::vector::Kind;

/// The whole report as text.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let i = &r.implementation;
    let _ = writeln!(
        out,
        "cors-check conformance: {} {} ({}), {} vectors from {}",
        i.name,
        i.version,
        i.adapter,
        r.vectors.len(),
        r.dir
    );
    let _ = writeln!(
        out,
        "\n  {:<10} {:>5} {:>5} {:>12}",
        "kind", "pass", "fail", "unsupported"
    );
    for (label, kind) in Kind::ALL
        .iter()
        .map(|k| (k.as_str(), Some(*k)))
        .chain([("total", None)])
    {
        let c = r.counts(kind);
        let _ = writeln!(
            out,
            "  {label:<10} {:>5} {:>5} {:>12}",
            c.pass, c.fail, c.unsupported
        );
    }
    for kind in Kind::ALL {
        let failed: Vec<_> = r
            .vectors
            .iter()
            .filter(|v| v.kind == kind && matches!(v.outcome, Outcome::Fail(_)))
            .collect();
        if failed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\nFailed, {}:", kind.as_str());
        for v in failed {
            let _ = writeln!(out, "  {} ({}): {}", v.id, v.file, v.title);
            let _ = writeln!(out, "      {}", v.outcome.message().unwrap_or_default());
            let _ = writeln!(out, "      spec: {}", v.spec);
        }
    }
    unsupported(&mut out, r);
    let _ = writeln!(
        out,
        "\n{}",
        match r.gating_failures() {
            0 => "conforms: every required and security vector passes or is unsupported".to_owned(),
            n => format!("fails: {n} required or security vectors fail"),
        }
    );
    out
}

/// Why vectors were unsupported: each reason once, with how many.
fn unsupported(out: &mut String, r: &Report) {
    let mut reasons: Vec<(&str, usize)> = Vec::new();
    for v in &r.vectors {
        if let Outcome::Unsupported(why) = &v.outcome {
            match reasons.iter_mut().find(|(w, _)| w == why) {
                Some((_, n)) => *n += 1,
                None => reasons.push((why, 1)),
            }
        }
    }
    if reasons.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nUnsupported:");
    for (why, n) in reasons {
        let _ = writeln!(out, "  {n} vector{}: {why}", if n == 1 { "" } else { "s" });
    }
}
