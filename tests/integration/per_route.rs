//! Per-route policies in axum, over a real socket: each pattern and each
//! mistake of `docs/axum-per-route.md`, with the routers written as there.
//! The question every case asks is the one browsers ask: does the
//! preflight reach the right layer, and which `Access-Control-*` headers
//! come back?

use std::net::SocketAddr;

use axum::handler::Handler;
use axum::routing::{get, post};
use axum::Router;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tower_cors::{CorsLayer, CorsPolicy};

const APP: &str = "https://app.example.com";
const ANYONE: &str = "https://anyone.example";
const PARTNER: &str = "https://partner.example.net";
const WIDGET: &str = "https://upload-widget.example.org";

/// Serves `app` on 127.0.0.1 for the rest of the test.
async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// What came back.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
}

impl Answer {
    fn get(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("ascii"))
    }

    fn allow_origin(&self) -> Option<&str> {
        self.get("access-control-allow-origin")
    }
}

/// One request on a fresh HTTP/1.1 connection.
async fn send(addr: SocketAddr, method: Method, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Empty::<Bytes>::new()).expect("request");
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let res = sender.send_request(req).await.expect("response");
    let (parts, body) = res.into_parts();
    body.collect().await.expect("body");
    Answer {
        status: parts.status,
        headers: parts.headers,
    }
}

/// The preflight a browser sends before `method` with `headers` set.
async fn preflight(
    addr: SocketAddr,
    path: &str,
    origin: &str,
    method: &str,
    headers: &str,
) -> Answer {
    let mut h = vec![
        ("origin", origin),
        ("access-control-request-method", method),
    ];
    if !headers.is_empty() {
        h.push(("access-control-request-headers", headers));
    }
    send(addr, Method::OPTIONS, path, &h).await
}

async fn get_from(addr: SocketAddr, path: &str, origin: &str) -> Answer {
    send(addr, Method::GET, path, &[("origin", origin)]).await
}

fn app_policy() -> CorsPolicy {
    CorsPolicy::builder()
        .allow_origins([APP])
        .allow_headers(["content-type"])
        .build()
        .expect("policy")
}

fn star() -> CorsPolicy {
    CorsPolicy::builder()
        .allow_origins(["*"])
        .build()
        .expect("policy")
}

// ---------------------------------------------------------------------------
// Patterns

#[tokio::test]
async fn a_public_star_api_beside_a_credentialed_one() {
    let account = CorsPolicy::builder()
        .allow_origins([APP])
        .allow_methods(["PUT", "DELETE"])
        .allow_headers(["content-type"])
        .allow_credentials(true)
        .build()
        .expect("policy");
    let public_api = Router::new()
        .route("/catalog", get(|| async { "[]" }))
        .route("/catalog/{id}", get(|| async { "{}" }))
        .layer(CorsLayer::new(star()));
    let account_api = Router::new()
        .route(
            "/account",
            get(|| async { "me" })
                .put(|| async { "saved" })
                .delete(|| async { "gone" }),
        )
        .layer(CorsLayer::new(account));
    let swapped = serve(
        Router::new()
            .merge(account_api.clone())
            .merge(public_api.clone()),
    )
    .await;
    let addr = serve(Router::new().merge(public_api).merge(account_api)).await;
    // Merged the other way round, unknown paths fall to the public policy.
    let res = get_from(swapped, "/nowhere", ANYONE).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.allow_origin(), Some("*"));

    // Public: `*` for everyone, never credentials.
    let res = get_from(addr, "/catalog/7", ANYONE).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), Some("*"));
    assert_eq!(res.get("access-control-allow-credentials"), None);
    let res = preflight(addr, "/catalog", ANYONE, "GET", "").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some("*"));
    // Nothing but the safelisted methods on the public side.
    let res = preflight(addr, "/catalog/7", ANYONE, "DELETE", "").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Credentialed: only the front end, with credentials.
    let res = preflight(addr, "/account", APP, "PUT", "content-type").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.get("access-control-allow-credentials"), Some("true"));
    let res = get_from(addr, "/account", APP).await;
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.get("access-control-allow-credentials"), Some("true"));
    assert!(res.get("vary").is_some_and(|v| v.contains("origin")));

    // The public `*` does not leak onto the credentialed routes.
    let res = preflight(addr, "/account", ANYONE, "PUT", "content-type").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.allow_origin(), None);
    let res = get_from(addr, "/account", ANYONE).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), None);

    // A path neither router has: axum keeps the fallback of the router
    // merged last, with that router's layer, so the account policy answers.
    let res = preflight(addr, "/nowhere", APP, "PUT", "content-type").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.get("access-control-allow-credentials"), Some("true"));
    let res = get_from(addr, "/nowhere", ANYONE).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.allow_origin(), None);
}

#[tokio::test]
async fn a_nested_router_with_its_own_layer() {
    let partner = CorsPolicy::builder()
        .allow_origins([PARTNER])
        .allow_methods(["PUT"])
        .allow_headers(["content-type", "authorization"])
        .build()
        .expect("policy");
    let partner_api = Router::new()
        .route("/orders", get(|| async { "[]" }))
        .route(
            "/orders/{id}",
            get(|| async { "{}" }).put(|| async { "ok" }),
        )
        .layer(CorsLayer::new(partner));
    let app = Router::new()
        .route("/internal/stats", get(|| async { "{}" }))
        .nest("/partner", partner_api);
    let addr = serve(app).await;

    let res = preflight(
        addr,
        "/partner/orders/9",
        PARTNER,
        "PUT",
        "authorization,content-type",
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(PARTNER));
    let res = get_from(addr, "/partner/orders", PARTNER).await;
    assert_eq!(res.allow_origin(), Some(PARTNER));
    let res = preflight(addr, "/partner/orders/9", APP, "PUT", "content-type").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // Outside the nested router: no CORS at all.
    let res = get_from(addr, "/internal/stats", PARTNER).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), None);
    let res = preflight(addr, "/internal/stats", PARTNER, "PUT", "").await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.allow_origin(), None);
}

#[tokio::test]
async fn one_route_with_its_own_policy_through_method_router_layer() {
    let site = CorsPolicy::builder()
        .allow_origins([APP])
        .build()
        .expect("policy");
    let uploads = CorsPolicy::builder()
        .allow_origins([APP, WIDGET])
        .allow_methods(["PUT"])
        .allow_headers(["content-type", "content-md5"])
        .build()
        .expect("policy");
    let upload_route = Router::new().route(
        "/upload",
        post(|| async { "stored" })
            .put(|| async { "stored" })
            .layer(CorsLayer::new(uploads)),
    );
    let site_routes = Router::new()
        .route("/profile", get(|| async { "{}" }))
        .layer(CorsLayer::new(site));
    let addr = serve(Router::new().merge(upload_route).merge(site_routes)).await;

    // The route has no OPTIONS handler, yet its layer answers the preflight.
    let res = preflight(addr, "/upload", WIDGET, "PUT", "content-md5,content-type").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(WIDGET));
    let res = send(addr, Method::PUT, "/upload", &[("origin", WIDGET)]).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), Some(WIDGET));

    // The widget's origin is the upload route's alone.
    let res = get_from(addr, "/profile", WIDGET).await;
    assert_eq!(res.allow_origin(), None);
    let res = get_from(addr, "/profile", APP).await;
    assert_eq!(res.allow_origin(), Some(APP));
}

// ---------------------------------------------------------------------------
// Mistakes

#[tokio::test]
async fn method_router_route_layer_never_sees_preflights() {
    let broken = Router::new().route(
        "/items",
        get(|| async { "[]" })
            .post(|| async { "ok" })
            .route_layer(CorsLayer::new(app_policy())),
    );
    let fixed = Router::new().route(
        "/items",
        get(|| async { "[]" })
            .post(|| async { "ok" })
            .layer(CorsLayer::new(app_policy())),
    );
    let (broken, fixed) = (serve(broken).await, serve(fixed).await);

    let res = preflight(broken, "/items", APP, "POST", "content-type").await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.allow_origin(), None);
    // Why it looks fine at first: simple requests do go through the layer.
    assert_eq!(
        get_from(broken, "/items", APP).await.allow_origin(),
        Some(APP)
    );

    let res = preflight(fixed, "/items", APP, "POST", "content-type").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
}

#[tokio::test]
async fn router_route_layer_covers_each_route_but_not_unknown_paths() {
    let routes = || Router::new().route("/items", get(|| async { "[]" }));
    let route_layer = serve(routes().route_layer(CorsLayer::new(app_policy()))).await;
    let layer = serve(routes().layer(CorsLayer::new(app_policy()))).await;

    // `Router::route_layer` wraps each route's whole method router, its 405
    // fallback included, so the route's preflights are answered.
    let res = preflight(route_layer, "/items", APP, "GET", "content-type").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
    // Paths no route matches get axum's 404, without CORS headers...
    let res = preflight(route_layer, "/nowhere", APP, "GET", "content-type").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.allow_origin(), None);
    // ...while `Router::layer` also wraps the fallback.
    let res = preflight(layer, "/nowhere", APP, "GET", "content-type").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_layer_around_the_handler_only_leaves_preflights_to_405() {
    let broken = Router::new().route(
        "/items",
        get((|| async { "[]" }).layer(CorsLayer::new(app_policy()))),
    );
    let fixed = Router::new().route(
        "/items",
        get(|| async { "[]" }).layer(CorsLayer::new(app_policy())),
    );
    let (broken, fixed) = (serve(broken).await, serve(fixed).await);

    let res = preflight(broken, "/items", APP, "GET", "content-type").await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.allow_origin(), None);
    assert_eq!(
        get_from(broken, "/items", APP).await.allow_origin(),
        Some(APP)
    );

    let res = preflight(fixed, "/items", APP, "GET", "content-type").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
}

#[tokio::test]
async fn a_layer_added_before_a_route_does_not_cover_it() {
    let broken = Router::new()
        .route("/early", get(|| async { "covered" }))
        .layer(CorsLayer::new(app_policy()))
        .route("/late", get(|| async { "not covered" }));
    let fixed = Router::new()
        .route("/early", get(|| async { "covered" }))
        .route("/late", get(|| async { "covered" }))
        .layer(CorsLayer::new(app_policy()));
    let (broken, fixed) = (serve(broken).await, serve(fixed).await);

    let res = preflight(broken, "/early", APP, "GET", "content-type").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let res = preflight(broken, "/late", APP, "GET", "content-type").await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.allow_origin(), None);
    let res = get_from(broken, "/late", APP).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), None);

    let res = preflight(fixed, "/late", APP, "GET", "content-type").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get_from(fixed, "/late", APP).await.allow_origin(),
        Some(APP)
    );
}

#[tokio::test]
async fn a_router_wide_layer_overrides_a_route_layer() {
    let site = || {
        CorsPolicy::builder()
            .allow_origins([APP])
            .build()
            .expect("policy")
    };
    let broken = Router::new()
        .route(
            "/feed",
            get(|| async { "[]" }).layer(CorsLayer::new(star())),
        )
        .route("/profile", get(|| async { "{}" }))
        .layer(CorsLayer::new(site()));
    let fixed = Router::new()
        .merge(
            Router::new()
                .route("/feed", get(|| async { "[]" }))
                .layer(CorsLayer::new(star())),
        )
        .merge(
            Router::new()
                .route("/profile", get(|| async { "{}" }))
                .layer(CorsLayer::new(site())),
        );
    let (broken, fixed) = (serve(broken).await, serve(fixed).await);

    // The outer (site) policy wins on `/feed`: no `*` for anyone else...
    let res = get_from(broken, "/feed", ANYONE).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), None);
    let res = preflight(broken, "/feed", ANYONE, "GET", "").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // ...and the site's origin is echoed where `*` was meant.
    assert_eq!(
        get_from(broken, "/feed", APP).await.allow_origin(),
        Some(APP)
    );

    assert_eq!(
        get_from(fixed, "/feed", ANYONE).await.allow_origin(),
        Some("*")
    );
    let res = preflight(fixed, "/feed", ANYONE, "GET", "").await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        get_from(fixed, "/profile", ANYONE).await.allow_origin(),
        None
    );
    assert_eq!(
        get_from(fixed, "/profile", APP).await.allow_origin(),
        Some(APP)
    );
}
