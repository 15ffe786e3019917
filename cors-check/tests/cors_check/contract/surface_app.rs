//! The app the cross-origin surface is probed on: tower-cors built from a
//! `[cors]` table in front of `/api/data` (any method), `/api/items` (a
//! `POST` that counts what reaches it) and `/ws`, which upgrades every
//! WebSocket handshake that reaches it and records what the client sends
//! on the socket until it closes.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::{any, get, post};
use axum::Router;

use super::{policy_of, runtime, serve_on};

/// What reached the app.
#[derive(Default)]
pub struct Seen {
    /// `POST /api/items` that reached the handler.
    pub posts: AtomicUsize,
    /// Handshakes the app upgraded.
    pub upgraded: AtomicUsize,
    /// For each upgraded socket: the bytes the client sent, and whether it
    /// closed the connection (within five seconds).
    pub sockets: Mutex<Vec<(Vec<u8>, bool)>>,
}

/// The app, serving on 127.0.0.1, with what reached it.
pub struct App {
    pub addr: SocketAddr,
    pub seen: Arc<Seen>,
    _runtime: tokio::runtime::Runtime,
}

impl App {
    /// tower-cors with the policy of `table` (a `[cors]` table).
    pub fn start(table: &str) -> App {
        let seen = Arc::new(Seen::default());
        let (posts, sockets) = (seen.clone(), seen.clone());
        let router = Router::new()
            .route("/api/data", any(|| async { "{\"ok\":true}" }))
            .route(
                "/api/items",
                post(move || {
                    posts.posts.fetch_add(1, Ordering::SeqCst);
                    async { "{\"created\":true}" }
                }),
            )
            .route(
                "/ws",
                get(move |req: Request| upgrade(sockets.clone(), req)),
            )
            .layer(tower_cors::CorsLayer::new(policy_of(table)));
        let runtime = runtime();
        let addr = serve_on(&runtime, router);
        App {
            addr,
            seen,
            _runtime: runtime,
        }
    }

    /// A URL on the app.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The sockets, once every upgraded one has closed (or five seconds).
    pub fn closed_sockets(&self) -> Vec<(Vec<u8>, bool)> {
        for _ in 0..100 {
            let sockets = self.seen.sockets.lock().expect("the log").clone();
            if sockets.len() == self.seen.upgraded.load(Ordering::SeqCst) {
                return sockets;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.seen.sockets.lock().expect("the log").clone()
    }
}

/// Upgrades any handshake (no check of its `Origin`: the hole the guard
/// closes), then reads what the client sends until it closes.
async fn upgrade(seen: Arc<Seen>, mut req: Request) -> Response {
    seen.upgraded.fetch_add(1, Ordering::SeqCst);
    let on = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        if let Ok(io) = on.await {
            let read = read_until_closed(io).await;
            seen.sockets.lock().expect("the log").push(read);
        }
    });
    Response::builder()
        .status(101)
        .header("upgrade", "websocket")
        .header("connection", "Upgrade")
        .header("sec-websocket-accept", "cors-check-does-not-check-it=")
        .body(Body::empty())
        .expect("a response")
}

/// Every byte until the peer closes (`true`) or five seconds pass.
async fn read_until_closed(mut io: hyper::upgrade::Upgraded) -> (Vec<u8>, bool) {
    use hyper::rt::Read;
    let mut out = Vec::new();
    loop {
        let mut storage = [0u8; 256];
        let mut buf = hyper::rt::ReadBuf::new(&mut storage);
        let read = tokio::time::timeout(
            Duration::from_secs(5),
            std::future::poll_fn(|cx| Pin::new(&mut io).poll_read(cx, buf.unfilled())),
        )
        .await;
        match read {
            Ok(Ok(())) if buf.filled().is_empty() => return (out, true),
            Ok(Ok(())) => out.extend_from_slice(buf.filled()),
            Ok(Err(_)) => return (out, true),
            Err(_) => return (out, false),
        }
    }
}
