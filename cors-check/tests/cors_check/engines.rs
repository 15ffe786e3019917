//! `cors-check --engine chromium|firefox|webkit` compared with the engines
//! themselves, on the requests where the engines differ (`*` and
//! `Authorization`, `*` with credentials, redirected and refused
//! preflights, two `Access-Control-Allow-Origin` values, an invalid
//! `Access-Control-Max-Age`, ...): a page on the allowed origin runs the
//! same `fetch()` in headless Firefox (its console, with each message's
//! key, over Marionette), in WebKitGTK's MiniBrowser under Xvfb (its
//! console over the inspector) and in headless Chromium (DevTools), and
//! what each engine did must be what `cors-check` said that engine would
//! do: the verdict, the reason, every console line, the warnings, and
//! whether a second request is preflighted again. One engine process (one
//! tab) per test; a missing engine fails the test when `CI` is set and
//! skips it, saying which package provides it, otherwise.

use std::io::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::cases::cors_check_json;
use crate::chromium::fetch_js;
use crate::installed;
use crate::once_more;
use crate::servers::Servers;
use tower_cors_test_drivers::{cdp, firefox, webkit};

/// The longest one browser step may take.
pub const STEP: Duration = Duration::from_secs(15);

/// How long a console may still add a message about a request after the
/// first one (they are logged together; this covers the transport).
const GRACE: Duration = Duration::from_millis(300);

/// A request on which the engines' rules or reports differ.
pub struct Difference {
    /// Also the `case=` tag of the URL.
    pub name: &'static str,
    pub server: fn(&Servers) -> SocketAddr,
    /// Appended to the query: for the scripted server, its answer.
    pub script: fn(&Servers) -> String,
    pub method: &'static str,
    pub headers: &'static [(&'static str, &'static str)],
    pub credentials: bool,
    /// Fetched twice from one page: whether the second request is
    /// preflighted again shows how the engine cached the first preflight.
    pub twice: bool,
}

const BASE: Difference = Difference {
    name: "",
    server: |s| s.scripted,
    script: |_| String::new(),
    method: "GET",
    headers: &[],
    credentials: false,
    twice: false,
};

/// `%`-encodes everything but letters and digits.
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

/// The scripted server's query for these answer lines: `p` on the
/// preflight, `a` on the request, `pre`/`act` a status.
fn script(lines: &[(&str, String)]) -> String {
    lines
        .iter()
        .map(|(k, v)| format!("&{k}={}", encode(v)))
        .collect()
}

fn acao(s: &Servers) -> String {
    format!("Access-Control-Allow-Origin: {}", s.origin())
}

/// Every difference checked.
pub const DIFFERENCES: &[Difference] = &[
    // Authentication answered the preflight 401 without CORS headers:
    // WebKit reports the status, the others the missing header.
    Difference {
        name: "engines-preflight-401",
        server: |s| s.auth_first,
        headers: &[("Authorization", "Bearer t")],
        ..BASE
    },
    // A preflight answered 307 (no CORS headers).
    Difference {
        name: "engines-preflight-307",
        server: |s| s.redirect,
        method: "PUT",
        ..BASE
    },
    // A preflight answered 403 with every CORS header.
    Difference {
        name: "engines-preflight-403-cors",
        script: |s| {
            script(&[
                ("pre", "403".into()),
                ("p", acao(s)),
                ("p", "Access-Control-Allow-Methods: PUT".into()),
                ("a", acao(s)),
            ])
        },
        method: "PUT",
        ..BASE
    },
    // `Access-Control-Allow-Headers: *` and Authorization: allowed by all,
    // with Firefox's warning.
    Difference {
        name: "engines-wildcard-authorization",
        server: |s| s.permissive,
        headers: &[("Authorization", "Bearer t")],
        ..BASE
    },
    // `Access-Control-Allow-Origin: *` on a credentialed request.
    Difference {
        name: "engines-wildcard-credentials",
        server: |s| s.permissive,
        credentials: true,
        ..BASE
    },
    // Two `Access-Control-Allow-Origin` lines, both the page's origin.
    Difference {
        name: "engines-two-acao",
        script: |s| script(&[("a", acao(s)), ("a", acao(s))]),
        ..BASE
    },
    // One line with a comma list.
    Difference {
        name: "engines-comma-acao",
        script: |s| script(&[("a", format!("{}, http://other.example", acao(s)))]),
        ..BASE
    },
    // `Access-Control-Allow-Credentials: TRUE`.
    Difference {
        name: "engines-acac-upper",
        script: |s| {
            script(&[
                ("a", acao(s)),
                ("a", "Access-Control-Allow-Credentials: TRUE".into()),
            ])
        },
        credentials: true,
        ..BASE
    },
    // A method the preflight does not allow.
    Difference {
        name: "engines-method",
        server: |s| s.listed,
        method: "DELETE",
        ..BASE
    },
    // A request header the preflight does not allow.
    Difference {
        name: "engines-header",
        server: |s| s.listed,
        headers: &[("X-Custom", "1")],
        ..BASE
    },
    // A simple request answered 307 without CORS headers: WebKit names
    // the redirect it refused.
    Difference {
        name: "engines-redirect-bare",
        server: |s| s.redirect,
        ..BASE
    },
    // A preflight answered 307 with every CORS header.
    Difference {
        name: "engines-preflight-307-cors",
        script: |s| {
            script(&[
                ("pre", "307".into()),
                ("p", acao(s)),
                ("p", "Access-Control-Allow-Methods: PUT".into()),
                ("p", "Location: /elsewhere".into()),
            ])
        },
        method: "PUT",
        ..BASE
    },
    // `Access-Control-Allow-Methods` with an element that is no token.
    Difference {
        name: "engines-invalid-method-token",
        script: |s| {
            script(&[
                ("p", acao(s)),
                ("p", "Access-Control-Allow-Methods: PUT, G T".into()),
                ("a", acao(s)),
            ])
        },
        method: "PUT",
        ..BASE
    },
    // A 500 without CORS headers.
    Difference {
        name: "engines-500",
        server: |s| s.failing,
        ..BASE
    },
    // `Access-Control-Max-Age: ten`: Firefox does not cache the preflight,
    // Chromium and WebKit keep it their default 5 s.
    Difference {
        name: "engines-max-age-ten",
        script: |s| {
            script(&[
                ("p", acao(s)),
                ("p", "Access-Control-Allow-Methods: PUT".into()),
                ("p", "Access-Control-Max-Age: ten".into()),
                ("a", acao(s)),
            ])
        },
        method: "PUT",
        twice: true,
        ..BASE
    },
];

impl Difference {
    /// The URL the page calls, tagged with the engine (the two engines'
    /// tests run at once and count their own requests).
    pub fn url(&self, s: &Servers, engine: &str) -> String {
        format!(
            "{}&e={engine}{}",
            Servers::url((self.server)(s), self.name),
            (self.script)(s)
        )
    }

    /// `cors-check`'s command line for `engine`.
    fn args(&self, s: &Servers, engine: &str) -> Vec<String> {
        let mut args = vec![
            self.url(s, engine),
            "--origin".into(),
            s.origin(),
            "--method".into(),
            self.method.into(),
            "--engine".into(),
            engine.into(),
        ];
        for (n, v) in self.headers {
            args.push("-H".into());
            args.push(format!("{n}: {v}"));
        }
        if self.credentials {
            args.push("--credentials".into());
        }
        args
    }

    /// The page's `fetch()` (run twice when `twice`), resolving to the
    /// last one's `{ok, status}` or `{ok: false, error}`.
    fn js(&self, url: &str) -> String {
        let mut headers = Map::new();
        for (n, v) in self.headers {
            headers.insert((*n).to_owned(), json!(v));
        }
        let init = json!({
            "method": self.method,
            "headers": headers,
            "credentials": if self.credentials { "include" } else { "same-origin" },
        });
        let one = fetch_js(url, &init);
        if self.twice {
            format!("({one}).then(() => {one})")
        } else {
            one
        }
    }
}

/// What an engine did, or what `cors-check` says it does, in the same terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// `allowed` or `blocked`.
    pub verdict: String,
    /// Firefox's message name (its key without the version digits);
    /// WebKit's console text.
    pub reason: Option<String>,
    /// The console message, as the engine prints it.
    pub message: Option<String>,
    /// The names of the warnings (Firefox's keys).
    pub warnings: Vec<String>,
    /// Preflights the server received (for a request fetched twice).
    pub preflights: Option<usize>,
}

/// What `cors-check --engine <engine> --json` says, and its report.
pub fn predicted(d: &Difference, s: &Servers, engine: &str) -> (Outcome, Value) {
    let (_, r) = cors_check_json(&d.args(s, engine));
    let mine = &r["engines"][0];
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let cached = mine["preflight_cache_seconds"].as_u64();
    let outcome = Outcome {
        verdict: text(&mine["verdict"]).unwrap_or_default(),
        reason: text(&mine["reason"]),
        message: text(&mine["message"]),
        warnings: mine["warnings"]
            .as_array()
            .map(|w| w.iter().filter_map(text).collect())
            .unwrap_or_default(),
        // A preflight cached for at least a second serves the second
        // request at once; one not cached is sent again.
        preflights: d.twice.then_some(match cached {
            Some(0) => 2,
            _ => 1,
        }),
    };
    (outcome, r)
}

/// The preflights `scripted`-like servers received for `url` since `mark`.
fn preflights(s: &Servers, d: &Difference, url: &str, mark: usize) -> Option<usize> {
    d.twice.then(|| {
        let path = url.split_once("/api/").map_or("", |(_, p)| p);
        s.scripted_seen
            .snapshot()
            .iter()
            .skip(mark)
            .filter(|(m, uri, _)| m == "OPTIONS" && uri.ends_with(path))
            .count()
    })
}

/// The verdict the page saw.
fn page_verdict(result: &Value) -> Result<String, String> {
    if result["ok"] == true {
        return Ok("allowed".into());
    }
    if result["error"]
        .as_str()
        .is_some_and(|e| e.contains("TypeError"))
    {
        return Ok("blocked".into());
    }
    Err(format!("the page's fetch failed oddly: {result}"))
}

/// Firefox's message name for a console key: the key without the version
/// digits Firefox adds when it rewords a message (`CORSMissingAllowOrigin2`).
pub fn firefox_name(key: &str) -> &str {
    key.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// What Firefox did with `d`'s request, in `tab` (one tab for every case:
/// each case has its own URL, so none reuses another's preflight).
pub fn in_firefox(
    ff: &firefox::Firefox,
    tab: &firefox::Tab<'_>,
    d: &Difference,
    s: &Servers,
) -> Result<Outcome, String> {
    let url = d.url(s, "firefox");
    tab.goto(&format!("{}/blank", s.origin()), STEP)?;
    let mark = s.scripted_seen.snapshot().len();
    let result = tab.eval(&d.js(&url), STEP)?;
    let verdict = page_verdict(&result)?;
    let needle = format!("case={}&", d.name);
    let about = |messages: &[firefox::ConsoleMessage]| -> Vec<firefox::ConsoleMessage> {
        messages
            .iter()
            .filter(|m| m.text.contains(&needle))
            .cloned()
            .collect()
    };
    // A blocked request's messages come together: wait for the first, then
    // a little for the rest. An allowed one's warning comes before the
    // page has its response.
    if verdict == "blocked" {
        ff.console(STEP, |m| about(m).iter().any(|m| !m.warning));
    }
    let messages = about(&ff.console(GRACE, |_| false));
    let errors: Vec<&str> = messages
        .iter()
        .filter(|m| !m.warning)
        .map(|m| m.text.as_str())
        .collect();
    Ok(Outcome {
        verdict,
        reason: messages
            .iter()
            .find(|m| !m.warning)
            .map(|m| firefox_name(&m.key).to_owned()),
        message: (!errors.is_empty()).then(|| errors.join("\n")),
        warnings: messages
            .iter()
            .filter(|m| m.warning)
            .map(|m| firefox_name(&m.key).to_owned())
            .collect(),
        preflights: preflights(s, d, &url, mark),
    })
}

/// What WebKit did with `d`'s request, in `page` (one MiniBrowser for every
/// case: each case has its own URL, so none reuses another's preflight).
pub fn in_webkit(page: &webkit::Page<'_>, d: &Difference, s: &Servers) -> Result<Outcome, String> {
    let url = d.url(s, "webkit");
    page.goto(&format!("{}/blank", s.origin()), STEP)?;
    let before = page.events().len();
    let mark = s.scripted_seen.snapshot().len();
    let result = page.eval(&d.js(&url), STEP)?;
    let verdict = page_verdict(&result)?;
    let needle = format!("case={}&", d.name);
    // This request's console messages: the reason (source "security", no
    // URL), the script's error naming the URL, the request's own error.
    let messages = |p: &webkit::Page<'_>| -> Vec<(String, String)> {
        let events = p.events();
        events[before.min(events.len())..]
            .iter()
            .filter(|(method, _)| method == "Console.messageAdded")
            .map(|(_, e)| {
                let m = &e["message"];
                let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                (text(&m["source"]), text(&m["text"]), text(&m["url"]))
            })
            .filter(|(source, text, url)| match source.as_str() {
                "security" => true,
                "javascript" => text.contains(&needle),
                _ => url.contains(&needle),
            })
            .map(|(source, text, _)| (source, text))
            .collect()
    };
    if verdict == "blocked" {
        page.wait_for(
            |p| {
                messages(p)
                    .iter()
                    .any(|(source, _)| source == "network")
                    .then_some(())
            },
            STEP,
        )?;
    }
    let messages = messages(page);
    let reason = messages
        .iter()
        .find(|(source, _)| source == "security")
        .map(|(_, text)| text.clone());
    let lines: Vec<&str> = messages.iter().map(|(_, text)| text.as_str()).collect();
    Ok(Outcome {
        verdict,
        reason,
        message: (!lines.is_empty()).then(|| lines.join("\n")),
        warnings: Vec::new(),
        preflights: preflights(s, d, &url, mark),
    })
}

/// What Chromium did with `d`'s request, in `tab` (one tab for every case):
/// the verdict, the `corsError` and the preflights sent. (Its console
/// sentence and deprecation issues are not read here; the
/// `tower_cors::browser` tests compare those.)
pub fn in_chromium(tab: &cdp::Tab<'_>, d: &Difference, s: &Servers) -> Result<Outcome, String> {
    let url = d.url(s, "chromium");
    tab.goto(&format!("{}/blank", s.origin()), STEP)?;
    let mark = s.scripted_seen.snapshot().len();
    let result = tab.eval(&d.js(&url), STEP)?;
    let verdict = page_verdict(&result)?;
    let needle = format!("case={}&", d.name);
    tab.settle(&needle, if d.twice { 2 } else { 1 }, STEP)?;
    let reason = tab
        .requests()
        .into_iter()
        .filter(|r| r.url.contains(&needle) && !r.is_preflight())
        .find_map(|r| r.cors_error);
    Ok(Outcome {
        verdict,
        reason,
        message: None,
        warnings: Vec::new(),
        preflights: preflights(s, d, &url, mark),
    })
}

/// Runs every difference in one engine and compares it with `cors-check`'s
/// verdict for that engine.
fn compare(engine: &str, s: &Servers, mut run: impl FnMut(&Difference) -> Result<Outcome, String>) {
    let started = Instant::now();
    let mut failures = Vec::new();
    for d in DIFFERENCES {
        let (mut ours, _) = predicted(d, s, &engine.to_lowercase());
        if engine == "Chromium" {
            // Compared elsewhere (see `in_chromium`).
            (ours.message, ours.warnings) = (None, Vec::new());
        }
        match run(d) {
            Ok(theirs) => {
                if theirs != ours {
                    failures.push(format!(
                        "{}:\n  cors-check says {ours:?}\n  {engine} did {theirs:?}",
                        d.name
                    ));
                }
            }
            Err(e) => failures.push(format!("{}: {engine}: {e}", d.name)),
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "{} differences compared with {engine} in {:.1} s",
        DIFFERENCES.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn firefox_verdicts_reasons_and_messages_agree_with_headless_firefox() {
    let Some(exe) =
        installed::firefox("firefox_verdicts_reasons_and_messages_agree_with_headless_firefox")
    else {
        return;
    };
    let s = Servers::get();
    let ff = firefox::Firefox::launch(&exe, Duration::from_secs(30)).expect("Firefox starts");
    let tab = ff
        .open(&format!("{}/blank", s.origin()), 800, STEP)
        .expect("a Firefox tab");
    compare("Firefox", s, |d| {
        in_firefox(&ff, &tab, d, s).map_err(|e| format!("{e}\n{}", ff.log_tail()))
    });
}

#[test]
fn webkit_verdicts_reasons_and_messages_agree_with_minibrowser() {
    if !installed::webkit("webkit_verdicts_reasons_and_messages_agree_with_minibrowser") {
        return;
    }
    let s = Servers::get();
    let wk = webkit::WebKit::launch(Duration::from_secs(30)).expect("Xvfb starts");
    let blank = format!("{}/blank", s.origin());
    let open = || wk.open_page(&blank, Duration::from_secs(30));
    let mut page = open().expect("MiniBrowser starts");
    compare("WebKit", s, |d| {
        // A new MiniBrowser has its own session: no preflight of the first
        // try is cached.
        once_more(d.name, &mut page, open, |p| in_webkit(p, d, s))
            .map_err(|e| format!("{e}\n{}", page.log_tail()))
    });
}

#[test]
fn chromium_verdicts_and_codes_agree_on_the_differences() {
    let Some(exe) = installed::chromium("chromium_verdicts_and_codes_agree_on_the_differences")
    else {
        return;
    };
    let s = Servers::get();
    let browser = cdp::Chromium::launch(&exe, STEP).expect("Chromium starts");
    let tab = cdp::Tab::open(&browser.cdp, STEP).expect("a Chromium tab");
    compare("Chromium", s, |d| {
        in_chromium(&tab, d, s).map_err(|e| format!("{e}\n{}", browser.log_tail()))
    });
}
