//! The layer around a plain Tower service served by hyper 1 + hyper-util on
//! a real loopback socket, without axum: preflight and actual requests over
//! the wire.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::support::*;
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    CONTENT_TYPE, VARY,
};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tower::{Layer, ServiceExt};
use tower_cors::{CorsLayer, CorsPolicy};

fn cors_policy() -> CorsPolicy {
    policy(|b| {
        b.allow_origins([FRONT, "http://localhost:*"])
            .allow_methods([Method::PUT, Method::DELETE])
            .allow_headers(["content-type", "x-custom"])
            .expose_headers(["x-request-id"])
            .allow_credentials(true)
            .max_age(std::time::Duration::from_secs(7200))
    })
}

/// Serves `CorsLayer(cors_policy())` around a service that answers every
/// request with 405 for OPTIONS (as many apps do) and JSON otherwise.
/// Returns the server and the inner service's call counter.
async fn start() -> (Server, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let inner = tower::service_fn(move |req: Request<Incoming>| {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut res = if req.method() == Method::OPTIONS {
                let mut r = Response::new(Full::new(Bytes::from_static(b"no OPTIONS here")));
                *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
                r
            } else {
                Response::new(Full::new(Bytes::from_static(
                    br#"{"message":"CORS works!"}"#,
                )))
            };
            res.headers_mut()
                .insert(CONTENT_TYPE, "application/json".parse().unwrap());
            res.headers_mut()
                .insert(VARY, "accept-encoding".parse().unwrap());
            Ok::<_, Infallible>(res)
        }
    });
    let svc = CorsLayer::new(cors_policy()).layer(inner);

    let server = Server::start(|listener, mut shutdown| async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { break };
                    let svc = svc.clone();
                    connections.spawn(async move {
                        let hyper_svc = hyper::service::service_fn(move |req| svc.clone().oneshot(req));
                        // A client that hangs up early is not a test failure.
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), hyper_svc)
                            .await;
                    });
                }
            }
        }
        connections.abort_all();
    })
    .await;
    (server, hits)
}

#[tokio::test]
async fn preflight_over_the_wire() {
    let (server, hits) = start().await;
    let res = fetch(
        server.addr,
        preflight(FRONT, "PUT", "content-type,x-custom"),
    )
    .await;
    assert_allowed_preflight(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, Some("true")),
            (&ACCESS_CONTROL_ALLOW_METHODS, Some("PUT,DELETE")),
            (&ACCESS_CONTROL_ALLOW_HEADERS, Some("content-type,x-custom")),
            (&ACCESS_CONTROL_MAX_AGE, Some("7200")),
        ],
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the inner 405 was never asked"
    );

    let res = fetch(
        server.addr,
        preflight("http://localhost:5173", "DELETE", ""),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_acao(&res, Some("http://localhost:5173"));

    let res = fetch(server.addr, preflight(FRONT, "PATCH", "")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.body(), "");
    assert_no_cors_headers(&res);
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    server.stop().await;
}

#[tokio::test]
async fn actual_requests_over_the_wire() {
    let (server, hits) = start().await;
    let res = fetch(server.addr, get_from(FRONT)).await;
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
    assert_eq!(vary_items(&res), ["accept-encoding", "origin"]);

    let res = fetch(server.addr, get_from("https://evil.com")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), r#"{"message":"CORS works!"}"#);
    assert_no_cors_headers(&res);
    assert_eq!(vary_items(&res), ["accept-encoding", "origin"]);

    // OPTIONS without ACRM is the app's business: its 405, decorated.
    let res = fetch(
        server.addr,
        request("OPTIONS", &[(http::header::ORIGIN, FRONT)]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.body(), "no OPTIONS here");
    assert_acao(&res, Some(FRONT));
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    server.stop().await;
}

#[tokio::test]
async fn raw_http_with_proxy_rewritten_and_repeated_headers() {
    let (server, hits) = start().await;
    let host = server.addr;

    // ACRH split over lines, with spaces and empty elements.
    let raw = raw_exchange(
        server.addr,
        &format!(
            "OPTIONS /api/data HTTP/1.1\r\nHost: {host}\r\nOrigin: {FRONT}\r\n\
             Access-Control-Request-Method: PUT\r\n\
             Access-Control-Request-Headers: Content-Type ,\r\n\
             Access-Control-Request-Headers: , X-Custom\r\n\
             Connection: close\r\n\r\n"
        ),
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 204"), "{raw}");
    assert_eq!(
        raw_header_lines(&raw, "access-control-allow-origin"),
        [FRONT]
    );

    // Two Origin lines: served, never matched.
    let raw = raw_exchange(
        server.addr,
        &format!(
            "GET /api/data HTTP/1.1\r\nHost: {host}\r\nOrigin: {FRONT}\r\nOrigin: {FRONT}\r\n\
             Connection: close\r\n\r\n"
        ),
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    assert!(
        raw_header_lines(&raw, "access-control-allow-origin").is_empty(),
        "{raw}"
    );

    // An over-long ACRH is refused before the app sees anything.
    let long = vec!["x-custom"; 300].join(",");
    let raw = raw_exchange(
        server.addr,
        &format!(
            "OPTIONS /api/data HTTP/1.1\r\nHost: {host}\r\nOrigin: {FRONT}\r\n\
             Access-Control-Request-Method: PUT\r\n\
             Access-Control-Request-Headers: {long}\r\n\
             Connection: close\r\n\r\n"
        ),
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 403"), "{raw}");
    assert!(raw_header_lines(&raw, "access-control-allow-origin").is_empty());
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "only the GET reached the app"
    );
    server.stop().await;
}
