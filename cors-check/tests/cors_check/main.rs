//! `cors-check` against real servers on 127.0.0.1: the
//! demo, tower-http's `CorsLayer` and deliberately misconfigured servers.
//! Each case asserts the verdict, Chromium's code, the findings and the
//! exit status; the same requests run in headless Chromium must give the
//! same verdict and code. Without Chromium that comparison fails when `CI`
//! is set and is skipped (saying so) otherwise; `CHROMIUM=/path` picks one.
//! `engines` does the same in Firefox and WebKit (and Chromium) for each
//! engine's own verdict, reason and console lines where the engines differ;
//! `cookies` compares the `--credentials` cookie verdicts with all three.

// The rust-version is the library's; test code builds with the newer
// toolchain its dev-dependencies need anyway.
#![allow(clippy::incompatible_msrv)]

mod cases;
mod chromium;
mod contract;
mod cookies;
mod engines;
mod installed;
mod non_cors;
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
        ("reason", &["string", "null"]),
        ("message", &["string", "null"]),
        ("why", &["string", "null"]),
        ("fix", &["string", "null"]),
        ("error", &["string", "null"]),
        ("error_kind", &["string", "null"]),
        ("warnings", &["array"]),
        ("readable_headers", &["array"]),
        ("other_engines", &["array"]),
        ("engines", &["array"]),
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
    // The fix's code block keeps its own indentation: every line of it
    // indented the same, the chained calls deeper than the `let`.
    for block in [
        "\n    // axum: the layer added last is the outermost. CorsLayer must be outside\n    // authentication",
        "\n    let app = Router::new()\n        .route(\"/api/data\", get(handler).put(handler))\n        .layer(auth_layer)",
        "\n    let svc = ServiceBuilder::new()\n        .layer(tower_cors::CorsLayer::new(policy))",
    ] {
        assert!(text.contains(block), "no {block:?} in:\n{text}");
    }
    // Each probe names the request it sent (method, path, the Origin it
    // carried), then its answer: not an origin that reads like a URL called.
    let out = cors_check(&case("no-vary").args(s));
    let text = String::from_utf8_lossy(&out.stdout);
    let probe = "  > GET /api/data?case=no-vary with Origin: http://cors-check-probe.example (a made-up origin)\n  < 200, no Access-Control-Allow-Origin, no Vary: Origin\n";
    assert!(text.contains(probe), "no {probe:?} in:\n{text}");
    let none = "  > GET /api/data?case=no-vary without Origin (as curl or a server-side client sends it)\n  < 200, no Access-Control-Allow-Origin, no Vary: Origin\n";
    assert!(text.contains(none), "no {none:?} in:\n{text}");
    assert!(
        !text.contains(&format!("> GET {} (", s.origin())),
        "a probe line reads as a request to the page:\n{text}"
    );
}

#[test]
fn probes_carry_no_credentials_and_no_script_headers() {
    let s = Servers::get();
    // The preflight fails (auth answers it 401), so the browser never sends
    // the request with its Authorization: no probe may send it either.
    let args: Vec<String> = [
        Servers::url(s.auth_first, "probe-safety").as_str(),
        "--origin",
        &s.origin(),
        "-H",
        "Authorization: Bearer secret-token",
        "-H",
        "X-Trace: 1",
        "-H",
        "Cookie: session=abc",
        "--credentials",
        "--audit",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let (exit, r) = cors_check_json(&args);
    assert_eq!((exit, r["verdict"].as_str()), (1, Some("blocked")), "{r:#}");
    let seen: Vec<_> = s
        .auth_seen
        .snapshot()
        .into_iter()
        .filter(|(_, uri, _)| uri.contains("case=probe-safety"))
        .collect();
    let gets = seen.iter().filter(|(m, _, _)| m == "GET").count();
    // The page's origin again, a made-up origin, no origin, and the audit's.
    assert!(gets >= 4, "{seen:?}");
    for (method, uri, names) in &seen {
        for secret in ["authorization", "cookie", "x-trace"] {
            assert!(
                !names.iter().any(|n| n == secret),
                "{method} {uri} carried {secret}: {names:?}"
            );
        }
    }
    for p in r["probes"].as_array().unwrap() {
        let sent = p["request_headers"].as_object().unwrap();
        assert!(
            ["authorization", "cookie", "x-trace"]
                .iter()
                .all(|n| !sent.contains_key(*n)),
            "{p}"
        );
    }
    // The output says what probes send.
    let text = String::from_utf8_lossy(&cors_check(&args).stdout).into_owned();
    assert!(
        text.contains("no cookie, no Authorization and no header the script sets"),
        "{text}"
    );
}

/// The error probe's request for a case.
fn error_probe(report: &Value) -> &Value {
    report["probes"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|p| {
                p["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("/cors-check-no-such-resource"))
            })
        })
        .expect("an error probe")
}

#[test]
fn the_error_probe_names_the_fix_and_is_quiet_where_errors_carry_cors_headers() {
    let s = Servers::get();
    let (_, r) = cors_check_json(&case("success-only").args(s));
    let p = error_probe(&r);
    assert_eq!(
        (p["method"].as_str(), p["status"].as_u64()),
        (Some("GET"), Some(404))
    );
    assert_eq!(p["origin"].as_str(), Some(s.origin().as_str()));
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "error-without-cors-headers")
        .expect("the finding");
    let message = finding["message"].as_str().unwrap();
    for needle in [
        "GET /api/cors-check-no-such-resource",
        "404 Not Found",
        "always",
        "CORSMiddleware",
        "app.use(cors",
        "route_layer",
    ] {
        assert!(message.contains(needle), "no {needle:?} in {message}");
    }
    // tower-cors around the whole router (the demo), tower-http's layer
    // and the permissive one: their 404s carry CORS headers.
    for name in ["demo-get", "listed-get", "permissive-put-json"] {
        let (_, r) = cors_check_json(&case(name).args(s));
        assert_eq!(error_probe(&r)["status"].as_u64(), Some(404), "{name}");
        assert!(error_probe(&r)["allow_origin"].is_string(), "{name}: {r:#}");
    }
    // A blocked route: the walk's own verdict says it, no probe finding.
    let (_, r) = cors_check_json(&case("demo-stranger").args(s));
    assert_eq!(finding_codes(&r), Vec::<String>::new(), "{r:#}");
}

#[test]
fn the_error_probe_agrees_with_headless_chromium() {
    let Some(exe) = installed::chromium("the_error_probe_agrees_with_headless_chromium") else {
        return;
    };
    let s = Servers::get();
    let browser = cdp::Chromium::launch(&exe, chromium::STEP).expect("Chromium starts");
    for name in ["success-only", "route-layer-404", "demo-get"] {
        let (_, r) = cors_check_json(&case(name).args(s));
        let p = error_probe(&r);
        let flagged = finding_codes(&r).contains(&"error-without-cors-headers".to_owned());
        let page = chromium::Fetch {
            origin: s.origin(),
            url: p["url"].as_str().unwrap().to_owned(),
            method: "GET",
            headers: &[],
            credentials: false,
        };
        let (verdict, code) =
            chromium::fetch_verdict(&browser, &page, "cors-check-no-such-resource")
                .unwrap_or_else(|e| panic!("{name}: {e}\n{}", browser.log_tail()));
        // Flagged exactly when Chromium hides the 404 from the page.
        assert_eq!(
            (verdict.as_str(), code.as_deref()),
            if flagged {
                ("blocked", Some("MissingAllowOriginHeader"))
            } else {
                ("allowed", None)
            },
            "{name}"
        );
    }
}

/// The `engines` array of a report: `(engine, field)` for each engine.
fn per_engine(report: &Value, field: &str) -> Vec<(String, Value)> {
    report["engines"]
        .as_array()
        .expect("an engines array")
        .iter()
        .map(|e| (e["engine"].as_str().unwrap().to_owned(), e[field].clone()))
        .collect()
}

fn with_engine(case: &Case, s: &Servers, engine: &str) -> Vec<String> {
    let mut args = case.args(s);
    args.extend(["--engine".to_owned(), engine.to_owned()]);
    args
}

#[test]
fn each_engine_gives_its_own_reason_and_console_message() {
    let s = Servers::get();
    // The default is Chromium alone.
    let (_, r) = cors_check_json(&case("auth-first").args(s));
    assert_eq!(per_engine(&r, "engine").len(), 1);
    assert_eq!(r["engine"], "chromium");
    // An authentication layer answered the preflight 401.
    let (exit, r) = cors_check_json(&with_engine(case("auth-first"), s, "all"));
    assert_eq!((exit, r["verdict"].as_str()), (1, Some("blocked")));
    let reasons: Vec<(String, Value)> = per_engine(&r, "reason");
    assert_eq!(
        reasons,
        [
            (
                "chromium".to_owned(),
                Value::from("PreflightMissingAllowOriginHeader")
            ),
            ("firefox".to_owned(), Value::from("CORSMissingAllowOrigin")),
            (
                "webkit".to_owned(),
                // WebKit checks the status first.
                Value::from("Preflight response is not successful. Status code: 401")
            ),
        ]
    );
    let messages = per_engine(&r, "message");
    assert!(messages[0]
        .1
        .as_str()
        .unwrap()
        .starts_with("Access to fetch at "));
    assert!(
        messages[1].1.as_str().unwrap().starts_with(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://"
        ) && messages[1].1.as_str().unwrap().contains(
            "(Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 401."
        ),
        "{messages:?}"
    );
    assert!(messages[2]
        .1
        .as_str()
        .unwrap()
        .contains("due to access control checks"));
    // Each engine's report is in the human output, and none is repeated
    // as "another engine reports".
    let text =
        String::from_utf8_lossy(&cors_check(&with_engine(case("auth-first"), s, "all")).stdout)
            .into_owned();
    for needle in [
        "judged by the rules of Chromium, Firefox and WebKit (Safari)",
        "Chromium: BLOCKED:",
        "Chromium's code: PreflightMissingAllowOriginHeader",
        "Firefox: BLOCKED: the browser refuses the preflight, so the request itself is never sent; the page gets \"TypeError: NetworkError when attempting to fetch resource.\"",
        "Firefox's reason: CORSMissingAllowOrigin",
        "WebKit (Safari): BLOCKED:",
        "\"TypeError: Load failed\"",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert!(!text.contains("Firefox reports:"), "{text}");
    // One engine that is not Chromium: its verdict leads, the others are
    // named as "reports".
    let (_, r) = cors_check_json(&with_engine(case("auth-first"), s, "firefox"));
    assert_eq!(
        (r["engine"].as_str(), r["reason"].as_str()),
        (Some("firefox"), Some("CORSMissingAllowOrigin"))
    );
    assert!(
        r["other_engines"].as_array().unwrap().iter().any(|n| n
            .as_str()
            .unwrap()
            .starts_with("Chromium reports: PreflightMissingAllowOriginHeader")),
        "{r:#}"
    );
    // A redirected preflight (a 307 without CORS headers): Firefox names the
    // missing header, WebKit a failed status.
    let (_, r) = cors_check_json(&with_engine(case("redirect-preflight"), s, "all"));
    assert_eq!(
        per_engine(&r, "reason")
            .into_iter()
            .map(|(_, v)| v)
            .collect::<Vec<_>>(),
        [
            Value::from("PreflightDisallowedRedirect"),
            Value::from("CORSMissingAllowOrigin"),
            Value::from("Preflight response is not successful. Status code: 307"),
        ]
    );
}

#[test]
fn engines_differ_on_authorization_under_a_wildcard_and_on_max_age() {
    let s = Servers::get();
    // `Access-Control-Allow-Headers: *` lets Authorization through in all
    // three; Chromium and Firefox warn, each in its own words, WebKit does not.
    let (exit, r) = cors_check_json(&with_engine(case("permissive-authorization"), s, "all"));
    assert_eq!(exit, 0, "{r:#}");
    assert!(per_engine(&r, "verdict")
        .iter()
        .all(|(_, v)| v == "allowed"));
    assert_eq!(
        per_engine(&r, "warnings")
            .into_iter()
            .map(|(_, v)| v)
            .collect::<Vec<_>>(),
        [
            serde_json::json!(["AuthorizationCoveredByWildcard"]),
            serde_json::json!(["CORSAllowHeaderFromPreflightDeprecation"]),
            serde_json::json!([]),
        ]
    );
    assert!(
        r["other_engines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("WebKit (Safari) is silent")),
        "{r:#}"
    );
    // The preflight cache: each engine's cap, and Firefox's reading of a
    // value that is not digits.
    let cached = |max_age: &str| {
        let args: Vec<String> = [
            format!("{}&max_age={max_age}", Servers::url(s.max_age, "max-age")),
            "--origin".into(),
            s.origin(),
            "-X".into(),
            "PUT".into(),
            "--engine".into(),
            "all".into(),
        ]
        .to_vec();
        let (exit, r) = cors_check_json(&args);
        assert_eq!(exit, 0, "{r:#}");
        per_engine(&r, "preflight_cache_seconds")
            .into_iter()
            .map(|(_, v)| v.as_u64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(cached("86400"), [7200, 86400, 600]);
    assert_eq!(cached("300"), [300, 300, 300]);
    assert_eq!(cached("ten"), [5, 0, 5]);
}

#[test]
fn several_engines_send_each_request_once() {
    let s = Servers::get();
    let args: Vec<String> = [
        Servers::url(s.demo, "engines-once").as_str(),
        "--origin",
        &s.origin(),
        "-X",
        "PUT",
        "-H",
        "X-Requested-With: cors-check",
        "--engine",
        "all",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let (exit, r) = cors_check_json(&args);
    assert_eq!(exit, 0, "{r:#}");
    let seen: Vec<String> = s
        .demo_log
        .snapshot()
        .into_iter()
        .filter(|x| x.query("case") == Some("engines-once"))
        .map(|x| format!("{} {}", x.method, x.origin.unwrap_or_default()))
        .collect();
    let origin = s.origin();
    // The walk (a preflight and the PUT) once; the probes are preflights
    // from other origins.
    assert_eq!(
        seen.iter()
            .filter(|x| **x == format!("OPTIONS {origin}"))
            .count(),
        1,
        "{seen:?}"
    );
    assert_eq!(
        seen.iter().filter(|x| x.starts_with("PUT")).count(),
        1,
        "{seen:?}"
    );
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

#[test]
fn mixed_content_is_named_and_nothing_is_sent() {
    // The host does not resolve: the browser never sends the request, so
    // neither does cors-check (a DNS error would be exit 2).
    let (exit, r) = cors_check_json(&strings(&[
        "http://cors-check-test.invalid/api/data",
        "--origin",
        "https://app.example",
        "--engine",
        "all",
    ]));
    assert_eq!((exit, r["verdict"].as_str()), (1, Some("blocked")), "{r:#}");
    assert_eq!(r["exchanges"].as_array().unwrap().len(), 0, "{r:#}");
    assert_eq!(r["causes"][0]["code"], "mixed-content");
    for e in ["chromium", "firefox", "webkit"] {
        assert_eq!(r["causes"][0]["engines"][e]["effect"], "blocks", "{r:#}");
    }
    assert!(
        r["fix"]
            .as_str()
            .is_some_and(|f| f.contains("https://cors-check-test.invalid/api/data")),
        "{r:#}"
    );
    assert!(finding_codes(&r).contains(&"mixed-content".to_owned()));
    assert!(per_engine(&r, "blocked_by")
        .iter()
        .all(|(_, v)| v[0] == "mixed-content"));
    // Loopback is not mixed content: the request is made.
    let s = Servers::get();
    let (_, r) = cors_check_json(&strings(&[
        &Servers::url(s.permissive, "mixed-loopback"),
        "--origin",
        "https://app.example",
    ]));
    assert!(
        r["causes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["code"] != "mixed-content"),
        "{r:#}"
    );
    assert_eq!(r["actual"]["response"]["status"], 200, "{r:#}");
}

#[test]
fn local_network_access_is_judged_by_the_address_connected_to() {
    let s = Servers::get();
    let url = Servers::url(s.permissive, "lna");
    // A public https page reaching 127.0.0.1: Chromium asks the user,
    // Firefox is rolling out the same prompt, WebKit does not ask (but
    // blocks http loopback from an https page as mixed content).
    let (exit, r) = cors_check_json(&strings(&[
        &url,
        "--origin",
        "https://app.example",
        "--engine",
        "all",
    ]));
    let causes = r["causes"].as_array().expect("causes");
    let named = |code: &str| {
        causes
            .iter()
            .find(|c| c["code"] == code)
            .unwrap_or_else(|| panic!("no {code} cause in {r:#}"))
    };
    let cause = named("local-network-access");
    assert!(
        cause["summary"].as_str().unwrap().contains("127.0.0.1"),
        "{cause}"
    );
    assert_eq!(
        ["chromium", "firefox", "webkit"].map(|e| cause["engines"][e]["effect"].as_str().unwrap()),
        ["asks", "asks", "allows"]
    );
    assert!(cause["fix"]
        .as_str()
        .unwrap()
        .contains("Access-Control-Allow-Private-Network"));
    let mixed = named("mixed-content");
    assert_eq!(
        ["chromium", "firefox", "webkit"].map(|e| mixed["engines"][e]["effect"].as_str().unwrap()),
        ["allows", "allows", "blocks"],
        "{mixed:#}"
    );
    assert_eq!((exit, r["verdict"].as_str()), (1, Some("blocked")), "{r:#}");
    // From a non-secure (http:) public page Chromium blocks it outright.
    let (exit, r) = cors_check_json(&strings(&[&url, "--origin", "http://app.example"]));
    assert_eq!((exit, r["verdict"].as_str()), (1, Some("blocked")), "{r:#}");
    assert_eq!(r["engines"][0]["blocked_by"][0], "local-network-access");
    assert_eq!(r["engines"][0]["cors_verdict"], "allowed");
    let text = String::from_utf8_lossy(
        &cors_check(&strings(&[&url, "--origin", "http://app.example"])).stdout,
    )
    .into_owned();
    assert!(
        text.contains("BLOCKED before CORS: local-network-access"),
        "{text}"
    );
    // A loopback page reaching loopback: nothing to ask.
    let (_, r) = cors_check_json(&case("permissive-put-json").args(s));
    assert_eq!(r["causes"], serde_json::json!([]), "{r:#}");
}

/// `--credentials` from `page` to the cookie server, `--engine all`.
fn cookie_report(page: &str, name: &str, extra: &[&str]) -> (i32, Value) {
    let s = Servers::get();
    let mut args = strings(&[
        &Servers::url(s.cookies, name),
        "--origin",
        page,
        "--credentials",
        "--engine",
        "all",
    ]);
    args.extend(strings(extra));
    cors_check_json(&args)
}

fn cookie_sent(r: &Value, cookie: usize) -> Vec<String> {
    ["chromium", "firefox", "webkit"]
        .iter()
        .map(|e| {
            r["cookies"]["cookies"][cookie]["engines"][e]["sent"]
                .as_str()
                .unwrap_or("?")
                .to_owned()
        })
        .collect()
}

#[test]
fn cookies_that_will_not_be_sent_are_named_per_engine() {
    let s = Servers::get();
    // Same site (127.0.0.1 on two ports): the response's cookie is sent.
    let (exit, r) = cookie_report(&s.origin(), "cookie-same", &[]);
    assert!(
        r["cookies"]["context"]
            .as_str()
            .unwrap()
            .contains("same site"),
        "{r:#}"
    );
    assert_eq!(r["cookies"]["cookies"][0]["set_cookie"], "sid=1; Path=/");
    assert_eq!(cookie_sent(&r, 0), ["yes", "yes", "yes"]);
    // (The server echoes any origin with credentials: that is its finding.)
    assert_eq!(finding_codes(&r), ["reflects-any-origin"], "{r:#}");
    assert_eq!(exit, 1);
    // Cross site (a page on localhost): Chromium's Lax default keeps it,
    // Firefox partitions it, WebKit blocks third-party cookies.
    let page = format!("http://localhost:{}", s.web.port());
    let (exit, r) = cookie_report(&page, "cookie-cross", &[]);
    assert!(
        r["cookies"]["context"]
            .as_str()
            .unwrap()
            .contains("different sites"),
        "{r:#}"
    );
    assert_eq!(cookie_sent(&r, 0), ["no", "if", "no"]);
    assert!(finding_codes(&r).contains(&"cookie-not-sent".to_owned()));
    assert_eq!(exit, 1);
    // A line given with --set-cookie is judged too.
    let (_, r) = cookie_report(
        &page,
        "cookie-given",
        &[
            "--set-cookie",
            "token=x; SameSite=None; Secure; Partitioned",
        ],
    );
    assert_eq!(r["cookies"]["cookies"][0]["name"], "token");
    assert_eq!(cookie_sent(&r, 0), ["if", "if", "no"]);
    let text = String::from_utf8_lossy(
        &cors_check(&strings(&[
            &Servers::url(s.cookies, "cookie-text"),
            "--origin",
            &page,
            "--credentials",
        ]))
        .stdout,
    )
    .into_owned();
    for needle in [
        "Before CORS",
        "Set-Cookie: sid=1; Path=/",
        "Chromium: not sent: without SameSite, Chromium treats it as SameSite=Lax",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
}

#[test]
fn cookie_verdicts_agree_with_headless_chromium() {
    let Some(exe) = installed::chromium("cookie_verdicts_agree_with_headless_chromium") else {
        return;
    };
    let s = Servers::get();
    let browser = cdp::Chromium::launch(&exe, chromium::STEP).expect("Chromium starts");
    for (name, page) in [
        ("chromium-cookie-same", s.origin()),
        (
            "chromium-cookie-cross",
            format!("http://localhost:{}", s.web.port()),
        ),
    ] {
        let (_, r) = cookie_report(&page, name, &[]);
        let ours = cookie_sent(&r, 0)[0] == "yes";
        // The page's first credentialed fetch gets the cookie, the second
        // carries it back or not (one tab: one cookie jar).
        let url = Servers::url(s.cookies, name);
        let results = chromium::fetch_in_turn(
            &browser,
            &page,
            &[format!("{url}&round=set"), format!("{url}&round=back")],
        )
        .unwrap_or_else(|e| panic!("{name}: {e}\n{}", browser.log_tail()));
        assert!(results.iter().all(|ok| *ok), "{name}: {results:?}");
        let back = s
            .cookies_seen
            .snapshot()
            .into_iter()
            .find(|(_, uri, _)| uri.contains(&format!("case={name}&round=back")))
            .expect("the second request arrived");
        let theirs = back.2.iter().any(|n| n == "cookie");
        assert_eq!(
            ours, theirs,
            "{name}: cors-check says sent={ours}, Chromium sent={theirs}"
        );
    }
}
