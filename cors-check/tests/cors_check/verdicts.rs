//! Every case of the table: its verdict, Chromium's code, its findings and
//! its exit status, and the same verdict and code from headless Chromium.

use std::io::Write as _;
use std::time::Instant;

use serde_json::Value;
use tower_cors_test_drivers::cdp;

use crate::cases::{cors_check_json, Case, CASES};
use crate::servers::Servers;
use crate::{chromium, finding_codes, installed};

fn check_case(case: &Case, s: &Servers) -> Result<Value, String> {
    let (exit, report) = cors_check_json(&case.args(s));
    let mut problems = Vec::new();
    if report["verdict"] != case.verdict {
        problems.push(format!(
            "verdict {} (expected {})",
            report["verdict"], case.verdict
        ));
    }
    if report["code"].as_str() != case.code {
        problems.push(format!(
            "code {} (expected {:?})",
            report["code"], case.code
        ));
    }
    let mut want: Vec<String> = case.findings.iter().map(|c| c.to_string()).collect();
    want.sort();
    if finding_codes(&report) != want {
        problems.push(format!(
            "findings {} (expected {want:?})",
            report["findings"]
        ));
    }
    if exit != case.exit {
        problems.push(format!("exit {exit} (expected {})", case.exit));
    }
    if problems.is_empty() {
        Ok(report)
    } else {
        Err(format!("{}: {}", case.name, problems.join("; ")))
    }
}

#[test]
fn every_case_gives_its_verdict_code_findings_and_exit_status() {
    let s = Servers::get();
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|c| check_case(c, s).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn verdicts_and_codes_agree_with_headless_chromium() {
    let Some(exe) = installed::chromium("verdicts_and_codes_agree_with_headless_chromium") else {
        return;
    };
    let s = Servers::get();
    let browser = cdp::Chromium::launch(&exe, chromium::STEP).expect("Chromium starts");
    let started = Instant::now();
    let mut failures = Vec::new();
    for case in CASES {
        let (_, report) = cors_check_json(&case.args(s));
        let ours = (
            report["verdict"].as_str().unwrap_or("?").to_owned(),
            report["code"].as_str().map(str::to_owned),
        );
        match chromium::verdict(&browser, case, s) {
            Ok(theirs) if theirs == ours => {}
            Ok(theirs) => failures.push(format!(
                "{}: cors-check says {ours:?}, Chromium {theirs:?}",
                case.name
            )),
            Err(e) => failures.push(format!(
                "{}: Chromium: {e}\n{}",
                case.name,
                browser.log_tail()
            )),
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "{} cases compared with Chromium in {:.1} s",
        CASES.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
