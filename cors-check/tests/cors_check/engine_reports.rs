//! `--engine`: each engine's own verdict, reason, console message, warnings
//! and preflight cache in the report, and each request sent once however
//! many engines judge it.

use serde_json::Value;

use crate::cases::{cors_check, cors_check_json, Case};
use crate::servers::Servers;
use crate::{case, per_engine};

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
