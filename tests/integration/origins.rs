//! Origin matching through the layer: exact origins, `*.` subdomain
//! patterns, `:*` port patterns, and request `Origin` values that must never
//! match whatever the policy lists.

use crate::support::*;
use http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN};
use http::{Method, StatusCode};
use tower_cors::{CorsPolicy, Decision, RefusalReason};

/// Whether an actual `GET` from `origin` gets that origin back as ACAO, and
/// a preflight from it is allowed: both must agree.
async fn allowed(p: &CorsPolicy, origin: &str) -> bool {
    let res = send(p, &Recorder::new(), get_from(origin)).await;
    let acao = one(&res, &ACCESS_CONTROL_ALLOW_ORIGIN);
    let pre = send(p, &Recorder::new(), preflight(origin, "GET", "")).await;
    let pre_ok = pre.status() == StatusCode::NO_CONTENT;
    match acao {
        Some(v) => {
            assert_eq!(v, origin, "ACAO must echo the request's origin");
            assert!(pre_ok, "actual allowed but preflight refused for {origin}");
            true
        }
        None => {
            assert!(!pre_ok, "preflight allowed but actual refused for {origin}");
            assert_no_cors_headers(&res);
            false
        }
    }
}

#[tokio::test]
async fn exact_origins_match_only_themselves() {
    let p = policy(|b| b.allow_origins(["https://myfrontend.com", "http://localhost:3000"]));
    assert!(allowed(&p, "https://myfrontend.com").await);
    assert!(allowed(&p, "http://localhost:3000").await);
    for no in [
        "https://myfrontend.co",
        "https://myfrontend.com.evil.net",
        "https://evilmyfrontend.com",
        "https://app.myfrontend.com",
        "http://myfrontend.com",
        "https://myfrontend.com:8443",
        "http://localhost:3001",
        "http://localhost",
        "https://localhost:3000",
    ] {
        assert!(!allowed(&p, no).await, "{no}");
    }
}

#[tokio::test]
async fn many_exact_origins_all_match() {
    let list: Vec<String> = (0..2000)
        .map(|i| format!("https://app{i}.example.org"))
        .collect();
    let p = policy(|b| b.allow_origins(&list));
    for o in [&list[0], &list[999], &list[1999]] {
        assert!(allowed(&p, o).await, "{o}");
    }
    assert!(!allowed(&p, "https://app2000.example.org").await);
}

#[tokio::test]
async fn subdomain_pattern_matches_one_or_more_labels() {
    let p = policy(|b| b.allow_origins(["https://*.example.com"]));
    for yes in [
        "https://a.example.com",
        "https://a.b.example.com",
        "https://x-1.deep.er.example.com",
        "https://xn--bcher-kva.example.com",
        "https://a_b.example.com",
    ] {
        assert!(allowed(&p, yes).await, "{yes}");
    }
    for no in [
        "https://example.com",
        "https://evilexample.com",
        "https://a.evilexample.com",
        "https://a.example.com.evil.net",
        "https://example.com.evil.net",
        "http://a.example.com",
        "https://a.example.com:8443",
        "https://.example.com",
        "https://a..example.com",
        "https://a.example.com.",
    ] {
        assert!(!allowed(&p, no).await, "{no}");
    }
}

#[tokio::test]
async fn any_port_pattern_matches_every_port() {
    let p = policy(|b| b.allow_origins(["http://localhost:*"]));
    for yes in [
        "http://localhost:3000",
        "http://localhost:5173",
        "http://localhost:65535",
        "http://localhost",
    ] {
        assert!(allowed(&p, yes).await, "{yes}");
    }
    for no in [
        "https://localhost:3000",
        "http://localhost.evil.net:3000",
        "http://evil-localhost:3000",
        "http://127.0.0.1:3000",
        "http://localhost:0",
        "http://localhost:99999",
        "http://localhost:03000",
        "http://localhost:80",
        "http://localhost:",
    ] {
        assert!(!allowed(&p, no).await, "{no}");
    }
}

#[tokio::test]
async fn request_origins_that_never_match() {
    // Each of these is a spelling of an allowed origin (or of nothing) that no
    // browser sends; none may be echoed.
    let p = policy(|b| {
        b.allow_origins([
            "https://myfrontend.com",
            "https://*.example.com",
            "http://localhost:*",
        ])
    });
    let long_sub = format!("https://{}example.com", "a.".repeat(400));
    let long_exact = format!("https://myfrontend.com{}", "a".repeat(600));
    for no in [
        "null",
        "Null",
        "",
        " https://myfrontend.com",
        "https://myfrontend.com ",
        long_sub.as_str(),
        long_exact.as_str(),
        "https://myfrontend.com/",
        "https://myfrontend.com/api",
        "https://a.example.com/",
        "http://localhost:3000/",
        "https://myfrontend.com?x=1",
        "https://user@myfrontend.com",
        "https://user:pw@a.example.com",
        "HTTPS://myfrontend.com",
        "https://MyFrontend.com",
        "https://A.example.com",
        "http://LOCALHOST:3000",
        "https://myfrontend.com:443",
        "https://a.example.com:443",
        "https://myfrontend.com.",
        "myfrontend.com",
        "//myfrontend.com",
        "https://myfrontend.com, https://myfrontend.com",
    ] {
        assert!(!allowed(&p, no).await, "{no:?}");
    }
}

#[tokio::test]
async fn two_origin_lines_never_match_even_if_both_are_allowed() {
    for p in [
        policy(|b| b.allow_origins(["https://myfrontend.com", "https://a.com"])),
        policy(|b| b.allow_origins(["*"])),
    ] {
        let twice = [
            (ORIGIN, "https://myfrontend.com"),
            (ORIGIN, "https://myfrontend.com"),
        ];
        let inner = Recorder::new();
        let res = send(&p, &inner, request("GET", &twice)).await;
        assert_eq!(inner.calls(), 1, "the request is still served");
        assert_no_cors_headers(&res);

        let mut pre = twice.to_vec();
        pre.push((http::header::ACCESS_CONTROL_REQUEST_METHOD, "GET"));
        let res = send(&p, &inner, request("OPTIONS", &pre)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_no_cors_headers(&res);

        let h = header_map(&[
            (ORIGIN, "https://myfrontend.com"),
            (ORIGIN, "https://a.com"),
        ]);
        let d = p.evaluate(&Method::GET, &h);
        assert_eq!(
            d.refusal().map(|r| r.reason()),
            Some(RefusalReason::OriginMalformed)
        );
        assert!(matches!(d, Decision::ActualRefused(..)));
    }
}

#[tokio::test]
async fn non_utf8_origin_never_matches() {
    let p = policy(|b| b.allow_origins(["https://*.example.com"]));
    let mut req = get_from("https://a.example.com");
    req.headers_mut().insert(
        ORIGIN,
        http::HeaderValue::from_bytes(b"https://\xe9.example.com").unwrap(),
    );
    let res = send(&p, &Recorder::new(), req).await;
    assert_no_cors_headers(&res);
}

#[test]
fn refusal_reports_the_offending_origin() {
    let p = policy(|b| b.allow_origins(["https://myfrontend.com"]));
    let h = header_map(&[(ORIGIN, "https://evil.com")]);
    let d = p.evaluate(&Method::GET, &h);
    let r = d.refusal().expect("a refusal");
    assert_eq!(r.reason(), RefusalReason::OriginNotAllowed);
    assert_eq!(
        r.origin().map(|o| o.as_bytes()),
        Some(&b"https://evil.com"[..])
    );
    assert!(r.to_string().contains("https://evil.com"), "{r}");
}
