//! `cors-check --credentials --set-cookie ... --engine <engine>` compared
//! with the engines themselves: for each cookie shape (no `SameSite`,
//! `Lax`, `Strict`, `None` with and without `Secure`, `Secure` alone,
//! `Partitioned` with and without `Secure`) and each page (same site:
//! 127.0.0.1 on another port; cross site: `localhost`), the user logs in,
//! in the real engine, then the page makes the credentialed `fetch()` the
//! tool checks; whether the server received the cookie must be what the
//! tool said for that engine. Two logins: the page's own credentialed
//! `fetch()` whose answer sets the cookie (what the verdict is about), and
//! a visit to the API's site (the user opens its login URL in the tab),
//! which the verdicts' conditions mention ("a cookie set while the user
//! was on the API's site is not sent"). Every case has its own cookie
//! `Path`, so no case sees another's cookie, and the server records which
//! requests came with a `Cookie` header. One engine process per test; a
//! missing engine fails under `CI` and is skipped, naming its package,
//! otherwise.

use std::io::Write as _;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::cases::cors_check_json;
use crate::chromium::fetch_js;
use crate::engines::STEP;
use crate::installed;
use crate::once_more;
use crate::servers::Servers;
use tower_cors_test_drivers::{cdp, firefox, webkit};

/// The cookie shapes compared: a name for the case, and the attributes
/// after `Path`.
const SHAPES: &[(&str, &str)] = &[
    ("plain", ""),
    ("lax", "; SameSite=Lax"),
    ("strict", "; SameSite=Strict"),
    ("none", "; SameSite=None"),
    ("none-secure", "; SameSite=None; Secure"),
    ("secure", "; Secure"),
    ("partitioned", "; SameSite=None; Secure; Partitioned"),
    ("partitioned-insecure", "; Partitioned"),
];

/// How the user logs in, before the request in question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Login {
    /// The page's credentialed `fetch()`; its answer sets the cookie.
    Fetch,
    /// The user opens the API's login URL in the tab (a top-level visit to
    /// the API's site), then goes back to the page.
    Visit,
}

impl Login {
    fn name(self) -> &'static str {
        match self {
            Login::Fetch => "fetch",
            Login::Visit => "visit",
        }
    }
}

/// One cookie case: an engine, a login, a page and a cookie shape.
struct CookieCase {
    /// `<engine>-<login>-<site>-<shape>`: the `case=` tag and the cookie's
    /// path.
    name: String,
    login: Login,
    /// Whether the page is on another site than the API.
    cross: bool,
    /// The page's origin.
    page: String,
    /// The API's `Set-Cookie` line.
    set_cookie: String,
    /// `/api/cookie/<name>` on the scripted server.
    base: String,
}

impl CookieCase {
    fn new(
        s: &Servers,
        (engine, login): (&str, Login),
        (site, page): (&str, &str),
        (shape, attributes): (&str, &str),
    ) -> Self {
        let name = format!("{engine}-{}-{site}-{shape}", login.name());
        let path = format!("/api/cookie/{name}");
        Self {
            set_cookie: format!("sid=1; Path={path}{attributes}"),
            base: format!("http://{}{path}", s.scripted),
            page: page.to_owned(),
            cross: site == "cross",
            login,
            name,
        }
    }

    /// `round`'s URL: the scripted server allows the page's origin with
    /// credentials, and adds the `extra` lines.
    fn url(&self, round: &str, extra: &[String]) -> String {
        let mut lines = vec![
            format!("Access-Control-Allow-Origin: {}", self.page),
            "Access-Control-Allow-Credentials: true".to_owned(),
        ];
        lines.extend_from_slice(extra);
        let query: String = lines.iter().map(|l| format!("&a={}", encode(l))).collect();
        let file = if round == "login" { "login" } else { "data" };
        format!(
            "{}/{file}?case={}&round={round}{query}",
            self.base, self.name
        )
    }

    /// The login: its answer sets the cookie.
    fn login(&self) -> String {
        self.url("login", &[format!("Set-Cookie: {}", self.set_cookie)])
    }

    /// The credentialed request whose cookie is in question.
    fn back(&self) -> String {
        self.url("back", &[])
    }

    /// `cors-check`'s `sent` for this cookie in `engine` (`yes`, `if` or
    /// `no`), and its detail.
    fn predicted(&self, engine: &str) -> (String, String) {
        let args: Vec<String> = [
            &self.url("check", &[]),
            "--origin",
            &self.page,
            "--credentials",
            "--set-cookie",
            &self.set_cookie,
            "--engine",
            engine,
        ]
        .iter()
        .map(|a| (*a).to_owned())
        .collect();
        let (_, r) = cors_check_json(&args);
        let fate = &r["cookies"]["cookies"][0]["engines"][engine];
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        (text(&fate["sent"]), text(&fate["detail"]))
    }

    /// Whether the server received a `Cookie` header on the last request
    /// `back`.
    fn received(&self, s: &Servers) -> Result<bool, String> {
        let tag = format!("case={}&round=back", self.name);
        s.scripted_seen
            .snapshot()
            .into_iter()
            .rev()
            .find(|(m, uri, _)| m == "GET" && uri.contains(&tag))
            .map(|(_, _, names)| names.iter().any(|n| n == "cookie"))
            .ok_or_else(|| format!("{}: the request never arrived", self.name))
    }
}

/// `%`-encodes everything but letters, digits and `-._~`.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A tab of one engine: navigate, and evaluate a script.
trait Tab {
    fn goto(&self, url: &str) -> Result<(), String>;
    fn eval(&self, js: &str) -> Result<Value, String>;
    /// What the browser process wrote last, where it is the tab's own.
    fn log_tail(&self) -> String {
        String::new()
    }
}

/// Opens a fresh tab of one engine.
type Open<'a> = dyn Fn() -> Result<Box<dyn Tab + 'a>, String> + 'a;

impl Tab for firefox::Tab<'_> {
    fn goto(&self, url: &str) -> Result<(), String> {
        firefox::Tab::goto(self, url, STEP)
    }
    fn eval(&self, js: &str) -> Result<Value, String> {
        firefox::Tab::eval(self, js, STEP)
    }
}

impl Tab for webkit::Page<'_> {
    fn goto(&self, url: &str) -> Result<(), String> {
        webkit::Page::goto(self, url, STEP)
    }
    fn eval(&self, js: &str) -> Result<Value, String> {
        webkit::Page::eval(self, js, STEP)
    }
    fn log_tail(&self) -> String {
        webkit::Page::log_tail(self)
    }
}

impl Tab for cdp::Tab<'_> {
    fn goto(&self, url: &str) -> Result<(), String> {
        (**self).goto(url, STEP)
    }
    fn eval(&self, js: &str) -> Result<Value, String> {
        (**self).eval(js, STEP)
    }
}

/// The user logs in, then the page on the case's origin makes the
/// credentialed `fetch()`; every `fetch()` must be readable (CORS allows
/// it), so only the cookie is in question.
fn run(tab: &dyn Tab, c: &CookieCase) -> Result<(), String> {
    let init = json!({"credentials": "include", "cache": "no-store"});
    let blank = format!("{}/blank", c.page);
    let mut calls = Vec::new();
    match c.login {
        Login::Fetch => {
            tab.goto(&blank)?;
            calls.push(tab.eval(&fetch_js(&c.login(), &init))?);
        }
        Login::Visit => {
            tab.goto(&c.login())?;
            tab.goto(&blank)?;
        }
    }
    calls.push(tab.eval(&fetch_js(&c.back(), &init))?);
    match calls.iter().all(|r| r["ok"] == true) {
        true => Ok(()),
        false => Err(format!("{}: a fetch failed: {calls:?}", c.name)),
    }
}

/// Whether the engine should have sent the cookie, given `cors-check`'s
/// `sent`. `if` is a condition this test can tell: Firefox sends a
/// cross-site cookie it accepted on a response to this page's own request
/// (the profile is in the default Standard mode), not one set while the
/// user visited the API's site; headless Chromium's browser contexts block
/// unpartitioned third-party cookies as Incognito does, and send a
/// Partitioned one set on a response to this page's own request.
fn expected(engine: &str, c: &CookieCase, sent: &str) -> Option<bool> {
    let own = c.login == Login::Fetch;
    match (sent, engine) {
        ("yes", _) => Some(true),
        ("no", _) => Some(false),
        ("if", "firefox") => Some(own),
        ("if", "chromium") => Some(own && c.set_cookie.contains("Partitioned")),
        _ => None,
    }
}

/// `cors-check` speaks of Safari for WebKit: no third-party cookie at all.
/// The MiniBrowser is WebKitGTK without Intelligent Tracking Prevention:
/// it refuses to store a third-party cookie, but sends one the API set
/// during a visit to its site. The tool's detail must say so.
fn webkitgtk_exception(engine: &str, c: &CookieCase, detail: &str) -> bool {
    engine == "webkit" && c.login == Login::Visit && c.cross && detail.contains("WebKitGTK")
}

/// Runs every shape, both logins, same site and cross site, in one tab of
/// one engine, and compares what the server received with `cors-check`'s
/// verdict for that engine.
fn compare(engine: &str, s: &Servers, open: &Open<'_>, log: impl Fn() -> String) {
    let started = Instant::now();
    let mut tab = open().unwrap_or_else(|e| panic!("a {engine} tab: {e}"));
    let cross = format!("http://localhost:{}", s.web.port());
    let sites = [("same", s.origin()), ("cross", cross)];
    let (mut failures, mut table, mut compared) = (Vec::new(), Vec::new(), 0);
    for login in [Login::Fetch, Login::Visit] {
        for (site, page) in &sites {
            for shape in SHAPES {
                let c = CookieCase::new(s, (engine, login), (site, page), *shape);
                let (sent, detail) = c.predicted(engine);
                // What the server received is never retried away.
                let attempt = |tab: &_| run(tab, &c).and_then(|()| c.received(s));
                let theirs = match once_more(&c.name, &mut tab, open, |t| attempt(&**t)) {
                    Ok(theirs) => theirs,
                    Err(e) => {
                        failures.push(format!("{e}\n{}{}", log(), tab.log_tail()));
                        continue;
                    }
                };
                compared += 1;
                table.push(format!(
                    "{:<44} cors-check: {sent:<3} {engine}: {}",
                    c.name,
                    if theirs { "sent" } else { "not sent" }
                ));
                let agrees = expected(engine, &c, &sent) == Some(theirs)
                    || (theirs && webkitgtk_exception(engine, &c, &detail));
                if !agrees {
                    failures.push(format!(
                        "{} ({}; page {}):\n  cors-check says sent={sent}: {detail}\n  {engine} sent it: {theirs}",
                        c.name, c.set_cookie, c.page
                    ));
                }
            }
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "{}\n{compared} cookie cases compared with {engine} in {:.1} s",
        table.join("\n"),
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn cookie_verdicts_agree_with_headless_firefox() {
    let Some(exe) = installed::firefox("cookie_verdicts_agree_with_headless_firefox") else {
        return;
    };
    let s = Servers::get();
    let ff = firefox::Firefox::launch(&exe, Duration::from_secs(30)).expect("Firefox starts");
    let blank = format!("{}/blank", s.origin());
    let open = || Ok(Box::new(ff.open(&blank, 800, STEP)?) as Box<dyn Tab>);
    compare("firefox", s, &open, || ff.log_tail());
}

#[test]
fn cookie_verdicts_agree_with_minibrowser() {
    if !installed::webkit("cookie_verdicts_agree_with_minibrowser") {
        return;
    }
    let s = Servers::get();
    let wk = webkit::WebKit::launch(Duration::from_secs(30)).expect("Xvfb starts");
    let blank = format!("{}/blank", s.origin());
    let open = || {
        let page = wk.open_page(&blank, Duration::from_secs(30))?;
        Ok(Box::new(page) as Box<dyn Tab>)
    };
    compare("webkit", s, &open, String::new);
}

#[test]
fn cookie_shapes_agree_with_headless_chromium() {
    let Some(exe) = installed::chromium("cookie_shapes_agree_with_headless_chromium") else {
        return;
    };
    let s = Servers::get();
    let browser = cdp::Chromium::launch(&exe, STEP).expect("Chromium starts");
    let open = || Ok(Box::new(cdp::Tab::open(&browser.cdp, STEP)?) as Box<dyn Tab>);
    compare("chromium", s, &open, || browser.log_tail());
}
