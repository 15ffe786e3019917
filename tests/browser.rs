//! The proof that counts: a real Chromium accepts what the policy allows and
//! blocks what it refuses.
//!
//! The demo's servers (`examples/demo/app.rs`) and a few more APIs with
//! other policies run in this process on 127.0.0.1, port 0. One headless
//! Chromium (fresh profile) is driven over the DevTools protocol; every case
//! gets its own tab in its own browser context (own preflight cache) and the
//! cases run concurrently. Each case asserts what the page could do
//! (readable or blocked), Chromium's own CORS error code for blocked
//! requests, and what the server really received and answered.
//!
//! Without Chromium the test fails when `CI` is set and is skipped (saying
//! so) otherwise. `CHROMIUM=/path/to/chrome` picks another browser.

#[allow(dead_code)]
#[path = "../examples/demo/app.rs"]
mod app;
#[path = "browser/cdp.rs"]
mod cdp;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use app::{Outcome, RequestLog, Seen};
use cdp::{Chromium, NetRequest, Tab};
use serde_json::{json, Value};
use tower_cors::CorsConfig;

/// The longest any single browser step may take.
const STEP: Duration = Duration::from_secs(15);
/// The longest the whole suite may take once Chromium is up.
const SUITE: Duration = Duration::from_secs(90);

// ---------------------------------------------------------------------------
// Helpers

/// An API with one policy, on its own port.
struct Api {
    base: String,
    log: RequestLog,
}

impl Api {
    /// Requests received with `?case=<case>`.
    fn seen(&self, case: &str) -> Vec<Seen> {
        self.log
            .snapshot()
            .into_iter()
            .filter(|s| s.query("case") == Some(case))
            .collect()
    }

    fn url(&self, case: &str) -> String {
        format!("{}/api/data?case={case}", self.base)
    }
}

struct Env {
    rt: tokio::runtime::Runtime,
    /// The demo's front end (also serves `/blank`).
    web: SocketAddr,
    /// The demo's wrong-origin front end.
    wrong: SocketAddr,
    demo_log: RequestLog,
    /// A second demo, with the sample policy file `examples/demo/policy.toml`.
    sample_web: SocketAddr,
    sample_log: RequestLog,
    shutdown: tokio::sync::watch::Receiver<bool>,
}

impl Env {
    fn config(&self, origins: &[&str]) -> CorsConfig {
        CorsConfig {
            allow_origins: origins.iter().map(|s| s.to_string()).collect(),
            ..CorsConfig::default()
        }
    }

    /// The front end's origin, spelled with `host`.
    fn origin(&self, host: &str) -> String {
        format!("http://{host}:{}", self.web.port())
    }

    /// Starts an API enforcing `config`.
    fn api(&self, config: CorsConfig) -> Result<Api, String> {
        let policy = tower_cors::CorsPolicy::try_from(config).map_err(|e| e.to_string())?;
        let log = RequestLog::default();
        let router = app::api_router(policy, log.clone());
        let mut stop = self.shutdown.clone();
        let addr = self.rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| e.to_string())?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            tokio::spawn(app::serve(listener, router, async move {
                let _ = stop.wait_for(|s| *s).await;
            }));
            Ok::<_, String>(addr)
        })?;
        Ok(Api {
            base: format!("http://{addr}"),
            log,
        })
    }
}

/// A JavaScript expression that runs one `fetch` and resolves to
/// `{ok, status, body, header}` or `{ok: false, error}`.
fn fetch_js(url: &str, init: Value, read_header: Option<&str>) -> String {
    format!(
        r#"(async () => {{
            try {{
                const res = await fetch({url}, {init});
                const body = await res.text();
                return {{ ok: true, status: res.status, body, header: res.headers.get({header}) }};
            }} catch (e) {{
                return {{ ok: false, error: String(e) }};
            }}
        }})()"#,
        url = json!(url),
        init = init,
        header = json!(read_header.unwrap_or("x-none")),
    )
}

/// Writes to the real stderr, past the test harness's capture, so that a
/// skip and the per-case summary show in every run (CI logs included).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// The page could read the answer, and the server's JSON names `method`.
fn expect_ok(result: &Value, method: &str) -> Result<(), String> {
    ensure!(result["ok"] == true, "expected readable, got {result}");
    ensure!(result["status"] == 200, "expected status 200, got {result}");
    let body: Value = serde_json::from_str(result["body"].as_str().unwrap_or_default())
        .map_err(|e| format!("body is not JSON ({e}): {result}"))?;
    ensure!(
        body == json!({"message": "CORS works!", "method": method}),
        "unexpected body {body}"
    );
    Ok(())
}

/// The page got `TypeError: Failed to fetch`.
fn expect_blocked(result: &Value) -> Result<(), String> {
    ensure!(result["ok"] == false, "expected blocked, got {result}");
    ensure!(
        result["error"]
            .as_str()
            .is_some_and(|e| e.contains("TypeError")),
        "expected a TypeError, got {result}"
    );
    Ok(())
}

/// The one request DevTools saw to a URL containing `needle`, with the
/// preflights it saw for it (the preflight cache case sends two requests).
fn devtools(tab: &Tab<'_>, needle: &str) -> Result<(NetRequest, Vec<NetRequest>), String> {
    tab.settle(needle, 1, STEP)?;
    let (pre, actual): (Vec<NetRequest>, Vec<NetRequest>) = tab
        .requests()
        .into_iter()
        .filter(|r| r.url.contains(needle))
        .partition(NetRequest::is_preflight);
    match <[NetRequest; 1]>::try_from(actual) {
        Ok([r]) => Ok((r, pre)),
        Err(actual) => Err(format!(
            "expected one request to {needle} in DevTools, got {actual:?}"
        )),
    }
}

/// Chromium's CORS error for the one request to `needle`, after checking
/// that DevTools saw as many preflights for it as the server did.
fn cors_error(tab: &Tab<'_>, needle: &str, server: &[Seen]) -> Result<Option<String>, String> {
    let (actual, _) = devtools(tab, needle)?;
    let at_server = server.iter().filter(|s| s.is_preflight()).count();
    let preflights = |reqs: &[NetRequest]| {
        reqs.iter()
            .filter(|r| r.url.contains(needle) && r.is_preflight())
            .count()
    };
    if let Err(reqs) = tab.wait_requests(|r| preflights(r) >= at_server, STEP) {
        return Err(format!(
            "DevTools saw {} preflight(s) for {needle}, the server {at_server}: {reqs:?}",
            preflights(&reqs)
        ));
    }
    // Anything extra would show by now: the request itself has ended.
    let reqs = tab.requests();
    ensure!(
        preflights(&reqs) == at_server,
        "DevTools saw {} preflight(s) for {needle}, the server {at_server}",
        preflights(&reqs)
    );
    Ok(actual.cors_error)
}

fn expect_cors_error(
    tab: &Tab<'_>,
    needle: &str,
    server: &[Seen],
    code: &str,
) -> Result<(), String> {
    let got = cors_error(tab, needle, server)?;
    ensure!(
        got.as_deref() == Some(code),
        "Chromium's CORS error for {needle}: expected {code}, got {got:?}"
    );
    Ok(())
}

/// Checks what the server received for one fetch: the preflight (if any)
/// with its status, then the actual request (if any) with its status.
fn expect_seen(
    seen: &[Seen],
    preflight: Option<u16>,
    actual: Option<(&str, u16)>,
) -> Result<(), String> {
    let pre: Vec<&Seen> = seen.iter().filter(|s| s.is_preflight()).collect();
    let act: Vec<&Seen> = seen.iter().filter(|s| !s.is_preflight()).collect();
    match preflight {
        Some(status) => ensure!(
            pre.len() == 1 && pre[0].status == status,
            "expected one preflight answered {status}, server saw {seen:?}"
        ),
        None => ensure!(pre.is_empty(), "expected no preflight, server saw {seen:?}"),
    }
    match actual {
        Some((method, status)) => ensure!(
            act.len() == 1 && act[0].method == method && act[0].status == status,
            "expected one {method} answered {status}, server saw {seen:?}"
        ),
        None => ensure!(
            act.is_empty(),
            "expected no actual request, server saw {seen:?}"
        ),
    }
    Ok(())
}

/// Opens a tab on `origin`'s blank page.
fn tab_at<'a>(browser: &'a Chromium, origin: &str) -> Result<Tab<'a>, String> {
    let tab = Tab::open(&browser.cdp, STEP)?;
    tab.goto(&format!("{origin}/blank"), STEP)?;
    Ok(tab)
}

// ---------------------------------------------------------------------------
// The demo matrix

/// What the built-in policy must make of each row, from an allowed origin:
/// the outcome, and Chromium's CORS error when blocked.
fn builtin_expectation(id: &str) -> (Outcome, Option<&'static str>) {
    match id {
        "get" | "post-json" | "put-custom" | "delete" | "patch" | "credentials"
        | "authorization" | "read-exposed" => (Outcome::Ok, None),
        "read-hidden" => (Outcome::Hidden, None),
        // `patch` is not `PATCH`: the layer refuses the preflight (403, no
        // CORS headers), and Chromium reports the missing ACAO first.
        "patch-lower" | "bad-header" => {
            (Outcome::Blocked, Some("PreflightMissingAllowOriginHeader"))
        }
        _ => (Outcome::Blocked, Some("unknown row")),
    }
}

/// Loads the demo page at `page_url`, waits for its matrix, and checks every
/// row against `expected`, against the page's own expectation (computed by
/// the demo from the policy), against DevTools and against the server log.
fn check_matrix(
    browser: &Chromium,
    log: &RequestLog,
    page_url: &str,
    expected: impl Fn(&str) -> (Outcome, Option<&'static str>),
) -> Result<(), String> {
    let tab = Tab::open(&browser.cdp, STEP)?;
    tab.goto(page_url, STEP)?;
    let results = tab.eval("window.demoDone", STEP)?;
    let results = results
        .as_array()
        .ok_or_else(|| format!("the page failed: {results}"))?;
    ensure!(
        results.len() == app::MATRIX.len(),
        "the page ran {} rows, not {}",
        results.len(),
        app::MATRIX.len()
    );
    let run = tab.eval("RUN", STEP)?;
    let run = run.as_str().ok_or("no RUN")?.to_owned();
    let needle = format!("run={run}");
    tab.settle(&needle, app::MATRIX.len(), STEP)?;
    let seen: Vec<Seen> = log
        .snapshot()
        .into_iter()
        .filter(|s| s.query("run") == Some(run.as_str()))
        .collect();
    // Wait for DevTools to report every preflight the server saw.
    let server_preflights = seen.iter().filter(|s| s.is_preflight()).count();
    let requests = tab
        .wait_requests(
            |reqs| {
                reqs.iter()
                    .filter(|r| r.url.contains(&needle) && r.is_preflight())
                    .count()
                    >= server_preflights
            },
            STEP,
        )
        .unwrap_or_else(|reqs| reqs);

    let mut problems = Vec::new();
    for (row, result) in app::MATRIX.iter().zip(results) {
        let check = || -> Result<(), String> {
            ensure!(result["id"] == row.id, "rows out of order: {result}");
            let (want, code) = expected(row.id);
            let got = result["outcome"].as_str().unwrap_or("?");
            ensure!(
                got == want.as_str(),
                "expected {}, the page got {got}: {}",
                want.as_str(),
                result["text"]
            );
            ensure!(
                result["expect"] == want.as_str(),
                "the page's expectation is {} ({}), the browser did {}",
                result["expect"],
                result["why"],
                want.as_str()
            );
            match (want, row.read_header) {
                (Outcome::Ok, Some(h)) if h == app::EXPOSED_HEADER => ensure!(
                    result["header"]
                        .as_str()
                        .is_some_and(|v| v.starts_with("req-")),
                    "exposed header not readable: {result}"
                ),
                (Outcome::Hidden, _) => {
                    ensure!(result["header"].is_null(), "hidden header read: {result}")
                }
                _ => {}
            }
            // DevTools: the actual request, and its CORS error if blocked.
            let needle = format!("row={}&", row.id);
            let actual: Vec<&NetRequest> = requests
                .iter()
                .filter(|r| r.url.contains(&needle) && !r.is_preflight())
                .collect();
            ensure!(actual.len() == 1, "DevTools saw {actual:?}");
            let devtools_preflights = requests
                .iter()
                .filter(|r| r.url.contains(&needle) && r.is_preflight())
                .count();
            ensure!(
                devtools_preflights == usize::from(row.needs_preflight()),
                "DevTools saw {devtools_preflights} preflight(s)"
            );
            let cors = actual[0].cors_error.as_deref();
            ensure!(
                cors == code,
                "Chromium's CORS error: expected {code:?}, got {cors:?} ({:?})",
                actual[0]
            );
            // The server: the preflight (with what Chromium asked for), then
            // the actual request unless the preflight failed.
            let mine: Vec<Seen> = seen
                .iter()
                .filter(|s| s.query("row") == Some(row.id))
                .cloned()
                .collect();
            let preflight_ok =
                row.needs_preflight() && mine.iter().any(|s| s.is_preflight() && s.status == 204);
            let pre_status = row
                .needs_preflight()
                .then_some(if preflight_ok { 204 } else { 403 });
            let actual_seen = (!row.needs_preflight() || preflight_ok).then_some((row.method, 200));
            expect_seen(&mine, pre_status, actual_seen)?;
            if let Some(p) = mine.iter().find(|s| s.is_preflight()) {
                ensure!(
                    p.acrm.as_deref() == Some(row.method),
                    "Chromium asked for method {:?}, the page used {}",
                    p.acrm,
                    row.method
                );
                let acrh = row.acrh();
                ensure!(
                    p.acrh.as_deref().unwrap_or("") == acrh,
                    "Chromium asked for headers {:?}, expected {acrh:?}",
                    p.acrh
                );
            }
            // Here a blocked preflighted row is always a refused preflight.
            if row.needs_preflight() {
                ensure!(
                    preflight_ok == (want != Outcome::Blocked),
                    "server answered the preflight {mine:?}"
                );
            }
            Ok(())
        };
        if let Err(e) = check() {
            problems.push(format!("row {}: {e}", row.id));
        }
    }
    ensure!(problems.is_empty(), "{}", problems.join("\n  "));
    Ok(())
}

fn case_matrix_allowed_origin(b: &Chromium, env: &Env) -> Result<(), String> {
    let url = format!("{}/", env.origin("127.0.0.1"));
    check_matrix(b, &env.demo_log, &url, builtin_expectation)
}

fn case_matrix_localhost_spelling(b: &Chromium, env: &Env) -> Result<(), String> {
    let url = format!("{}/", env.origin("localhost"));
    check_matrix(b, &env.demo_log, &url, builtin_expectation)
}

fn case_matrix_wrong_origin(b: &Chromium, env: &Env) -> Result<(), String> {
    let url = format!("http://localhost:{}/", env.wrong.port());
    check_matrix(b, &env.demo_log, &url, all_blocked)
}

/// From an origin the policy does not allow, every row is blocked: simple
/// requests for their missing ACAO, the others at the preflight.
fn all_blocked(id: &str) -> (Outcome, Option<&'static str>) {
    let row = app::MATRIX.iter().find(|r| r.id == id);
    let code = if row.is_some_and(|r| r.needs_preflight()) {
        "PreflightMissingAllowOriginHeader"
    } else {
        "MissingAllowOriginHeader"
    };
    (Outcome::Blocked, Some(code))
}

/// The sample policy file (`http://*.localhost:*`, no PATCH, no
/// Authorization), as `--policy examples/demo/policy.toml` loads it.
fn case_matrix_sample_policy_file(b: &Chromium, env: &Env) -> Result<(), String> {
    let port = env.sample_web.port();
    let url = format!("http://app.localhost:{port}/");
    check_matrix(b, &env.sample_log, &url, |id| match id {
        "patch" | "patch-lower" | "authorization" | "bad-header" => {
            (Outcome::Blocked, Some("PreflightMissingAllowOriginHeader"))
        }
        other => builtin_expectation(other),
    })?;
    let url = format!("http://localhost:{port}/");
    check_matrix(b, &env.sample_log, &url, all_blocked)
}

// ---------------------------------------------------------------------------
// Other policies

/// The seed's FastAPI settings: listed origin, credentials, `*` methods and
/// headers. A credentialed PUT with custom headers and JSON must pass.
fn case_fastapi_credentialed_put(b: &Chromium, env: &Env) -> Result<(), String> {
    let origin = env.origin("127.0.0.1");
    let api = env.api(CorsConfig {
        allow_methods: vec!["*".into()],
        allow_headers: vec!["*".into()],
        allow_credentials: true,
        ..env.config(&[&origin])
    })?;
    let tab = tab_at(b, &origin)?;
    let r = tab.eval(
        &fetch_js(
            &api.url("fastapi"),
            json!({"method": "PUT", "credentials": "include",
                   "headers": {"Content-Type": "application/json", "X-Custom-One": "1", "X-Trace-Id": "abc"},
                   "body": "{\"a\":1}"}),
            None,
        ),
        STEP,
    )?;
    expect_ok(&r, "PUT")?;
    let seen = api.seen("fastapi");
    expect_seen(&seen, Some(204), Some(("PUT", 200)))?;
    let pre = &seen[0];
    ensure!(
        pre.acrh.as_deref() == Some("content-type,x-custom-one,x-trace-id"),
        "Chromium's ACRH: {:?}",
        pre.acrh
    );
    ensure!(
        cors_error(&tab, "case=fastapi", &seen)?.is_none(),
        "DevTools reported a CORS error"
    );
    Ok(())
}

/// Express's `cors()` defaults: any origin, no credentials. Readable without
/// credentials; with `credentials: "include"` Chromium refuses `*`.
fn case_express_wildcard(b: &Chromium, env: &Env) -> Result<(), String> {
    let api = env.api(CorsConfig {
        allow_methods: ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"]
            .map(String::from)
            .into(),
        ..env.config(&["*"])
    })?;
    let tab = tab_at(b, &env.origin("127.0.0.1"))?;
    let plain = tab.eval(&fetch_js(&api.url("express-plain"), json!({}), None), STEP)?;
    expect_ok(&plain, "GET")?;
    let seen = api.seen("express-plain");
    expect_seen(&seen, None, Some(("GET", 200)))?;
    ensure!(
        seen[0].acao.as_deref() == Some("*"),
        "ACAO: {:?}",
        seen[0].acao
    );

    let cred = tab.eval(
        &fetch_js(
            &api.url("express-cred"),
            json!({"credentials": "include"}),
            None,
        ),
        STEP,
    )?;
    expect_blocked(&cred)?;
    expect_seen(&api.seen("express-cred"), None, Some(("GET", 200)))?;
    expect_cors_error(
        &tab,
        "case=express-cred",
        &api.seen("express-cred"),
        "WildcardOriginNotAllowed",
    )
}

/// An origin the policy does not list: the simple GET is answered without
/// CORS headers, the preflight is refused and the PUT never sent.
fn case_disallowed_origin(b: &Chromium, env: &Env) -> Result<(), String> {
    let api = env.api(CorsConfig {
        allow_methods: vec!["PUT".into()],
        ..env.config(&["https://app.example.com"])
    })?;
    let tab = tab_at(b, &env.origin("127.0.0.1"))?;
    let get = tab.eval(&fetch_js(&api.url("deny-get"), json!({}), None), STEP)?;
    expect_blocked(&get)?;
    let seen = api.seen("deny-get");
    expect_seen(&seen, None, Some(("GET", 200)))?;
    ensure!(seen[0].acao.is_none(), "ACAO sent to a disallowed origin");
    expect_cors_error(&tab, "case=deny-get", &seen, "MissingAllowOriginHeader")?;

    let put = tab.eval(
        &fetch_js(&api.url("deny-put"), json!({"method": "PUT"}), None),
        STEP,
    )?;
    expect_blocked(&put)?;
    expect_seen(&api.seen("deny-put"), Some(403), None)?;
    expect_cors_error(
        &tab,
        "case=deny-put",
        &api.seen("deny-put"),
        "PreflightMissingAllowOriginHeader",
    )
}

/// Runs a simple GET and a preflighted PUT from `origin` and checks both
/// were readable (`allowed`) or both blocked.
fn pattern_probe(
    b: &Chromium,
    api: &Api,
    origin: &str,
    tag: &str,
    allowed: bool,
) -> Result<(), String> {
    let tab = tab_at(b, origin)?;
    let get_case = format!("{tag}-get");
    let put_case = format!("{tag}-put");
    let get = tab.eval(&fetch_js(&api.url(&get_case), json!({}), None), STEP)?;
    let put = tab.eval(
        &fetch_js(&api.url(&put_case), json!({"method": "PUT"}), None),
        STEP,
    )?;
    let ctx = |e: String| format!("page at {origin}: {e}");
    if allowed {
        expect_ok(&get, "GET").map_err(ctx)?;
        expect_ok(&put, "PUT").map_err(ctx)?;
        expect_seen(&api.seen(&get_case), None, Some(("GET", 200))).map_err(ctx)?;
        expect_seen(&api.seen(&put_case), Some(204), Some(("PUT", 200))).map_err(ctx)?;
        let got = api.seen(&get_case)[0].acao.clone();
        ensure!(got.as_deref() == Some(origin), "ACAO {got:?} for {origin}");
    } else {
        expect_blocked(&get).map_err(ctx)?;
        expect_blocked(&put).map_err(ctx)?;
        expect_seen(&api.seen(&get_case), None, Some(("GET", 200))).map_err(ctx)?;
        expect_seen(&api.seen(&put_case), Some(403), None).map_err(ctx)?;
        expect_cors_error(
            &tab,
            &format!("case={get_case}"),
            &api.seen(&get_case),
            "MissingAllowOriginHeader",
        )
        .map_err(ctx)?;
        expect_cors_error(
            &tab,
            &format!("case={put_case}"),
            &api.seen(&put_case),
            "PreflightMissingAllowOriginHeader",
        )
        .map_err(ctx)?;
    }
    Ok(())
}

/// `http://*.localhost:*`: subdomains of localhost on any port (Chromium
/// resolves `*.localhost` to loopback itself); `localhost` itself and
/// `127.0.0.1` are near-misses.
fn case_pattern_subdomains(b: &Chromium, env: &Env) -> Result<(), String> {
    let api = env.api(CorsConfig {
        allow_methods: vec!["PUT".into()],
        ..env.config(&["http://*.localhost:*"])
    })?;
    pattern_probe(b, &api, &env.origin("app.localhost"), "sub-ok", true)?;
    pattern_probe(b, &api, &env.origin("a.b.localhost"), "sub-deep", true)?;
    pattern_probe(b, &api, &env.origin("localhost"), "sub-bare", false)?;
    pattern_probe(b, &api, &env.origin("127.0.0.1"), "sub-ip", false)
}

/// `http://localhost:*`: any port of localhost; a subdomain is a near-miss.
fn case_pattern_any_port(b: &Chromium, env: &Env) -> Result<(), String> {
    let api = env.api(CorsConfig {
        allow_methods: vec!["PUT".into()],
        ..env.config(&["http://localhost:*"])
    })?;
    pattern_probe(b, &api, &env.origin("localhost"), "port-ok", true)?;
    pattern_probe(b, &api, &env.origin("app.localhost"), "port-sub", false)
}

/// Two identical preflighted requests 6 s apart (longer than Chromium's
/// 5-second default). With `max_age` set the second one reuses the cached
/// preflight; without it there is a second OPTIONS.
fn preflight_cache(b: &Chromium, env: &Env, max_age: Option<u64>) -> Result<(), String> {
    let origin = env.origin("127.0.0.1");
    let api = env.api(CorsConfig {
        allow_methods: vec!["PUT".into()],
        allow_headers: vec!["x-custom".into()],
        max_age_secs: max_age,
        ..env.config(&[&origin])
    })?;
    let tab = tab_at(b, &origin)?;
    let case = format!("cache-{}", max_age.unwrap_or(0));
    // The default cache mode: `no-store` would bypass the preflight cache.
    let init = json!({"method": "PUT", "headers": {"X-Custom": "1"}});
    let first = tab.eval(&fetch_js(&api.url(&case), init.clone(), None), STEP)?;
    expect_ok(&first, "PUT")?;
    std::thread::sleep(Duration::from_millis(6_000));
    let second = tab.eval(&fetch_js(&api.url(&case), init, None), STEP)?;
    expect_ok(&second, "PUT")?;
    let seen = api.seen(&case);
    let options = seen.iter().filter(|s| s.is_preflight()).count();
    let puts = seen
        .iter()
        .filter(|s| s.method == "PUT" && s.status == 200)
        .count();
    let want = if max_age.is_some() { 1 } else { 2 };
    ensure!(
        options == want && puts == 2,
        "max_age {max_age:?}: expected {want} preflight(s) and 2 PUTs, server saw {seen:?}"
    );
    // Chromium's side of it: as many preflights as the server saw.
    tab.settle(&case, want + 2, STEP)?;
    let requests = tab.requests();
    let devtools = requests
        .iter()
        .filter(|r| r.url.contains(&case) && r.is_preflight())
        .count();
    ensure!(
        devtools == want,
        "max_age {max_age:?}: DevTools saw {devtools} preflight(s): {requests:?}"
    );
    Ok(())
}

fn case_preflight_cache_max_age(b: &Chromium, env: &Env) -> Result<(), String> {
    preflight_cache(b, env, Some(600))
}

fn case_preflight_cache_default(b: &Chromium, env: &Env) -> Result<(), String> {
    preflight_cache(b, env, None)
}

/// `Authorization` with `*` headers and no credentials: the standard never
/// lets `*` cover it. Unlisted, the layer refuses the preflight and the
/// browser blocks; listed, it passes.
fn case_authorization(b: &Chromium, env: &Env) -> Result<(), String> {
    let origin = env.origin("127.0.0.1");
    let star = env.api(CorsConfig {
        allow_headers: vec!["*".into()],
        ..env.config(&[&origin])
    })?;
    let listed = env.api(CorsConfig {
        allow_headers: vec!["*".into(), "authorization".into()],
        ..env.config(&[&origin])
    })?;
    let tab = tab_at(b, &origin)?;
    let init = json!({"headers": {"Authorization": "Bearer t", "X-Other": "1"}});
    let r = tab.eval(&fetch_js(&star.url("auth-star"), init.clone(), None), STEP)?;
    expect_blocked(&r)?;
    expect_seen(&star.seen("auth-star"), Some(403), None)?;
    expect_cors_error(
        &tab,
        "case=auth-star",
        &star.seen("auth-star"),
        "PreflightMissingAllowOriginHeader",
    )?;

    let r = tab.eval(&fetch_js(&listed.url("auth-listed"), init, None), STEP)?;
    expect_ok(&r, "GET")?;
    let seen = listed.seen("auth-listed");
    expect_seen(&seen, Some(204), Some(("GET", 200)))?;
    ensure!(
        seen[0].acrh.as_deref() == Some("authorization,x-other"),
        "Chromium's ACRH: {:?}",
        seen[0].acrh
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// The test

type Case = fn(&Chromium, &Env) -> Result<(), String>;

const CASES: &[(&str, Case)] = &[
    ("demo matrix, allowed origin", case_matrix_allowed_origin),
    (
        "demo matrix, localhost spelling",
        case_matrix_localhost_spelling,
    ),
    ("demo matrix, wrong origin", case_matrix_wrong_origin),
    (
        "demo matrix, sample policy file",
        case_matrix_sample_policy_file,
    ),
    (
        "FastAPI policy, credentialed PUT",
        case_fastapi_credentialed_put,
    ),
    ("Express policy, * origin", case_express_wildcard),
    ("disallowed origin", case_disallowed_origin),
    ("pattern http://*.localhost:*", case_pattern_subdomains),
    ("pattern http://localhost:*", case_pattern_any_port),
    ("preflight cache, max_age 600", case_preflight_cache_max_age),
    ("preflight cache, no max_age", case_preflight_cache_default),
    ("Authorization with * headers", case_authorization),
];

#[test]
fn chromium_enforces_the_policies() {
    let Some(exe) = cdp::find_chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("Chromium is required in CI (apt-get install chromium), and was not found");
        }
        say!(
            "SKIPPED tests/browser.rs: no Chromium found (install it, or set CHROMIUM=/path); \
             nothing was checked in a real browser"
        );
        return;
    };
    let started = Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let demo = rt
        .block_on(app::start(
            app::Addrs {
                web: loopback,
                api: loopback,
                wrong: Some(loopback),
            },
            None,
            RequestLog::default(),
            stop_rx.clone(),
        ))
        .expect("demo servers");
    let sample_config = app::config_from_toml(include_str!("../examples/demo/policy.toml"))
        .expect("examples/demo/policy.toml");
    let sample = rt
        .block_on(app::start(
            app::Addrs {
                web: loopback,
                api: loopback,
                wrong: None,
            },
            Some(sample_config),
            RequestLog::default(),
            stop_rx.clone(),
        ))
        .expect("demo servers with the sample policy");
    let env = Env {
        sample_web: sample.web,
        sample_log: sample.log.clone(),
        web: demo.web,
        wrong: demo.wrong.expect("wrong-origin listener"),
        demo_log: demo.log.clone(),
        shutdown: stop_rx,
        rt,
    };

    let browser = Chromium::launch(&exe, Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("starting {}: {e}", exe.display()));
    let launched = started.elapsed();
    let version = browser
        .cdp
        .call(None, "Browser.getVersion", json!({}), STEP)
        .map(|v| v["product"].as_str().unwrap_or("?").to_owned())
        .unwrap_or_else(|e| format!("unknown version ({e})"));

    let (tx, rx) = std::sync::mpsc::channel();
    let results: Vec<(&str, Result<(), String>, Duration)> = std::thread::scope(|s| {
        for &(name, case) in CASES {
            let tx = tx.clone();
            let (browser, env) = (&browser, &env);
            s.spawn(move || {
                let t = Instant::now();
                let r =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(browser, env)))
                        .unwrap_or_else(|_| Err("panicked".into()));
                let _ = tx.send((name, r, t.elapsed()));
            });
        }
        drop(tx);
        let deadline = Instant::now() + SUITE;
        let mut results = Vec::new();
        while results.len() < CASES.len() {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(r) => results.push(r),
                Err(_) => break,
            }
        }
        if results.len() < CASES.len() {
            // Every wait is bounded, so this only happens if a step hangs
            // past its own timeout; close the browser so the threads end.
            say!("the suite did not finish within {SUITE:?}; closing Chromium");
            let _ = browser
                .cdp
                .call(None, "Browser.close", json!({}), Duration::from_secs(2));
        }
        results
    });

    let log_tail = browser.log_tail();
    drop(browser);
    let _ = stop_tx.send(true);
    let mut failed = Vec::new();
    say!("{version} up in {launched:.1?}");
    for (name, result, took) in &results {
        match result {
            Ok(()) => say!("  ok    {name} ({took:.1?})"),
            Err(e) => {
                say!("  FAIL  {name} ({took:.1?}): {e}");
                failed.push(*name);
            }
        }
    }
    for &(name, _) in CASES {
        if !results.iter().any(|(n, _, _)| *n == name) {
            say!("  FAIL  {name}: did not finish");
            failed.push(name);
        }
    }
    say!("browser suite: {:.1?} in all", started.elapsed());
    assert!(
        failed.is_empty(),
        "{} browser case(s) failed: {failed:?}\nChromium's log:\n{log_tail}",
        failed.len()
    );
}
