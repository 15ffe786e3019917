//! Scratch proof of the WebKit driver (`tests/browser/webkit.rs`): a page
//! and an API on 127.0.0.1, MiniBrowser fetching across them.

#[path = "browser/base64.rs"]
mod base64;
#[path = "browser/webkit.rs"]
mod webkit;
#[allow(dead_code)]
#[path = "browser/wire.rs"]
mod wire;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use serde_json::{json, Value};
use webkit::{Page, WebKit};

const STEP: Duration = Duration::from_secs(20);

macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

type Hits = Arc<Mutex<Vec<(String, String)>>>;

/// Hand-written CORS answers, one per `case`, for the messages WebKit gives.
async fn raw(
    State((hits, origin)): State<(Hits, String)>,
    method: Method,
    Query(q): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let case = q.get("case").cloned().unwrap_or_default();
    let acrh = headers
        .get("access-control-request-headers")
        .map(|v| format!(" acrh={}", v.to_str().unwrap_or("?")))
        .unwrap_or_default();
    hits.lock()
        .unwrap()
        .push((format!("{method}{acrh}"), case.clone()));
    let o = HeaderValue::from_str(&origin).unwrap();
    let pre = method == Method::OPTIONS;
    let mut r = (StatusCode::OK, "data").into_response();
    let h = r.headers_mut();
    match case.as_str() {
        "missing_acao" => {}
        "pre403" => {
            *r.status_mut() = if pre {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            }
        }
        "acam" => {
            h.insert("access-control-allow-origin", o);
            h.insert(
                "access-control-allow-methods",
                HeaderValue::from_static("GET, POST"),
            );
        }
        "acah" => {
            h.insert("access-control-allow-origin", o);
            h.insert(
                "access-control-allow-headers",
                HeaderValue::from_static("content-type"),
            );
        }
        "star_creds" => {
            h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        }
        "two_acao" => {
            h.append("access-control-allow-origin", o.clone());
            h.append("access-control-allow-origin", o);
        }
        "cached" => {
            h.insert("access-control-allow-origin", o);
            h.insert(
                "access-control-allow-methods",
                HeaderValue::from_static("PUT"),
            );
            h.insert("access-control-max-age", HeaderValue::from_static("600"));
        }
        _ => *r.status_mut() = StatusCode::NOT_FOUND,
    }
    r
}

struct Servers {
    _rt: tokio::runtime::Runtime,
    web: SocketAddr,
    api: SocketAddr,
    hits: Hits,
}

fn servers() -> Servers {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let hits: Hits = Arc::default();
    let (web, api) = rt.block_on(async {
        let web_l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api_l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (web, api) = (web_l.local_addr().unwrap(), api_l.local_addr().unwrap());
        let origin = format!("http://{web}");
        let page = Router::new().route(
            "/page",
            get(|| async { Html("<!doctype html><title>probe</title><h1>WebKit probe</h1>") }),
        );
        let policy = tower_cors::CorsPolicy::builder()
            .allow_origins([origin.clone()])
            .allow_methods(["GET", "PUT"])
            .allow_headers(["x-custom"])
            .build()
            .unwrap();
        let log = hits.clone();
        let api_router = Router::new()
            .route("/cors", any(|| async { "via tower-cors" }))
            .layer(tower_cors::CorsLayer::new(policy))
            .merge(
                Router::new()
                    .route("/raw", any(raw))
                    .with_state((hits.clone(), origin)),
            )
            .layer(axum::middleware::from_fn(
                move |req: axum::extract::Request, next: axum::middleware::Next| {
                    let log = log.clone();
                    async move {
                        if req.uri().path() == "/cors" {
                            let q = req.uri().query().unwrap_or_default().to_owned();
                            log.lock().unwrap().push((req.method().to_string(), q));
                        }
                        next.run(req).await
                    }
                },
            ));
        tokio::spawn(async move { axum::serve(web_l, page).await });
        tokio::spawn(async move { axum::serve(api_l, api_router).await });
        (web, api)
    });
    Servers {
        _rt: rt,
        web,
        api,
        hits,
    }
}

fn fetch_js(url: &str, init: Value) -> String {
    format!(
        r#"(async () => {{
            try {{
                const res = await fetch({url}, {init});
                return {{ ok: true, status: res.status, body: await res.text() }};
            }} catch (e) {{
                return {{ ok: false, error: String(e) }};
            }}
        }})()"#,
        url = json!(url)
    )
}

/// Runs a fetch, then waits until the inspector reports a security
/// message and a failed load for it; returns the page's result and texts.
fn blocked(page: &Page<'_>, url: &str, init: Value) -> (Value, Vec<String>, Vec<String>) {
    let before = page.security_messages().len();
    let failed_before = page.loading_failures().len();
    let result = page.eval(&fetch_js(url, init), STEP).unwrap();
    assert_eq!(result["ok"], false, "{url}: {result}");
    let msgs = page
        .wait_for(
            |p| {
                let m = p.security_messages();
                let f = p.loading_failures();
                (m.len() > before && f.len() > failed_before).then_some((m, f))
            },
            STEP,
        )
        .unwrap_or_else(|e| panic!("{url}: {e}; console {:?}", page.console_messages()));
    (
        result,
        msgs.0[before..]
            .iter()
            .map(|m| format!("[{}] {}", m.level, m.text))
            .collect(),
        msgs.1[failed_before..]
            .iter()
            .map(|(u, e)| format!("{u}: {e}"))
            .collect(),
    )
}

#[test]
fn webkit_probe() {
    if webkit::find_minibrowser().is_none() || webkit::find_xvfb().is_none() {
        say!("webkit_probe: SKIPPED, no MiniBrowser or Xvfb");
        return;
    }
    let s = servers();
    let t0 = Instant::now();
    let wk = WebKit::launch(STEP).unwrap();
    let t_launch = t0.elapsed();
    let page_url = format!("http://{}/page", s.web);
    let t1 = Instant::now();
    let page = wk.open_page(&page_url, STEP).unwrap();
    let t_page = t1.elapsed();
    say!(
        "{}: Xvfb + --version {t_launch:?}, first page {t_page:?}, {} KiB",
        wk.version(),
        page.memory_kib()
    );
    let api = format!("http://{}", s.api);

    // (a) allowed through tower-cors, preflighted, readable.
    let url = format!("{api}/cors?case=allowed");
    let r = page
        .eval(
            &fetch_js(&url, json!({"method": "PUT", "headers": {"x-custom": "1"}})),
            STEP,
        )
        .unwrap();
    assert_eq!(
        r,
        json!({"ok": true, "status": 200, "body": "via tower-cors"})
    );
    // (c) the preflight went out (the server saw it), but WebKit's Network
    // domain reports only the PUT.
    let reqs = page
        .wait_for(
            |p| {
                let r: Vec<_> = p.requests().into_iter().filter(|r| r.url == url).collect();
                (!r.is_empty() && r.iter().all(|r| r.ended)).then_some(r)
            },
            STEP,
        )
        .unwrap();
    for r in &reqs {
        say!(
            "inspector saw: {} {} {:?} {}",
            r.method,
            r.url,
            r.status,
            r.headers
        );
    }
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "PUT");
    let at_server: Vec<_> = s
        .hits
        .lock()
        .unwrap()
        .iter()
        .map(|(m, _)| m.clone())
        .collect();
    assert_eq!(
        at_server,
        ["OPTIONS", "PUT"],
        "the server saw the preflight"
    );

    // (b) blocked by tower-cors: a header it does not allow.
    let (r, m, f) = blocked(
        &page,
        &format!("{api}/cors?case=refused"),
        json!({"method": "PUT", "headers": {"x-other": "1"}}),
    );
    say!("tower-cors refusal: {r} {m:?} {f:?}");
    assert_eq!(r["ok"], false);

    let cases = [
        ("missing_acao", json!({})),
        ("pre403", json!({"method": "PUT"})),
        ("acam", json!({"method": "PUT"})),
        ("acah", json!({"headers": {"x-custom": "1"}})),
        ("star_creds", json!({"credentials": "include"})),
        ("two_acao", json!({})),
    ];
    for (case, init) in cases {
        let (r, m, f) = blocked(&page, &format!("{api}/raw?case={case}"), init);
        say!("{case}: page {}; console {m:?}; failed {f:?}", r["error"]);
        assert_eq!(r["ok"], false);
    }

    // (d) two pages at once, each with its own preflight cache.
    let cached = format!("{api}/raw?case=cached");
    let t2 = Instant::now();
    let (p1, p2) = std::thread::scope(|sc| {
        let a = sc.spawn(|| wk.open_page(&page_url, STEP).unwrap());
        let b = sc.spawn(|| wk.open_page(&page_url, STEP).unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    say!(
        "two more pages in parallel: {:?}, {} + {} KiB",
        t2.elapsed(),
        p1.memory_kib(),
        p2.memory_kib()
    );
    std::thread::scope(|sc| {
        for p in [&p1, &p2] {
            let cached = &cached;
            sc.spawn(move || {
                for _ in 0..2 {
                    let r = p
                        .eval(
                            &fetch_js(cached, json!({"method": "PUT", "cache": "no-store"})),
                            STEP,
                        )
                        .unwrap();
                    assert_eq!(r["ok"], true, "{r}");
                }
            });
        }
    });
    let pre = s
        .hits
        .lock()
        .unwrap()
        .iter()
        .filter(|(m, c)| c == "cached" && m.starts_with("OPTIONS"))
        .count();
    say!("cached case: {pre} preflights for 2 pages x 2 fetches");
    assert_eq!(pre, 2, "one preflight per page, the second fetch reuses it");

    // Another site in the same page: a new web process (a new target).
    let other = format!("http://localhost:{}/page", s.web.port());
    p1.goto(&other, STEP).unwrap();
    let (r, m, _) = blocked(&p1, &format!("{api}/raw?case=missing_acao&swap"), json!({}));
    say!("after goto {other}: {} {m:?}", r["error"]);
    assert!(m.iter().any(|m| m.contains("localhost")), "{m:?}");
    let size = page
        .eval("[innerWidth, innerHeight, location.href]", STEP)
        .unwrap();
    say!("viewport {size}");
    let png = page.screenshot_png(STEP).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    std::fs::write(std::env::temp_dir().join("webkit-probe.png"), &png).unwrap();
    say!(
        "screenshot: {} bytes; raw hits {:?}",
        png.len(),
        s.hits.lock().unwrap()
    );
    for m in page.security_messages() {
        say!("security @ {:?}: {}", m.timestamp, m.text);
    }
    say!("MiniBrowser log: {}", page.log_tail());
}
