//! `cors-check` against real servers on 127.0.0.1: the
//! demo, tower-http's `CorsLayer` and deliberately misconfigured servers.
//! Each case asserts the verdict, Chromium's code, the findings and the
//! exit status; the same requests run in headless Chromium must give the
//! same verdict and code. Without Chromium that comparison fails when `CI`
//! is set and is skipped (saying so) otherwise; `CHROMIUM=/path` picks one.

// The rust-version is the library's; test code builds with the newer
// toolchain its dev-dependencies need anyway.
#![allow(clippy::incompatible_msrv)]

mod cases;
mod chromium;
mod contract;
mod servers;

use std::io::Write as _;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use cases::{cors_check, cors_check_json, Case, CASES};
use serde_json::Value;
use servers::Servers;
use tower_cors_test_drivers::cdp;

/// The finding codes of a JSON report.
fn finding_codes(report: &Value) -> Vec<String> {
    let mut codes: Vec<String> = report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    codes.sort();
    codes
}

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
    let Some(exe) = cdp::find_chromium() else {
        let message = "Chromium not found (install chromium or set CHROMIUM)";
        assert!(std::env::var_os("CI").is_none(), "{message}");
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED verdicts_and_codes_agree_with_headless_chromium: {message}"
        );
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

fn case(name: &str) -> &'static Case {
    CASES
        .iter()
        .find(|c| c.name == name)
        .expect("a case of that name")
}

/// The documented fields, with their JSON types.
fn assert_shape(report: &Value) {
    let kinds = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    for (field, allowed) in [
        ("schema", &["number"][..]),
        ("url", &["string"]),
        ("origin", &["string"]),
        ("method", &["string"]),
        ("credentials", &["bool"]),
        ("engine", &["string"]),
        ("verdict", &["string"]),
        ("code", &["string", "null"]),
        ("failed_parameter", &["string", "null"]),
        ("message", &["string", "null"]),
        ("why", &["string", "null"]),
        ("fix", &["string", "null"]),
        ("error", &["string", "null"]),
        ("error_kind", &["string", "null"]),
        ("warnings", &["array"]),
        ("readable_headers", &["array"]),
        ("other_engines", &["array"]),
        ("preflight", &["object", "null"]),
        ("actual", &["object", "null"]),
        ("exchanges", &["array"]),
        ("findings", &["array"]),
        ("probes", &["array"]),
    ] {
        let kind = kinds(&report[field]);
        assert!(allowed.contains(&kind), "{field} is {kind}: {report:#}");
    }
    for f in report["findings"].as_array().into_iter().flatten() {
        assert!(f["code"].is_string() && f["message"].is_string(), "{f}");
        assert!(
            ["high", "medium", "low", "info"].contains(&f["severity"].as_str().unwrap_or("")),
            "{f}"
        );
    }
    for e in report["exchanges"].as_array().into_iter().flatten() {
        assert!(
            ["preflight", "actual"].contains(&e["kind"].as_str().unwrap_or("")),
            "{e}"
        );
        assert!(
            e["request"]["method"].is_string() && e["request"]["url"].is_string(),
            "{e}"
        );
        assert!(
            e["request"]["headers"].is_object() && e["response"]["headers"].is_object(),
            "{e}"
        );
        assert!(e["response"]["status"].is_u64(), "{e}");
        for values in e["response"]["headers"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            assert!(
                values
                    .as_array()
                    .is_some_and(|a| a.iter().all(Value::is_string)),
                "{e}"
            );
        }
    }
}

#[test]
fn json_has_its_documented_shape() {
    let s = Servers::get();
    // Blocked at the preflight: no actual request.
    let (_, r) = cors_check_json(&case("auth-first").args(s));
    assert_shape(&r);
    assert!(
        r["actual"].is_null() && r["preflight"]["response"]["status"] == 401,
        "{r:#}"
    );
    assert_eq!(r["preflight"]["request"]["method"], "OPTIONS");
    assert!(
        r["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Access to fetch at ")),
        "{r:#}"
    );
    assert!(
        r["fix"].as_str().is_some_and(|f| f.contains("CorsLayer")),
        "{r:#}"
    );
    // Allowed without a preflight.
    let (_, r) = cors_check_json(&case("listed-get").args(s));
    assert_shape(&r);
    assert!(
        r["preflight"].is_null() && r["actual"]["response"]["status"] == 200,
        "{r:#}"
    );
    assert!(
        r["code"].is_null() && r["fix"].is_null() && r["message"].is_null(),
        "{r:#}"
    );
    // A cross-origin redirect: every hop, and a second preflight to the target.
    let (_, r) = cors_check_json(&case("redirect-hop").args(s));
    assert_shape(&r);
    let kinds: Vec<&str> = r["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["preflight", "actual", "preflight", "actual"],
        "{r:#}"
    );
    assert_eq!(
        r["exchanges"][2]["request"]["headers"]["origin"][0], "null",
        "{r:#}"
    );
    // tower-cors explains its refusal: the reason and fix are its own.
    let (_, r) = cors_check_json(&case("explained-refusal").args(s));
    assert!(
        r["why"]
            .as_str()
            .is_some_and(|w| w.starts_with("tower-cors refused it: method-not-allowed")),
        "{r:#}"
    );
    assert!(
        r["fix"]
            .as_str()
            .is_some_and(|f| f.contains("allow_methods") && f.contains("x-cors-refusal")),
        "{r:#}"
    );
    // Could not run.
    let (exit, r) = cors_check_json(&[
        "http://127.0.0.1:1/".into(),
        "--origin".into(),
        "https://a.example".into(),
    ]);
    assert_shape(&r);
    assert_eq!(
        (exit, r["verdict"].as_str(), r["error_kind"].as_str()),
        (2, Some("error"), Some("connect"))
    );
    assert!(r["error"].is_string() && r["code"].is_null(), "{r:#}");
}

#[test]
fn requests_are_sent_as_a_browser_builds_them() {
    let s = Servers::get();
    let url = Servers::url(s.demo, "exact-request");
    let args: Vec<String> = [
        url.as_str(),
        "--origin",
        &s.origin(),
        "--method",
        "patch",
        "-H",
        "X-B: 1",
        "-H",
        "x-a: 2",
        "-H",
        "Content-Type: application/json",
        "-H",
        "Authorization: Bearer secret-token",
        "-H",
        "Cookie: session=abc",
        "--credentials",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let (_, r) = cors_check_json(&args);
    let seen: Vec<example_demo::api::Seen> = s
        .demo_log
        .snapshot()
        .into_iter()
        .filter(|x| x.query("case") == Some("exact-request"))
        .collect();
    let preflight = seen
        .iter()
        .find(|x| x.is_preflight())
        .expect("the demo saw a preflight");
    assert_eq!(preflight.method, "OPTIONS");
    assert_eq!(
        preflight.acrm.as_deref(),
        Some("patch"),
        "patch stays patch"
    );
    assert_eq!(
        preflight.acrh.as_deref(),
        Some("authorization,content-type,x-a,x-b")
    );
    assert_eq!(preflight.origin.as_deref(), Some(s.origin().as_str()));
    let sent = &r["preflight"]["request"]["headers"];
    assert!(
        sent.get("cookie").is_none() && sent.get("authorization").is_none(),
        "{sent}"
    );
    // `PUT` is upper-cased; with credentials the cookie goes on the actual request (redacted in the output).
    let args: Vec<String> = [
        &Servers::url(s.demo, "exact-put"),
        "--origin",
        &s.origin(),
        "-X",
        "put",
        "-H",
        "Cookie: session=abc",
        "--credentials",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let (exit, r) = cors_check_json(&args);
    assert_eq!((exit, r["verdict"].as_str()), (0, Some("allowed")), "{r:#}");
    assert_eq!(
        r["preflight"]["request"]["headers"]["access-control-request-method"][0],
        "PUT"
    );
    assert!(r["preflight"]["request"]["headers"].get("cookie").is_none());
    assert_eq!(
        r["actual"]["request"]["headers"]["cookie"][0],
        "<redacted, 11 bytes>"
    );
}

#[test]
fn failures_to_reach_the_server_are_exit_2_not_a_verdict() {
    let s = Servers::get();
    let origin = s.origin();
    // Nothing listens on a port just released.
    let closed = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port");
    // Accepts, never answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("a port");
    let silent_addr = silent.local_addr().expect("an address");
    let run = |url: String, extra: &[&str]| {
        let mut args = vec![url, "--origin".to_owned(), origin.clone()];
        args.extend(extra.iter().map(|a| a.to_string()));
        let (exit, r) = cors_check_json(&args);
        (
            exit,
            r["verdict"].as_str().map(str::to_owned),
            r["error_kind"].as_str().map(str::to_owned),
        )
    };
    let error = |kind: &str| (2, Some("error".to_owned()), Some(kind.to_owned()));
    assert_eq!(run(format!("http://{closed}/"), &[]), error("connect"));
    // TLS to a plain-HTTP server.
    assert_eq!(run(format!("https://{}/blank", s.web), &[]), error("tls"));
    let started = Instant::now();
    assert_eq!(
        run(format!("http://{silent_addr}/"), &["--timeout", "0.5"]),
        error("timeout")
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        run("http://cors-check-test.invalid/".into(), &[]),
        error("dns")
    );
    // Usage errors.
    assert_eq!(
        run(format!("http://{closed}/"), &["-X", "TRACE"]),
        error("usage")
    );
    let out = cors_check(&["http://127.0.0.1/".into()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--origin"));
    drop(silent);
}

#[test]
fn the_human_output_shows_exchanges_verdict_console_message_and_fix() {
    let s = Servers::get();
    let out = cors_check(&case("auth-first").args(s));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    for needle in [
        "Preflight",
        "> OPTIONS http://",
        "access-control-request-headers: authorization",
        "401 Unauthorized",
        "www-authenticate: Bearer",
        "BLOCKED:",
        "Chromium's code: PreflightMissingAllowOriginHeader",
        "Console: Access to fetch at ",
        "Why: The preflight did not reach the CORS layer: an authentication layer answered it",
        "Fix: Put the CORS layer outside authentication",
        "Firefox reports: CORSMissingAllowOrigin",
        "[medium] preflight-answered-by-app",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert!(!text.contains('\x1b'), "no colour off a terminal");
    // The made-up origin of the cache check is reported per probe.
    let out = cors_check(&case("no-vary").args(s));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("cors-check-probe.example") && text.contains("no Vary: Origin"),
        "{text}"
    );
}
