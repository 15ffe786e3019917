//! Drives examples/hyper.rs (the layer on plain hyper 1, no axum) over a
//! real loopback socket.

#[path = "../../examples/hyper.rs"]
#[allow(dead_code)]
mod example;

use std::time::Duration;

use http::{header, Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;

#[tokio::test]
async fn layer_works_on_plain_hyper() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(example::serve(listener));
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let url = format!("http://{addr}/api/data");

    let run = async {
        let preflight = Request::options(&url)
            .header("origin", "https://myfrontend.com")
            .header("access-control-request-method", "PUT")
            .header("access-control-request-headers", "content-type")
            .body(Empty::new())
            .unwrap();
        let res = client.request(preflight).await.unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let h = res.headers();
        assert_eq!(
            h[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://myfrontend.com"
        );
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_METHODS], "GET,POST,PUT");
        assert_eq!(h[header::ACCESS_CONTROL_ALLOW_HEADERS], "content-type");
        assert!(res
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .is_empty());

        let refused = Request::options(&url)
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "PUT")
            .body(Empty::new())
            .unwrap();
        let res = client.request(refused).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(!res
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));

        let get = Request::get(&url)
            .header("origin", "https://myfrontend.com")
            .body(Empty::new())
            .unwrap();
        let res = client.request(get).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "https://myfrontend.com"
        );
        assert_eq!(res.headers()[header::VARY], "origin");
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&body[..], br#"{"message":"CORS works!","method":"GET"}"#);
    };
    tokio::time::timeout(Duration::from_secs(20), run)
        .await
        .expect("timed out");
    server.abort();
}
