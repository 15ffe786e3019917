//! Hostile bytes through a real server: axum + hyper on 127.0.0.1:0, with
//! requests written byte for byte on a raw `TcpStream`, so that nothing
//! between the test and the server cleans them up.
//!
//! Each case asserts the status and the CORS headers, then that the server
//! still answers a normal preflight. Where hyper refuses a request before any
//! Tower layer runs (too many header lines, too large a head, bytes that are
//! not a header value), the test pins hyper's own answer, and a case just
//! under the limit shows what the layer does. docs/hostile-input.md has the
//! table.

use std::net::SocketAddr;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tower_cors::CorsLayer;

use crate::support::{policy, Server, NET_TIMEOUT};

const ALLOWED: &str = "https://app.example.com";

/// hyper's default limit on header lines per request (`h1_max_headers`).
const HYPER_MAX_HEADERS: usize = 100;
/// hyper's default read buffer limit: 8 KiB + 100 * 4 KiB. A request head
/// larger than this is refused.
const HYPER_MAX_BUF: usize = 8192 + 4096 * 100;

/// The app under attack, served by `axum::serve` on a loopback port.
async fn server() -> Server {
    let policy = policy(|b| {
        b.allow_origins([ALLOWED, "https://*.example.com"])
            .allow_methods(["PUT"])
            .allow_headers(["content-type", "x-a"])
            .allow_credentials(true)
    });
    let app = Router::new()
        .route("/", get(|| async { "ok" }).put(|| async { "put" }))
        .layer(CorsLayer::new(policy));
    Server::axum(app).await
}

/// What came back for one request.
#[derive(Debug)]
struct Answer {
    /// `None`: the server closed the connection without a response.
    status: Option<u16>,
    headers: Vec<(String, Vec<u8>)>,
}

impl Answer {
    fn all(&self, name: &str) -> Vec<&[u8]> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
            .collect()
    }

    fn get(&self, name: &str) -> Option<&[u8]> {
        let all = self.all(name);
        assert!(all.len() <= 1, "{name} repeated: {all:?}");
        all.first().copied()
    }

    fn has_cors(&self) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.to_ascii_lowercase().starts_with("access-control-allow-"))
    }

    fn vary_has_origin(&self) -> bool {
        self.all("vary").iter().any(|v| {
            String::from_utf8_lossy(v)
                .to_ascii_lowercase()
                .contains("origin")
        })
    }

    /// A refused preflight: 403, no `Access-Control-Allow-*`.
    fn assert_refused_preflight(&self) {
        assert_eq!(self.status, Some(403), "{self:?}");
        assert!(
            !self.has_cors(),
            "refused preflight with CORS headers: {self:?}"
        );
    }

    /// An actual request answered by the handler without CORS headers.
    fn assert_no_cors(&self, status: u16) {
        assert_eq!(self.status, Some(status), "{self:?}");
        assert!(
            !self.has_cors(),
            "CORS headers for a refused origin: {self:?}"
        );
        assert!(self.vary_has_origin(), "Vary: Origin missing: {self:?}");
    }
}

/// Writes `head` (the request line and header lines, without the blank line
/// that ends the head) and reads until the server closes. Write errors are
/// ignored: hyper may answer and close before it has read everything.
async fn send(addr: SocketAddr, head: &[u8]) -> Answer {
    let mut stream = timeout(NET_TIMEOUT, TcpStream::connect(addr))
        .await
        .expect("connect timed out")
        .expect("connect");
    let mut request = head.to_vec();
    request.extend_from_slice(b"Host: test\r\nConnection: close\r\n\r\n");
    let _ = timeout(NET_TIMEOUT, stream.write_all(&request)).await;
    let mut buf = Vec::new();
    // A reset after a partial write may lose the answer; that counts as closed.
    let _ = timeout(NET_TIMEOUT, stream.read_to_end(&mut buf)).await;
    parse(&buf)
}

fn parse(buf: &[u8]) -> Answer {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Answer {
            status: None,
            headers: vec![],
        };
    };
    let head = &buf[..end];
    let mut lines = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let status_line = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok());
    let headers = lines
        .filter_map(|l| {
            let colon = l.iter().position(|&b| b == b':')?;
            let name = String::from_utf8_lossy(&l[..colon]).into_owned();
            let value = l[colon + 1..].trim_ascii().to_vec();
            Some((name, value))
        })
        .collect();
    Answer { status, headers }
}

fn preflight(origin: &[u8], extra: &[u8]) -> Vec<u8> {
    let mut r = b"OPTIONS / HTTP/1.1\r\nOrigin: ".to_vec();
    r.extend_from_slice(origin);
    r.extend_from_slice(b"\r\nAccess-Control-Request-Method: PUT\r\n");
    r.extend_from_slice(extra);
    r
}

fn get_with(lines: &[u8]) -> Vec<u8> {
    let mut r = b"GET / HTTP/1.1\r\n".to_vec();
    r.extend_from_slice(lines);
    r
}

/// The server still answers a normal preflight correctly.
async fn assert_still_serving(addr: SocketAddr) {
    let a = send(addr, &preflight(ALLOWED.as_bytes(), b"")).await;
    assert_eq!(a.status, Some(204), "server stopped serving: {a:?}");
    assert_eq!(
        a.get("access-control-allow-origin"),
        Some(ALLOWED.as_bytes())
    );
    assert_eq!(a.get("access-control-allow-methods"), Some(&b"PUT"[..]));
}

/// Runs a test body against a fresh server within a global deadline.
async fn bounded<F, Fut>(f: F)
where
    F: FnOnce(SocketAddr) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let s = server().await;
    timeout(Duration::from_secs(60), f(s.addr))
        .await
        .expect("test exceeded its 60 s budget");
    timeout(NET_TIMEOUT, assert_still_serving(s.addr))
        .await
        .expect("final check timed out");
}

#[tokio::test]
async fn baseline_answers() {
    bounded(|addr| async move {
        assert_still_serving(addr).await;
        let a = send(addr, &get_with(format!("Origin: {ALLOWED}\r\n").as_bytes())).await;
        assert_eq!(a.status, Some(200));
        assert_eq!(
            a.get("access-control-allow-origin"),
            Some(ALLOWED.as_bytes())
        );
        assert_eq!(
            a.get("access-control-allow-credentials"),
            Some(&b"true"[..])
        );
    })
    .await;
}

/// A 64 KiB `Origin`: hyper accepts it; the layer never matches an origin
/// over 512 bytes, so the preflight is refused and the actual request gets no
/// CORS headers.
#[tokio::test]
async fn origin_of_64_kib() {
    bounded(|addr| async move {
        let long = format!("https://{}.example.com", "a".repeat(64 * 1024));
        send(addr, &preflight(long.as_bytes(), b""))
            .await
            .assert_refused_preflight();
        send(addr, &get_with(format!("Origin: {long}\r\n").as_bytes()))
            .await
            .assert_no_cors(200);
    })
    .await;
}

/// Bytes 0x80-0xFF (obs-text) reach the layer and never match; control bytes
/// other than tab are refused by hyper with 400 before any layer runs.
#[tokio::test]
async fn non_utf8_and_control_bytes_in_origin_and_acrh() {
    bounded(|addr| async move {
        // Non-UTF-8 in Origin, in a subdomain that would otherwise match.
        send(addr, &preflight(b"https://\xff\xfe.example.com", b""))
            .await
            .assert_refused_preflight();
        send(
            addr,
            &get_with(b"Origin: https://caf\xc3\xa9.example.com\r\n"),
        )
        .await
        .assert_no_cors(200);
        // Non-UTF-8 in ACRH: not a token, refused.
        send(
            addr,
            &preflight(
                ALLOWED.as_bytes(),
                b"Access-Control-Request-Headers: x-a,\xff\r\n",
            ),
        )
        .await
        .assert_refused_preflight();
        // A tab is allowed inside a value and is not part of a token.
        send(
            addr,
            &preflight(
                ALLOWED.as_bytes(),
                b"Access-Control-Request-Headers: x-\ta\r\n",
            ),
        )
        .await
        .assert_refused_preflight();
        // Control bytes: hyper answers 400 itself, with no CORS headers.
        for bad in [&b"\x01"[..], b"\x00", b"\x1b[0m", b"\x7f"] {
            let mut origin = b"https://app.example.com".to_vec();
            origin.extend_from_slice(bad);
            let a = send(addr, &preflight(&origin, b"")).await;
            assert_eq!(a.status, Some(400), "{bad:?}: {a:?}");
            assert!(!a.has_cors());
            let mut acrh = b"Access-Control-Request-Headers: x-a".to_vec();
            acrh.extend_from_slice(bad);
            acrh.extend_from_slice(b"\r\n");
            let a = send(addr, &preflight(ALLOWED.as_bytes(), &acrh)).await;
            assert_eq!(a.status, Some(400), "{bad:?}: {a:?}");
            assert!(!a.has_cors());
        }
    })
    .await;
}

fn repeated(line: &str, n: usize) -> Vec<u8> {
    line.repeat(n).into_bytes()
}

/// 1,000 `Origin` lines: over hyper's 100-header limit, answered 431 by
/// hyper. Just under the limit (90 lines) the layer sees them: several
/// `Origin` lines are never allowed.
#[tokio::test]
async fn a_thousand_origin_lines() {
    bounded(|addr| async move {
        let line = format!("Origin: {ALLOWED}\r\n");
        let a = send(addr, &get_with(&repeated(&line, 1000))).await;
        assert_eq!(a.status, Some(431), "{a:?}");
        assert!(!a.has_cors());

        let under = HYPER_MAX_HEADERS - 10;
        let mut pre = b"OPTIONS / HTTP/1.1\r\nAccess-Control-Request-Method: PUT\r\n".to_vec();
        pre.extend_from_slice(&repeated(&line, under));
        send(addr, &pre).await.assert_refused_preflight();
        send(addr, &get_with(&repeated(&line, under)))
            .await
            .assert_no_cors(200);
    })
    .await;
}

/// A 1 MiB ACRH: over hyper's read buffer limit, answered 431 by hyper.
/// Just under it (300 KiB) the layer refuses the list unread (over its bound).
#[tokio::test]
async fn acrh_of_1_mib() {
    bounded(|addr| async move {
        let big = format!(
            "Access-Control-Request-Headers: {}\r\n",
            "x-a,".repeat(256 * 1024)
        );
        assert!(big.len() > HYPER_MAX_BUF);
        let a = send(addr, &preflight(ALLOWED.as_bytes(), big.as_bytes())).await;
        assert_eq!(a.status, Some(431), "{a:?}");
        assert!(!a.has_cors());

        let under = format!(
            "Access-Control-Request-Headers: {}\r\n",
            "x-a,".repeat(75 * 1024)
        );
        assert!(under.len() < HYPER_MAX_BUF);
        send(addr, &preflight(ALLOWED.as_bytes(), under.as_bytes()))
            .await
            .assert_refused_preflight();
    })
    .await;
}

/// 10,000 ACRH lines: 431 from hyper. 90 lines reach the layer, which reads
/// at most 16 and refuses the rest unread.
#[tokio::test]
async fn ten_thousand_acrh_lines() {
    bounded(|addr| async move {
        let line = "Access-Control-Request-Headers: x-a\r\n";
        let a = send(
            addr,
            &preflight(ALLOWED.as_bytes(), &repeated(line, 10_000)),
        )
        .await;
        assert_eq!(a.status, Some(431), "{a:?}");
        assert!(!a.has_cors());

        let under = HYPER_MAX_HEADERS - 10;
        send(addr, &preflight(ALLOWED.as_bytes(), &repeated(line, under)))
            .await
            .assert_refused_preflight();
        // Up to 16 lines, each an allowed name, pass: proxies may split lists.
        let a = send(addr, &preflight(ALLOWED.as_bytes(), &repeated(line, 16))).await;
        assert_eq!(a.status, Some(204), "{a:?}");
        assert_eq!(
            a.get("access-control-allow-origin"),
            Some(ALLOWED.as_bytes())
        );
    })
    .await;
}

/// `Access-Control-Request-Method` empty or with spaces inside is not a
/// method token: refused. Spaces around it are stripped by the HTTP parser,
/// so ` PUT ` is `PUT`.
#[tokio::test]
async fn acrm_empty_or_with_spaces() {
    bounded(|addr| async move {
        for acrm in [
            &b""[..],
            b" ",
            b"PUT PATCH",
            b"PUT,PATCH",
            b"P UT",
            b"\tPUT\tX",
        ] {
            let mut r = b"OPTIONS / HTTP/1.1\r\nOrigin: https://app.example.com\r\n".to_vec();
            r.extend_from_slice(b"Access-Control-Request-Method:");
            r.extend_from_slice(acrm);
            r.extend_from_slice(b"\r\n");
            let a = send(addr, &r).await;
            a.assert_refused_preflight();
        }
        let padded = b"OPTIONS / HTTP/1.1\r\nOrigin: https://app.example.com\r\n\
                       Access-Control-Request-Method:   PUT  \r\n";
        let a = send(addr, padded).await;
        assert_eq!(a.status, Some(204), "{a:?}");
        assert_eq!(a.get("access-control-allow-methods"), Some(&b"PUT"[..]));
    })
    .await;
}

/// Methods are case-sensitive: `options` is not `OPTIONS`, so it is not a
/// preflight. It goes to the router (no `options` route: 405) and, from an
/// allowed origin, gets the actual-response CORS headers.
#[tokio::test]
async fn lowercase_options() {
    bounded(|addr| async move {
        let r = b"options / HTTP/1.1\r\nOrigin: https://app.example.com\r\n\
                  Access-Control-Request-Method: PUT\r\n";
        let a = send(addr, r).await;
        assert_eq!(a.status, Some(405), "{a:?}");
        assert_eq!(
            a.get("access-control-allow-origin"),
            Some(ALLOWED.as_bytes())
        );
        assert!(a.get("access-control-allow-methods").is_none());
        assert!(a.vary_has_origin());
    })
    .await;
}

/// hyper's own limits, as observed here (hyper 1, axum::serve defaults):
/// 100 header lines pass and 101 get 431; a head under the nominal buffer
/// limit (417,792 bytes) passes, and one well over it gets 431. The buffer
/// is checked between reads, so a head may overshoot the nominal limit by
/// up to one read: on loopback 455,000 bytes passed and 460,000 did not.
#[tokio::test]
async fn hyper_limits_as_observed() {
    bounded(|addr| async move {
        // Host and Connection are two of the lines.
        let a = send(
            addr,
            &get_with(&repeated("x-f: 1\r\n", HYPER_MAX_HEADERS - 2)),
        )
        .await;
        assert_eq!(a.status, Some(200), "{a:?}");
        let a = send(
            addr,
            &get_with(&repeated("x-f: 1\r\n", HYPER_MAX_HEADERS - 1)),
        )
        .await;
        assert_eq!(a.status, Some(431), "{a:?}");

        let line = format!("x-f: {}\r\n", "a".repeat(HYPER_MAX_BUF - 20_000));
        let a = send(addr, &get_with(line.as_bytes())).await;
        assert_eq!(a.status, Some(200), "{a:?}");
        let line = format!("x-f: {}\r\n", "a".repeat(600_000));
        let a = send(addr, &get_with(line.as_bytes())).await;
        assert_eq!(a.status, Some(431), "{a:?}");
    })
    .await;
}
