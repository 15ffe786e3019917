//! What headless Chromium does with a case's request: a page on the case's
//! origin runs the same `fetch()`, and DevTools says whether it was
//! blocked and with which `corsError`.

use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::cases::Case;
use crate::servers::Servers;
use tower_cors_test_drivers::cdp::{Chromium, Tab};

/// The longest one browser step may take.
pub const STEP: Duration = Duration::from_secs(15);

/// Chromium's verdict (`allowed` or `blocked`) and `corsError`.
pub fn verdict(
    browser: &Chromium,
    case: &Case,
    s: &Servers,
) -> Result<(String, Option<String>), String> {
    let page = Fetch {
        origin: case.origin(s),
        url: case.url(s),
        method: case.method,
        headers: case.headers,
        credentials: case.credentials,
    };
    fetch_verdict(browser, &page, &format!("case={}", case.name))
}

/// A page's `fetch()`: from `origin`, to `url`.
pub struct Fetch<'a> {
    pub origin: String,
    pub url: String,
    pub method: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub credentials: bool,
}

/// Chromium's verdict and `corsError` for one `fetch()`; `needle` picks
/// its request out of the tab's network log.
pub fn fetch_verdict(
    browser: &Chromium,
    page: &Fetch<'_>,
    needle: &str,
) -> Result<(String, Option<String>), String> {
    let tab = Tab::open(&browser.cdp, STEP)?;
    tab.goto(&format!("{}/blank", page.origin), STEP)?;
    let mut headers = Map::new();
    for (n, v) in page.headers {
        headers.insert((*n).to_owned(), json!(v));
    }
    let init = json!({
        "method": page.method,
        "headers": headers,
        "credentials": if page.credentials { "include" } else { "same-origin" },
        "cache": "no-store",
    });
    let result = tab.eval(&fetch_js(&page.url, &init), STEP)?;
    tab.settle(needle, 1, STEP)?;
    let actual: Vec<_> = tab
        .requests()
        .into_iter()
        .filter(|r| r.url.contains(needle) && !r.is_preflight())
        .collect();
    let [request] = <[_; 1]>::try_from(actual)
        .map_err(|a| format!("expected one request for {needle} in DevTools, got {a:?}"))?;
    if result["ok"] == true {
        return Ok(("allowed".into(), None));
    }
    if !result["error"]
        .as_str()
        .is_some_and(|e| e.contains("TypeError"))
    {
        return Err(format!("the page's fetch failed oddly: {result}"));
    }
    Ok(("blocked".into(), request.cors_error))
}

/// Credentialed `fetch()`es of `urls` from one page on `origin`, one after
/// the other (one tab, one cookie jar); whether each one was allowed.
pub fn fetch_in_turn(
    browser: &Chromium,
    origin: &str,
    urls: &[String],
) -> Result<Vec<bool>, String> {
    let tab = Tab::open(&browser.cdp, STEP)?;
    tab.goto(&format!("{origin}/blank"), STEP)?;
    let init = json!({"credentials": "include", "cache": "no-store"});
    let mut out = Vec::new();
    for url in urls {
        let result = tab.eval(&fetch_js(url, &init), STEP)?;
        out.push(result["ok"] == true);
    }
    Ok(out)
}

/// One `fetch` resolving to `{ok, status}` or `{ok: false, error}`.
pub fn fetch_js(url: &str, init: &Value) -> String {
    format!(
        r#"(async () => {{
            try {{
                const res = await fetch({url}, {init});
                await res.text();
                return {{ ok: true, status: res.status }};
            }} catch (e) {{
                return {{ ok: false, error: String(e) }};
            }}
        }})()"#,
        url = json!(url),
    )
}
