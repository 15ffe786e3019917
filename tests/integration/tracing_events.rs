//! Feature `tracing`: one `debug` event on target `tower_cors` per refusal,
//! with the reason, the origin and the offending method or header; nothing at
//! info or above; nothing for allowed requests.

use http::header::{COOKIE, ORIGIN};
use tracing::Level;

use crate::support::*;

#[tokio::test]
async fn one_debug_event_per_refusal() {
    let capture = Capture::start();
    let policy = policy(|b| {
        b.allow_origins(["https://app.example.com"])
            .allow_methods(["PUT"])
            .allow_headers(["content-type"])
    });
    let inner = Recorder::new();

    // Allowed requests say nothing.
    for req in [
        preflight("https://app.example.com", "PUT", "content-type"),
        get_from("https://app.example.com"),
        request("GET", &[]),
    ] {
        send(&policy, &inner, req).await;
    }
    assert!(capture.events().is_empty(), "{:?}", capture.events());

    // Each refusal: exactly one event with the details.
    for req in [
        preflight("https://evil.example", "PUT", ""),
        preflight("https://app.example.com", "patch", ""),
        preflight("https://app.example.com", "PUT", "content-type,x-secret"),
        get_from("https://evil.example"),
        request(
            "GET",
            &[(ORIGIN, "https://app.example.com"), (COOKIE, "session=1")],
        ),
    ] {
        send(&policy, &inner, req).await;
    }

    let events = capture.events();
    assert_eq!(events.len(), 5, "{events:#?}");
    for e in &events {
        assert_eq!(e.level, Level::DEBUG);
        assert_eq!(e.target, "tower_cors");
        assert!(e.fields.contains_key("message"));
        assert!(e.fields.contains_key("fix"));
    }
    let f = |i: usize, k: &str| events[i].fields.get(k).cloned();
    assert_eq!(f(0, "reason").as_deref(), Some("origin-not-allowed"));
    assert_eq!(f(0, "origin").as_deref(), Some("https://evil.example"));
    assert_eq!(f(0, "preflight").as_deref(), Some("true"));
    assert_eq!(f(1, "reason").as_deref(), Some("method-not-allowed"));
    assert_eq!(f(1, "method").as_deref(), Some("patch"));
    assert!(f(1, "fix").unwrap().contains("\"PATCH\""));
    assert_eq!(f(2, "reason").as_deref(), Some("header-not-allowed"));
    assert_eq!(f(2, "header").as_deref(), Some("x-secret"));
    assert_eq!(f(3, "reason").as_deref(), Some("origin-not-allowed"));
    assert_eq!(f(3, "preflight").as_deref(), Some("false"));
    assert_eq!(f(4, "reason").as_deref(), Some("credentials-not-allowed"));
}

/// A listening subscriber makes the layer look for the credentials mismatch,
/// but only the development explain mode may put it in a response header.
#[tokio::test]
async fn a_subscriber_never_changes_the_response() {
    let capture = Capture::start();
    let policy = policy(|b| b.allow_origins(["https://app.example.com"]));
    let cookie = request(
        "GET",
        &[(ORIGIN, "https://app.example.com"), (COOKIE, "session=1")],
    );
    let res = send(&policy, &Recorder::new(), cookie).await;
    assert_eq!(capture.events().len(), 1, "{:?}", capture.events());
    assert!(
        res.headers().get(&tower_cors::EXPLANATION_HEADER).is_none(),
        "{:?}",
        res.headers()
    );
}

/// A refused malformed method is reported with the value that was sent.
#[tokio::test]
async fn a_malformed_method_is_reported_with_its_value() {
    let capture = Capture::start();
    let policy = policy(|b| b.allow_origins(["https://app.example.com"]));
    send(
        &policy,
        &Recorder::new(),
        preflight("https://app.example.com", "PU T", ""),
    )
    .await;
    let events = capture.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        events[0].fields.get("reason").map(String::as_str),
        Some("method-malformed")
    );
    assert_eq!(
        events[0].fields.get("method").map(String::as_str),
        Some("PU T")
    );
}

#[tokio::test]
async fn a_refused_write_is_reported_with_its_fetch_site() {
    let capture = Capture::start();
    let policy = policy(|b| {
        b.allow_origins(["https://app.example.com"])
            .allow_credentials(true)
    });
    let site = http::HeaderName::from_static("sec-fetch-site");
    let forged = request(
        "POST",
        &[(ORIGIN, "https://evil.example"), (site, "cross-site")],
    );
    send(&policy, &Recorder::new(), forged).await;
    let events = capture.events();
    assert_eq!(events.len(), 1, "{events:?}");
    let field = |name: &str| events[0].fields.get(name).map(String::as_str);
    assert_eq!(events[0].level, Level::DEBUG);
    assert_eq!(field("reason"), Some("cross-origin-write"));
    assert_eq!(field("origin"), Some("https://evil.example"));
    assert_eq!(field("fetch_site"), Some("cross-site"));
    assert!(field("fix").is_some_and(|f| f.contains("exempt_from_write_guard")));
}

#[tokio::test]
async fn nothing_at_info_or_above() {
    let capture = Capture::start();
    let policy = policy(|b| b.allow_origins(["https://app.example.com"]));
    let inner = Recorder::new();
    send(
        &policy,
        &inner,
        preflight("https://evil.example", "PUT", ""),
    )
    .await;
    send(
        &policy,
        &inner,
        preflight("https://app.example.com", "DELETE", ""),
    )
    .await;
    let events = capture.events();
    // Both refusals were seen, and only more verbosely than info (in
    // `tracing`, a more verbose level compares greater).
    assert_eq!(events.len(), 2, "{events:#?}");
    assert!(events.iter().all(|e| e.level > Level::INFO), "{events:#?}");
}

#[tokio::test]
async fn a_report_only_refusal_is_one_event_that_says_so() {
    let capture = Capture::start();
    let site = http::HeaderName::from_static("sec-fetch-site");
    let forged = || {
        request(
            "POST",
            &[
                (ORIGIN, "https://evil.example"),
                (site.clone(), "cross-site"),
            ],
        )
    };
    let reporting = policy(|b| {
        b.allow_origins(["https://app.example.com"])
            .guard_report_only(true)
    });
    let service = Recorder::new();
    let res = send(&reporting, &service, forged()).await;
    assert_eq!(
        res.status(),
        http::StatusCode::OK,
        "report-only lets it through"
    );
    assert_eq!(service.calls(), 1);
    let events = capture.events();
    assert_eq!(events.len(), 1, "{events:?}");
    let field = |name: &str| events[0].fields.get(name).map(String::as_str);
    assert_eq!(events[0].level, Level::DEBUG);
    assert_eq!(field("reason"), Some("cross-origin-write"));
    assert_eq!(field("report_only"), Some("true"));
    assert!(field("message").is_some_and(|m| m.contains("would refuse (report-only)")));

    // The same request under the enforcing guard: one event, not report-only.
    let enforcing = policy(|b| b.allow_origins(["https://app.example.com"]));
    let res = send(&enforcing, &Recorder::new(), forged()).await;
    assert_eq!(res.status(), http::StatusCode::FORBIDDEN);
    let events = capture.events();
    assert_eq!(events.len(), 2, "{events:?}");
    let field = |name: &str| events[1].fields.get(name).map(String::as_str);
    assert_eq!(field("report_only"), Some("false"));
    assert!(field("message").is_some_and(|m| m.contains("CORS refused")));
}

#[tokio::test]
async fn a_refused_websocket_handshake_is_reported() {
    let capture = Capture::start();
    let policy = policy(|b| b.allow_origins(["https://app.example.com"]));
    let handshake = request(
        "GET",
        &[
            (ORIGIN, "https://evil.example"),
            (
                http::HeaderName::from_static("sec-fetch-site"),
                "cross-site",
            ),
            (http::header::UPGRADE, "websocket"),
        ],
    );
    let service = Recorder::new();
    let res = send(&policy, &service, handshake).await;
    assert_eq!(res.status(), http::StatusCode::FORBIDDEN);
    assert_eq!(service.calls(), 0);
    let events = capture.events();
    assert_eq!(events.len(), 1, "{events:?}");
    let field = |name: &str| events[0].fields.get(name).map(String::as_str);
    assert_eq!(field("reason"), Some("cross-origin-websocket"));
    assert_eq!(field("origin"), Some("https://evil.example"));
}
