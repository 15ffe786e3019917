//! The proof that counts: real browsers, in all three engines users' pages
//! run in (Chromium, Firefox, WebKit), accept what the policies allow and
//! block what they refuse.
//!
//! The demo's servers (the `example-demo` package, `examples/demo`), APIs with other tower-cors
//! policies, and a small server that is not tower-cors (it answers with
//! exactly the headers a case needs) run in this process on 127.0.0.1,
//! port 0. One case table (`cases_*.rs`) runs in every engine; the
//! engines run in parallel, each with its cases on a few worker threads,
//! every case in a fresh context (own cookies and preflight cache). Every
//! request asserts, per engine, what the page could read, what the servers
//! received (each preflight with its `Access-Control-Request-*` headers,
//! and cookies), and the engine's own reason (Chromium's DevTools
//! `corsError`, Firefox's console message key, WebKit's console text).
//! Where engines differ, the table says so per engine. Every request is
//! also made by the browser model (`tower_cors::browser`) of the same
//! engine, in-process against the same servers; it must agree with the
//! engine on the verdict, the reason, the warnings, the readable headers
//! and the requests sent (with their Fetch Metadata) and the status each
//! got, except where a case names a known difference. Besides `fetch()`, a
//! step may submit a form (a top-level navigation: the runner waits for the
//! new document, then reopens the case's page) or visit a URL in the tab.
//!
//! A missing engine fails the test when `CI` is set; otherwise it is
//! skipped with a notice naming the package. `CHROMIUM`, `FIREFOX`,
//! `MINIBROWSER`, `XVFB` point at other binaries; `BROWSERS=chromium,webkit`
//! runs only those engines, `CASES=plain-,guard-` only the cases whose id
//! starts so.
//!
//! The run's report goes to `browsers.md` in the scratch folder cargo gives
//! integration tests (`CARGO_TARGET_TMPDIR`: `tmp/` in the target directory,
//! `target/tmp/` unless `CARGO_TARGET_DIR` says otherwise). With `BROWSERS_DOC=1`
//! (and every engine present, every case passed) it is also written to
//! `docs/browsers.md`, with screenshots of the demo page in each engine
//! (`docs/demo.png` for Chromium, `docs/demo-firefox.png`,
//! `docs/demo-webkit.png`). CI does not set it, so CI leaves the tree clean.

// The rust-version is the library's; test code builds with the newer
// toolchain its dev-dependencies need anyway.
#![allow(clippy::incompatible_msrv)]

mod case;
mod cases_cookies;
mod cases_demo;
mod cases_guard;
mod cases_guard_paths;
mod cases_other;
mod cases_policy;
mod cases_surface;
mod chromium_engine;
mod conformance;
mod engine;
mod engines;
mod env;
mod firefox_engine;
mod forward;
mod memory;
mod model;
mod page_js;
mod reasons;
mod report;
mod report_notes;
mod run;
mod servers;
mod webkit_engine;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Mutex};
use std::time::{Duration, Instant};

use case::Case;
use engine::{Browser, Engine};
use report::{EngineRun, Suite};
use tower_cors_test_drivers::devtools;

/// How long an engine may take to start (a bound for a machine under
/// load: Firefox takes 3 to 6 s on a quiet one).
const LAUNCH: Duration = Duration::from_secs(60);

/// Writes to the real stderr, past the test harness's capture, so that a
/// skip and the summary show in every run (CI logs included).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Cases run at once per engine. WebKit starts one MiniBrowser per case.
fn workers(engine: Engine) -> usize {
    match engine {
        Engine::Chromium | Engine::Firefox => 6,
        Engine::WebKit => 6,
    }
}

/// Starts `engine`, told that the plain-http names lead to 127.0.0.1
/// (WebKit: through the proxy on `proxy`).
fn launch(engine: Engine, proxy: u16) -> Result<Box<dyn Browser>, String> {
    match engine {
        Engine::Chromium => {
            let exe = devtools::find().ok_or("no chromium")?;
            Ok(Box::new(chromium_engine::ChromiumBrowser::launch(
                &exe, LAUNCH,
            )?))
        }
        Engine::Firefox => {
            let exe = firefox_engine::find().ok_or("no firefox")?;
            Ok(Box::new(firefox_engine::FirefoxBrowser::launch(
                &exe, LAUNCH,
            )?))
        }
        Engine::WebKit => Ok(Box::new(webkit_engine::WebKitBrowser::launch(
            LAUNCH, proxy,
        )?)),
    }
}

fn installed(engine: Engine) -> bool {
    match engine {
        Engine::Chromium => devtools::find().is_some(),
        Engine::Firefox => firefox_engine::find().is_some(),
        Engine::WebKit => webkit_engine::available(),
    }
}

/// Starts `engine`, waits at `started` until every engine has started (a
/// browser starting up competes for the CPU with the cases of the others:
/// Firefox took 30 s instead of 6 that way), runs every case in it, and
/// (when asked) screenshots the demo page at `demo_url`.
fn run_engine(
    engine: Engine,
    cases: &[Case],
    started: &Barrier,
    env: &env::Env,
    demo_url: Option<&str>,
) -> EngineRun {
    let rt = env.servers.rt.handle();
    let began = Instant::now();
    let mut out = EngineRun {
        engine,
        version: String::new(),
        launched: Duration::ZERO,
        took: Duration::ZERO,
        runs: Vec::new(),
        failure: None,
        log_tail: String::new(),
        screenshot: None,
    };
    let launched = launch(engine, env.proxy);
    out.launched = began.elapsed();
    started.wait();
    let browser = match launched {
        Ok(b) => b,
        Err(e) => {
            out.failure = Some(e);
            return out;
        }
    };
    out.version = browser.version();
    // Longest cases first (the preflight cache waits), then in table order.
    let mut order: Vec<&Case> = cases.iter().collect();
    order.sort_by_key(|c| std::cmp::Reverse(c.pauses()));
    let next = AtomicUsize::new(0);
    let runs = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers(engine) {
            s.spawn(|| loop {
                let Some(case) = order.get(next.fetch_add(1, Ordering::SeqCst)) else {
                    return;
                };
                let attempt = || {
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run::run_case(browser.as_ref(), case, rt)
                    }));
                    r.unwrap_or_else(|_| run::CaseRun {
                        case: case.id,
                        steps: Vec::new(),
                        problems: vec!["panicked".into()],
                        took: Duration::ZERO,
                        retried: None,
                    })
                };
                // A run the driver spoiled says nothing about the engine:
                // it is run once more, and the report says why. A run that
                // failed on what the engine did is never run again.
                let mut r = attempt();
                if let Some(why) = r.driver_failure() {
                    r = run::CaseRun {
                        retried: Some(why),
                        ..attempt()
                    };
                }
                runs.lock().unwrap_or_else(|p| p.into_inner()).push(r);
            });
        }
    });
    out.runs = runs.into_inner().unwrap_or_else(|p| p.into_inner());
    // Report in table order.
    out.runs
        .sort_by_key(|r| cases.iter().position(|c| c.id == r.case));
    out.took = began.elapsed();
    if let Some(url) = demo_url {
        out.screenshot = Some(screenshot(browser.as_ref(), url));
    }
    if !out.passed() {
        out.log_tail = browser.log_tail();
    }
    out
}

/// The demo page, once all its rows have run.
fn screenshot(browser: &dyn Browser, url: &str) -> Result<Vec<u8>, String> {
    let tab = browser.open(url, 1280, run::STEP)?;
    tab.eval("window.demoDone.then(() => true)", run::STEP)?;
    tab.screenshot(run::STEP)
}

#[test]
fn every_case_in_three_engines() {
    let doc = std::env::var_os("BROWSERS_DOC").is_some_and(|v| v == "1");
    // `BROWSERS=firefox,webkit` runs only those (for working on a driver).
    let present = engines::selected("tests/browser");
    if present.is_empty() {
        return;
    }
    let started = Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let env = env::Env::start(servers::Runtime { rt, stop: stop_rx }).expect("the demo servers");
    let mut cases = cases_demo::cases(&env);
    cases.extend(cases_policy::cases(&env).expect("the policy APIs"));
    cases.extend(cases_cookies::cases(&env).expect("the cookie APIs"));
    cases.extend(cases_other::cases(&env).expect("the other servers"));
    cases.extend(cases_guard::cases(&env).expect("the write guard's APIs"));
    cases.extend(cases_guard_paths::cases(&env).expect("the guard's plain-http APIs"));
    cases.extend(cases_surface::cases(&env).expect("the cross-origin surface's APIs"));
    // `CASES=plain-,guard-` runs only the cases whose id starts so (for
    // working on a case).
    if let Ok(prefixes) = std::env::var("CASES") {
        assert!(!doc, "BROWSERS_DOC=1 needs every case");
        cases.retain(|c| prefixes.split(',').any(|p| c.id.starts_with(p.trim())));
    }
    let demo_url = format!("{}/", env.origin("127.0.0.1"));
    let sampler = memory::Sampler::start(Duration::from_millis(250));
    let all_started = Barrier::new(present.len());
    let url = doc.then_some(demo_url.as_str());
    let engines: Vec<EngineRun> = engines::on_each(
        &present,
        |e| run_engine(e, &cases, &all_started, &env, url),
        |e| EngineRun {
            engine: e,
            version: String::new(),
            launched: Duration::ZERO,
            took: Duration::ZERO,
            runs: Vec::new(),
            failure: Some("the engine's thread panicked".into()),
            log_tail: String::new(),
            screenshot: None,
        },
    );
    let memory = sampler.finish();
    let _ = stop_tx.send(true);
    let suite = Suite {
        cases: &cases,
        engines: &engines,
        wall: started.elapsed(),
        memory,
    };
    say!("{}", report::summary(&suite));
    let markdown = report::markdown(&suite);
    let scratch = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browsers.md");
    if let Err(e) = std::fs::write(&scratch, &markdown) {
        say!("cannot write {}: {e}", scratch.display());
    }
    let failed: Vec<String> = engines
        .iter()
        .flat_map(|e| {
            let whole = e
                .failure
                .iter()
                .map(move |f| format!("{}: {f}\n{}", e.engine, e.log_tail));
            let cases = e
                .runs
                .iter()
                .filter(|r| !r.passed())
                .map(move |r| format!("{}: {}", e.engine, r.case));
            whole.chain(cases)
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} failure(s): {failed:#?}\n(report: {})",
        failed.len(),
        scratch.display()
    );
    if doc {
        assert!(
            present.len() == Engine::ALL.len(),
            "BROWSERS_DOC=1 needs all three engines"
        );
        write_docs(&markdown, &engines);
    }
}

/// `docs/browsers.md` and the screenshots.
fn write_docs(markdown: &str, engines: &[EngineRun]) {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    std::fs::write(docs.join("browsers.md"), markdown).expect("docs/browsers.md");
    for e in engines {
        let name = match e.engine {
            Engine::Chromium => "demo.png".to_owned(),
            other => format!("demo-{}.png", other.tag()),
        };
        match &e.screenshot {
            Some(Ok(png)) => std::fs::write(docs.join(&name), png).expect("a screenshot"),
            Some(Err(err)) => panic!("{} screenshot: {err}", e.engine),
            None => {}
        }
        say!("wrote docs/{name}");
    }
    say!("wrote docs/browsers.md");
}
