//! Cases against tower-cors with one policy each: the seed snippets'
//! policies (FastAPI, Express), a disallowed origin, origin patterns, the
//! preflight cache, `Authorization`, exposed headers.

use std::time::Duration;

use serde_json::{json, Value};
use tower_cors::CorsConfig;

use crate::case::{actual, preflight, Case, Expect, HeaderSeen, How, Logs, Sees, Step};
use crate::env::Env;
use crate::reasons::{MISSING_ACAO, PREFLIGHT_REFUSED, WILDCARD_WITH_CREDENTIALS};
use crate::servers::{Server, EXPOSED, HIDDEN};

/// A `fetch` step to `path` on `api` (addressed as `host`).
pub fn fetch(
    id: &'static str,
    api: &Server,
    host: &str,
    path: &str,
    init: Value,
    read: Option<&'static str>,
    expect: Expect,
) -> Step {
    let mut what = format!("fetch(\"{path}\", {init})");
    if let Some(h) = read {
        what.push_str(&format!(", then headers.get(\"{h}\")"));
    }
    Step::new(
        id,
        what,
        How::Fetch {
            url: api.url(host, path),
            init,
            read,
        },
        expect,
    )
}

/// A case on one tower-cors API.
pub fn case(
    id: &'static str,
    title: &'static str,
    page: String,
    api: &Server,
    steps: Vec<Step>,
) -> Case {
    Case {
        id,
        group: "tower-cors policies",
        title,
        page,
        logs: Logs::Suite {
            api: api.clone(),
            target: None,
        },
        steps,
        differs: None,
    }
}

const DATA: &str = "/api/data";

/// The seed's FastAPI settings: a listed origin, credentials, `*` methods
/// and headers. The login sets a cookie (same site: 127.0.0.1 on two
/// ports); the credentialed PUT sends it, its preflight does not.
fn fastapi(env: &Env) -> Result<Case, String> {
    let origin = env.origin("127.0.0.1");
    let api = env.api(
        CorsConfig {
            allow_methods: vec!["*".into()],
            allow_headers: vec!["*".into()],
            allow_credentials: true,
            ..env.config(&[&origin])
        },
        "sid=fastapi; Path=/",
    )?;
    let put = json!({"method": "PUT", "credentials": "include",
        "headers": {"Content-Type": "application/json", "X-Custom-One": "1", "X-Trace-Id": "abc"},
        "body": "{\"a\":1}"});
    Ok(case(
        "fastapi",
        "FastAPI's settings (listed origin, credentials, * methods and headers): a credentialed PUT with a cookie",
        env.blank("127.0.0.1"),
        &api,
        vec![
            fetch(
                "login",
                &api,
                "127.0.0.1",
                "/api/login",
                json!({"credentials": "include"}),
                None,
                Expect::read(vec![actual("GET", 200)]),
            ),
            fetch(
                "put",
                &api,
                "127.0.0.1",
                DATA,
                put,
                None,
                Expect::read(vec![
                    preflight("PUT", "content-type,x-custom-one,x-trace-id", 204),
                    actual("PUT", 200).cookie("sid=fastapi"),
                ]),
            ),
            fetch(
                "no-credentials",
                &api,
                "127.0.0.1",
                DATA,
                json!({}),
                None,
                Expect::read(vec![actual("GET", 200)]),
            ),
        ],
    ))
}

/// Express's `cors()` defaults: any origin, no credentials. Readable
/// without credentials; with `credentials: "include"` engines refuse `*`.
fn express(env: &Env) -> Result<Case, String> {
    let api = env.api(
        CorsConfig {
            allow_methods: ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"]
                .map(String::from)
                .into(),
            ..env.config(&["*"])
        },
        "sid=express; Path=/",
    )?;
    let h = "127.0.0.1";
    Ok(case(
        "express",
        "Express's cors() defaults (any origin, no credentials)",
        env.blank(h),
        &api,
        vec![
            fetch(
                "get",
                &api,
                h,
                DATA,
                json!({}),
                None,
                Expect::read(vec![actual("GET", 200)]),
            ),
            fetch(
                "delete",
                &api,
                h,
                DATA,
                json!({"method": "DELETE"}),
                None,
                Expect::read(vec![preflight("DELETE", "", 204), actual("DELETE", 200)]),
            ),
            fetch(
                "credentials",
                &api,
                h,
                DATA,
                json!({"credentials": "include"}),
                None,
                Expect::blocked(WILDCARD_WITH_CREDENTIALS, vec![actual("GET", 200)]),
            ),
        ],
    ))
}

/// A simple GET and a preflighted PUT, both readable or both blocked.
fn probe(api: &Server, allowed: bool) -> Vec<Step> {
    let h = "127.0.0.1";
    let put = json!({"method": "PUT"});
    if allowed {
        vec![
            fetch(
                "get",
                api,
                h,
                DATA,
                json!({}),
                None,
                Expect::read(vec![actual("GET", 200)]),
            ),
            fetch(
                "put",
                api,
                h,
                DATA,
                put,
                None,
                Expect::read(vec![preflight("PUT", "", 204), actual("PUT", 200)]),
            ),
        ]
    } else {
        vec![
            fetch(
                "get",
                api,
                h,
                DATA,
                json!({}),
                None,
                Expect::blocked(MISSING_ACAO, vec![actual("GET", 200)]),
            ),
            fetch(
                "put",
                api,
                h,
                DATA,
                put,
                None,
                Expect::blocked(PREFLIGHT_REFUSED, vec![preflight("PUT", "", 403)]),
            ),
        ]
    }
}

/// Origins and patterns: which page origins get through.
fn origins(env: &Env) -> Result<Vec<Case>, String> {
    let put_only = |origins: &[&str]| CorsConfig {
        allow_methods: vec!["PUT".into()],
        ..env.config(origins)
    };
    let listed = env.api(put_only(&["https://app.example.com"]), "sid=x; Path=/")?;
    let subdomains = env.api(put_only(&["http://*.localhost:*"]), "sid=x; Path=/")?;
    let any_port = env.api(put_only(&["http://localhost:*"]), "sid=x; Path=/")?;
    let mut cases = vec![case(
        "disallowed",
        "an origin the policy does not list (it lists https://app.example.com)",
        env.blank("127.0.0.1"),
        &listed,
        probe(&listed, false),
    )];
    for (id, title, host, allowed) in [
        (
            "sub-app",
            "http://*.localhost:* from app.localhost",
            "app.localhost",
            true,
        ),
        (
            "sub-deep",
            "http://*.localhost:* from a.b.localhost",
            "a.b.localhost",
            true,
        ),
        (
            "sub-bare",
            "http://*.localhost:* from localhost (not a subdomain)",
            "localhost",
            false,
        ),
        (
            "sub-ip",
            "http://*.localhost:* from 127.0.0.1",
            "127.0.0.1",
            false,
        ),
    ] {
        cases.push(case(
            id,
            title,
            env.blank(host),
            &subdomains,
            probe(&subdomains, allowed),
        ));
    }
    for (id, title, host, allowed) in [
        (
            "port-any",
            "http://localhost:* from localhost",
            "localhost",
            true,
        ),
        (
            "port-sub",
            "http://localhost:* from app.localhost (not the same host)",
            "app.localhost",
            false,
        ),
    ] {
        cases.push(case(
            id,
            title,
            env.blank(host),
            &any_port,
            probe(&any_port, allowed),
        ));
    }
    Ok(cases)
}

/// Two identical preflighted PUTs 6 s apart (longer than the 5 s default).
/// With `max_age` the second reuses the cached preflight; without it there
/// is a second OPTIONS. The API is addressed as `localhost`: Firefox drops
/// cached preflights for an IP address whose DNS entry was refreshed.
fn preflight_cache(env: &Env, max_age: Option<u64>) -> Result<Case, String> {
    let origin = env.origin("127.0.0.1");
    let api = env.api(
        CorsConfig {
            allow_methods: vec!["PUT".into()],
            allow_headers: vec!["x-custom".into()],
            max_age_secs: max_age,
            ..env.config(&[&origin])
        },
        "sid=x; Path=/",
    )?;
    // The default cache mode: `no-store` would bypass the preflight cache.
    let init = json!({"method": "PUT", "headers": {"X-Custom": "1"}});
    let both = vec![preflight("PUT", "x-custom", 204), actual("PUT", 200)];
    let first = fetch(
        "first",
        &api,
        "localhost",
        DATA,
        init.clone(),
        None,
        Expect::read(both.clone()),
    );
    let mut second = fetch(
        "second",
        &api,
        "localhost",
        DATA,
        init,
        None,
        Expect::read(if max_age.is_some() {
            vec![actual("PUT", 200)]
        } else {
            both
        }),
    );
    second.pause = Some(Duration::from_millis(6_000));
    second.same_url_as = Some("first");
    let (id, title) = match max_age {
        Some(_) => (
            "cache-600",
            "preflight cache, max_age 600: one preflight for two PUTs 6 s apart",
        ),
        None => (
            "cache-none",
            "preflight cache, no max_age: a second preflight after 6 s",
        ),
    };
    Ok(case(
        id,
        title,
        env.blank("127.0.0.1"),
        &api,
        vec![first, second],
    ))
}

/// `Authorization` with `*` headers and no credentials: the standard never
/// lets `*` cover it, so tower-cors refuses the preflight (browsers would
/// let it through, see the other-server case); listed, it passes.
fn authorization(env: &Env) -> Result<Vec<Case>, String> {
    let origin = env.origin("127.0.0.1");
    let star = env.api(
        CorsConfig {
            allow_headers: vec!["*".into()],
            ..env.config(&[&origin])
        },
        "sid=x; Path=/",
    )?;
    let listed = env.api(
        CorsConfig {
            allow_headers: vec!["*".into(), "authorization".into()],
            ..env.config(&[&origin])
        },
        "sid=x; Path=/",
    )?;
    let init = json!({"headers": {"Authorization": "Bearer t", "X-Other": "1"}});
    let h = "127.0.0.1";
    Ok(vec![
        case(
            "auth-star",
            "Authorization with allow_headers [\"*\"]: refused by tower-cors",
            env.blank(h),
            &star,
            vec![fetch(
                "get",
                &star,
                h,
                DATA,
                init.clone(),
                None,
                Expect::blocked(
                    PREFLIGHT_REFUSED,
                    vec![preflight("GET", "authorization,x-other", 403)],
                ),
            )],
        ),
        case(
            "auth-listed",
            "Authorization with allow_headers [\"*\", \"authorization\"]",
            env.blank(h),
            &listed,
            vec![fetch(
                "get",
                &listed,
                h,
                DATA,
                init,
                None,
                Expect::read(vec![
                    preflight("GET", "authorization,x-other", 204),
                    actual("GET", 200),
                ]),
            )],
        ),
    ])
}

/// Exposed headers: a listed one is readable, another is `null`; with `*`
/// (no credentials) every one is readable.
fn exposed(env: &Env) -> Result<Vec<Case>, String> {
    let origin = env.origin("127.0.0.1");
    let listed = env.api(
        CorsConfig {
            expose_headers: vec![EXPOSED.into()],
            ..env.config(&[&origin])
        },
        "sid=x; Path=/",
    )?;
    let star = env.api(
        CorsConfig {
            expose_headers: vec!["*".into()],
            ..env.config(&[&origin])
        },
        "sid=x; Path=/",
    )?;
    let h = "127.0.0.1";
    let sees = |header| Sees::Read {
        status: 200,
        header,
    };
    let get = || vec![actual("GET", 200)];
    Ok(vec![
        case(
            "expose-listed",
            "expose_headers [\"x-request-id\"]",
            env.blank(h),
            &listed,
            vec![
                fetch(
                    "listed",
                    &listed,
                    h,
                    DATA,
                    json!({}),
                    Some(EXPOSED),
                    Expect::sees(sees(HeaderSeen::Value("req-")), get()),
                ),
                fetch(
                    "other",
                    &listed,
                    h,
                    DATA,
                    json!({}),
                    Some(HIDDEN),
                    Expect::sees(sees(HeaderSeen::Null), get()),
                ),
            ],
        ),
        case(
            "expose-star",
            "expose_headers [\"*\"], no credentials",
            env.blank(h),
            &star,
            vec![fetch(
                "any",
                &star,
                h,
                DATA,
                json!({}),
                Some(HIDDEN),
                Expect::sees(sees(HeaderSeen::Value("tower-cors-suite")), get()),
            )],
        ),
    ])
}

/// The tower-cors policy cases.
pub fn cases(env: &Env) -> Result<Vec<Case>, String> {
    let mut cases = vec![
        preflight_cache(env, Some(600))?,
        preflight_cache(env, None)?,
    ];
    cases.push(fastapi(env)?);
    cases.push(express(env)?);
    cases.extend(origins(env)?);
    cases.extend(authorization(env)?);
    cases.extend(exposed(env)?);
    Ok(cases)
}
