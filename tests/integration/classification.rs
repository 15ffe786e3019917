//! Which requests the layer answers itself (preflights) and which go to the
//! inner service: `OPTIONS` + `Origin` + `Access-Control-Request-Method`, and
//! nothing else, is a preflight.

use crate::support::*;
use http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD,
    ORIGIN,
};
use http::{Method, StatusCode};
use tower_cors::{CorsPolicy, Decision};

fn api_policy() -> CorsPolicy {
    policy(|b| {
        b.allow_origins([FRONT])
            .allow_methods([Method::PUT])
            .allow_headers(["content-type"])
    })
}

#[tokio::test]
async fn options_with_origin_and_acrm_is_a_preflight_answered_by_the_layer() {
    let inner = Recorder::new();
    let res = send(
        &api_policy(),
        &inner,
        preflight(FRONT, "PUT", "content-type"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.body(), "");
    assert_acao(&res, Some(FRONT));
    assert_eq!(
        inner.calls(),
        0,
        "a preflight must never reach the inner service"
    );
}

#[tokio::test]
async fn refused_preflight_is_also_answered_by_the_layer() {
    let inner = Recorder::new();
    let res = send(
        &api_policy(),
        &inner,
        preflight("https://evil.com", "PUT", ""),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(inner.calls(), 0);
}

#[tokio::test]
async fn options_without_acrm_goes_to_the_inner_service_and_is_decorated() {
    let inner = Recorder::new().status(StatusCode::OK).body("allow: GET");
    let res = send(
        &api_policy(),
        &inner,
        request("OPTIONS", &[(ORIGIN, FRONT)]),
    )
    .await;
    assert_eq!(inner.calls(), 1);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), "allow: GET");
    assert_acao(&res, Some(FRONT));
}

#[tokio::test]
async fn options_with_only_acrh_is_not_a_preflight() {
    let inner = Recorder::new();
    let req = request(
        "OPTIONS",
        &[
            (ORIGIN, FRONT),
            (ACCESS_CONTROL_REQUEST_HEADERS, "x-anything"),
        ],
    );
    let res = send(&api_policy(), &inner, req).await;
    assert_eq!(inner.calls(), 1);
    assert_eq!(res.body(), INNER_BODY);
}

#[tokio::test]
async fn acrm_without_origin_is_not_cors_at_all() {
    let inner = Recorder::new().status(StatusCode::METHOD_NOT_ALLOWED);
    let req = request("OPTIONS", &[(ACCESS_CONTROL_REQUEST_METHOD, "PUT")]);
    let res = send(&api_policy(), &inner, req).await;
    assert_eq!(inner.calls(), 1);
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_no_cors_headers(&res);
    // The answer still depends on Origin for this policy.
    assert_eq!(vary_count(&res, "origin"), 1);
}

#[tokio::test]
async fn lowercase_options_is_an_ordinary_method_not_a_preflight() {
    // Methods are case-sensitive: `options` is an extension method that a
    // page could send with fetch(); it goes to the inner service.
    let inner = Recorder::new();
    let req = request(
        "options",
        &[(ORIGIN, FRONT), (ACCESS_CONTROL_REQUEST_METHOD, "PUT")],
    );
    let res = send(&api_policy(), &inner, req).await;
    assert_eq!(inner.calls(), 1);
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), INNER_BODY);
    assert_acao(&res, Some(FRONT));
}

#[tokio::test]
async fn other_methods_with_acrm_go_to_the_inner_service() {
    for method in ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"] {
        let inner = Recorder::new();
        let req = request(
            method,
            &[(ORIGIN, FRONT), (ACCESS_CONTROL_REQUEST_METHOD, "PUT")],
        );
        let res = send(&api_policy(), &inner, req).await;
        assert_eq!(inner.calls(), 1, "{method}");
        assert_eq!(res.body(), INNER_BODY, "{method}");
        assert_eq!(
            one(&res, &ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(FRONT),
            "{method}"
        );
    }
}

#[tokio::test]
async fn requests_without_origin_pass_through_untouched() {
    let inner = Recorder::new().status(StatusCode::CREATED).body("made");
    let res = send(&api_policy(), &inner, request("POST", &[])).await;
    assert_eq!(inner.calls(), 1);
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(res.body(), "made");
    assert_no_cors_headers(&res);
}

#[test]
fn evaluate_classifies_like_the_layer() {
    let p = api_policy();
    let pre = header_map(&[(ORIGIN, FRONT), (ACCESS_CONTROL_REQUEST_METHOD, "PUT")]);
    assert!(p.evaluate(&Method::OPTIONS, &pre).is_preflight());
    assert!(matches!(
        p.evaluate(&Method::OPTIONS, &pre),
        Decision::PreflightAllowed(_)
    ));
    let lower = Method::from_bytes(b"options").unwrap();
    assert!(matches!(
        p.evaluate(&lower, &pre),
        Decision::ActualAllowed(_)
    ));
    assert!(matches!(
        p.evaluate(&Method::GET, &pre),
        Decision::ActualAllowed(_)
    ));
    let no_acrm = header_map(&[(ORIGIN, FRONT)]);
    assert!(matches!(
        p.evaluate(&Method::OPTIONS, &no_acrm),
        Decision::ActualAllowed(_)
    ));
    let no_origin = header_map(&[(ACCESS_CONTROL_REQUEST_METHOD, "PUT")]);
    assert!(matches!(
        p.evaluate(&Method::OPTIONS, &no_origin),
        Decision::NotCors(_)
    ));
}
