//! The write guard: cross-origin writes (unsafe methods) from origins the
//! policy does not allow never reach the service, while the policy's own
//! origins, same-origin pages, non-browser clients and exempt endpoints
//! write as before.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use http::header::{HeaderName, HOST, ORIGIN};
use http::{Request, StatusCode};
use tower::{Layer, ServiceExt};
use tower_cors::{
    CorsConfig, CorsLayer, CorsPolicy, Decision, Explanation, RefusalReason, WarningKind,
    EXPLANATION_HEADER,
};

use crate::support::*;

const EVIL: &str = "https://evil.example";
const SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

fn guarded() -> CorsPolicy {
    policy(|b| b.allow_origins([FRONT]).allow_credentials(true))
}

/// Sends `req` through the layer; the answer and whether the handler ran.
async fn through(policy: &CorsPolicy, req: Request<String>) -> (StatusCode, bool) {
    let inner = Recorder::new();
    let res = send(policy, &inner, req).await;
    (res.status(), inner.calls() == 1)
}

#[test]
fn on_by_default_for_listed_origins_and_off_for_any() {
    assert!(guarded().guards_writes());
    // Without credentials too: the browser attaches cookies to a forged
    // write whatever Access-Control-Allow-Credentials says.
    assert!(policy(|b| b.allow_origins([FRONT])).guards_writes());
    assert!(policy(|b| b.allow_origin_predicate(|_, _| false)).guards_writes());
    assert!(!policy(|b| b.allow_origins(["*"])).guards_writes());
    assert!(policy(|b| b.allow_origins([FRONT]).guard_writes(true)).guards_writes());
    for credentials in [true, false] {
        let off = policy(|b| {
            b.allow_origins([FRONT])
                .allow_credentials(credentials)
                .guard_writes(false)
        });
        assert!(!off.guards_writes());
        let kinds: Vec<_> = off.warnings().iter().map(|w| w.kind()).collect();
        assert_eq!(kinds, [WarningKind::WriteGuardOffWithListedOrigins]);
        let text = off.warnings()[0].to_string();
        assert!(text.starts_with("guard_writes \"false\": "), "{text}");
        assert!(text.contains("whatever allow_credentials says"), "{text}");
    }
    // `*` with the guard off says nothing: there is nothing to guard.
    let star_off = policy(|b| b.allow_origins(["*"]).guard_writes(false));
    assert!(star_off.warnings().is_empty());
    let star = policy(|b| b.allow_origins(["*"]).guard_writes(true));
    let kinds: Vec<_> = star.warnings().iter().map(|w| w.kind()).collect();
    assert_eq!(kinds, [WarningKind::WriteGuardAllowsEveryOrigin]);
}

#[tokio::test]
async fn the_three_forged_requests_never_reach_the_handler() {
    let p = guarded();
    // A form POST, a no-cors fetch() and a text/plain cors-mode POST all
    // arrive as a POST with the attacker's Origin, cookies included.
    for (site, content_type) in [
        ("cross-site", "application/x-www-form-urlencoded"),
        ("cross-site", "text/plain;charset=UTF-8"),
        ("same-site", "multipart/form-data; boundary=x"),
    ] {
        let req = request(
            "POST",
            &[
                (ORIGIN, EVIL),
                (SITE, site),
                (http::header::COOKIE, "session=1"),
                (http::header::CONTENT_TYPE, content_type),
            ],
        );
        assert_eq!(
            through(&p, req).await,
            (StatusCode::FORBIDDEN, false),
            "{site} {content_type}"
        );
    }
    for method in ["PUT", "PATCH", "DELETE", "patch"] {
        let req = request(method, &[(ORIGIN, EVIL), (SITE, "cross-site")]);
        assert_eq!(
            through(&p, req).await,
            (StatusCode::FORBIDDEN, false),
            "{method}"
        );
    }
}

#[tokio::test]
async fn allowed_origins_same_origin_pages_and_other_clients_still_write() {
    let p = guarded();
    let cases: [(&str, &[(HeaderName, &str)]); 7] = [
        ("allowed origin", &[(ORIGIN, FRONT), (SITE, "cross-site")]),
        ("same-origin page", &[(ORIGIN, EVIL), (SITE, "same-origin")]),
        ("typed by the user", &[(SITE, "none")]),
        ("curl", &[]),
        ("server-to-server with Host", &[(HOST, "api.example.com")]),
        (
            "an older browser on the server's own origin",
            &[
                (ORIGIN, "https://api.example.com"),
                (HOST, "api.example.com"),
            ],
        ),
        ("allowed origin, older browser", &[(ORIGIN, FRONT)]),
    ];
    for (what, headers) in cases {
        let req = request("POST", headers);
        assert_eq!(through(&p, req).await, (StatusCode::OK, true), "{what}");
    }
}

#[tokio::test]
async fn reads_are_never_guarded() {
    let p = guarded();
    for method in ["GET", "HEAD", "OPTIONS"] {
        let req = request(method, &[(ORIGIN, EVIL), (SITE, "cross-site")]);
        assert_eq!(through(&p, req).await, (StatusCode::OK, true), "{method}");
    }
    // A preflight from a disallowed origin is refused as before, by CORS.
    let pre = preflight(EVIL, "PUT", "");
    assert_eq!(through(&p, pre).await, (StatusCode::FORBIDDEN, false));
}

#[tokio::test]
async fn older_browsers_are_judged_by_the_servers_own_origin() {
    let p = guarded();
    let refused = [
        &[(ORIGIN, EVIL), (HOST, "api.example.com")][..],
        &[
            (ORIGIN, "https://api.example.com.evil.example"),
            (HOST, "api.example.com"),
        ],
        &[(ORIGIN, "null"), (HOST, "api.example.com")],
        &[(ORIGIN, "https://api.example.com")], // no Host to compare with
    ];
    for headers in refused {
        let req = request("POST", headers);
        assert_eq!(
            through(&p, req).await,
            (StatusCode::FORBIDDEN, false),
            "{headers:?}"
        );
    }
    // HTTP/2: the authority and scheme are in the URI.
    let mut h2 = request("POST", &[(ORIGIN, "https://api.example.com")]);
    *h2.uri_mut() = "https://api.example.com/api/data".parse().unwrap();
    assert_eq!(through(&p, h2).await, (StatusCode::OK, true));
    let mut h2 = request("POST", &[(ORIGIN, "https://api.example.com")]);
    *h2.uri_mut() = "http://api.example.com/api/data".parse().unwrap();
    assert_eq!(through(&p, h2).await, (StatusCode::FORBIDDEN, false));
}

#[tokio::test]
async fn exempt_endpoints_take_writes_from_anywhere() {
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .allow_credentials(true)
            .exempt_from_write_guard(|head| head.uri.path() == "/oauth/callback")
    });
    let from_idp = || {
        request(
            "POST",
            &[(ORIGIN, "https://login.idp.example"), (SITE, "cross-site")],
        )
    };
    assert_eq!(
        through(&p, at("/oauth/callback", from_idp())).await,
        (StatusCode::OK, true)
    );
    assert_eq!(
        through(&p, at("/oauth/callback/../x", from_idp())).await,
        (StatusCode::FORBIDDEN, false)
    );
    assert_eq!(
        through(&p, at("/api/data", from_idp())).await,
        (StatusCode::FORBIDDEN, false)
    );
    // The exemption is asked only about writes the guard would refuse.
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let p = policy(move |b| {
        b.allow_origins([FRONT])
            .allow_credentials(true)
            .exempt_from_write_guard(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
                false
            })
    });
    let allowed = request("POST", &[(ORIGIN, FRONT), (SITE, "cross-site")]);
    assert_eq!(through(&p, allowed).await, (StatusCode::OK, true));
    let read = request("GET", &[(ORIGIN, EVIL), (SITE, "cross-site")]);
    assert_eq!(through(&p, read).await, (StatusCode::OK, true));
    assert_eq!(asked.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn predicates_allow_writers_as_they_allow_readers() {
    let p = policy(|b| {
        b.allow_credentials(true)
            .dangerously_allow_origin_predicate_with_credentials(|origin, _| {
                origin.as_bytes().ends_with(b".tenant.example")
            })
    });
    let tenant = request(
        "POST",
        &[(ORIGIN, "https://a.tenant.example"), (SITE, "cross-site")],
    );
    assert_eq!(through(&p, tenant).await, (StatusCode::OK, true));
    let other = request("POST", &[(ORIGIN, EVIL), (SITE, "cross-site")]);
    assert_eq!(through(&p, other).await, (StatusCode::FORBIDDEN, false));
}

/// With an async predicate, a write waits for the lookup before the
/// handler sees it: an origin the lookup refuses never reaches it.
#[tokio::test]
async fn writes_wait_for_the_async_lookup() {
    let lookups = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&lookups);
    let p = policy(move |b| {
        b.allow_credentials(true)
            .dangerously_allow_origin_predicate_async_with_credentials(move |origin, _| {
                counter.fetch_add(1, Ordering::SeqCst);
                let known = origin.as_bytes() == b"https://a.tenant.example";
                async move {
                    tokio::task::yield_now().await;
                    known
                }
            })
    });
    let tenant = request(
        "POST",
        &[(ORIGIN, "https://a.tenant.example"), (SITE, "cross-site")],
    );
    let inner = Recorder::new();
    let res = send(&p, &inner, tenant).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(inner.calls(), 1);
    assert_eq!(
        one(&res, &http::header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some("https://a.tenant.example")
    );

    let other = request("POST", &[(ORIGIN, EVIL), (SITE, "cross-site")]);
    let inner = Recorder::new();
    let res = send(&p, &inner, other).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        inner.calls(),
        0,
        "the handler ran before the lookup refused"
    );
    assert_eq!(lookups.load(Ordering::SeqCst), 2);

    // The decision without the layer says the same.
    let (parts, _) = request("POST", &[(ORIGIN, EVIL), (SITE, "cross-site")]).into_parts();
    assert!(matches!(
        p.evaluate_async(&parts).await,
        Decision::WriteRefused(_)
    ));
}

#[tokio::test]
async fn the_refusal_says_why_and_how_to_fix_it() {
    let req = request("POST", &[(ORIGIN, EVIL), (SITE, "cross-site")]);
    let p = guarded();
    let decision = p.evaluate_request(&req);
    let refusal = decision.refusal().expect("refused");
    assert_eq!(refusal.reason(), RefusalReason::CrossOriginWrite);
    assert_eq!(refusal.reason().as_str(), "cross-origin-write");
    assert_eq!(refusal.fetch_site().unwrap(), "cross-site");
    let text = refusal.to_string();
    assert!(text.contains("\"https://evil.example\""), "{text}");
    assert!(text.contains("Sec-Fetch-Site: cross-site"), "{text}");
    let hint = refusal.hint();
    assert!(hint.contains("allow_origins"), "{hint}");
    assert!(hint.contains("exempt_from_write_guard"), "{hint}");
    let Decision::WriteRefused(answer) = &decision else {
        panic!("{decision:?}")
    };
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        answer.headers()[http::header::VARY],
        "origin, sec-fetch-site"
    );

    // Explain mode names it in the answer.
    let explained = policy(|b| {
        b.allow_origins([FRONT])
            .allow_credentials(true)
            .dangerously_explain_refusals(true)
    });
    let inner = Recorder::new();
    let res = send(&explained, &inner, req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_no_cors_headers(&res);
    let read = Explanation::parse(&res.headers()[&EXPLANATION_HEADER]).expect("an explanation");
    assert_eq!(read.reason(), Some(RefusalReason::CrossOriginWrite));
}

#[tokio::test]
async fn hostile_fetch_metadata_gets_a_defined_answer() {
    let p = guarded();
    // Only the first line counts, as for every single-valued header.
    let req = request(
        "POST",
        &[(ORIGIN, EVIL), (SITE, "same-origin"), (SITE, "cross-site")],
    );
    assert_eq!(through(&p, req).await, (StatusCode::OK, true));
    let req = request(
        "POST",
        &[(ORIGIN, EVIL), (SITE, "cross-site"), (SITE, "same-origin")],
    );
    assert_eq!(through(&p, req).await, (StatusCode::FORBIDDEN, false));
    // A huge value is refused, and cut in the message.
    let huge = "x".repeat(64 * 1024);
    let req = request("POST", &[(ORIGIN, EVIL), (SITE, huge.as_str())]);
    let decision = p.evaluate_request(&req);
    let text = decision.refusal().expect("refused").to_string();
    assert!(text.len() < 600, "{} bytes", text.len());
    // Two origins: not a browser's request; refused unless same-origin.
    let req = request(
        "POST",
        &[(ORIGIN, FRONT), (ORIGIN, FRONT), (SITE, "cross-site")],
    );
    assert_eq!(through(&p, req).await, (StatusCode::FORBIDDEN, false));
}

#[test]
fn the_setting_reads_from_a_file_and_the_environment() {
    let config: CorsConfig = toml::from_str(
        "allow_origins = [\"https://myfrontend.com\"]\nallow_credentials = true\nguard_writes = false",
    )
    .unwrap();
    assert_eq!(config.guard_writes, Some(false));
    let p = CorsPolicy::try_from(config).unwrap();
    assert!(!p.guards_writes());

    let config = CorsConfig::from_env_vars(
        "CORS",
        [
            ("CORS_ALLOW_ORIGINS", "https://myfrontend.com"),
            ("CORS_GUARD_WRITES", "true"),
        ],
    )
    .unwrap();
    assert!(CorsPolicy::try_from(config).unwrap().guards_writes());
    let err = CorsConfig::from_env_vars(
        "CORS",
        [
            ("CORS_ALLOW_ORIGINS", "https://myfrontend.com"),
            ("CORS_GUARD_WRITES", "sometimes"),
        ],
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("CORS_GUARD_WRITES"), "{text}");
    assert!(text.contains("true or false"), "{text}");
}

/// The same layer over an axum app: the guard answers before routing.
#[tokio::test]
async fn in_front_of_an_axum_router() {
    use axum::routing::post;
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let app = axum::Router::new()
        .route(
            "/transfer",
            post(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { "done" }
            }),
        )
        .layer(CorsLayer::new(guarded()));
    let forged = at(
        "/transfer",
        request("POST", &[(ORIGIN, EVIL), (SITE, "cross-site")]),
    );
    let res = app.clone().oneshot(forged).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let own = at(
        "/transfer",
        request("POST", &[(ORIGIN, FRONT), (SITE, "same-site")]),
    );
    let res = app.oneshot(own).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    let _ = CorsLayer::new(guarded()).layer(Recorder::new());
}
