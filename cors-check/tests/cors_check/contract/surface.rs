//! `cors-check --policy` beyond CORS: forged writes (with `--send 'POST
//! PATH'`), WebSocket handshakes (with `--websocket`), resource isolation
//! and `Timing-Allow-Origin`, each held to the policy, against tower-cors
//! apps with each setting on and off, and one line per setting in the
//! report.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use serde_json::Value;

use super::surface_app::App;
use super::{failures, policy_file, run};
use crate::cases::cors_check;
use crate::servers::Servers;

/// The policy of these checks: the page origin, plus `extra` settings.
fn table(s: &Servers, extra: &str) -> String {
    format!(
        "[cors]\nallow_origins = [\"{}\"]\nallow_methods = [\"GET\", \"POST\"]\n{extra}",
        s.origin()
    )
}

/// The report's line for `setting`: (result, detail).
fn line(r: &Value, setting: &str) -> (String, String) {
    let l = r["surface"]
        .as_array()
        .and_then(|a| a.iter().find(|l| l["setting"] == setting))
        .unwrap_or_else(|| panic!("no {setting} line in {r:#}"));
    (
        l["result"].as_str().unwrap_or_default().to_owned(),
        l["detail"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The rows of one kind: (origin, description, expected, got, result).
fn rows(r: &Value, kind: &str) -> Vec<(String, String, String, String, String)> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    r["expectations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["kind"] == kind)
        .map(|e| {
            (
                s(&e["origin"]),
                s(&e["description"]),
                s(&e["expected"]),
                s(&e["got"]),
                s(&e["result"]),
            )
        })
        .collect()
}

#[test]
fn forged_writes_reach_the_app_only_from_allowed_origins_when_the_guard_is_on() {
    let s = Servers::get();
    let web = s.origin();
    let app = App::start(&table(s, ""));
    let send = ["--send", "POST /api/items"];
    let (exit, r) = run("guard-on", &table(s, ""), &[app.url("/api/data")], &send);
    assert_eq!((exit, failures(&r)), (0, BTreeSet::new()), "{r:#}");
    let writes = rows(&r, "write");
    let origins: BTreeSet<&str> = writes.iter().map(|w| w.0.as_str()).collect();
    for o in [web.as_str(), "http://cors-check-probe.example", "null"] {
        assert!(origins.contains(o), "{o} not in {origins:?}");
    }
    assert_eq!(writes.len(), 2 * origins.len(), "{writes:#?}");
    for (origin, description, expected, got, result) in &writes {
        let want = if origin == &web {
            "reaches the app"
        } else {
            "refused"
        };
        assert_eq!(
            (expected.as_str(), got.as_str()),
            (want, want),
            "{origin} {description}"
        );
        assert_eq!(result, "pass");
    }
    assert!(writes.iter().any(|w| w.1 == "form POST /api/items"));
    assert!(writes
        .iter()
        .any(|w| w.1 == "no-cors POST /api/items (text/plain)"));
    // The --send POST itself, and the allowed origin's form and no-cors post.
    assert_eq!(app.seen.posts.load(Ordering::SeqCst), 1 + 2);
    assert_eq!(line(&r, "write guard").0, "conforms", "{r:#}");

    // The same app held to a policy that does not guard writes: it refuses
    // what that policy lets through.
    let (exit, r) = run(
        "guard-off-policy",
        &table(s, "guard_writes = false\n"),
        &[app.url("/api/data")],
        &send,
    );
    assert_eq!(exit, 1, "{r:#}");
    let f = failures(&r);
    assert!(
        f.contains("fail write http://cors-check-probe.example form POST /api/items"),
        "{f:#?}"
    );
    assert!(f.iter().all(|x| x.starts_with("fail write ")), "{f:#?}");
    assert_eq!(r["allows_less"].as_u64(), Some(f.len() as u64), "{r:#}");
    let (result, detail) = line(&r, "write guard");
    assert_eq!(result, "does not conform");
    assert!(
        detail.contains("request(s) it lets through were refused"),
        "{detail}"
    );
    assert!(
        detail.contains("the policy does not guard writes"),
        "{detail}"
    );
}

#[test]
fn without_the_guard_each_forged_write_is_named_and_none_is_sent_without_send() {
    let s = Servers::get();
    let web = s.origin();
    let app = App::start(&table(s, "guard_writes = false\n"));
    // No --send: nothing but GET, HEAD and preflights, so no write.
    let (exit, r) = run("no-send", &table(s, ""), &[app.url("/api/data")], &[]);
    assert_eq!((exit, failures(&r)), (0, BTreeSet::new()), "{r:#}");
    assert_eq!(app.seen.posts.load(Ordering::SeqCst), 0);
    let (result, detail) = line(&r, "write guard");
    assert_eq!(result, "not checked");
    assert!(detail.contains("no --send 'POST PATH'"), "{detail}");

    let (exit, r) = run(
        "guard-off-app",
        &table(s, ""),
        &[app.url("/api/data")],
        &["--send", "POST /api/items"],
    );
    assert_eq!(exit, 1, "{r:#}");
    let writes = rows(&r, "write");
    let strangers = writes.iter().filter(|w| w.0 != web).count();
    let f = failures(&r);
    assert_eq!(f.len(), strangers, "{f:#?}");
    assert!(f.contains("fail write null form POST /api/items"), "{f:#?}");
    assert!(
        f.contains(
            "fail write http://cors-check-probe.example no-cors POST /api/items (text/plain)"
        ),
        "{f:#?}"
    );
    assert_eq!(r["allows_more"].as_u64(), Some(strangers as u64));
    // Every forged write reached the handler, and the --send POST.
    assert_eq!(app.seen.posts.load(Ordering::SeqCst), 1 + writes.len());
    let hole = r["expectations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "write" && e["result"] == "fail")
        .unwrap();
    assert!(
        hole["message"]
            .as_str()
            .unwrap_or_default()
            .contains("cross-site request forgery"),
        "{hole:#}"
    );
    assert_eq!(hole["request"]["sent"], "request");
    let (result, detail) = line(&r, "write guard");
    assert_eq!(result, "does not conform");
    assert!(
        detail.starts_with(&format!(
            "{strangers} request(s) the policy refuses got through"
        )),
        "{detail}"
    );
}

#[test]
fn a_server_that_upgrades_any_websocket_is_reported_and_each_socket_closed_at_once() {
    let s = Servers::get();
    let web = s.origin();
    let open = App::start(&table(s, "guard_writes = false\n"));
    let (exit, r) = run(
        "ws-open",
        &table(s, ""),
        &[open.url("/api/data")],
        &["--websocket", "/ws"],
    );
    assert_eq!(exit, 1, "{r:#}");
    let sockets = rows(&r, "websocket");
    assert!(sockets.len() >= 3, "{sockets:#?}");
    for (origin, description, expected, got, result) in &sockets {
        assert_eq!(
            (description.as_str(), got.as_str()),
            ("WebSocket /ws", "accepted")
        );
        let want = if origin == &web {
            ("not refused", "pass")
        } else {
            ("refused", "fail")
        };
        assert_eq!((expected.as_str(), result.as_str()), want, "{origin}");
    }
    let hole = r["expectations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "websocket" && e["result"] == "fail")
        .unwrap();
    let message = hole["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("cross-site WebSocket hijacking"),
        "{message}"
    );
    assert!(
        message.contains("cors-check closed the socket at once"),
        "{message}"
    );
    assert_eq!(
        (hole["status"].as_u64(), hole["request"]["sent"].as_str()),
        (Some(101), Some("handshake"))
    );
    // Each upgraded socket got a close frame (masked, 1000) and nothing
    // else, and was closed.
    assert_eq!(open.seen.upgraded.load(Ordering::SeqCst), sockets.len());
    let closed = open.closed_sockets();
    assert_eq!(closed.len(), sockets.len());
    for (bytes, eof) in &closed {
        assert!(*eof, "a socket left open");
        assert_eq!(
            (bytes.len(), bytes[..2].to_vec()),
            (8, vec![0x88, 0x82]),
            "{bytes:?}"
        );
        let status = u16::from_be_bytes([bytes[6] ^ bytes[2], bytes[7] ^ bytes[3]]);
        assert_eq!(status, 1000);
    }
    assert_eq!(line(&r, "write guard").0, "does not conform");

    // Behind the guard: only the allowed origin's handshake is upgraded.
    let guarded = App::start(&table(s, ""));
    let (exit, r) = run(
        "ws-guarded",
        &table(s, ""),
        &[guarded.url("/api/data")],
        &["--websocket", "/ws"],
    );
    assert_eq!((exit, failures(&r)), (0, BTreeSet::new()), "{r:#}");
    assert_eq!(guarded.seen.upgraded.load(Ordering::SeqCst), 1);
    assert_eq!(guarded.closed_sockets().len(), 1);
    assert!(rows(&r, "websocket")
        .iter()
        .all(|w| w.3 == if w.0 == web { "accepted" } else { "refused" }));
    assert_eq!(line(&r, "write guard").0, "conforms");

    // No socket there: said so, not a failure.
    let (exit, r) = run(
        "ws-none",
        &table(s, ""),
        &[open.url("/api/data")],
        &["--websocket", "/nowhere"],
    );
    assert_eq!((exit, failures(&r).len()), (0, sockets.len()), "{r:#}");
    assert!(rows(&r, "websocket")
        .iter()
        .all(|w| (w.3.as_str(), w.4.as_str()) == ("no WebSocket here", "skipped")));
    let (result, detail) = line(&r, "write guard");
    assert_eq!(result, "not checked");
    assert!(
        detail.starts_with("no WebSocket at /nowhere: the server answered 404"),
        "{detail}"
    );
    // The table says the same: each row skipped, saying why.
    let path = policy_file("ws-none-table", &table(s, ""));
    let out = cors_check(&[
        "--policy".into(),
        path.display().to_string(),
        open.url("/api/data"),
        "--websocket".into(),
        "/nowhere".into(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("  skip    http://cors-check-probe.example"),
        "{text}"
    );
    assert!(
        text.contains("        no WebSocket at /nowhere: the server answered 404"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{} not applicable", sockets.len())),
        "{text}"
    );
}

#[test]
fn isolation_and_timing_allow_origin_are_held_to_the_policy() {
    let s = Servers::get();
    let web = s.origin();
    let both = "isolate_resources = true\ntiming_allow_origin = true\n";
    let on = App::start(&table(s, both));
    let off = App::start(&table(s, ""));

    let (exit, r) = run("iso-on", &table(s, both), &[on.url("/api/data")], &[]);
    assert_eq!((exit, failures(&r)), (0, BTreeSet::new()), "{r:#}");
    let loads: Vec<(String, String)> = rows(&r, "isolation")
        .into_iter()
        .map(|l| (l.1, l.3))
        .collect();
    assert_eq!(
        loads,
        [
            ("<script> GET".to_owned(), "refused".to_owned()),
            ("<img> GET".into(), "refused".into()),
            ("link GET (navigation)".into(), "reaches the app".into()),
        ]
    );
    assert_eq!(line(&r, "resource isolation").0, "conforms");
    assert_eq!(line(&r, "Timing-Allow-Origin").0, "conforms");
    let timing = &rows(&r, "timing")[0];
    assert_eq!(
        (timing.3.as_str(), timing.4.as_str()),
        ("as the policy says", "pass")
    );

    // The policy isolates and times; the app does neither.
    let (exit, r) = run("iso-off-app", &table(s, both), &[off.url("/api/data")], &[]);
    assert_eq!(exit, 1, "{r:#}");
    let f = failures(&r);
    let stranger = "http://cors-check-probe.example";
    assert!(
        f.contains(&format!("fail isolation {stranger} <script> GET")),
        "{f:#?}"
    );
    assert!(
        f.contains(&format!("fail isolation {stranger} <img> GET")),
        "{f:#?}"
    );
    assert!(f.contains("fail timing - GET"), "{f:#?}");
    assert_eq!(f.len(), 3, "{f:#?}");
    let timing = r["expectations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "timing")
        .unwrap();
    let message = timing["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!("{web}: expected '{web}', got none")),
        "{message}"
    );
    assert_eq!(line(&r, "resource isolation").0, "does not conform");
    assert_eq!(line(&r, "Timing-Allow-Origin").0, "does not conform");

    // Neither in the policy: neither checked, and no probe sent.
    let (exit, r) = run("iso-off", &table(s, ""), &[off.url("/api/data")], &[]);
    assert_eq!((exit, failures(&r)), (0, BTreeSet::new()), "{r:#}");
    assert!(rows(&r, "isolation").is_empty() && rows(&r, "timing").is_empty());
    assert_eq!(
        line(&r, "resource isolation"),
        (
            "not checked".into(),
            "isolate_resources is off in the policy".into()
        )
    );
    assert_eq!(
        line(&r, "Timing-Allow-Origin"),
        (
            "not checked".into(),
            "timing_allow_origin is off in the policy".into()
        )
    );
}
