//! Drives the `example-hyper` package (`examples/hyper`: the layer on
//! plain hyper 1, no axum) over a real loopback socket.

use example_hyper as example;

use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, VARY,
};
use http::StatusCode;

use crate::support::*;

/// Serves the example's `serve` until the test stops the server.
async fn start() -> Server {
    Server::start(|listener, shutdown| async move {
        tokio::select! {
            served = example::serve(listener) => served.expect("the example server"),
            _ = shutdown => {}
        }
    })
    .await
}

#[tokio::test]
async fn layer_works_on_plain_hyper() {
    let server = start().await;

    let res = fetch(server.addr, preflight(FRONT, "PUT", "content-type")).await;
    assert_allowed_preflight(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_METHODS, Some("GET,POST,PUT")),
            (&ACCESS_CONTROL_ALLOW_HEADERS, Some("content-type")),
        ],
    );

    let res = fetch(server.addr, preflight("https://evil.example", "PUT", "")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(one(&res, &ACCESS_CONTROL_ALLOW_ORIGIN), None);

    let res = fetch(server.addr, get_from(FRONT)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&VARY, Some("origin")),
        ],
    );
    assert_eq!(res.body(), r#"{"message":"CORS works!","method":"GET"}"#);
    server.stop().await;
}
