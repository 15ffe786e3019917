//! The non-CORS causes (mixed content, Local Network Access) compared with
//! headless Chromium: the same page, on the same origin, makes the same
//! `fetch()` in Chromium, and cors-check is run with that origin against
//! the same API.
//!
//! Everything listens on 127.0.0.1, and Chromium is told how to see it:
//! `--host-resolver-rules=MAP *.test 127.0.0.1` gives the pages and the API
//! names of their own (`app.test`, `api.test`) without DNS,
//! `--ignore-certificate-errors` accepts the https pages' certificate (made
//! here with rcgen), and `--ip-address-space-overrides` makes two of the
//! pages' endpoints `public`, as pages on the internet are. cors-check is
//! told the same with `--resolve` where it needs an address (a name for the
//! API; the page's own address, which it otherwise assumes public).
//!
//! What Chromium 156 does, and so what is asserted:
//! - an https page fetching `http://api.test` is blocked as mixed content
//!   (DevTools: `blockedReason` `mixed-content`, no CORS error) and nothing
//!   is sent; `http://127.0.0.1` is not mixed content (loopback is
//!   potentially trustworthy);
//! - a public https page fetching loopback needs the user's "Loopback
//!   network" permission. Headless Chromium has no one to ask and denies
//!   it at once (`LocalNetworkAccessPermissionDenied`, nothing sent); with
//!   the permission granted (`Browser.setPermission`, what the user's
//!   "Allow" does) the request goes out and CORS decides. A headed
//!   Chromium shows the prompt and its `fetch()` waits for the answer,
//!   which a headless one cannot show: cors-check's `asks` is compared
//!   with both answers instead;
//! - a public http page fetching loopback, by address or by a name that
//!   resolves to it, is blocked outright (`InsecureLocalNetwork`), and the
//!   permission cannot even be granted.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;
use tower_cors_test_drivers::cdp::{Chromium, Tab};

use crate::cases::cors_check_json;
use crate::chromium::{fetch_js, STEP};
use crate::installed;

/// What the servers received: `METHOD /path?query`, in order.
#[derive(Clone, Default)]
pub struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn push(&self, line: String) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }

    /// How many requests whose line contains `tag` arrived.
    pub fn count(&self, tag: &str) -> usize {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|l| l.contains(tag))
            .count()
    }
}

/// The pages and the API, each on its own port of 127.0.0.1.
pub struct Site {
    /// An https page Chromium is told is `public`.
    pub secure_public: SocketAddr,
    /// An https page Chromium sees where it is: loopback.
    pub secure_loopback: SocketAddr,
    /// An http page Chromium is told is `public`.
    pub plain_public: SocketAddr,
    /// The API: `/api/...` answers 200 with `Access-Control-Allow-Origin: *`.
    pub api: SocketAddr,
    /// What any of them received.
    pub seen: Seen,
    _runtime: tokio::runtime::Runtime,
}

impl Site {
    /// Starts the servers (a certificate for `app.test` made on the spot).
    pub fn start() -> Site {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a Tokio runtime for the pages");
        let certified = rcgen::generate_simple_self_signed(vec!["app.test".to_owned()])
            .expect("a self-signed certificate");
        let key =
            rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("the certificate and its key");
        let tls = TlsAcceptor::from(Arc::new(config));
        let seen = Seen::default();
        let bind = |tls: Option<TlsAcceptor>| {
            let seen = seen.clone();
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a free port on 127.0.0.1");
                let addr = listener.local_addr().expect("a bound address");
                tokio::spawn(serve(listener, tls, seen));
                addr
            })
        };
        Site {
            secure_public: bind(Some(tls.clone())),
            secure_loopback: bind(Some(tls)),
            plain_public: bind(None),
            api: bind(None),
            seen,
            _runtime: runtime,
        }
    }

    /// The switches that make Chromium see the site as described above.
    pub fn chromium_flags(&self) -> Vec<String> {
        vec![
            "--host-resolver-rules=MAP *.test 127.0.0.1".to_owned(),
            "--ignore-certificate-errors".to_owned(),
            format!(
                "--ip-address-space-overrides={}=public,{}=public",
                self.secure_public, self.plain_public
            ),
        ]
    }
}

async fn serve(listener: TcpListener, tls: Option<TlsAcceptor>, seen: Seen) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let tls = tls.clone();
        let seen = seen.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| answer(req, seen.clone()));
            match tls {
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(tcp).await {
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    }
                }
                None => {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(tcp), service)
                        .await;
                }
            }
        });
    }
}

async fn answer(req: Request<Incoming>, seen: Seen) -> Result<Response<Full<Bytes>>, Infallible> {
    let target = req.uri().path_and_query().map_or("/", |p| p.as_str());
    seen.push(format!("{} {target}", req.method()));
    let response = if req.uri().path() == "/blank" {
        Response::builder()
            .header("content-type", "text/html")
            .body(Full::new(Bytes::from_static(
                b"<!doctype html><title>blank</title>",
            )))
    } else {
        Response::builder()
            .header("content-type", "text/plain")
            .header("access-control-allow-origin", "*")
            .body(Full::new(Bytes::from_static(b"ok")))
    };
    // A response of a fixed status, a valid header and a body builds.
    Ok(response.expect("a response"))
}

/// What Chromium did with one `fetch()`.
#[derive(Debug)]
pub struct Observed {
    /// Whether the page got the response.
    pub ok: bool,
    /// The script's error, if it failed.
    pub error: Option<String>,
    /// `Network.loadingFailed`'s `blockedReason`.
    pub blocked_reason: Option<String>,
    /// `corsErrorStatus.corsError`.
    pub cors_error: Option<String>,
    /// The console's messages (`Log.entryAdded`).
    pub console: Vec<String>,
    /// The codes of the issues DevTools raised (`MixedContentIssue`, ...).
    pub issues: Vec<String>,
}

/// The page on `origin` calls `fetch(url)`; with `grant`, the permission
/// of that name is granted to the page's origin first.
pub fn chromium_fetch(
    browser: &Chromium,
    origin: &str,
    url: &str,
    grant: Option<&str>,
) -> Result<Observed, String> {
    let tab = Tab::open(&browser.cdp, STEP)?;
    tab.call("Log.enable", json!({}), STEP)?;
    tab.call("Audits.enable", json!({}), STEP)?;
    if let Some(name) = grant {
        browser.cdp.call(
            None,
            "Browser.setPermission",
            json!({
                "permission": {"name": name},
                "setting": "granted",
                "origin": origin,
                "browserContextId": tab.context_id(),
            }),
            STEP,
        )?;
    }
    tab.goto(&format!("{origin}/blank"), STEP)?;
    let js = format!(
        r#"(async () => {{
            try {{
                const res = await fetch({url}, {{cache: "no-store"}});
                await res.text();
                return {{ ok: true }};
            }} catch (e) {{
                return {{ ok: false, error: String(e) }};
            }}
        }})()"#,
        url = json!(url),
    );
    let result = tab.eval(&js, STEP)?;
    let needle = url.rsplit_once('?').map_or(url, |(_, q)| q);
    tab.settle(needle, 1, STEP)?;
    let request = tab
        .requests()
        .into_iter()
        .find(|r| r.url.contains(needle) && !r.is_preflight())
        .ok_or_else(|| format!("DevTools reported no request to {url}"))?;
    let (mut console, mut issues) = (Vec::new(), Vec::new());
    for (method, p) in browser.cdp.events(&tab.session) {
        match method.as_str() {
            "Log.entryAdded" => console.extend(p["entry"]["text"].as_str().map(str::to_owned)),
            "Audits.issueAdded" => issues.extend(p["issue"]["code"].as_str().map(str::to_owned)),
            _ => {}
        }
    }
    Ok(Observed {
        ok: result["ok"] == true,
        error: result["error"].as_str().map(str::to_owned),
        blocked_reason: request.blocked_reason,
        cors_error: request.cors_error,
        console,
        issues,
    })
}

/// What cors-check says Chromium does, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Says {
    /// No cause; the CORS walk allows it.
    Allowed,
    /// `mixed-content`, Chromium `blocks`.
    MixedContent,
    /// `local-network-access`, Chromium `asks` (the CORS walk allows it).
    Asks,
    /// `local-network-access`, Chromium `blocks`.
    LnaBlocks,
}

/// One situation: the page's origin, the URL it fetches, what cors-check
/// is told with `--resolve`, and what it must say.
struct Situation {
    name: &'static str,
    page: String,
    url: String,
    resolve: Vec<String>,
    says: Says,
}

fn situations(site: &Site) -> Vec<Situation> {
    let api = site.api.port();
    let secure_loopback = site.secure_loopback.port();
    let api_name = format!("api.test:{api}:127.0.0.1");
    let page_loopback = format!("app.test:{secure_loopback}:127.0.0.1");
    let url = |host: &str, case: &str| format!("http://{host}:{api}/api/data?case={case}");
    vec![
        Situation {
            name: "mixed",
            page: format!("https://app.test:{secure_loopback}"),
            url: url("api.test", "mixed"),
            resolve: vec![api_name.clone(), page_loopback.clone()],
            says: Says::MixedContent,
        },
        Situation {
            name: "loopback-is-not-mixed",
            page: format!("https://app.test:{secure_loopback}"),
            url: url("127.0.0.1", "loopback-is-not-mixed"),
            resolve: vec![page_loopback],
            says: Says::Allowed,
        },
        Situation {
            name: "lna-secure-page",
            page: format!("https://app.test:{}", site.secure_public.port()),
            url: url("127.0.0.1", "lna-secure-page"),
            resolve: Vec::new(),
            says: Says::Asks,
        },
        Situation {
            name: "lna-plain-page",
            page: format!("http://app.test:{}", site.plain_public.port()),
            url: url("127.0.0.1", "lna-plain-page"),
            resolve: Vec::new(),
            says: Says::LnaBlocks,
        },
        Situation {
            name: "lna-plain-page-by-name",
            page: format!("http://app.test:{}", site.plain_public.port()),
            url: url("api.test", "lna-plain-page-by-name"),
            resolve: vec![api_name],
            says: Says::LnaBlocks,
        },
    ]
}

/// cors-check's word for a situation, its Chromium detail of the cause,
/// and the DevTools code it gives Chromium's failure (the report's `code`
/// when blocked; the cause's Chromium `code` when the prompt is denied).
fn cors_check_says(s: &Situation) -> Result<(Says, String, Option<String>), String> {
    let mut args = vec![s.url.clone(), "--origin".into(), s.page.clone()];
    for r in &s.resolve {
        args.extend(["--resolve".to_owned(), r.clone()]);
    }
    let (_, report) = cors_check_json(&args);
    let causes: Vec<&Value> = report["causes"].as_array().into_iter().flatten().collect();
    let code_of = |v: &Value| v.as_str().map(str::to_owned);
    let chromium = |c: &Value| {
        (
            c["code"].as_str().unwrap_or("?").to_owned(),
            c["engines"]["chromium"]["effect"]
                .as_str()
                .unwrap_or("?")
                .to_owned(),
            c["engines"]["chromium"]["detail"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
        )
    };
    let verdict = report["verdict"].as_str().unwrap_or("?");
    let cors = report["engines"][0]["cors_verdict"].as_str().unwrap_or("?");
    let exchanges = report["exchanges"].as_array().map_or(0, Vec::len);
    let says = match causes.as_slice() {
        [] if verdict == "allowed" => (Says::Allowed, String::new(), code_of(&report["code"])),
        [c] => match chromium(c) {
            (code, effect, detail) if code == "mixed-content" && effect == "blocks" => {
                if verdict != "blocked" || exchanges != 0 {
                    return Err(format!(
                        "mixed content, yet verdict {verdict} after {exchanges} exchanges"
                    ));
                }
                (
                    Says::MixedContent,
                    report["why"].as_str().unwrap_or("").to_owned() + &detail,
                    code_of(&report["code"]),
                )
            }
            (code, effect, detail) if code == "local-network-access" && effect == "asks" => {
                if (verdict, cors) != ("allowed", "allowed") {
                    return Err(format!(
                        "Chromium asks, yet verdict {verdict} (CORS {cors})"
                    ));
                }
                if report["code"] != Value::Null {
                    return Err(format!("Chromium asks, yet code {}", report["code"]));
                }
                (
                    Says::Asks,
                    detail,
                    code_of(&c["engines"]["chromium"]["code"]),
                )
            }
            (code, effect, detail) if code == "local-network-access" && effect == "blocks" => {
                if verdict != "blocked" {
                    return Err(format!("Chromium blocks, yet verdict {verdict}"));
                }
                let code = code_of(&report["code"]);
                if code_of(&report["engines"][0]["code"]) != code
                    || code_of(&c["engines"]["chromium"]["code"]) != code
                {
                    return Err(format!(
                        "the report's, Chromium's and the cause's codes differ: {report:#}"
                    ));
                }
                (Says::LnaBlocks, detail, code)
            }
            other => return Err(format!("an unexpected cause {other:?}")),
        },
        _ => return Err(format!("verdict {verdict}, causes {:?}", report["causes"])),
    };
    Ok(says)
}

/// Whether Chromium did what cors-check says, on a fresh tab each time.
fn chromium_agrees(
    browser: &Chromium,
    site: &Site,
    s: &Situation,
    (detail, said_code): (&str, Option<&str>),
) -> Result<(), String> {
    let tag = s.url.rsplit_once('?').map_or("", |(_, q)| q).to_owned();
    // cors-check sent its own requests with the same tag before.
    let before = site.seen.count(&tag);
    let o = chromium_fetch(browser, &s.page, &s.url, None)?;
    let reached = site.seen.count(&tag) > before;
    let console = o.console.join("\n");
    // What the page's script sees of any of these: fetch() rejects.
    let type_error = o.error.as_deref().is_some_and(|e| e.contains("TypeError"));
    let denied = |code: &str, console_tail: &str| -> Result<(), String> {
        if o.ok || reached || o.cors_error.as_deref() != Some(code) || !type_error {
            return Err(format!(
                "Chromium did not block it with {code}: {o:?}, reached={reached}"
            ));
        }
        if said_code != Some(code) {
            return Err(format!(
                "Chromium's code is {code}, cors-check's --json says {said_code:?}"
            ));
        }
        if !console.contains(console_tail)
            || !detail.contains(console_tail)
            || !detail.contains(code)
        {
            return Err(format!(
                "console {console:?} and cors-check's detail {detail:?} should both say {console_tail:?} (and the detail {code})"
            ));
        }
        Ok(())
    };
    match s.says {
        Says::Allowed | Says::MixedContent if said_code.is_some() => {
            return Err(format!(
                "Chromium gives no corsError here, cors-check's --json says {said_code:?}"
            ));
        }
        Says::Allowed => {
            if !o.ok || !reached || o.blocked_reason.is_some() {
                return Err(format!(
                    "Chromium did not allow it: {o:?}, reached={reached}"
                ));
            }
        }
        Says::MixedContent => {
            let blocked = type_error
                && !reached
                && o.blocked_reason.as_deref() == Some("mixed-content")
                && o.cors_error.is_none();
            if !blocked || !o.issues.iter().any(|i| i == "MixedContentIssue") {
                return Err(format!(
                    "Chromium did not block it as mixed content: {o:?}, reached={reached}"
                ));
            }
            let wording = "This request has been blocked; the content must be served over HTTPS.";
            if !console.contains(wording) || !detail.contains(wording) {
                return Err(format!(
                    "console {console:?} and cors-check {detail:?} should both say {wording:?}"
                ));
            }
        }
        Says::Asks => {
            // Unanswered: headless Chromium denies it.
            denied(
                "LocalNetworkAccessPermissionDenied",
                "Permission was denied for this request to access the `loopback` address space.",
            )?;
            // Allowed by the user: the request goes out and CORS allows it.
            let granted = chromium_fetch(
                browser,
                &s.page,
                &format!("{}&granted", s.url),
                Some("loopback-network"),
            )?;
            if !granted.ok || site.seen.count(&format!("{tag}&granted")) == 0 {
                return Err(format!(
                    "with the permission granted, Chromium did not allow it: {granted:?}"
                ));
            }
        }
        Says::LnaBlocks => {
            denied(
                "InsecureLocalNetwork",
                "The request client is not a secure context and the resource is in more-private address space `loopback`.",
            )?;
            // No answer of the user's could allow it: it cannot be granted.
            match chromium_fetch(
                browser,
                &s.page,
                &format!("{}&granted", s.url),
                Some("loopback-network"),
            ) {
                Err(e) if e.contains("can't be granted") => {}
                other => {
                    return Err(format!(
                        "Chromium let the permission be granted to a non-secure page: {other:?}"
                    ))
                }
            }
        }
    }
    Ok(())
}

#[test]
fn non_cors_causes_agree_with_headless_chromium() {
    let Some(exe) = installed::chromium("non_cors_causes_agree_with_headless_chromium") else {
        return;
    };
    let site = Site::start();
    let browser =
        Chromium::launch_with(&exe, &site.chromium_flags(), STEP).expect("Chromium starts");
    let mut failures = Vec::new();
    for s in situations(&site) {
        let result = cors_check_says(&s).and_then(|(says, detail, code)| {
            if says != s.says {
                return Err(format!("cors-check says {says:?}, expected {:?}", s.says));
            }
            chromium_agrees(&browser, &site, &s, (&detail, code.as_deref()))
        });
        if let Err(e) = result {
            failures.push(format!(
                "{} ({} -> {}): {e}\n{}",
                s.name,
                s.page,
                s.url,
                browser.log_tail()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn resolve_connects_a_name_to_the_address_given() {
    let port = crate::servers::Servers::get().permissive.port();
    let url = format!("http://api.test:{port}/api/data?case=resolve");
    let run = |extra: &[&str]| {
        let mut args = vec![url.clone(), "--origin".into(), "http://app.example".into()];
        args.extend(extra.iter().map(|a| a.to_string()));
        cors_check_json(&args)
    };
    // The name has no DNS entry; --resolve sends its connections to
    // 127.0.0.1, and that address (not the name) is what Local Network
    // Access is judged by.
    let to_loopback = format!("api.test:{port}:127.0.0.1");
    let (exit, r) = run(&["--resolve", &to_loopback]);
    assert_eq!(r["actual"]["response"]["status"], 200, "{r:#}");
    assert_eq!((exit, r["verdict"].as_str()), (1, Some("blocked")), "{r:#}");
    let cause = &r["causes"][0];
    assert_eq!(cause["code"], "local-network-access", "{r:#}");
    // An http: page: Chromium blocks it before CORS, with its DevTools code.
    assert_eq!(r["code"], "InsecureLocalNetwork", "{r:#}");
    assert_eq!(r["engines"][0]["code"], "InsecureLocalNetwork", "{r:#}");
    assert_eq!(r["failed_parameter"], Value::Null, "{r:#}");
    assert_eq!(cause["engines"]["chromium"]["code"], "InsecureLocalNetwork");
    assert!(
        cause["summary"]
            .as_str()
            .is_some_and(|s| s.contains("127.0.0.1 (loopback)")),
        "{cause}"
    );
    // The page's own address, given the same way: loopback to loopback.
    let (exit, r) = run(&[
        "--resolve",
        &to_loopback,
        "--resolve",
        "app.example:80:127.0.0.1",
    ]);
    assert_eq!(r["causes"], json!([]), "{r:#}");
    assert_eq!((exit, r["verdict"].as_str()), (0, Some("allowed")), "{r:#}");
    // A malformed entry is a usage error that shows the expected form.
    let (exit, r) = run(&["--resolve", "api.test:127.0.0.1"]);
    assert_eq!(
        (exit, r["error_kind"].as_str()),
        (2, Some("usage")),
        "{r:#}"
    );
    assert!(
        r["error"]
            .as_str()
            .is_some_and(|e| e.contains("HOST:PORT:ADDR")),
        "{r:#}"
    );
}

/// An https page fetching an http URL in Firefox or WebKit: whether the
/// engine blocks it as mixed content, compared with
/// `cors-check --engine firefox|webkit`.
struct Mixed {
    name: &'static str,
    page: String,
    url: String,
    resolve: Vec<String>,
    /// Whether it is mixed content (blocked before anything is sent).
    blocked: bool,
}

/// The situations for `engine`: an https page on `127.0.0.1` fetching
/// `http://127.0.0.1` and `http://localhost` (loopback: not mixed content
/// in Firefox, mixed content in WebKit), and, in Firefox,
/// whose `network.dns.localDomains` gives `app.test` and `api.test` to
/// 127.0.0.1, an https page on `app.test` fetching `http://api.test`.
fn mixed_situations(site: &Site, engine: &str) -> Vec<Mixed> {
    let (page, api) = (site.secure_loopback.port(), site.api.port());
    let url =
        |host: &str, case: &str| format!("http://{host}:{api}/api/data?case={case}&e={engine}");
    let mut all = vec![Mixed {
        name: "https-page-http-127",
        page: format!("https://127.0.0.1:{page}"),
        url: url("127.0.0.1", "https-page-http-127"),
        resolve: Vec::new(),
        blocked: engine == "webkit",
    }];
    all.push(Mixed {
        name: "https-page-http-localhost",
        page: format!("https://127.0.0.1:{page}"),
        url: url("localhost", "https-page-http-localhost"),
        resolve: Vec::new(),
        blocked: engine == "webkit",
    });
    if engine == "firefox" {
        all.push(Mixed {
            name: "mixed",
            page: format!("https://app.test:{page}"),
            url: url("api.test", "mixed"),
            resolve: vec![
                format!("api.test:{api}:127.0.0.1"),
                format!("app.test:{page}:127.0.0.1"),
            ],
            blocked: true,
        });
    }
    all
}

/// Whether `cors-check --engine <engine>` says the engine blocks `m` as
/// mixed content (`Ok(false)`: no cause, and allowed).
fn cors_check_blocks(m: &Mixed, engine: &str) -> Result<bool, String> {
    let mut args = vec![
        m.url.clone(),
        "--origin".into(),
        m.page.clone(),
        "--engine".into(),
        engine.into(),
    ];
    for r in &m.resolve {
        args.extend(["--resolve".to_owned(), r.clone()]);
    }
    let (_, r) = cors_check_json(&args);
    let verdict = r["engines"][0]["verdict"].as_str().unwrap_or("?");
    let exchanges = r["exchanges"].as_array().map_or(0, Vec::len);
    match r["causes"].as_array().map(Vec::as_slice) {
        Some([]) if verdict == "allowed" => Ok(false),
        Some([c])
            if c["code"] == "mixed-content"
                && c["engines"][engine]["effect"] == "blocks"
                && verdict == "blocked"
                && exchanges == 0 =>
        {
            Ok(true)
        }
        _ => Err(format!("cors-check said neither: {r:#}")),
    }
}

/// Whether the engine blocked it before sending (`Ok(true)`), or the page
/// got the response (`Ok(false)`), from the page's `fetch()` result and
/// whether the API received the request.
fn engine_blocked(site: &Site, m: &Mixed, result: &Value, before: usize) -> Result<bool, String> {
    let tag = m.url.rsplit_once('?').map_or("", |(_, q)| q);
    let reached = site.seen.count(tag) > before;
    let type_error = result["error"]
        .as_str()
        .is_some_and(|e| e.contains("TypeError"));
    match (result["ok"] == true, reached) {
        (true, true) => Ok(false),
        (false, false) if type_error => Ok(true),
        _ => Err(format!("the page got {result}, reached={reached}")),
    }
}

/// Runs every situation for `engine` with `run` (the page's `fetch()`
/// result) and compares what the engine did with what cors-check says.
fn compare_mixed(site: &Site, engine: &str, run: impl Fn(&Mixed) -> Result<Value, String>) {
    let mut failures = Vec::new();
    for m in mixed_situations(site, engine) {
        let tag = m.url.rsplit_once('?').map_or("", |(_, q)| q).to_owned();
        let result = cors_check_blocks(&m, engine).and_then(|says| {
            if says != m.blocked {
                return Err(format!(
                    "cors-check says blocked={says}, expected {}",
                    m.blocked
                ));
            }
            // cors-check sent its own requests with the same tag before.
            let before = site.seen.count(&tag);
            let did = engine_blocked(site, &m, &run(&m)?, before)?;
            if did != says {
                return Err(format!(
                    "cors-check says blocked={says}, {engine} blocked={did}"
                ));
            }
            Ok(())
        });
        if let Err(e) = result {
            failures.push(format!("{} ({} -> {}): {e}", m.name, m.page, m.url));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mixed_content_agrees_with_headless_firefox() {
    use tower_cors_test_drivers::firefox;
    let Some(exe) = installed::firefox("mixed_content_agrees_with_headless_firefox") else {
        return;
    };
    let site = Site::start();
    // `localDomains` resolves the listed names to 127.0.0.1 (a pref's
    // string value keeps its quotes in user.js); `acceptInsecureCerts`
    // takes the pages' self-signed certificate.
    let ff = firefox::Firefox::launch_with(
        &exe,
        &[("network.dns.localDomains", "\"app.test,api.test\"")],
        true,
        Duration::from_secs(30),
    )
    .expect("Firefox starts");
    let tab = ff.open("about:blank", 800, STEP).expect("a Firefox tab");
    compare_mixed(&site, "firefox", |m| {
        tab.goto(&format!("{}/blank", m.page), STEP)?;
        tab.eval(&fetch_js(&m.url, &json!({"cache": "no-store"})), STEP)
            .map_err(|e| format!("{e}\n{}", ff.log_tail()))
    });
}

#[test]
fn mixed_content_agrees_with_minibrowser() {
    use tower_cors_test_drivers::webkit;
    if !installed::webkit("mixed_content_agrees_with_minibrowser") {
        return;
    }
    let site = Site::start();
    let wk = webkit::WebKit::launch(Duration::from_secs(30)).expect("Xvfb starts");
    // `--ignore-tls-errors` takes the pages' self-signed certificate.
    let page = wk
        .open_page_with(
            "about:blank",
            &["--ignore-tls-errors"],
            Duration::from_secs(30),
        )
        .expect("MiniBrowser starts");
    compare_mixed(&site, "webkit", |m| {
        page.goto(&format!("{}/blank", m.page), STEP)?;
        page.eval(&fetch_js(&m.url, &json!({"cache": "no-store"})), STEP)
            .map_err(|e| format!("{e}\n{}", page.log_tail()))
    });
}
