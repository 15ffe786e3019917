//! Actual (non-preflight) responses: the inner service always answers; the
//! layer adds the policy's CORS headers for allowed origins only, and
//! replaces any the inner service set.

use crate::support::*;
use http::header::{
    HeaderName, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS,
    CONTENT_TYPE, ORIGIN, VARY,
};
use http::{Method, StatusCode};
use tower_cors::CorsPolicy;

fn credentialed() -> CorsPolicy {
    policy(|b| {
        b.allow_origins([FRONT, "https://*.example.com"])
            .allow_methods([Method::PUT])
            .expose_headers(["x-request-id", "X-Total-Count"])
            .allow_credentials(true)
    })
}

fn public() -> CorsPolicy {
    policy(|b| b.allow_origins(["*"]).expose_headers(["x-request-id"]))
}

#[tokio::test]
async fn allowed_origin_gets_echoed_origin_credentials_and_expose() {
    let inner = Recorder::new()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, "application/json")
        .body("{\"message\":\"CORS works!\"}");
    let res = send(&credentialed(), &inner, get_from(FRONT)).await;
    assert_eq!(inner.calls(), 1);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), "{\"message\":\"CORS works!\"}");
    assert_headers(
        &res,
        &[
            (&CONTENT_TYPE, Some("application/json")),
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, Some("true")),
        ],
    );
    let expose = one(&res, &ACCESS_CONTROL_EXPOSE_HEADERS).unwrap();
    let mut names: Vec<String> = expose
        .split(',')
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    names.sort();
    assert_eq!(names, ["x-request-id", "x-total-count"]);
    // Preflight-only headers never appear on actual responses.
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_METHODS, None),
            (&ACCESS_CONTROL_ALLOW_HEADERS, None),
        ],
    );
}

#[tokio::test]
async fn every_method_from_an_allowed_origin_is_decorated() {
    for method in ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"] {
        let inner = Recorder::new();
        let res = send(&credentialed(), &inner, request(method, &[(ORIGIN, FRONT)])).await;
        assert_eq!(inner.calls(), 1, "{method}");
        assert_eq!(
            one(&res, &ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(FRONT),
            "{method}"
        );
    }
}

#[tokio::test]
async fn any_origin_without_credentials_gets_star() {
    let res = send(&public(), &Recorder::new(), get_from("https://anyone.net")).await;
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some("*")),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, None),
            (&ACCESS_CONTROL_EXPOSE_HEADERS, Some("x-request-id")),
        ],
    );
}

#[tokio::test]
async fn no_expose_header_when_none_configured() {
    let p = policy(|b| b.allow_origins([FRONT]));
    let res = send(&p, &Recorder::new(), get_from(FRONT)).await;
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_EXPOSE_HEADERS, None),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, None),
        ],
    );
}

#[tokio::test]
async fn disallowed_origin_is_served_without_cors_headers() {
    let inner = Recorder::new().status(StatusCode::OK).body("data");
    let res = send(&credentialed(), &inner, get_from("https://evil.com")).await;
    assert_eq!(
        inner.calls(),
        1,
        "the server still serves; the browser enforces"
    );
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), "data");
    assert_no_cors_headers(&res);
}

#[tokio::test]
async fn absent_origin_is_served_without_cors_headers() {
    let inner = Recorder::new().body("data");
    let res = send(&credentialed(), &inner, request("GET", &[])).await;
    assert_eq!(inner.calls(), 1);
    assert_eq!(res.body(), "data");
    assert_no_cors_headers(&res);
}

/// A static `*` goes on every response, CORS request or not, and nothing
/// varies: a shared cache that stored the answer to a request without
/// `Origin` can hand it to any page, and the browser accepts it (Fetch, "CORS
/// protocol and HTTP caches").
#[tokio::test]
async fn caches_and_star_any_origin_answers_star_without_origin() {
    let res = send(&public(), &Recorder::new(), request("GET", &[])).await;
    assert_eq!(
        one(&res, &ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some("*")
    );
    assert!(res.headers().get(VARY).is_none(), "{:?}", res.headers());
    assert!(res
        .headers()
        .get(ACCESS_CONTROL_ALLOW_CREDENTIALS)
        .is_none());
    // The same answer a cross-origin request gets.
    let cors = send(&public(), &Recorder::new(), get_from("https://any.example")).await;
    assert_eq!(
        one(&cors, &ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some("*")
    );
    assert!(cors.headers().get(VARY).is_none());
}

#[tokio::test]
async fn inner_error_statuses_keep_their_status_and_get_cors_headers() {
    for status in [
        StatusCode::BAD_REQUEST,
        StatusCode::UNAUTHORIZED,
        StatusCode::FORBIDDEN,
        StatusCode::NOT_FOUND,
        StatusCode::METHOD_NOT_ALLOWED,
        StatusCode::INTERNAL_SERVER_ERROR,
        StatusCode::SERVICE_UNAVAILABLE,
    ] {
        let inner = Recorder::new().status(status).body("oops");
        let res = send(&credentialed(), &inner, get_from(FRONT)).await;
        assert_eq!(res.status(), status);
        assert_eq!(res.body(), "oops");
        // The page must be able to read the error.
        assert_eq!(
            one(&res, &ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(FRONT),
            "{status}"
        );

        let res = send(
            &credentialed(),
            &Recorder::new().status(status),
            get_from("https://evil.com"),
        )
        .await;
        assert_eq!(res.status(), status);
        assert_no_cors_headers(&res);
    }
}

#[tokio::test]
async fn cors_headers_set_by_the_inner_service_are_replaced() {
    let inner = Recorder::new()
        .header(ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(ACCESS_CONTROL_ALLOW_ORIGIN, "https://other.com")
        .header(ACCESS_CONTROL_ALLOW_CREDENTIALS, "false")
        .header(ACCESS_CONTROL_EXPOSE_HEADERS, "x-secret");
    let res = send(&credentialed(), &inner, get_from(FRONT)).await;
    assert_eq!(
        lines(&res, &ACCESS_CONTROL_ALLOW_ORIGIN),
        [FRONT],
        "exactly one ACAO line, the policy's"
    );
    assert_eq!(lines(&res, &ACCESS_CONTROL_ALLOW_CREDENTIALS), ["true"]);
    let expose = lines(&res, &ACCESS_CONTROL_EXPOSE_HEADERS);
    assert_eq!(expose.len(), 1);
    assert!(!expose[0].contains("x-secret"), "{expose:?}");
}

#[tokio::test]
async fn inner_cors_headers_the_policy_does_not_grant_are_removed() {
    // Allowed origin, but the policy has no credentials and no expose list.
    let p = policy(|b| b.allow_origins([FRONT]));
    let inner = Recorder::new()
        .header(ACCESS_CONTROL_ALLOW_ORIGIN, "https://a.com, https://b.com")
        .header(ACCESS_CONTROL_ALLOW_CREDENTIALS, "true")
        .header(ACCESS_CONTROL_EXPOSE_HEADERS, "x-secret");
    let res = send(&p, &inner, get_from(FRONT)).await;
    assert_eq!(lines(&res, &ACCESS_CONTROL_ALLOW_ORIGIN), [FRONT]);
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, None),
            (&ACCESS_CONTROL_EXPOSE_HEADERS, None),
        ],
    );

    // Disallowed or absent origin: whatever the inner service said is gone.
    for req in [get_from("https://evil.com"), request("GET", &[])] {
        let res = send(&p, &inner, req).await;
        assert_headers(
            &res,
            &[
                (&ACCESS_CONTROL_ALLOW_ORIGIN, None),
                (&ACCESS_CONTROL_ALLOW_CREDENTIALS, None),
                (&ACCESS_CONTROL_EXPOSE_HEADERS, None),
            ],
        );
    }
}

#[tokio::test]
async fn acao_is_never_a_comma_list_or_repeated() {
    let inner = Recorder::new()
        .header(ACCESS_CONTROL_ALLOW_ORIGIN, "https://a.com")
        .header(ACCESS_CONTROL_ALLOW_ORIGIN, "https://b.com, https://c.com");
    for p in [credentialed(), public()] {
        for origin in [FRONT, "https://x.example.com", "https://evil.com"] {
            let res = send(&p, &inner, get_from(origin)).await;
            let acao = lines(&res, &ACCESS_CONTROL_ALLOW_ORIGIN);
            assert!(acao.len() <= 1, "{acao:?}");
            assert!(acao.iter().all(|v| !v.contains(',')), "{acao:?}");
        }
    }
}

#[tokio::test]
async fn unrelated_inner_headers_are_kept() {
    let custom = HeaderName::from_static("x-request-id");
    let inner = Recorder::new()
        .header(custom.clone(), "abc")
        .header(CONTENT_TYPE, "text/plain");
    let res = send(&credentialed(), &inner, get_from(FRONT)).await;
    assert_headers(
        &res,
        &[(&custom, Some("abc")), (&CONTENT_TYPE, Some("text/plain"))],
    );
}

#[tokio::test]
async fn star_expose_headers_without_credentials() {
    let p = policy(|b| b.allow_origins(["*"]).expose_headers(["*"]));
    let res = send(&p, &Recorder::new(), get_from(FRONT)).await;
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some("*")),
            (&ACCESS_CONTROL_EXPOSE_HEADERS, Some("*")),
        ],
    );
}
