//! The forged requests the demo page sends, sent here over plain TCP the
//! way a browser sends them (a form post, a `no-cors` POST, a WebSocket
//! handshake, with `Origin`, Fetch Metadata and the session cookie) to the
//! demo's own servers: from an origin the policy does not allow the write
//! guard refuses each before the handler runs, and the log the page reads
//! back says so and why; from the allowed origin each reaches the handler,
//! and the socket echoes. The socket route's memory is bounded.

use std::net::SocketAddr;
use std::time::Duration;

use example_demo::api::socket::MAX_SOCKETS;
use example_demo::api::{RequestLog, Seen, CLIP, SESSION_COOKIE};
use example_demo::{start, Addrs, Running};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const ALLOWED: &str = "http://127.0.0.1:3000";
const WRONG: &str = "http://localhost:3002";

/// The demo with the built-in policy for a front end at 127.0.0.1:3000
/// (the origin the requests below claim), the API on a free port.
async fn demo() -> (Running, tokio::sync::watch::Sender<bool>) {
    demo_with(true).await
}

/// The same, with the write guard on or off.
async fn demo_with(guard: bool) -> (Running, tokio::sync::watch::Sender<bool>) {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let any = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut config = example_demo::policy::builtin_config(SocketAddr::from(([127, 0, 0, 1], 3000)));
    config.guard_writes = Some(guard);
    let running = start(
        Addrs {
            web: any,
            api: any,
            wrong: None,
        },
        Some(config),
        RequestLog::default(),
        rx,
    )
    .await
    .expect("the demo starts");
    (running, tx)
}

/// Sends `head` (and `body`) on a new connection; returns the stream and
/// the status of the answer (its head read).
async fn send(api: SocketAddr, head: &str, body: &str) -> (TcpStream, u16) {
    let mut tcp = TcpStream::connect(api).await.expect("connect");
    tcp.write_all(format!("{head}\r\n{body}").as_bytes())
        .await
        .expect("write");
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut byte))
            .await
            .expect("an answer within 5 s")
            .expect("read");
        assert_eq!(n, 1, "closed before the head ended: {got:?}");
        got.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&got);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    (tcp, status)
}

/// A form post (what `<form method=post>` into an iframe sends) from
/// `origin`, which is `site` to the API, with the session cookie.
fn form(api: SocketAddr, origin: &str, site: &str, run: &str) -> String {
    format!(
        "POST /api/transfer?row=forged-form&run={run} HTTP/1.1\r\nHost: {api}\r\nOrigin: {origin}\r\n\
         Sec-Fetch-Site: {site}\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: iframe\r\n\
         Cookie: {SESSION_COOKIE}=user-1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 10\r\nConnection: close\r\n"
    )
}

/// A WebSocket handshake from `origin`.
fn handshake(api: SocketAddr, origin: &str, site: &str, run: &str) -> String {
    format!(
        "GET /ws?row=forged-ws&run={run} HTTP/1.1\r\nHost: {api}\r\nOrigin: {origin}\r\n\
         Sec-Fetch-Site: {site}\r\nSec-Fetch-Mode: websocket\r\nSec-Fetch-Dest: empty\r\n\
         Cookie: {SESSION_COOKIE}=user-1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    )
}

/// The log's entry for `row` of `run`, once the answer is recorded.
async fn entry(running: &Running, row: &str, run: &str) -> Seen {
    for _ in 0..100 {
        let found =
            running.log.snapshot().into_iter().find(|s| {
                s.query("row") == Some(row) && s.query("run") == Some(run) && s.status != 0
            });
        if let Some(s) = found {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no log entry for {row} of {run}");
}

/// One masked client text frame (payload under 126 bytes).
fn text_frame(text: &str) -> Vec<u8> {
    let mask = [1u8, 2, 3, 4];
    let mut frame = vec![0x81, 0x80 | text.len() as u8];
    frame.extend(mask);
    frame.extend(text.bytes().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

#[tokio::test]
async fn forged_writes_from_another_site_never_reach_the_handler() {
    let (running, _stop) = demo().await;
    let (_, status) = send(
        running.api,
        &form(running.api, WRONG, "cross-site", "w"),
        "amount=100",
    )
    .await;
    assert_eq!(status, 403);
    let seen = entry(&running, "forged-form", "w").await;
    assert!(!seen.handled, "{seen:?}");
    assert_eq!(seen.received, None);
    assert_eq!(seen.cookies, [SESSION_COOKIE], "the cookie came with it");
    assert_eq!(seen.site.as_deref(), Some("cross-site"));
    let why = seen.why.unwrap_or_default();
    assert!(
        why.starts_with("refused by the write guard (403): "),
        "{why}"
    );
    assert!(why.contains(WRONG), "{why}");

    let no_cors = form(running.api, WRONG, "cross-site", "w")
        .replace("forged-form", "forged-no-cors")
        .replace("navigate", "no-cors")
        .replace("iframe", "empty");
    let (_, status) = send(running.api, &no_cors, "amount=100").await;
    assert_eq!(status, 403);
    assert!(!entry(&running, "forged-no-cors", "w").await.handled);
}

/// With `guard_writes = false` (the policy file's opt-out) the same forged
/// write reaches the handler, and the page's sentence says what that means.
#[tokio::test]
async fn with_the_guard_off_the_forged_write_reaches_the_handler() {
    let (running, _stop) = demo_with(false).await;
    let (_, status) = send(
        running.api,
        &form(running.api, WRONG, "cross-site", "off"),
        "amount=100",
    )
    .await;
    assert_eq!(status, 200);
    let seen = entry(&running, "forged-form", "off").await;
    assert!(seen.handled, "{seen:?}");
    assert_eq!(seen.acao, None, "the page still cannot read the answer");
    let why = seen.why.unwrap_or_default();
    assert!(
        why.starts_with("the write guard is off: the handler ran although"),
        "{why}"
    );
}

#[tokio::test]
async fn forged_writes_from_the_allowed_origin_reach_the_handler() {
    let (running, _stop) = demo().await;
    let (_, status) = send(
        running.api,
        &form(running.api, ALLOWED, "same-site", "a"),
        "amount=100",
    )
    .await;
    assert_eq!(status, 200);
    let seen = entry(&running, "forged-form", "a").await;
    assert!(seen.handled, "{seen:?}");
    assert_eq!(seen.received.as_deref(), Some(r#"body "amount=100""#));
    let why = seen.why.unwrap_or_default();
    assert!(
        why.starts_with("let through: the policy allows this origin"),
        "{why}"
    );
}

#[tokio::test]
async fn a_websocket_from_another_site_is_refused_and_from_the_allowed_origin_echoes() {
    let (running, _stop) = demo().await;
    let (_, status) = send(
        running.api,
        &handshake(running.api, WRONG, "cross-site", "w"),
        "",
    )
    .await;
    assert_eq!(status, 403);
    let seen = entry(&running, "forged-ws", "w").await;
    assert!(!seen.handled, "{seen:?}");
    let why = seen.why.unwrap_or_default();
    assert!(why.contains("WebSocket handshake from origin"), "{why}");

    let (mut tcp, status) = send(
        running.api,
        &handshake(running.api, ALLOWED, "same-site", "a"),
        "",
    )
    .await;
    assert_eq!(status, 101);
    tcp.write_all(&text_frame("transfer 100"))
        .await
        .expect("send");
    let mut head = [0u8; 2];
    tcp.read_exact(&mut head).await.expect("an echo");
    assert_eq!(head[0], 0x81, "a text frame");
    let mut echo = vec![0u8; usize::from(head[1] & 0x7f)];
    tcp.read_exact(&mut echo).await.expect("its payload");
    assert_eq!(echo, b"echo: transfer 100");
    let seen = entry(&running, "forged-ws", "a").await;
    assert!(seen.handled, "{seen:?}");
    assert_eq!(seen.received.as_deref(), Some(r#"message "transfer 100""#));
}

#[tokio::test]
async fn open_sockets_are_bounded() {
    let (running, _stop) = demo().await;
    let mut open = Vec::new();
    for i in 0..MAX_SOCKETS {
        let (tcp, status) = send(
            running.api,
            &handshake(running.api, ALLOWED, "same-site", &format!("s{i}")),
            "",
        )
        .await;
        assert_eq!(status, 101, "socket {i}");
        open.push(tcp);
    }
    let (_, status) = send(
        running.api,
        &handshake(running.api, ALLOWED, "same-site", "over"),
        "",
    )
    .await;
    assert_eq!(status, 503, "one socket over the bound");
    drop(open);
}

#[tokio::test]
async fn the_log_keeps_short_strings_of_huge_requests() {
    let (running, _stop) = demo().await;
    let long = "x".repeat(10_000);
    let head = format!(
        "GET /api/data?row=huge&run=h&pad={long} HTTP/1.1\r\nHost: {}\r\nOrigin: http://{long}.example\r\nConnection: close\r\n",
        running.api
    );
    let (_, status) = send(running.api, &head, "").await;
    assert_eq!(status, 200);
    let seen = entry(&running, "huge", "h").await;
    assert!(seen.uri.chars().count() <= CLIP + 1, "{}", seen.uri.len());
    let origin = seen.origin.unwrap_or_default();
    assert!(
        origin.chars().count() <= CLIP + 1 && origin.ends_with('…'),
        "{}",
        origin.len()
    );
}

/// The whole answer to a GET of `path` on `addr` (head and body).
async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    let (mut tcp, status) = send(addr, &head, "").await;
    let mut body = String::new();
    tcp.read_to_string(&mut body).await.expect("the body");
    (status, body)
}

/// What the page reads back from its own front end: per forged request,
/// whether the handler ran, what it received and why; and `/answered`,
/// which holds the socket page's load until the API has answered.
#[tokio::test]
async fn the_page_reads_back_what_the_handler_saw() {
    let (running, _stop) = demo().await;
    send(
        running.api,
        &form(running.api, WRONG, "cross-site", "rb"),
        "amount=100",
    )
    .await;
    send(
        running.api,
        &form(running.api, ALLOWED, "same-site", "rb").replace("forged-form", "ok"),
        "amount=100",
    )
    .await;
    entry(&running, "ok", "rb").await;
    let (status, body) = get(running.web, "/seen?run=rb").await;
    assert_eq!(status, 200);
    let rows: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let row = |id: &str| {
        rows.as_array()
            .and_then(|r| r.iter().find(|x| x["row"] == id).cloned())
            .unwrap_or_else(|| panic!("no {id} in {body}"))
    };
    let refused = row("forged-form");
    assert_eq!(refused["handled"], false);
    assert_eq!(refused["status"], 403);
    assert_eq!(refused["origin"], WRONG);
    assert_eq!(refused["path"], "/api/transfer");
    assert_eq!(refused["cookies"], serde_json::json!([SESSION_COOKIE]));
    assert!(refused["why"]
        .as_str()
        .unwrap_or_default()
        .contains("write guard"));
    let ran = row("ok");
    assert_eq!(ran["handled"], true);
    assert_eq!(ran["received"], r#"body "amount=100""#);

    let (status, _) = get(running.web, "/answered?row=ok&run=rb").await;
    assert_eq!(status, 204, "the API has answered that request");
    let (status, _) = get(running.web, "/answered?row=never&run=rb").await;
    assert_eq!(status, 404, "nothing answered within the wait");
}
