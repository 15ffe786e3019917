//! The misconfiguration catalogue: one test per class of CORS mistake seen in
//! the wild, each showing what tower-cors does instead (a `ConfigError` of a
//! given kind, or a refused / non-matching request).
//!
//! docs/hostile-input.md lists the classes with these test names.

use axum::extract::Request as AxumRequest;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::routing::get;
use axum::Router;
use http::header::{
    HeaderMap, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, AUTHORIZATION, ORIGIN, VARY,
};
use http::{Method, Response, StatusCode};
use tower_cors::{CorsLayer, CorsPolicy, CorsPolicyBuilder, Decision, ProblemKind, RefusalReason};

use crate::support::*;

fn request_headers(origin: &[u8], acrm: Option<&str>, acrh: Option<&str>) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(ORIGIN, HeaderValue::from_bytes(origin).unwrap());
    if let Some(m) = acrm {
        h.insert(
            ACCESS_CONTROL_REQUEST_METHOD,
            HeaderValue::from_str(m).unwrap(),
        );
    }
    if let Some(v) = acrh {
        h.insert(
            ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_str(v).unwrap(),
        );
    }
    h
}

/// The `Access-Control-Allow-Origin` an actual GET from `origin` gets (`None`
/// when the origin is refused).
fn acao_for(policy: &CorsPolicy, origin: &[u8]) -> Option<HeaderValue> {
    let h = request_headers(origin, None, None);
    match policy.evaluate(&Method::GET, &h) {
        Decision::ActualAllowed(a) => a.allow_origin().cloned(),
        Decision::ActualRefused(r, a) => {
            assert!(a.allow_origin().is_none());
            assert!(matches!(
                r.reason(),
                RefusalReason::OriginNotAllowed | RefusalReason::OriginMalformed
            ));
            None
        }
        other => panic!("unexpected {other:?}"),
    }
}

/// Asserts that none of `origins` gets `Access-Control-Allow-Origin`.
#[track_caller]
fn assert_never_allowed(policy: &CorsPolicy, origins: &[&[u8]]) {
    for origin in origins {
        assert_eq!(
            acao_for(policy, origin),
            None,
            "{}",
            String::from_utf8_lossy(origin)
        );
    }
}

fn build_err(b: CorsPolicyBuilder) -> tower_cors::ConfigError {
    b.build().expect_err("the policy must be refused")
}

fn listed() -> CorsPolicy {
    CorsPolicy::builder()
        .allow_origins(["https://app.example.com", "https://*.example.com"])
        .allow_credentials(true)
        .build()
        .unwrap()
}

/// Reflecting whatever `Origin` arrives is not expressible: `*` answers `*`
/// (never the caller's origin), refuses credentials, and a listed policy
/// answers only listed origins.
#[test]
fn origin_reflection() {
    let any = CorsPolicy::builder().allow_origins(["*"]).build().unwrap();
    let acao = acao_for(&any, b"https://evil.net").unwrap();
    assert_eq!(acao, "*", "`*` is answered literally, not by reflection");

    let err = build_err(
        CorsPolicy::builder()
            .allow_origins(["*"])
            .allow_credentials(true),
    );
    assert!(err.has(ProblemKind::WildcardOriginWithCredentials));

    assert_eq!(acao_for(&listed(), b"https://evil.net"), None);
    assert_eq!(
        acao_for(&listed(), b"https://app.example.com").unwrap(),
        "https://app.example.com"
    );
}

/// `null` cannot be configured, and a request's `Origin: null` never matches
/// a list (sandboxed iframes, `file:` and redirects all send it).
#[test]
fn trusting_null() {
    for value in [
        "null",
        "NULL",
        "file://",
        "file:///etc/passwd",
        "data:text/html,x",
    ] {
        let err = build_err(CorsPolicy::builder().allow_origins([value]));
        assert!(
            err.has(ProblemKind::OriginOpaque) || err.has(ProblemKind::OriginMissingScheme),
            "{value}: {err}"
        );
    }
    assert_eq!(acao_for(&listed(), b"null"), None);
}

/// `https://app.example.com` does not allow `https://app.example.com.evil.net`.
#[test]
fn prefix_matching() {
    let p = listed();
    assert_never_allowed(
        &p,
        &[
            &b"https://app.example.com.evil.net"[..],
            b"https://app.example.com.evil.net:443",
            b"https://app.example.comevil.net",
            b"https://a.example.com.evil.net",
            b"https://app.example.com/.evil.net",
            b"https://app.example.com:8443",
        ],
    );
}

/// `https://app.example.com` does not allow `https://evilapp.example.com`
/// (unless `*.example.com` is listed), and `*.example.com` does not allow
/// `https://evilexample.com`.
#[test]
fn suffix_matching() {
    let exact = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .build()
        .unwrap();
    assert_eq!(acao_for(&exact, b"https://evilapp.example.com"), None);
    assert_eq!(acao_for(&exact, b"https://evil.app.example.com"), None);
    let pattern = listed();
    assert_never_allowed(
        &pattern,
        &[
            &b"https://evilexample.com"[..],
            b"https://a.evilexample.com",
            b"https://example.com",
            b"http://a.example.com",
        ],
    );
}

/// Regex-style matchers with an unescaped `.` accept `https://appXexample.com`;
/// tower-cors compares bytes and whole labels.
#[test]
fn unescaped_dot() {
    let p = listed();
    assert_never_allowed(
        &p,
        &[
            &b"https://appXexample.com"[..],
            b"https://app-example.com",
            b"https://aXexample.com",
            b"https://a.exampleXcom",
            b"https://app.exampleXcom",
        ],
    );
}

/// Hosts no browser sends (`%`, non-ASCII, control bytes) are never matched
/// and cannot be configured; the Safari trick `https://example.com`.evil.net`
/// is a host under `evil.net` and never matches. Hosts browsers do send
/// (underscores, other URL-Standard domain code points) match the patterns
/// that cover them, since only the pattern's owner can serve them.
#[test]
fn odd_characters_in_hosts() {
    let p = listed();
    let odd: [&[u8]; 7] = [
        b"https://app.example.com`.evil.net",
        b"https://app.example.com_.evil.net",
        b"https://app.example.com%60.evil.net",
        b"https://a%2eb.example.com",
        "https://é.example.com".as_bytes(),
        b"https://\xff.example.com",
        b"https://app.example.com\t",
    ];
    for origin in odd {
        assert_eq!(
            acao_for(&p, origin),
            None,
            "{}",
            String::from_utf8_lossy(origin)
        );
    }
    for sent in [&b"https://a_b.example.com"[..], b"https://a`b.example.com"] {
        let acao = acao_for(&p, sent);
        assert_eq!(
            acao.as_ref().map(HeaderValue::as_bytes),
            Some(sent),
            "{}",
            String::from_utf8_lossy(sent)
        );
    }
    for configured in [
        "https://a%2eb.example.com",
        "https://a^b.example.com",
        "https://*.a b.example.com",
    ] {
        let err = build_err(CorsPolicy::builder().allow_origins([configured]));
        assert!(err.has(ProblemKind::OriginBadHost), "{configured}: {err}");
    }
    for configured in ["https://a_b.example.com", "https://*.a_b.example.com"] {
        assert!(
            CorsPolicy::builder()
                .allow_origins([configured])
                .build()
                .is_ok(),
            "{configured}"
        );
    }
    let err = build_err(CorsPolicy::builder().allow_origins(["https://bücher.de"]));
    assert!(err.has(ProblemKind::OriginNotAscii));
    // The punycode form is what browsers send, and it works.
    let puny = CorsPolicy::builder()
        .allow_origins(["https://xn--bcher-kva.de"])
        .build()
        .unwrap();
    assert!(acao_for(&puny, b"https://xn--bcher-kva.de").is_some());
}

/// Plain-http origins (except loopback) are refused with credentials unless
/// explicitly opted in.
#[test]
fn http_origins_with_credentials() {
    for insecure in [
        "http://app.example.com",
        "http://*.example.com",
        "ws://app.example.com",
    ] {
        let err = build_err(
            CorsPolicy::builder()
                .allow_origins([insecure])
                .allow_credentials(true),
        );
        assert!(
            err.has(ProblemKind::InsecureOriginWithCredentials),
            "{insecure}: {err}"
        );
    }
    for loopback in [
        "http://localhost:3000",
        "http://127.0.0.1:8080",
        "http://[::1]:5173",
    ] {
        CorsPolicy::builder()
            .allow_origins([loopback])
            .allow_credentials(true)
            .build()
            .unwrap_or_else(|e| panic!("{loopback}: {e}"));
    }
    let opted_in = CorsPolicy::builder()
        .allow_origins(["http://app.example.com"])
        .allow_credentials(true)
        .dangerously_allow_insecure_origins_with_credentials(true)
        .build()
        .unwrap();
    assert!(acao_for(&opted_in, b"http://app.example.com").is_some());
}

/// `*` with credentials is refused (browsers reject it), and the common "fix"
/// of reflecting the request's origin instead is not offered: the only way
/// forward is listing origins. Exposed `*` with credentials is refused too.
#[test]
fn wildcard_with_credentials_and_reflection_fix() {
    let err = build_err(
        CorsPolicy::builder()
            .allow_origins(["*"])
            .allow_credentials(true),
    );
    assert!(err.has(ProblemKind::WildcardOriginWithCredentials));
    let text = err.to_string();
    assert!(text.contains("list the exact origins"), "{text}");

    let err = build_err(
        CorsPolicy::builder()
            .allow_origins(["https://app.example.com"])
            .expose_headers(["*"])
            .allow_credentials(true),
    );
    assert!(err.has(ProblemKind::WildcardExposeWithCredentials));

    // Without credentials `*` stays `*` and never carries ACAC.
    let any = CorsPolicy::builder().allow_origins(["*"]).build().unwrap();
    let h = request_headers(b"https://evil.net", None, None);
    let Decision::ActualAllowed(a) = any.evaluate(&Method::GET, &h) else {
        panic!("`*` allows every origin")
    };
    let mut out = HeaderMap::new();
    a.apply_to(&mut out);
    assert_eq!(out[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(!out.contains_key(ACCESS_CONTROL_ALLOW_CREDENTIALS));
}

/// `*.com`, `*.co.uk` and `*.github.io` span unrelated owners; with
/// credentials they are refused (Public Suffix List through the `psl` crate).
#[test]
fn subdomain_patterns_over_public_suffix() {
    for pattern in [
        "https://*.com",
        "https://*.co.uk",
        "https://*.github.io",
        "https://*.herokuapp.com",
    ] {
        let err = build_err(
            CorsPolicy::builder()
                .allow_origins([pattern])
                .allow_credentials(true),
        );
        assert!(
            err.has(ProblemKind::OriginPatternOverPublicSuffix),
            "{pattern}: {err}"
        );
    }
    // A registrable domain under a public suffix is fine.
    let ok = CorsPolicy::builder()
        .allow_origins(["https://*.example.co.uk", "https://*.myname.github.io"])
        .allow_credentials(true)
        .build()
        .unwrap();
    assert!(acao_for(&ok, b"https://app.example.co.uk").is_some());
    assert!(acao_for(&ok, b"https://evil.co.uk").is_none());
    assert!(acao_for(&ok, b"https://attacker.github.io").is_none());

    // Without credentials such a pattern is accepted: every site under it
    // may read responses that carry no user data, which `*` would allow too.
    let public = CorsPolicy::builder()
        .allow_origins(["https://*.github.io"])
        .build()
        .unwrap();
    let acao = acao_for(&public, b"https://anyone.github.io").unwrap();
    assert_eq!(acao, "https://anyone.github.io");
    assert!(!public.allows_credentials());
}

/// Every response whose CORS headers depend on `Origin` carries `Vary:
/// Origin`: allowed, refused and Origin-less actual requests, and preflights;
/// the inner service's own `Vary` is kept.
#[tokio::test]
async fn vary_origin_missing() {
    let inner = Recorder::new().header(VARY, "accept-encoding");
    let cases: [(&str, Option<&str>, Option<&str>); 4] = [
        ("GET", Some("https://app.example.com"), None),
        ("GET", Some("https://evil.net"), None),
        ("GET", None, None),
        ("OPTIONS", Some("https://evil.net"), Some("PUT")),
    ];
    for (method, origin, acrm) in cases {
        let mut headers = Vec::new();
        if let Some(o) = origin {
            headers.push((ORIGIN, o));
        }
        if let Some(m) = acrm {
            headers.push((ACCESS_CONTROL_REQUEST_METHOD, m));
        }
        let res = send(&listed(), &inner, request(method, &headers)).await;
        let vary = vary_items(&res).join(", ");
        assert!(
            vary.contains("origin"),
            "{method} {origin:?}: Vary {vary:?}"
        );
        if acrm.is_none() {
            assert!(
                vary.contains("accept-encoding"),
                "inner Vary lost: {vary:?}"
            );
        }
    }
}

/// `allow_headers(["*"])` never covers `Authorization`; it must be listed.
#[test]
fn wildcard_assumed_to_cover_authorization() {
    let star = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_headers(["*"])
        .build()
        .unwrap();
    let h = request_headers(
        b"https://app.example.com",
        Some("GET"),
        Some("authorization,x-custom"),
    );
    let decision = star.evaluate(&Method::OPTIONS, &h);
    let refusal = decision.refusal().expect("refused");
    assert_eq!(refusal.reason(), RefusalReason::HeaderNotAllowed);
    assert!(refusal
        .header()
        .unwrap()
        .eq_ignore_ascii_case("authorization"));

    let star_and_auth = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_headers(["*", "authorization"])
        .build()
        .unwrap();
    let Decision::PreflightAllowed(a) = star_and_auth.evaluate(&Method::OPTIONS, &h) else {
        panic!("listed authorization must pass")
    };
    let acah = a.headers()[ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        acah.split(',').any(|n| n.trim() == "authorization"),
        "{acah}"
    );
}

/// With credentials and explicit lists, the answer lists the configuration,
/// never the request's method or headers; unlisted ones are refused. Only an
/// explicit `*` echoes (browsers read `*` literally with credentials), and
/// even then `Authorization` is not echoed unless listed.
#[test]
fn echoing_requested_methods_and_headers() {
    let p = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT", "PATCH"])
        .allow_headers(["x-a"])
        .allow_credentials(true)
        .build()
        .unwrap();
    let ok = request_headers(b"https://app.example.com", Some("PUT"), Some("x-a"));
    let Decision::PreflightAllowed(a) = p.evaluate(&Method::OPTIONS, &ok) else {
        panic!("listed method and header must pass")
    };
    let h = a.headers();
    assert_eq!(h[ACCESS_CONTROL_ALLOW_METHODS], "PUT,PATCH");
    assert_eq!(h[ACCESS_CONTROL_ALLOW_HEADERS], "x-a");

    for (m, hs, reason) in [
        ("DELETE", "x-a", RefusalReason::MethodNotAllowed),
        ("PUT", "x-a,x-evil", RefusalReason::HeaderNotAllowed),
        ("put", "x-a", RefusalReason::MethodNotAllowed),
    ] {
        let h = request_headers(b"https://app.example.com", Some(m), Some(hs));
        let d = p.evaluate(&Method::OPTIONS, &h);
        assert_eq!(d.refusal().map(|r| r.reason()), Some(reason), "{m} {hs}");
    }

    let star = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["*"])
        .allow_headers(["*"])
        .allow_credentials(true)
        .build()
        .unwrap();
    let h = request_headers(b"https://app.example.com", Some("CHICKEN"), Some("x-b"));
    let Decision::PreflightAllowed(a) = star.evaluate(&Method::OPTIONS, &h) else {
        panic!("`*` allows any method and header")
    };
    let h = a.headers();
    assert_eq!(h[ACCESS_CONTROL_ALLOW_METHODS], "CHICKEN");
    assert_eq!(h[ACCESS_CONTROL_ALLOW_HEADERS], "x-b");
    let auth = request_headers(
        b"https://app.example.com",
        Some("GET"),
        Some("authorization"),
    );
    assert_eq!(
        star.evaluate(&Method::OPTIONS, &auth)
            .refusal()
            .map(|r| r.reason()),
        Some(RefusalReason::HeaderNotAllowed)
    );
}

async fn require_token(req: AxumRequest, next: Next) -> AxumResponse {
    match req.headers().get(AUTHORIZATION) {
        Some(v) if v == "Bearer let-me-in" => next.run(req).await,
        _ => StatusCode::UNAUTHORIZED.into_response(),
    }
}

fn auth_policy() -> CorsPolicy {
    CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_headers(["authorization"])
        .allow_credentials(true)
        .build()
        .unwrap()
}

/// `/private` from the allowed origin, with or without the token, as an
/// actual request or as the preflight for a GET with `Authorization`.
async fn call_private(
    app: &Router,
    method: &str,
    token: bool,
    preflight: bool,
) -> Response<String> {
    let mut headers = vec![(ORIGIN, "https://app.example.com")];
    if preflight {
        headers.push((ACCESS_CONTROL_REQUEST_METHOD, "GET"));
        headers.push((ACCESS_CONTROL_REQUEST_HEADERS, "authorization"));
    }
    if token {
        headers.push((AUTHORIZATION, "Bearer let-me-in"));
    }
    call(app.clone(), at("/private", request(method, &headers))).await
}

/// Browsers never send credentials on a preflight, so an auth layer in front
/// of CORS answers it 401 and the page fails. With `CorsLayer` applied
/// outermost (`Router::layer` after the auth `route_layer` or `layer`), the
/// preflight passes and the actual request still needs the token.
#[tokio::test]
async fn preflights_hitting_an_auth_layer() {
    let private = || Router::new().route("/private", get(|| async { "secret" }));
    let documented = [
        private()
            .route_layer(middleware::from_fn(require_token))
            .layer(CorsLayer::new(auth_policy())),
        private()
            .layer(middleware::from_fn(require_token))
            .layer(CorsLayer::new(auth_policy())),
    ];
    for app in &documented {
        let pre = call_private(app, "OPTIONS", false, true).await;
        assert_eq!(pre.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            pre.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://app.example.com"
        );
        assert_eq!(pre.headers()[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");

        let no_token = call_private(app, "GET", false, false).await;
        assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED);
        // The page can read the 401 (and so tell the user to log in).
        assert_eq!(
            no_token.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://app.example.com"
        );
        let with_token = call_private(app, "GET", true, false).await;
        assert_eq!(with_token.status(), StatusCode::OK);
        assert_eq!(
            with_token.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://app.example.com"
        );
    }

    // The mistake: auth outside CORS. The preflight never reaches the layer.
    let misordered = private()
        .layer(CorsLayer::new(auth_policy()))
        .layer(middleware::from_fn(require_token));
    let pre = call_private(&misordered, "OPTIONS", false, true).await;
    assert_eq!(pre.status(), StatusCode::UNAUTHORIZED);
    assert!(!pre.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
}
