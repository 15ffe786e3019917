//! The write guard and WebSocket handshakes: browsers apply no CORS to a
//! WebSocket, so a page on any site could open one with the user's cookies.
//! A handshake (`GET` with `Upgrade: websocket`, or HTTP/2's extended
//! `CONNECT`) from an origin the policy does not allow is refused before
//! the route runs; the allowed page's socket works.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::routing::get;
use axum::Router;
use http::header::{HeaderName, ORIGIN};
use http::StatusCode;
use tower_cors::{CorsLayer, CorsPolicy, Decision, RefusalReason};
use tungstenite::client::IntoClientRequest;

use crate::support::*;

const EVIL: &str = "https://evil.example";
const SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const UPGRADE: HeaderName = HeaderName::from_static("upgrade");

/// An echo socket at `/ws` behind `policy`, counting the handler's runs.
fn app(policy: CorsPolicy, runs: Arc<AtomicUsize>) -> Router {
    Router::new()
        .route(
            "/ws",
            get(move |ws: WebSocketUpgrade| {
                runs.fetch_add(1, Ordering::SeqCst);
                async move { ws.on_upgrade(echo) }
            }),
        )
        .layer(CorsLayer::new(policy))
}

async fn echo(mut socket: WebSocket) {
    while let Some(Ok(message)) = socket.recv().await {
        if let Message::Text(text) = message {
            if socket
                .send(Message::Text(format!("echo {text}").into()))
                .await
                .is_err()
            {
                return;
            }
        }
    }
}

/// Opens a socket to `addr` as a page on `origin` would (with its
/// `Sec-Fetch-Site`), sends `hello` and reads the answer; the handshake's
/// status when it is refused.
async fn open(addr: SocketAddr, origin: &'static str, site: &'static str) -> Result<String, u16> {
    timed(tokio::task::spawn_blocking(move || {
        let mut request = format!("ws://{addr}/ws").into_client_request().unwrap();
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
        request
            .headers_mut()
            .insert("sec-fetch-site", site.parse().unwrap());
        request
            .headers_mut()
            .insert("cookie", "session=1".parse().unwrap());
        let stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(NET_TIMEOUT)).unwrap();
        match tungstenite::client(request, stream) {
            Ok((mut socket, _)) => {
                socket.send(tungstenite::Message::text("hello")).unwrap();
                let answer = socket.read().unwrap();
                let _ = socket.close(None);
                Ok(answer.into_text().unwrap().to_string())
            }
            Err(tungstenite::HandshakeError::Failure(tungstenite::Error::Http(res))) => {
                Err(res.status().as_u16())
            }
            Err(other) => panic!("handshake: {other}"),
        }
    }))
    .await
    .unwrap()
}

#[tokio::test]
async fn the_allowed_page_talks_and_another_site_never_reaches_the_route() {
    // No credentials: the guard is on because the policy lists origins.
    let runs = Arc::new(AtomicUsize::new(0));
    let server = Server::axum(app(policy(|b| b.allow_origins([FRONT])), Arc::clone(&runs))).await;
    assert_eq!(
        open(server.addr, FRONT, "cross-site").await,
        Ok("echo hello".to_owned())
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_eq!(open(server.addr, EVIL, "cross-site").await, Err(403));
    assert_eq!(open(server.addr, EVIL, "same-site").await, Err(403));
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "the route ran for a refused handshake"
    );
    // A same-origin page (the browser says so) connects.
    assert_eq!(
        open(server.addr, EVIL, "same-origin").await,
        Ok("echo hello".to_owned())
    );
    server.stop().await;
}

#[tokio::test]
async fn with_the_guard_off_any_site_connects() {
    let runs = Arc::new(AtomicUsize::new(0));
    let open_policy = policy(|b| b.allow_origins([FRONT]).guard_writes(false));
    let server = Server::axum(app(open_policy, Arc::clone(&runs))).await;
    assert_eq!(
        open(server.addr, EVIL, "cross-site").await,
        Ok("echo hello".to_owned())
    );
    server.stop().await;
}

fn handshake(headers: &[(HeaderName, &str)]) -> http::Request<String> {
    let mut all = vec![
        (UPGRADE, "websocket"),
        (http::header::CONNECTION, "Upgrade"),
        (http::header::SEC_WEBSOCKET_VERSION, "13"),
        (http::header::SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ=="),
    ];
    all.extend(headers.iter().cloned());
    request("GET", &all)
}

#[test]
fn the_decision_names_the_socket() {
    let p = policy(|b| b.allow_origins([FRONT]));
    let forged = handshake(&[(ORIGIN, EVIL), (SITE, "cross-site")]);
    let decision = p.evaluate_request(&forged);
    let Decision::WriteRefused(refused) = &decision else {
        panic!("{decision:?}")
    };
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refusal = decision.refusal().unwrap();
    assert_eq!(refusal.reason(), RefusalReason::CrossOriginWebSocket);
    assert_eq!(refusal.reason().as_str(), "cross-origin-websocket");
    let text = refusal.to_string();
    assert!(text.contains("WebSocket handshake"), "{text}");
    assert!(text.contains("\"https://evil.example\""), "{text}");
    assert!(
        refusal.hint().contains("allow_origins"),
        "{}",
        refusal.hint()
    );

    // `Upgrade` is a token list, in any case.
    let mut odd = handshake(&[(ORIGIN, EVIL), (SITE, "cross-site")]);
    odd.headers_mut()
        .insert(UPGRADE, "h2c, WebSocket".parse().unwrap());
    assert!(matches!(
        p.evaluate_request(&odd),
        Decision::WriteRefused(_)
    ));
}

#[test]
fn handshakes_pass_where_writes_pass() {
    let p = policy(|b| b.allow_origins([FRONT]));
    let passing: [&[(HeaderName, &str)]; 4] = [
        &[(ORIGIN, FRONT), (SITE, "cross-site")],
        &[(ORIGIN, EVIL), (SITE, "same-origin")],
        // No Origin: not a browser, which always sends one on a handshake.
        &[(SITE, "cross-site")],
        // Without Fetch Metadata, the server's own origin.
        &[
            (ORIGIN, "http://api.example.com"),
            (http::header::HOST, "api.example.com"),
        ],
    ];
    for headers in passing {
        let req = handshake(headers);
        let decision = p.evaluate_request(&req);
        assert!(
            !matches!(decision, Decision::WriteRefused(_)),
            "{headers:?}: {decision:?}"
        );
    }
    // A plain GET from another site is a read, as before.
    let read = request("GET", &[(ORIGIN, EVIL), (SITE, "cross-site")]);
    assert!(matches!(
        p.evaluate_request(&read),
        Decision::ActualRefused(..)
    ));
    // An `Upgrade` to anything else is not a WebSocket.
    let h2c = request(
        "GET",
        &[(ORIGIN, EVIL), (SITE, "cross-site"), (UPGRADE, "h2c")],
    );
    assert!(matches!(
        p.evaluate_request(&h2c),
        Decision::ActualRefused(..)
    ));
    // The exemption applies.
    let exempt = policy(|b| {
        b.allow_origins([FRONT])
            .exempt_from_write_guard(|head| head.uri.path() == "/api/data")
    });
    let forged = handshake(&[(ORIGIN, EVIL), (SITE, "cross-site")]);
    assert!(!matches!(
        exempt.evaluate_request(&forged),
        Decision::WriteRefused(_)
    ));
}

/// HTTP/2 (RFC 8441): the handshake is a `CONNECT` whose `:protocol`
/// (a hyper request extension the library does not read) is `websocket`;
/// it carries `Sec-WebSocket-Version`, by which it is known.
#[tokio::test]
async fn an_http2_handshake_is_refused_as_a_socket() {
    let p = policy(|b| b.allow_origins([FRONT]));
    let mut forged = request(
        "CONNECT",
        &[
            (ORIGIN, EVIL),
            (SITE, "cross-site"),
            (http::header::SEC_WEBSOCKET_VERSION, "13"),
        ],
    );
    *forged.uri_mut() = "https://api.example.com/ws".parse().unwrap();
    let decision = p.evaluate_request(&forged);
    assert_eq!(
        decision.refusal().unwrap().reason(),
        RefusalReason::CrossOriginWebSocket
    );
    let inner = Recorder::new();
    let res = send(&p, &inner, forged).await;
    assert_eq!((res.status(), inner.calls()), (StatusCode::FORBIDDEN, 0));
    // From the allowed page it reaches the service.
    let mut allowed = request(
        "CONNECT",
        &[
            (ORIGIN, FRONT),
            (SITE, "cross-site"),
            (http::header::SEC_WEBSOCKET_VERSION, "13"),
        ],
    );
    *allowed.uri_mut() = "https://api.example.com/ws".parse().unwrap();
    let res = send(&p, &inner, allowed).await;
    assert_eq!((res.status(), inner.calls()), (StatusCode::OK, 1));
    // Any other CONNECT is judged as a write.
    let other = request("CONNECT", &[(ORIGIN, EVIL), (SITE, "cross-site")]);
    assert_eq!(
        p.evaluate_request(&other).refusal().unwrap().reason(),
        RefusalReason::CrossOriginWrite
    );
}
