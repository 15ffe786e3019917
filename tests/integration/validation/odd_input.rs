//! No input makes the builder, or a policy it built, panic: odd strings in
//! every setting, with and without credentials, then requests made of them.

use http::header::{ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};
use http::{HeaderMap, HeaderValue, Method};
use tower_cors::CorsPolicy;

use super::valid;
use crate::support::FRONT;

/// Odd strings that must never make the builder (or a built policy) panic.
fn odd_strings() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "*",
        "**",
        "*.*",
        "* ",
        "https://*",
        "https://*.",
        "https://*.*.com",
        ":",
        "://",
        "https://",
        "https:",
        "https:/a.com",
        "https:a.com",
        "https:\\\\a.com",
        "https://[",
        "https://[::1",
        "https://[]",
        "https://[::1]x",
        "https://[::1]:",
        "http://[::ffff:1.2.3.4]",
        "https://a.com:",
        "https://a.com:*:*",
        "https://a.com:-1",
        "https://a.com:+80",
        "https://a.com:99999999999999999999999",
        "http://256.256.256.256",
        "http://1.2.3",
        "http://0x7f.0.0.1",
        "http://1.2.3.4.5",
        "https://é.com",
        "https://🦀.com",
        "🦀",
        "\u{0}",
        "a\r\nb",
        "https://a.com\n",
        "https://@",
        "https://user@",
        "https://@a.com",
        "https://a.com/..",
        "https://a.com#",
        "https://a.com?",
        "xn--",
        "https://xn--.com",
        "chrome-extension://",
        "https://-a.com",
        "https://a-.com",
        "HTTP://LOCALHOST:*",
        "http://*:*",
        "http://*.localhost:*",
        "ws://a.com",
        "%",
        "\\",
        "null ",
        "NULL",
        "data:text/html,hi",
        "javascript:alert(1)",
        "https://a.com:0",
        "https://*.*",
        "https://*.com:*",
        "https://a..com",
        "https://.a.com",
        "https://a.com.",
        "1://a",
        "+://a",
        "a+b://c",
        ",",
        ", ,",
        "GET,",
        "x-a,x-b",
        "\t",
        "authorization",
        "AUTHORIZATION",
        "set-cookie",
        "sec-",
        "proxy-",
        "OPTIONS",
        "options",
        "CHICKEN",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("a".repeat(10_000));
    v.push(format!("https://{}.com", "a.".repeat(200)));
    v.push(format!("https://{}.com", "a".repeat(64)));
    v.push(format!("https://*.{}.com", "a".repeat(300)));
    v.push("https://".to_owned() + &"[".repeat(100));
    v
}

#[test]
fn no_builder_input_panics() {
    let odd = odd_strings();
    let mut built = 0usize;
    let mut refused = 0usize;
    for s in &odd {
        for credentials in [false, true] {
            let attempts = [
                CorsPolicy::builder().allow_origins([s]),
                valid().allow_methods([s]),
                valid().allow_headers([s]),
                valid().expose_headers([s]),
                CorsPolicy::builder()
                    .allow_origins([s.as_str(), FRONT])
                    .allow_methods([s])
                    .allow_headers([s])
                    .expose_headers([s]),
            ];
            for b in attempts {
                match b.allow_credentials(credentials).build() {
                    Ok(p) => {
                        built += 1;
                        exercise(&p, s);
                    }
                    Err(e) => {
                        refused += 1;
                        assert!(!e.problems().is_empty());
                        assert!(e.to_string().lines().count() > e.problems().len());
                        for p in e.problems() {
                            assert!(!p.hint().is_empty(), "{p}");
                        }
                    }
                }
            }
        }
    }
    // The loop really exercised both outcomes.
    assert!(built > 0 && refused > 0, "built {built}, refused {refused}");
}

/// Runs a built policy over requests made of the same odd string.
fn exercise(p: &CorsPolicy, s: &str) {
    let _ = format!("{p:?}");
    let Ok(v) = HeaderValue::from_str(s) else {
        return;
    };
    for method in [Method::OPTIONS, Method::GET] {
        let mut h = HeaderMap::new();
        h.insert(ORIGIN, v.clone());
        h.insert(ACCESS_CONTROL_REQUEST_METHOD, v.clone());
        h.insert(ACCESS_CONTROL_REQUEST_HEADERS, v.clone());
        let d = p.evaluate(&method, &h);
        let _ = format!("{d:?}");
        if let Some(r) = d.refusal() {
            let _ = r.to_string();
        }
        let mut h = HeaderMap::new();
        h.insert(ORIGIN, HeaderValue::from_static(FRONT));
        h.insert(ACCESS_CONTROL_REQUEST_METHOD, v.clone());
        h.append(ACCESS_CONTROL_REQUEST_HEADERS, v.clone());
        h.append(ACCESS_CONTROL_REQUEST_HEADERS, v.clone());
        let _ = format!("{:?}", p.evaluate(&method, &h));
    }
}
