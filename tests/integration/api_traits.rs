//! The promises the types make: what is Send, Sync, Clone and 'static, and
//! that the service works for any body types.

use std::convert::Infallible;

use http::{Request, Response, StatusCode};
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::{Cors, CorsLayer, CorsPolicy, PolicyHandle, ReloadableCorsLayer};

fn send_sync_static<T: Send + Sync + 'static>() {}
fn clone<T: Clone>() {}

#[test]
fn policy_and_layers_are_shareable() {
    send_sync_static::<CorsPolicy>();
    send_sync_static::<CorsLayer>();
    send_sync_static::<ReloadableCorsLayer>();
    send_sync_static::<PolicyHandle>();
    send_sync_static::<tower_cors::ConfigError>();
    clone::<CorsPolicy>();
    clone::<CorsLayer>();
    clone::<ReloadableCorsLayer>();
    clone::<Cors<tower::util::BoxCloneService<Request<()>, Response<()>, Infallible>>>();
}

#[test]
fn config_error_is_a_std_error() {
    fn is_error<E: std::error::Error + Send + Sync + 'static>() {}
    is_error::<tower_cors::ConfigError>();
    let boxed: Box<dyn std::error::Error> = CorsPolicy::builder().build().unwrap_err().into();
    assert!(boxed.to_string().contains("no allowed origins"));
}

/// A response body type that only implements `Default`, as the layer needs
/// for the preflight answers it makes itself.
#[derive(Debug, Default, PartialEq)]
struct MyBody(Vec<u8>);

#[tokio::test]
async fn any_request_and_response_body_types() {
    let policy = CorsPolicy::builder()
        .allow_origins(["https://a.example"])
        .allow_methods(["PUT"])
        .build()
        .unwrap();
    let inner = service_fn(|req: Request<u64>| async move {
        Ok::<_, Infallible>(Response::new(MyBody(
            req.into_body().to_be_bytes().to_vec(),
        )))
    });
    let svc = CorsLayer::new(policy).layer(inner);

    let get = Request::get("/")
        .header("origin", "https://a.example")
        .body(7u64)
        .unwrap();
    let res = svc.clone().oneshot(get).await.unwrap();
    assert_eq!(res.body(), &MyBody(7u64.to_be_bytes().to_vec()));
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://a.example"
    );

    let preflight = Request::options("/")
        .header("origin", "https://a.example")
        .header("access-control-request-method", "PUT")
        .body(0u64)
        .unwrap();
    let res = svc.oneshot(preflight).await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.body(), &MyBody::default());
}

#[test]
fn policy_debug_shows_the_settings() {
    let policy = CorsPolicy::builder()
        .allow_origins(["https://a.example"])
        .allow_methods(["PUT"])
        .allow_credentials(true)
        .build()
        .unwrap();
    let text = format!("{policy:?}");
    assert!(text.contains("https://a.example"), "{text}");
    assert!(text.contains("PUT"), "{text}");
    assert!(text.contains("allow_credentials: true"), "{text}");
    assert_eq!(policy.origins(), ["https://a.example"]);
    assert!(policy.allows_credentials());
}
