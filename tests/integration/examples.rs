//! Drives the routers of the `example-express` and `example-fastapi`
//! packages (`examples/express`, `examples/fastapi`: the very functions
//! their `main` uses) with real HTTP over a loopback socket: a preflight,
//! then the `GET /api/data` it clears.

use example_express as express;
use example_fastapi as fastapi;

use crate::support::*;
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, AUTHORIZATION, CONTENT_TYPE, COOKIE, ORIGIN,
};
use http::{Response, StatusCode};

const BODY: &str = r#"{"message":"CORS works!"}"#;

#[track_caller]
fn assert_data(res: &Response<String>) {
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), BODY);
    assert_eq!(one(res, &CONTENT_TYPE).as_deref(), Some("application/json"));
}

#[tokio::test]
async fn express_open_allows_any_origin() {
    let server = Server::axum(express::app(express::Variant::Open).unwrap()).await;

    let res = fetch(
        server.addr,
        preflight("https://anyone.example", "PUT", "content-type,x-custom"),
    )
    .await;
    assert_allowed_preflight(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some("*")),
            (
                &ACCESS_CONTROL_ALLOW_METHODS,
                Some("GET,HEAD,PUT,PATCH,POST,DELETE"),
            ),
            (&ACCESS_CONTROL_ALLOW_HEADERS, Some("*")),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, None),
        ],
    );

    let res = fetch(server.addr, get_from("https://anyone.example")).await;
    assert_data(&res);
    assert_acao(&res, Some("*"));
    assert_eq!(vary_count(&res, "origin"), 0);

    // Not a CORS request: the same static `*`, so a shared cache can serve
    // it to any page.
    let res = fetch(server.addr, request("GET", &[])).await;
    assert_data(&res);
    assert_eq!(
        one(&res, &ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some("*")
    );
    assert_eq!(vary_count(&res, "origin"), 0);
    server.stop().await;
}

#[tokio::test]
async fn express_restricted_allows_only_myfrontend() {
    let server = Server::axum(express::app(express::Variant::Restricted).unwrap()).await;

    let res = fetch(server.addr, preflight(FRONT, "POST", "content-type")).await;
    assert_allowed_preflight(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_METHODS, Some("GET,POST")),
            (&ACCESS_CONTROL_ALLOW_HEADERS, Some("content-type")),
        ],
    );

    let res = fetch(server.addr, get_from(FRONT)).await;
    assert_data(&res);
    assert_acao(&res, Some(FRONT));
    assert_eq!(vary_count(&res, "origin"), 1);

    // Another origin, another method, another header: refused preflights.
    for req in [
        preflight("https://evil.example", "POST", "content-type"),
        preflight(FRONT, "PUT", ""),
        preflight(FRONT, "POST", "x-custom"),
    ] {
        let res = fetch(server.addr, req).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_no_cors_headers(&res);
    }
    // The data is still served to another origin, without CORS headers.
    let res = fetch(server.addr, get_from("https://evil.example")).await;
    assert_data(&res);
    assert_no_cors_headers(&res);
    assert_eq!(vary_count(&res, "origin"), 1);
    server.stop().await;
}

#[tokio::test]
async fn fastapi_credentials_with_star_methods_and_headers() {
    let server = Server::axum(fastapi::app().unwrap()).await;

    let res = fetch(
        server.addr,
        preflight(FRONT, "PATCH", "content-type,x-custom"),
    )
    .await;
    assert_allowed_preflight(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, Some("true")),
        ],
    );
    // A credentialed browser reads `*` literally: the request is mirrored.
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_METHODS, Some("PATCH")),
            (&ACCESS_CONTROL_ALLOW_HEADERS, Some("content-type,x-custom")),
            (&ACCESS_CONTROL_MAX_AGE, None),
        ],
    );

    let res = fetch(
        server.addr,
        request("GET", &[(ORIGIN, FRONT), (COOKIE, "session=abc")]),
    )
    .await;
    assert_data(&res);
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, Some("true")),
        ],
    );
    assert_eq!(vary_count(&res, "origin"), 1);

    // Never `*` for another origin, and Authorization must be listed by name.
    let res = fetch(server.addr, preflight("https://evil.example", "GET", "")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_no_cors_headers(&res);
    let res = fetch(server.addr, preflight(FRONT, "GET", AUTHORIZATION.as_str())).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = fetch(server.addr, get_from("https://evil.example")).await;
    assert_data(&res);
    assert_no_cors_headers(&res);
    server.stop().await;
}

#[tokio::test]
async fn example_preflights_never_reach_the_router() {
    // The route only has GET: axum itself would answer OPTIONS with 405.
    let server = Server::axum(fastapi::app().unwrap()).await;
    let res = fetch(
        server.addr,
        request(
            "OPTIONS",
            &[
                (ORIGIN, FRONT),
                (ACCESS_CONTROL_REQUEST_METHOD, "DELETE"),
                (ACCESS_CONTROL_REQUEST_HEADERS, "x-a"),
            ],
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    // A plain OPTIONS goes to the router, which does not route it.
    let res = fetch(server.addr, request("OPTIONS", &[(ORIGIN, FRONT)])).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_acao(&res, Some(FRONT));
    server.stop().await;
}

#[test]
fn express_options_from_args_and_env() {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let o = express::parse_options(args(&[]), None, None).unwrap();
    assert_eq!(o.variant, express::Variant::Open);
    assert_eq!(o.addr, "127.0.0.1:3000".parse().unwrap());
    let o = express::parse_options(args(&["--restricted", "--port", "0"]), None, None).unwrap();
    assert_eq!(o.variant, express::Variant::Restricted);
    assert_eq!(o.addr.port(), 0);
    let o =
        express::parse_options(args(&[]), Some("restricted".into()), Some("8080".into())).unwrap();
    assert_eq!(o.variant, express::Variant::Restricted);
    assert_eq!(o.addr.port(), 8080);
    let o = express::parse_options(args(&["--host", "::1"]), None, None).unwrap();
    assert_eq!(o.addr, "[::1]:3000".parse().unwrap());
    assert!(express::parse_options(args(&["--port", "x"]), None, None).is_err());
    assert!(express::parse_options(args(&["--bogus"]), None, None).is_err());
    assert!(express::parse_options(args(&[]), Some("strict".into()), None).is_err());
}

#[test]
fn fastapi_address_from_args_and_env() {
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        fastapi::parse_addr(args(&[]), None).unwrap(),
        "127.0.0.1:3000".parse().unwrap()
    );
    assert_eq!(
        fastapi::parse_addr(args(&["--port", "0"]), None)
            .unwrap()
            .port(),
        0
    );
    assert_eq!(
        fastapi::parse_addr(args(&[]), Some("4000".into()))
            .unwrap()
            .port(),
        4000
    );
    assert!(fastapi::parse_addr(args(&["--port"]), None).is_err());
}

#[test]
fn example_policies_are_valid() {
    assert!(express::open_policy().is_ok());
    assert!(express::restricted_policy().unwrap().origins() == [FRONT]);
    let p = fastapi::policy().unwrap();
    assert!(p.allows_credentials());
    assert_eq!(p.origins(), [FRONT]);
}
