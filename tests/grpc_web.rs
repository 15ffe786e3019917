//! gRPC-web through the layer, to a real tonic service (`tonic-health`
//! behind `tonic-web`), served by the `example-tonic` package
//! (`examples/tonic`: the very functions its `main` uses) on 127.0.0.1.
//!
//! First over a plain HTTP/1.1 socket, then from headless Chromium: a page
//! on another origin calls `Health/Check` with `fetch` and gRPC-web framing
//! and reads `grpc-status` as a gRPC-web client does (from the headers of a
//! trailers-only answer, else from the trailer frame).
//!
//! Without Chromium the browser test fails when `CI` is set and is skipped
//! (saying so) otherwise. `CHROMIUM=/path/to/chrome` picks another browser.

// The rust-version is the library's; test code builds with the newer
// toolchain its dev-dependencies need anyway.
#![allow(clippy::incompatible_msrv)]

use std::net::SocketAddr;
use std::time::Duration;

use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower_cors::CorsPolicy;
use tower_cors_test_drivers::cdp;

/// The longest any single browser step may take.
const STEP: Duration = Duration::from_secs(15);

/// Writes to the real stderr, past the test harness's capture.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Starts the example's gRPC-web server with `policy`; it stops when
/// `stop` turns `true`.
async fn start_grpc(policy: CorsPolicy, stop: &watch::Receiver<bool>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let mut stop = stop.clone();
    tokio::spawn(example_tonic::serve_grpc(listener, policy, async move {
        let _ = stop.wait_for(|s| *s).await;
    }));
    addr
}

/// Starts the example's front end (calling `grpc`); returns its origin.
async fn start_front_end(grpc: SocketAddr, stop: &watch::Receiver<bool>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("local addr"));
    let app = example_tonic::front_end(&format!("http://{grpc}"));
    let mut stop = stop.clone();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
    });
    origin
}

/// One HTTP/1.1 exchange on a fresh connection.
async fn send(addr: SocketAddr, req: Request<Full<Bytes>>) -> (StatusCode, HeaderMap, Bytes) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let res = sender.send_request(req).await.expect("response");
    let (parts, body) = res.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    (parts.status, parts.headers, body)
}

/// A gRPC-web unary request for `Health/Check` of `service`.
fn check_request(origin: &str, service: &str) -> Request<Full<Bytes>> {
    let mut message = Vec::new();
    if !service.is_empty() {
        message.extend([0x0a, u8::try_from(service.len()).expect("short name")]);
        message.extend(service.as_bytes());
    }
    let mut frame = vec![0];
    frame.extend(u32::try_from(message.len()).expect("short").to_be_bytes());
    frame.extend(message);
    Request::post("/grpc.health.v1.Health/Check")
        .header("origin", origin)
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .body(Full::new(Bytes::from(frame)))
        .expect("request")
}

/// The frames of a gRPC-web body: `(flag, payload)`.
fn frames(mut body: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    while body.len() >= 5 {
        let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
        let end = (5 + len).min(body.len());
        out.push((body[0], body[5..end].to_vec()));
        body = &body[end..];
    }
    out
}

fn text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .map(|v| v.to_str().expect("ascii").to_owned())
}

#[tokio::test]
async fn grpc_web_preflight_and_calls_through_the_layer_over_a_socket() {
    const FRONT: &str = "https://app.example.com";
    let (stop_tx, stop) = watch::channel(false);
    let grpc = start_grpc(example_tonic::policy(FRONT).expect("policy"), &stop).await;

    // The preflight a browser sends for a gRPC-web call.
    let preflight = Request::options("/grpc.health.v1.Health/Check")
        .header("origin", FRONT)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,grpc-timeout,x-grpc-web,x-user-agent",
        )
        .body(Full::default())
        .expect("request");
    let (status, headers, _) = send(grpc, preflight).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        text(&headers, "access-control-allow-origin").as_deref(),
        Some(FRONT)
    );
    assert_eq!(
        text(&headers, "access-control-allow-methods").as_deref(),
        Some("POST")
    );

    // OK: the status arrives in the trailer frame, after the message.
    let (status, headers, body) = send(grpc, check_request(FRONT, "")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        text(&headers, "access-control-allow-origin").as_deref(),
        Some(FRONT)
    );
    let exposed = text(&headers, "access-control-expose-headers").unwrap_or_default();
    for name in ["grpc-status", "grpc-message", "grpc-status-details-bin"] {
        assert!(exposed.contains(name), "{name} not exposed: {exposed:?}");
    }
    let frames = frames(&body);
    assert_eq!(frames.len(), 2, "message and trailers: {frames:?}");
    assert_eq!(frames[0], (0, vec![0x08, 1]), "HealthCheckResponse SERVING");
    assert_eq!(frames[1].0, 0x80);
    let trailers = String::from_utf8(frames[1].1.clone()).expect("utf-8 trailers");
    assert!(trailers.contains("grpc-status:0"), "{trailers:?}");

    // An error: tonic answers trailers-only, the status in the headers,
    // which a page can read only because they are exposed.
    let (status, headers, _) = send(grpc, check_request(FRONT, "no.such.Service")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text(&headers, "grpc-status").as_deref(), Some("5"));
    assert!(text(&headers, "access-control-expose-headers")
        .unwrap_or_default()
        .contains("grpc-status"));

    // Another origin: its preflight is refused before tonic-web sees it.
    let stranger = Request::options("/grpc.health.v1.Health/Check")
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-grpc-web")
        .body(Full::default())
        .expect("request");
    let (status, headers, _) = send(grpc, stranger).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!headers.contains_key("access-control-allow-origin"));
    let _ = stop_tx.send(true);
}

// ---------------------------------------------------------------------------
// Chromium

struct Env {
    /// Origin of the front end the policies allow.
    allowed: String,
    /// Origin of a front end no policy allows.
    stranger: String,
    /// The example's policy: origins plus `.grpc_web()`.
    with_preset: SocketAddr,
    /// What people write without the preset: the method and request
    /// headers, nothing exposed.
    without_exposed: SocketAddr,
}

fn check_js(grpc: SocketAddr, service: &str) -> String {
    format!(
        "grpcWebCheck({}, {})",
        json!(format!("http://{grpc}")),
        json!(service)
    )
}

/// Opens a tab on `origin`'s blank page (which has `grpcWebCheck`'s
/// origin but not its script: evaluate it first).
fn tab_at<'a>(browser: &'a cdp::Chromium, origin: &str) -> Result<cdp::Tab<'a>, String> {
    let tab = cdp::Tab::open(&browser.cdp, STEP)?;
    tab.goto(&format!("{origin}/blank"), STEP)?;
    tab.eval(
        &format!(
            "{}; window.grpcWebCheck = grpcWebCheck; true",
            example_tonic::GRPC_WEB_CHECK_JS
        ),
        STEP,
    )?;
    Ok(tab)
}

fn field<'v>(v: &'v Value, name: &str) -> &'v Value {
    &v[name]
}

/// The response headers Chromium received (not what the page may read)
/// for the POST whose URL contains `needle`.
fn received_headers(browser: &cdp::Chromium, tab: &cdp::Tab<'_>, needle: &str) -> Value {
    browser
        .cdp
        .events(&tab.session)
        .into_iter()
        .filter(|(m, _)| m == "Network.responseReceived")
        .map(|(_, p)| p)
        .find(|p| {
            p["response"]["url"]
                .as_str()
                .is_some_and(|u| u.contains(needle))
                && p["type"] != "Preflight"
        })
        .map(|p| p["response"]["headers"].clone())
        .unwrap_or(Value::Null)
}

/// Once both requests of a call have ended: its preflight, and every
/// request DevTools reported.
fn settled_preflight(
    tab: &cdp::Tab<'_>,
) -> Result<(cdp::NetRequest, Vec<cdp::NetRequest>), String> {
    tab.settle("Health/Check", 2, STEP)?;
    let requests = tab.requests();
    let preflight = requests
        .iter()
        .find(|q| q.is_preflight())
        .cloned()
        .ok_or_else(|| format!("no preflight reported: {requests:?}"))?;
    Ok((preflight, requests))
}

fn header_value(headers: &Value, name: &str) -> Option<String> {
    headers.as_object().and_then(|h| {
        h.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str().map(str::to_owned))
    })
}

fn case_ok_status_from_the_trailer_frame(b: &cdp::Chromium, env: &Env) -> Result<(), String> {
    let tab = tab_at(b, &env.allowed)?;
    let r = tab.eval(&check_js(env.with_preset, ""), STEP)?;
    if field(&r, "ok") != true {
        return Err(format!("the call failed: {r}"));
    }
    if field(&r, "trailerStatus") != "0" || field(&r, "grpcStatus") != "0" {
        return Err(format!("expected grpc-status 0 in the trailer frame: {r}"));
    }
    if field(&r, "servingStatus") != 1 {
        return Err(format!("expected the SERVING message: {r}"));
    }
    // The preflight really happened, and the layer allowed it.
    let (preflight, _) = settled_preflight(&tab)?;
    if preflight.status != Some(204) {
        return Err(format!("preflight answered {:?}", preflight.status));
    }
    Ok(())
}

fn case_error_status_from_exposed_headers(b: &cdp::Chromium, env: &Env) -> Result<(), String> {
    let tab = tab_at(b, &env.allowed)?;
    let r = tab.eval(&check_js(env.with_preset, "no.such.Service"), STEP)?;
    if field(&r, "ok") != true {
        return Err(format!("the call failed: {r}"));
    }
    if field(&r, "headerStatus") != "5" || field(&r, "grpcStatus") != "5" {
        return Err(format!(
            "expected a readable grpc-status 5 (NOT_FOUND): {r}"
        ));
    }
    if !field(&r, "headerMessage").is_string() {
        return Err(format!("grpc-message not readable: {r}"));
    }
    Ok(())
}

fn case_without_exposed_headers_the_status_is_hidden(
    b: &cdp::Chromium,
    env: &Env,
) -> Result<(), String> {
    let tab = tab_at(b, &env.allowed)?;
    let r = tab.eval(&check_js(env.without_exposed, "no.such.Service"), STEP)?;
    if field(&r, "ok") != true || field(&r, "httpStatus") != 200 {
        return Err(format!("the call itself should pass CORS: {r}"));
    }
    // The classic failure: no status in the readable headers, no trailer
    // frame in the body, so a client says "closed without grpc-status"...
    if !field(&r, "grpcStatus").is_null() {
        return Err(format!("grpc-status should be hidden from the page: {r}"));
    }
    // ...although the server sent it.
    tab.settle("Health/Check", 2, STEP)?;
    let headers = received_headers(b, &tab, "Health/Check");
    if header_value(&headers, "grpc-status").as_deref() != Some("5") {
        return Err(format!(
            "the server should have sent grpc-status 5: {headers}"
        ));
    }
    Ok(())
}

fn case_unlisted_origin_is_refused(b: &cdp::Chromium, env: &Env) -> Result<(), String> {
    let tab = tab_at(b, &env.stranger)?;
    let r = tab.eval(&check_js(env.with_preset, ""), STEP)?;
    if field(&r, "ok") != false {
        return Err(format!("a page on an unlisted origin could call: {r}"));
    }
    let (preflight, requests) = settled_preflight(&tab)?;
    // The server did answer, with the layer's refusal.
    if preflight.status != Some(403) {
        return Err(format!("preflight answered {:?}", preflight.status));
    }
    let blocked = requests
        .iter()
        .find(|q| !q.is_preflight() && q.cors_error.is_some())
        .ok_or_else(|| format!("no CORS error reported: {requests:?}"))?;
    if blocked.cors_error.as_deref() != Some("PreflightMissingAllowOriginHeader") {
        return Err(format!("Chromium reported {:?}", blocked.cors_error));
    }
    Ok(())
}

type Case = fn(&cdp::Chromium, &Env) -> Result<(), String>;

const CASES: &[(&str, Case)] = &[
    (
        "OK status read from the trailer frame",
        case_ok_status_from_the_trailer_frame,
    ),
    (
        "error status read from exposed headers",
        case_error_status_from_exposed_headers,
    ),
    (
        "without exposed headers the status is hidden",
        case_without_exposed_headers_the_status_is_hidden,
    ),
    ("unlisted origin refused", case_unlisted_origin_is_refused),
];

#[test]
fn chromium_reads_grpc_status_through_the_layer() {
    let Some(exe) = cdp::find_chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("Chromium is required in CI (apt-get install chromium), and was not found");
        }
        say!(
            "SKIPPED tests/grpc_web.rs browser test: no Chromium found (install it, or set \
             CHROMIUM=/path); gRPC-web was not checked in a real browser"
        );
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (stop_tx, stop) = watch::channel(false);
    let env = rt.block_on(async {
        // The front ends first: their origins go into the policies. Their
        // own gRPC base is unused here (the tests pass it per call).
        let placeholder = SocketAddr::from(([127, 0, 0, 1], 9));
        let allowed = start_front_end(placeholder, &stop).await;
        let stranger = start_front_end(placeholder, &stop).await;
        let with_preset = start_grpc(example_tonic::policy(&allowed).expect("policy"), &stop).await;
        let without_exposed = CorsPolicy::builder()
            .allow_origins([allowed.as_str()])
            .allow_methods(["POST"])
            .allow_headers(["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout"])
            .build()
            .expect("policy");
        let without_exposed = start_grpc(without_exposed, &stop).await;
        Env {
            allowed,
            stranger,
            with_preset,
            without_exposed,
        }
    });

    let browser = cdp::Chromium::launch(&exe, Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("starting {}: {e}", exe.display()));
    let mut failed = Vec::new();
    for &(name, case) in CASES {
        match case(&browser, &env) {
            Ok(()) => say!("  ok    gRPC-web: {name}"),
            Err(e) => {
                say!("  FAIL  gRPC-web: {name}: {e}");
                failed.push(name);
            }
        }
    }
    let log_tail = browser.log_tail();
    drop(browser);
    let _ = stop_tx.send(true);
    assert!(
        failed.is_empty(),
        "{} gRPC-web browser case(s) failed: {failed:?}\nChromium's log:\n{log_tail}",
        failed.len()
    );
}
