//! Every response the layer makes, judged by the browser model
//! (`tower_cors::browser`) instead of by our own reading of the rules.
//!
//! - **Intent.** Random policies and random page requests: the model allows
//!   a request exactly when the policy means to allow it, and script never
//!   reads a response for an origin the policy does not allow.
//! - **Caches.** The layer's responses go through a model shared cache that
//!   honours `Vary`; a response stored for one request and served for a
//!   later one (another origin, or none) never changes the browser's verdict.

use std::convert::Infallible;

use http::header::{HeaderMap, HeaderValue, ORIGIN, VARY};
use http::{Request, Response, StatusCode};
use proptest::prelude::*;
use tower::{Layer, ServiceExt};
use tower_cors::browser::{check_response, Browser, Credentials, Engine, PageRequest};
use tower_cors::{CorsLayer, CorsPolicy};

const API: &str = "https://api.example.net/data?id=7";

/// Configured origins, and the page origins the tests send.
const CONFIGURED: [&str; 3] = [
    "https://app.example.com",
    "https://*.example.org",
    "http://localhost:3000",
];
const PAGES: [&str; 7] = [
    "https://app.example.com",
    "https://a.example.org",
    "https://a.b.example.org",
    "https://example.org",
    "http://localhost:3000",
    "https://evil.example",
    "null",
];

/// Whether a configured entry is meant to cover a page origin (the
/// documented meaning of each entry, written out by hand).
fn covers(configured: &str, page: &str) -> bool {
    match configured {
        "https://*.example.org" => page.starts_with("https://") && page.ends_with(".example.org"),
        exact => exact == page,
    }
}

#[derive(Debug, Clone)]
struct Spec {
    /// `None`: `"*"`.
    origins: Option<Vec<&'static str>>,
    methods: Vec<&'static str>,
    any_method: bool,
    headers: Vec<&'static str>,
    any_header: bool,
    credentials: bool,
}

impl Spec {
    fn policy(&self) -> CorsPolicy {
        let mut b = CorsPolicy::builder()
            .allow_origins(self.origins.clone().unwrap_or_else(|| vec!["*"]))
            .allow_credentials(self.credentials);
        b = if self.any_method {
            b.allow_methods(["*"])
        } else {
            b.allow_methods(self.methods.clone())
        };
        if self.any_header {
            b = b.allow_headers(["*"]);
        }
        b.allow_headers(self.headers.clone())
            .build()
            .expect("the generator makes valid policies")
    }

    fn means_origin(&self, page: &str) -> bool {
        match &self.origins {
            None => true,
            Some(list) => list.iter().any(|c| covers(c, page)),
        }
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::option::of(prop::sample::subsequence(CONFIGURED.to_vec(), 1..=3)),
        prop::sample::subsequence(vec!["PUT", "PATCH", "DELETE", "CHICKEN"], 0..=4),
        any::<bool>(),
        prop::sample::subsequence(vec!["content-type", "x-custom", "authorization"], 0..=3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(origins, methods, any_method, headers, any_header, credentials)| {
                // `*` origins cannot carry credentials: the builder refuses it.
                let credentials = credentials && origins.is_some();
                // Next to `*`, only `authorization` may be listed.
                let mut headers = headers;
                if any_header {
                    headers.retain(|h| *h == "authorization");
                }
                Spec {
                    origins,
                    methods,
                    any_method,
                    headers,
                    any_header,
                    credentials,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct Page {
    origin: &'static str,
    method: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    credentials: Credentials,
}

fn page() -> impl Strategy<Value = Page> {
    (
        prop::sample::select(PAGES.to_vec()),
        prop::sample::select(vec![
            "GET", "POST", "put", "PATCH", "patch", "DELETE", "CHICKEN",
        ]),
        prop::sample::subsequence(
            vec![
                ("content-type", "text/plain;charset=utf-8"),
                ("x-custom", "1"),
                ("authorization", "Bearer t"),
                ("accept-language", "en"),
            ],
            0..=4,
        ),
        any::<bool>(),
        prop::sample::select(vec![
            Credentials::Omit,
            Credentials::SameOrigin,
            Credentials::Include,
        ]),
    )
        .prop_map(|(origin, method, mut headers, json, credentials)| {
            if json {
                headers.push(("content-type", "application/json"));
                headers.retain(|(n, v)| *n != "content-type" || *v == "application/json");
            }
            Page {
                origin,
                method,
                headers,
                credentials,
            }
        })
}

/// What the policy means: the documented rules, written out independently
/// of the layer and of the model.
fn policy_means_to_allow(spec: &Spec, page: &Page) -> bool {
    let method = match page.method.to_ascii_uppercase().as_str() {
        m @ ("DELETE" | "GET" | "HEAD" | "OPTIONS" | "POST" | "PUT") => m.to_owned(),
        _ => page.method.to_owned(),
    };
    let unsafe_names: Vec<&str> = page
        .headers
        .iter()
        .filter(|(n, v)| {
            !(*n == "accept-language" || (*n == "content-type" && v.starts_with("text/plain")))
        })
        .map(|(n, _)| *n)
        .collect();
    let credentialed = page.credentials == Credentials::Include;
    let safelisted = matches!(method.as_str(), "GET" | "HEAD" | "POST");
    let method_ok = safelisted || spec.any_method || spec.methods.contains(&method.as_str());
    let headers_ok = unsafe_names
        .iter()
        .all(|n| spec.headers.contains(n) || (spec.any_header && *n != "authorization"));
    spec.means_origin(page.origin) && (!credentialed || spec.credentials) && method_ok && headers_ok
}

fn api(
    policy: CorsPolicy,
) -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = impl Send,
> + Clone {
    CorsLayer::new(policy).layer(tower::service_fn(|_req: Request<String>| async {
        let mut res = Response::new("{\"secret\":42}".to_owned());
        res.headers_mut()
            .insert("x-custom", HeaderValue::from_static("1"));
        Ok::<_, Infallible>(res)
    }))
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    /// The layer's answers, run through the model, allow exactly what the
    /// policy means, in the standard and in Chromium.
    #[test]
    fn intent_the_model_allows_exactly_what_the_policy_means(spec in spec(), page in page()) {
        let policy = spec.policy();
        let mut service = api(policy);
        let request = PageRequest::new(page.origin, page.method, API).credentials(page.credentials);
        let request = page.headers.iter().fold(request, |r, (n, v)| r.header(*n, *v));
        let meant = policy_means_to_allow(&spec, &page);
        for engine in [Engine::Standard, Engine::Chromium] {
            let outcome = rt()
                .block_on(Browser::new(engine).fetch(&mut service, &request))
                .expect("a valid page request");
            prop_assert_eq!(
                outcome.is_allowed(), meant,
                "{:?}: {:?} {:?}: {:?}", engine, spec, page, outcome.verdict()
            );
            if !spec.means_origin(page.origin) {
                prop_assert!(outcome.response().is_none(), "script read a disallowed origin's answer");
            }
        }
    }
}

/// One simple `GET` as it reaches the server: with the page's `Origin`, or
/// without one (a navigation, an `<img>`, a same-origin fetch, a crawler).
fn simple_get(origin: Option<&str>) -> Request<String> {
    let mut req = Request::get(API).body(String::new()).unwrap();
    if let Some(o) = origin {
        req.headers_mut().insert(ORIGIN, o.parse().unwrap());
    }
    req
}

/// A shared cache's choice (RFC 9111 §4.1): the stored response serves the
/// new request only when every header named by its `Vary` has the same
/// value in both requests; `Vary: *` never matches.
fn vary_matches(stored: &HeaderMap, first: &HeaderMap, second: &HeaderMap) -> bool {
    stored.get_all(VARY).iter().all(|line| {
        line.to_str().unwrap_or("*").split(',').all(|name| {
            let name = name.trim();
            name != "*" && {
                let a: Vec<_> = first.get_all(name).iter().collect();
                let b: Vec<_> = second.get_all(name).iter().collect();
                a == b
            }
        })
    })
}

/// The browser's verdict on a response for a page at `origin`.
fn verdict(
    origin: &str,
    credentials: Credentials,
    status: StatusCode,
    headers: &HeaderMap,
) -> bool {
    let request = PageRequest::new(origin, "GET", API)
        .credentials(credentials)
        .prepare()
        .expect("a valid page request");
    check_response(Engine::Standard, &request, status, headers).is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Caches: whatever a shared cache stored first, serving it for a later
    /// request never changes what the browser decides for that request.
    #[test]
    fn caches_a_stored_answer_never_changes_the_verdict(
        spec in spec(),
        first in prop::option::of(prop::sample::select(PAGES.to_vec())),
        second in prop::sample::select(PAGES.to_vec()),
        credentials in prop::sample::select(vec![Credentials::Omit, Credentials::Include]),
    ) {
        let policy = spec.policy();
        let rt = rt();
        let call = |req: Request<String>| rt.block_on(api(policy.clone()).oneshot(req)).expect("infallible");
        let first_req = simple_get(first);
        let stored = call(first_req.clone());
        let second_req = simple_get(Some(second));
        let fresh = call(second_req.clone());
        let served = if vary_matches(stored.headers(), first_req.headers(), second_req.headers()) {
            &stored
        } else {
            &fresh
        };
        prop_assert_eq!(
            verdict(second, credentials, served.status(), served.headers()),
            verdict(second, credentials, fresh.status(), fresh.headers()),
            "first {:?}, then {}: stored {:?}, fresh {:?}", first, second, stored.headers(), fresh.headers()
        );
        // Requests without `Origin` are served from whatever was stored too;
        // the answer must not depend on the origin unless it says so.
        if first.is_some() && !vary_matches(stored.headers(), first_req.headers(), simple_get(None).headers()) {
            prop_assert!(stored.headers().get_all(VARY).iter().any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().contains("origin"))));
        }
    }
}

#[test]
fn a_policy_for_any_origin_and_a_request_without_origin_share_a_cache_safely() {
    // The case that broke: `*` without credentials, a crawler fetches first.
    let policy = CorsPolicy::builder().allow_origins(["*"]).build().unwrap();
    let rt = rt();
    let stored = rt.block_on(api(policy).oneshot(simple_get(None))).unwrap();
    assert!(vary_matches(
        stored.headers(),
        simple_get(None).headers(),
        simple_get(Some("https://app.example.com")).headers()
    ));
    assert!(verdict(
        "https://app.example.com",
        Credentials::Omit,
        stored.status(),
        stored.headers()
    ));
}
