//! The layer in an axum `Router` (`Router::layer`): the key cases with
//! `oneshot`, then the same app through `axum::serve` on a loopback socket.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::support::*;
use axum::extract::Request as AxumRequest;
use axum::http::{HeaderMap as AxumHeaders, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, AUTHORIZATION, CONTENT_TYPE,
    ORIGIN, VARY,
};
use http::Method;
use serde_json::json;
use tower_cors::{CorsLayer, CorsPolicy};

fn cors_policy() -> CorsPolicy {
    policy(|b| {
        b.allow_origins([FRONT, "https://*.example.com"])
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([CONTENT_TYPE, AUTHORIZATION])
            .expose_headers(["x-request-id"])
            .allow_credentials(true)
    })
}

/// Rejects requests without `Authorization`, as an auth middleware would.
async fn require_auth(req: AxumRequest, next: Next) -> AxumResponse {
    if req.headers().contains_key(AUTHORIZATION) {
        next.run(req).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

/// An app with a GET-only route, a POST route behind auth, an erroring route
/// and a route that sets its own CORS and Vary headers; `hits` counts
/// handler calls.
fn app(hits: Arc<AtomicUsize>) -> Router {
    let h1 = hits.clone();
    let h2 = hits.clone();
    let h3 = hits.clone();
    let h4 = hits;
    let protected = Router::new()
        .route(
            "/api/private",
            post(move || async move {
                h2.fetch_add(1, Ordering::SeqCst);
                "secret"
            }),
        )
        .route_layer(middleware::from_fn(require_auth));
    Router::new()
        .route(
            "/api/data",
            get(move || async move {
                h1.fetch_add(1, Ordering::SeqCst);
                let mut headers = AxumHeaders::new();
                headers.insert("x-request-id", "42".parse().unwrap());
                (headers, Json(json!({"message": "CORS works!"})))
            }),
        )
        .route(
            "/api/broken",
            get(move || async move {
                h3.fetch_add(1, Ordering::SeqCst);
                (StatusCode::INTERNAL_SERVER_ERROR, "boom")
            }),
        )
        .route(
            "/api/legacy",
            get(move || async move {
                h4.fetch_add(1, Ordering::SeqCst);
                let mut headers = AxumHeaders::new();
                headers.append(ACCESS_CONTROL_ALLOW_ORIGIN, "*".parse().unwrap());
                headers.append(
                    ACCESS_CONTROL_ALLOW_ORIGIN,
                    "https://x.com".parse().unwrap(),
                );
                headers.append(VARY, "accept-encoding".parse().unwrap());
                (headers, "legacy")
            }),
        )
        .merge(protected)
        .layer(CorsLayer::new(cors_policy()))
}

#[tokio::test]
async fn preflight_to_a_get_only_route_is_answered_not_405() {
    let hits = Arc::new(AtomicUsize::new(0));
    let res = call(
        app(hits.clone()),
        at("/api/data", preflight(FRONT, "PUT", "content-type")),
    )
    .await;
    assert_allowed_preflight(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, Some("true")),
            (&ACCESS_CONTROL_ALLOW_METHODS, Some("GET,POST,PUT,DELETE")),
            (
                &ACCESS_CONTROL_ALLOW_HEADERS,
                Some("authorization,content-type"),
            ),
        ],
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn preflight_to_a_route_behind_auth_is_answered_not_401() {
    let hits = Arc::new(AtomicUsize::new(0));
    let res = call(
        app(hits.clone()),
        at(
            "/api/private",
            preflight(FRONT, "POST", "authorization,content-type"),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_acao(&res, Some(FRONT));
    assert_eq!(hits.load(Ordering::SeqCst), 0);

    // The actual request without credentials gets the app's 401, readable
    // by the page because it carries the CORS headers.
    let res = call(
        app(hits.clone()),
        at("/api/private", request("POST", &[(ORIGIN, FRONT)])),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_acao(&res, Some(FRONT));
    let res = call(
        app(hits.clone()),
        at(
            "/api/private",
            request("POST", &[(ORIGIN, FRONT), (AUTHORIZATION, "Bearer t")]),
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), "secret");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn refused_preflight_through_axum() {
    let hits = Arc::new(AtomicUsize::new(0));
    for req in [
        preflight("https://evil.com", "GET", ""),
        preflight(FRONT, "PATCH", ""),
        preflight(FRONT, "GET", "x-other"),
    ] {
        let res = call(app(hits.clone()), at("/api/data", req)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(res.body(), "");
        assert_no_cors_headers(&res);
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn actual_get_from_allowed_and_disallowed_origins() {
    let hits = Arc::new(AtomicUsize::new(0));
    let res = call(app(hits.clone()), at("/api/data", get_from(FRONT))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), r#"{"message":"CORS works!"}"#);
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, Some("true")),
            (&ACCESS_CONTROL_EXPOSE_HEADERS, Some("x-request-id")),
        ],
    );
    assert_eq!(vary_count(&res, "origin"), 1);

    let res = call(
        app(hits.clone()),
        at("/api/data", get_from("https://a.b.example.com")),
    )
    .await;
    assert_acao(&res, Some("https://a.b.example.com"));

    for req in [get_from("https://evil.com"), request("GET", &[])] {
        let res = call(app(hits.clone()), at("/api/data", req)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.body(), r#"{"message":"CORS works!"}"#);
        assert_no_cors_headers(&res);
        assert_eq!(vary_count(&res, "origin"), 1);
    }
    assert_eq!(hits.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn handler_errors_and_unrouted_methods_are_decorated() {
    let hits = Arc::new(AtomicUsize::new(0));
    let res = call(app(hits.clone()), at("/api/broken", get_from(FRONT))).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(res.body(), "boom");
    assert_acao(&res, Some(FRONT));

    // DELETE on a GET-only route: axum's 405, with CORS headers.
    let res = call(
        app(hits.clone()),
        at("/api/data", request("DELETE", &[(ORIGIN, FRONT)])),
    )
    .await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_acao(&res, Some(FRONT));
    assert_eq!(vary_count(&res, "origin"), 1);
}

#[tokio::test]
async fn handler_cors_headers_are_replaced_and_vary_merged() {
    let hits = Arc::new(AtomicUsize::new(0));
    let res = call(app(hits.clone()), at("/api/legacy", get_from(FRONT))).await;
    assert_eq!(res.body(), "legacy");
    assert_eq!(lines(&res, &ACCESS_CONTROL_ALLOW_ORIGIN), [FRONT]);
    assert_eq!(vary_items(&res), ["accept-encoding", "origin"]);

    let res = call(app(hits), at("/api/legacy", get_from("https://evil.com"))).await;
    assert_eq!(
        lines(&res, &ACCESS_CONTROL_ALLOW_ORIGIN),
        Vec::<String>::new()
    );
    assert_eq!(vary_items(&res), ["accept-encoding", "origin"]);
}

#[tokio::test]
async fn served_with_axum_serve_over_a_real_socket() {
    let hits = Arc::new(AtomicUsize::new(0));
    let server = Server::axum(app(hits.clone())).await;

    let res = fetch(
        server.addr,
        at("/api/data", preflight(FRONT, "PUT", "content-type")),
    )
    .await;
    assert_allowed_preflight(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_METHODS, Some("GET,POST,PUT,DELETE")),
        ],
    );

    let res = fetch(server.addr, at("/api/data", get_from(FRONT))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), r#"{"message":"CORS works!"}"#);
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, Some("true")),
        ],
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // On the wire: exactly one ACAO line even though the handler set two.
    let raw = raw_exchange(
        server.addr,
        &format!(
            "GET /api/legacy HTTP/1.1\r\nHost: {}\r\nOrigin: {FRONT}\r\nConnection: close\r\n\r\n",
            server.addr
        ),
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    assert_eq!(
        raw_header_lines(&raw, "access-control-allow-origin"),
        [FRONT]
    );
    assert!(raw.ends_with("legacy"), "{raw}");

    // A preflight split over several ACRH lines, as a proxy might send it.
    let raw = raw_exchange(
        server.addr,
        &format!(
            "OPTIONS /api/data HTTP/1.1\r\nHost: {}\r\nOrigin: {FRONT}\r\n\
             Access-Control-Request-Method: PUT\r\n\
             Access-Control-Request-Headers: content-type\r\n\
             Access-Control-Request-Headers: , authorization \r\n\
             Connection: close\r\n\r\n",
            server.addr
        ),
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 204"), "{raw}");
    assert_eq!(
        raw_header_lines(&raw, "access-control-allow-origin"),
        [FRONT]
    );
    server.stop().await;
}

#[tokio::test]
async fn router_layer_also_covers_the_fallback() {
    let hits = Arc::new(AtomicUsize::new(0));
    let res = call(app(hits.clone()), at("/nope", preflight(FRONT, "PUT", ""))).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_acao(&res, Some(FRONT));
    let res = call(app(hits.clone()), at("/nope", get_from(FRONT))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_acao(&res, Some(FRONT));
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}
