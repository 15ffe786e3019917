//! What blocks a request before CORS: mixed content and Local Network
//! Access, named as causes with each engine's effect.

use crate::cases::{cors_check, cors_check_json};
use crate::servers::Servers;
use crate::{case, finding_codes, per_engine, strings};

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
