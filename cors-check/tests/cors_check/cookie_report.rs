//! `--credentials`: the cookies that will not be sent, named per engine, and
//! headless Chromium's agreement on whether the cookie comes back.

use serde_json::Value;
use tower_cors_test_drivers::cdp;

use crate::cases::{cors_check, cors_check_json};
use crate::servers::Servers;
use crate::{chromium, finding_codes, installed, strings};

/// `--credentials` from `page` to the cookie server, `--engine all`.
fn cookie_report(page: &str, name: &str, extra: &[&str]) -> (i32, Value) {
    let s = Servers::get();
    let mut args = strings(&[
        &Servers::url(s.cookies, name),
        "--origin",
        page,
        "--credentials",
        "--engine",
        "all",
    ]);
    args.extend(strings(extra));
    cors_check_json(&args)
}

fn cookie_sent(r: &Value, cookie: usize) -> Vec<String> {
    ["chromium", "firefox", "webkit"]
        .iter()
        .map(|e| {
            r["cookies"]["cookies"][cookie]["engines"][e]["sent"]
                .as_str()
                .unwrap_or("?")
                .to_owned()
        })
        .collect()
}

#[test]
fn cookies_that_will_not_be_sent_are_named_per_engine() {
    let s = Servers::get();
    // Same site (127.0.0.1 on two ports): the response's cookie is sent.
    let (exit, r) = cookie_report(&s.origin(), "cookie-same", &[]);
    assert!(
        r["cookies"]["context"]
            .as_str()
            .unwrap()
            .contains("same site"),
        "{r:#}"
    );
    assert_eq!(r["cookies"]["cookies"][0]["set_cookie"], "sid=1; Path=/");
    assert_eq!(cookie_sent(&r, 0), ["yes", "yes", "yes"]);
    // (The server echoes any origin with credentials: that is its finding.)
    assert_eq!(finding_codes(&r), ["reflects-any-origin"], "{r:#}");
    assert_eq!(exit, 1);
    // Cross site (a page on localhost): Chromium's Lax default keeps it,
    // Firefox partitions it, WebKit blocks third-party cookies.
    let page = format!("http://localhost:{}", s.web.port());
    let (exit, r) = cookie_report(&page, "cookie-cross", &[]);
    assert!(
        r["cookies"]["context"]
            .as_str()
            .unwrap()
            .contains("different sites"),
        "{r:#}"
    );
    assert_eq!(cookie_sent(&r, 0), ["no", "if", "no"]);
    assert!(finding_codes(&r).contains(&"cookie-not-sent".to_owned()));
    assert_eq!(exit, 1);
    // A line given with --set-cookie is judged too.
    let (_, r) = cookie_report(
        &page,
        "cookie-given",
        &[
            "--set-cookie",
            "token=x; SameSite=None; Secure; Partitioned",
        ],
    );
    assert_eq!(r["cookies"]["cookies"][0]["name"], "token");
    assert_eq!(cookie_sent(&r, 0), ["if", "if", "no"]);
    let text = String::from_utf8_lossy(
        &cors_check(&strings(&[
            &Servers::url(s.cookies, "cookie-text"),
            "--origin",
            &page,
            "--credentials",
        ]))
        .stdout,
    )
    .into_owned();
    for needle in [
        "Before CORS",
        "Set-Cookie: sid=1; Path=/",
        "Chromium: not sent: without SameSite, Chromium treats it as SameSite=Lax",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
}

#[test]
fn cookie_verdicts_agree_with_headless_chromium() {
    let Some(exe) = installed::chromium("cookie_verdicts_agree_with_headless_chromium") else {
        return;
    };
    let s = Servers::get();
    let browser = cdp::Chromium::launch(&exe, chromium::STEP).expect("Chromium starts");
    for (name, page) in [
        ("chromium-cookie-same", s.origin()),
        (
            "chromium-cookie-cross",
            format!("http://localhost:{}", s.web.port()),
        ),
    ] {
        let (_, r) = cookie_report(&page, name, &[]);
        let ours = cookie_sent(&r, 0)[0] == "yes";
        // The page's first credentialed fetch gets the cookie, the second
        // carries it back or not (one tab: one cookie jar).
        let url = Servers::url(s.cookies, name);
        let results = chromium::fetch_in_turn(
            &browser,
            &page,
            &[format!("{url}&round=set"), format!("{url}&round=back")],
        )
        .unwrap_or_else(|e| panic!("{name}: {e}\n{}", browser.log_tail()));
        assert!(results.iter().all(|ok| *ok), "{name}: {results:?}");
        let back = s
            .cookies_seen
            .snapshot()
            .into_iter()
            .find(|(_, uri, _)| uri.contains(&format!("case={name}&round=back")))
            .expect("the second request arrived");
        let theirs = back.2.iter().any(|n| n == "cookie");
        assert_eq!(
            ours, theirs,
            "{name}: cors-check says sent={ours}, Chromium sent={theirs}"
        );
    }
}
