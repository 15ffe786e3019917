//! Credentials with real cookies: the API sets a cookie on a credentialed
//! request (`/api/login`), then a credentialed request must carry it back,
//! or the engine withholds it, and its report on the login says why. Same
//! site (127.0.0.1 on two ports) and cross site (a page on `localhost`, the
//! API on 127.0.0.1), with the `SameSite` settings users try. Every case
//! has its own cookie name: Firefox's cookie messages name the cookie, not
//! the URL.

use serde_json::json;
use tower_cors::CorsConfig;

use crate::case::{actual, ByEngine, Case, Expect, Reason};
use crate::cases_policy::{case, fetch};
use crate::engine::Engine;
use crate::env::Env;

/// What one engine does with the cookie: sends it back, and what it
/// reported when the API set it.
struct Fate {
    sent: ByEngine<bool>,
    on_login: Reason,
}

/// One cookie case: the page on `page_host`; the API (on 127.0.0.1) sets
/// cookie `name` with `attributes`.
fn cookie_case(
    env: &Env,
    (id, title, differs): (&'static str, &'static str, Option<&'static str>),
    page_host: &str,
    (name, attributes): (&'static str, &str),
    fate: Fate,
) -> Result<Case, String> {
    let origin = env.origin(page_host);
    let value = format!("{name}=1");
    let api = env.api(
        CorsConfig {
            allow_credentials: true,
            ..env.config(&[&origin])
        },
        &format!("{value}; {attributes}"),
    )?;
    let cookie: &'static str = Box::leak(value.into_boxed_str());
    let h = "127.0.0.1";
    let include = json!({"credentials": "include"});
    let mut back = Expect::read(Vec::new());
    for e in Engine::ALL {
        let get = actual("GET", 200);
        let get = if *fate.sent.get(e) {
            get.cookie(cookie)
        } else {
            get
        };
        back = back.sent_by(e, vec![get]);
    }
    let mut login = fetch(
        "login",
        &api,
        h,
        "/api/login",
        include.clone(),
        None,
        Expect::read(vec![actual("GET", 200)]).warns(fate.on_login),
    );
    login.sets_cookie = Some(name);
    let mut c = case(
        id,
        title,
        env.blank(page_host),
        &api,
        vec![
            login,
            fetch("send", &api, h, "/api/data", include, None, back),
            // Without credentials a cookie is never sent, even same site.
            fetch(
                "omit",
                &api,
                h,
                "/api/data",
                json!({}),
                None,
                Expect::read(vec![actual("GET", 200)]),
            ),
        ],
    );
    c.group = "cookies";
    c.differs = differs;
    Ok(c)
}

/// Chromium blocks third-party cookies here: it reports
/// `UserPreferences` for every cookie set cross site.
const CHROMIUM_THIRD_PARTY: &str = "Set-Cookie blocked: UserPreferences";

/// The cookie cases.
pub fn cases(env: &Env) -> Result<Vec<Case>, String> {
    let cross = |firefox_sends: bool, firefox_says: &'static str| Fate {
        sent: ByEngine {
            chromium: false,
            firefox: firefox_sends,
            webkit: false,
        },
        on_login: ByEngine {
            chromium: Some(CHROMIUM_THIRD_PARTY),
            firefox: Some(firefox_says),
            webkit: None,
        },
    };
    Ok(vec![
        cookie_case(
            env,
            ("cookie-same-site", "same site (page and API on 127.0.0.1, two ports), no SameSite attribute", None),
            "127.0.0.1",
            ("sid_same", "Path=/"),
            Fate {
                sent: ByEngine::all(true),
                on_login: ByEngine::all(None),
            },
        )?,
        cookie_case(
            env,
            (
                "cookie-cross-lax",
                "cross site (page on localhost, API on 127.0.0.1), no SameSite attribute",
                Some(
                    "A cookie set cross site: Chromium blocks it as a third-party cookie (UserPreferences); \
                     Firefox keeps it, partitioned, sends it back and warns that it will need the \
                     Partitioned attribute; WebKit withholds it silently (WebKitGTK accepts no \
                     third-party cookies by default).",
                ),
            ),
            "localhost",
            ("sid_lax", "Path=/"),
            cross(true, "cookiesCHIPS"),
        )?,
        cookie_case(
            env,
            (
                "cookie-cross-none",
                "cross site, SameSite=None without Secure (plain http)",
                Some("SameSite=None without Secure: Firefox rejects the cookie (cookieSameSite); Chromium and WebKit withhold it as above."),
            ),
            "localhost",
            ("sid_none", "Path=/; SameSite=None"),
            cross(false, "cookieSameSite"),
        )?,
        cookie_case(
            env,
            (
                "cookie-cross-secure",
                "cross site, SameSite=None; Secure, set over plain http by 127.0.0.1",
                Some("SameSite=None; Secure over plain http from 127.0.0.1: Firefox accepts it (loopback counts as secure) and sends it; Chromium and WebKit withhold it as a third-party cookie."),
            ),
            "localhost",
            ("sid_secure", "Path=/; SameSite=None; Secure"),
            cross(true, "cookiesCHIPS"),
        )?,
    ])
}
