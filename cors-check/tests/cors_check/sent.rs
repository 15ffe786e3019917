//! What `cors-check` sends: the walk's requests as a browser builds them,
//! and probes without credentials or the script's headers.

use crate::cases::{cors_check, cors_check_json};
use crate::servers::Servers;

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
