//! tower-cors with plain hyper 1 and hyper-util: no axum, no router.
//!
//! ```text
//! cargo run -p example-hyper            # listens on 127.0.0.1:3000
//! cargo run -p example-hyper -- 127.0.0.1:8080
//! curl -i -X OPTIONS http://127.0.0.1:3000/ \
//!      -H 'Origin: https://myfrontend.com' -H 'Access-Control-Request-Method: PUT'
//! ```
//!
//! Any Tower stack works the same way: wrap the service with the layer, then
//! hand it to the server (here through hyper-util's `TowerToHyperService`).

use std::convert::Infallible;

use http::{Method, Request, Response};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_cors::{CorsLayer, CorsPolicy};

/// The app: one JSON answer for every path and method.
async fn app(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = format!(r#"{{"message":"CORS works!","method":"{}"}}"#, req.method());
    let mut res = Response::new(Full::new(Bytes::from(body)));
    res.headers_mut()
        .insert("content-type", "application/json".parse().expect("static"));
    Ok(res)
}

/// The policy of this example.
pub fn policy() -> CorsPolicy {
    CorsPolicy::builder()
        .allow_origins(["https://myfrontend.com"])
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers(["content-type"])
        .build()
        .expect("the example policy is valid")
}

/// Serves the app behind the layer on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    let service = ServiceBuilder::new()
        .layer(CorsLayer::new(policy()))
        .service_fn(app);
    loop {
        let (stream, _) = listener.accept().await?;
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            let conn = auto::Builder::new(TokioExecutor::new());
            if let Err(err) = conn.serve_connection(TokioIo::new(stream), service).await {
                eprintln!("connection error: {err}");
            }
        });
    }
}
