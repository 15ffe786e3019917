//! Preflight pass-through: with `preflight_passthrough(true)` the layer
//! decides a preflight, then hands it to the inner service and merges its
//! CORS headers into the service's answer. Judged by the browser model, with
//! the pitfalls the docs warn about.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::browser::{Browser, CorsError, Engine, PageRequest};
use tower_cors::{CorsLayer, CorsPolicy, CorsPolicyBuilder};

const PAGE: &str = "https://app.example.com";
const API: &str = "https://api.example.com/items";

fn policy(passthrough: bool) -> CorsPolicyBuilder {
    CorsPolicy::builder()
        .allow_origins([PAGE])
        .allow_methods(["PUT"])
        .allow_headers(["content-type"])
        .preflight_passthrough(passthrough)
}

/// An inner service that counts the `OPTIONS` requests it sees and answers
/// them with `status`, a header of its own, and CORS headers of its own
/// that the layer must override.
fn counting(
    status: StatusCode,
    seen: Arc<AtomicUsize>,
) -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = impl Send,
> + Clone {
    service_fn(move |req: Request<String>| {
        let seen = Arc::clone(&seen);
        async move {
            let mut res = Response::new(String::from("handled"));
            if req.method() == Method::OPTIONS {
                seen.fetch_add(1, Ordering::SeqCst);
                *res.status_mut() = status;
                let h = res.headers_mut();
                h.insert("x-rate-limit-remaining", HeaderValue::from_static("99"));
                h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
                h.insert(
                    "access-control-allow-methods",
                    HeaderValue::from_static("DELETE"),
                );
                h.insert("vary", HeaderValue::from_static("accept-encoding"));
            }
            Ok::<_, Infallible>(res)
        }
    })
}

fn preflight(origin: &str, method: &str) -> Request<String> {
    Request::options("/items")
        .header("origin", origin)
        .header("access-control-request-method", method)
        .body(String::new())
        .unwrap()
}

#[tokio::test]
async fn an_allowed_preflight_reaches_the_service_with_the_layers_headers() {
    let seen = Arc::new(AtomicUsize::new(0));
    let svc = CorsLayer::new(policy(true).build().unwrap())
        .layer(counting(StatusCode::NO_CONTENT, Arc::clone(&seen)));
    let res = svc.oneshot(preflight(PAGE, "PUT")).await.unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let h = res.headers();
    assert_eq!(
        h["x-rate-limit-remaining"], "99",
        "the service's own headers stay"
    );
    assert_eq!(
        h["access-control-allow-origin"], PAGE,
        "the layer's decision wins"
    );
    assert_eq!(h["access-control-allow-methods"], "PUT");
    assert_eq!(h["access-control-allow-headers"], "content-type");
    let vary: Vec<_> = h.get_all("vary").iter().collect();
    assert_eq!(vary[0], "accept-encoding");
    assert!(vary[1]
        .to_str()
        .unwrap()
        .contains("access-control-request-method"));
    assert_eq!(res.body(), "handled");
}

#[tokio::test]
async fn a_refused_preflight_reaches_the_service_but_stays_refused() {
    let seen = Arc::new(AtomicUsize::new(0));
    let mut svc = CorsLayer::new(policy(true).build().unwrap())
        .layer(counting(StatusCode::NO_CONTENT, Arc::clone(&seen)));
    let res = svc
        .clone()
        .oneshot(preflight("https://evil.example", "PUT"))
        .await
        .unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), 1, "metered too");
    let h = res.headers();
    assert!(!h.contains_key("access-control-allow-origin"), "{h:?}");
    assert!(!h.contains_key("access-control-allow-methods"), "{h:?}");

    // And the browser refuses it, though the service answered 204 with `*`.
    let page = PageRequest::new("https://evil.example", "PUT", API);
    let outcome = Browser::new(Engine::Chromium)
        .fetch(&mut svc, &page)
        .await
        .unwrap();
    assert_eq!(
        outcome.blocked().unwrap().code(),
        CorsError::PreflightMissingAllowOriginHeader
    );
}

#[tokio::test]
async fn off_by_default_the_service_never_sees_a_preflight() {
    let seen = Arc::new(AtomicUsize::new(0));
    let svc = CorsLayer::new(policy(false).build().unwrap())
        .layer(counting(StatusCode::NO_CONTENT, Arc::clone(&seen)));
    let res = svc.oneshot(preflight(PAGE, "PUT")).await.unwrap();
    assert_eq!(seen.load(Ordering::SeqCst), 0);
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(!res.headers().contains_key("x-rate-limit-remaining"));
}

#[tokio::test]
async fn the_browser_gets_through_when_the_service_answers_2xx() {
    let seen = Arc::new(AtomicUsize::new(0));
    let mut svc = CorsLayer::new(policy(true).build().unwrap())
        .layer(counting(StatusCode::OK, Arc::clone(&seen)));
    let page = PageRequest::new(PAGE, "PUT", API).header("Content-Type", "application/json");
    let outcome = Browser::new(Engine::Chromium)
        .fetch(&mut svc, &page)
        .await
        .unwrap();
    assert!(outcome.is_allowed(), "{:?}", outcome.blocked());
    assert_eq!(outcome.preflights(), 1);
    assert_eq!(seen.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn pitfall_an_auth_layer_that_rejects_options_fails_every_preflight() {
    let seen = Arc::new(AtomicUsize::new(0));
    let mut svc = CorsLayer::new(policy(true).build().unwrap())
        .layer(counting(StatusCode::UNAUTHORIZED, Arc::clone(&seen)));
    let page = PageRequest::new(PAGE, "PUT", API);
    let outcome = Browser::new(Engine::Chromium)
        .fetch(&mut svc, &page)
        .await
        .unwrap();
    assert_eq!(
        outcome.blocked().unwrap().code(),
        CorsError::PreflightInvalidStatus
    );
}

#[tokio::test]
async fn pitfall_a_router_without_an_options_route_answers_405() {
    let layer = CorsLayer::new(policy(true).build().unwrap());
    let page = PageRequest::new(PAGE, "PUT", API);

    let mut bare: Router = Router::new()
        .route("/items", get(|| async { "[]" }).put(|| async { "ok" }))
        .layer(layer.clone());
    let outcome = Browser::new(Engine::Chromium)
        .fetch::<_, axum::body::Body, _>(&mut bare, &page)
        .await
        .unwrap();
    assert_eq!(
        outcome.exchanges()[0].status(),
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        outcome.blocked().unwrap().code(),
        CorsError::PreflightInvalidStatus
    );

    // The fix the docs give: an OPTIONS handler that answers 204.
    let mut fixed: Router = Router::new()
        .route(
            "/items",
            get(|| async { "[]" })
                .put(|| async { "ok" })
                .options(|| async { StatusCode::NO_CONTENT }),
        )
        .layer(layer);
    let outcome = Browser::new(Engine::Chromium)
        .fetch::<_, axum::body::Body, _>(&mut fixed, &page)
        .await
        .unwrap();
    assert!(outcome.is_allowed(), "{:?}", outcome.blocked());
    assert_eq!(outcome.response().unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn actual_requests_are_unchanged() {
    let seen = Arc::new(AtomicUsize::new(0));
    let svc = CorsLayer::new(policy(true).build().unwrap())
        .layer(counting(StatusCode::OK, Arc::clone(&seen)));
    let req = Request::put("/items")
        .header("origin", PAGE)
        .body(String::new())
        .unwrap();
    let res = svc.oneshot(req).await.unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], PAGE);
    assert_eq!(seen.load(Ordering::SeqCst), 0);
}

#[test]
fn debug_shows_the_setting() {
    let p = policy(true).build().unwrap();
    assert!(format!("{p:?}").contains("preflight_passthrough: true"));
}
