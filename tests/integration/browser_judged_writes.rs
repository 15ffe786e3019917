//! The intent property, for what a page can make the API *do*: random
//! policies that guard writes and random requests a page can send (form
//! posts and gets, `no-cors` and `cors` fetches, simple or preflighted,
//! from the API's own origin, a sibling site, allowed and disallowed
//! origins, from engines with and without Fetch Metadata, to an exempt
//! path or not), driven by the browser model through `CorsLayer` over a
//! service that records what it ran.
//!
//! - **Writes.** The service runs a request with an unsafe method from a
//!   page only if the policy allows the page's origin, the page is the
//!   API's own origin, or the path is exempt.
//! - **Reads.** The page reads a response only if the policy allows its
//!   origin or it is the API's own.
//! - **Not in the way.** A request that needs no preflight, from the API's
//!   own origin, to an exempt path, or whose `Origin` the policy allows,
//!   runs (a form from an `https` page to an `http` URL says `Origin: null`).
//!
//! Without the guard the same generator finds a write it should not run:
//! CORS alone lets a form post through.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};

use http::{Method, Request, Response};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use tower::Layer;
use tower_cors::browser::{Browser, Credentials, Enctype, Engine, Mode, PageRequest};
use tower_cors::{CorsLayer, CorsPolicy};

/// The API, over `https` (Fetch Metadata sent) and plain `http` (not a
/// potentially trustworthy URL: `Origin` only).
const API_ORIGINS: [&str; 2] = ["https://api.example.net", "http://api.example.net"];
const PATH: &str = "/items/7";
/// What the policy may exempt: a login provider's `form_post` callback.
const EXEMPT_PATH: &str = "/oauth/callback";
/// The API's registrable domain, which a page under it may declare.
const API_SITE: &str = "example.net";

const CONFIGURED: [&str; 3] = [
    "https://app.example.com",
    "https://*.example.org",
    "http://localhost:3000",
];
const PAGES: [&str; 9] = [
    "https://app.example.com",
    "https://a.example.org",
    "https://example.org",
    "http://localhost:3000",
    "https://evil.example",
    "null",
    // The API's own origins, and a sibling on the same site.
    "https://api.example.net",
    "http://api.example.net",
    "https://www.example.net",
];

/// Whether a configured entry is meant to cover a page origin (the
/// documented meaning, written out by hand).
fn covers(configured: &str, page: &str) -> bool {
    match configured {
        "https://*.example.org" => page.starts_with("https://") && page.ends_with(".example.org"),
        exact => exact == page,
    }
}

#[derive(Debug, Clone)]
struct PolicySpec {
    /// `None`: `*`.
    origins: Option<Vec<&'static str>>,
    methods: Vec<&'static str>,
    credentials: bool,
    /// `None`: the default (on with credentials).
    guard: Option<bool>,
    exempt: bool,
}

impl PolicySpec {
    fn policy(&self) -> CorsPolicy {
        let mut b = CorsPolicy::builder()
            .allow_origins(self.origins.clone().unwrap_or_else(|| vec!["*"]))
            .allow_methods(self.methods.clone())
            .allow_headers(["content-type", "x-custom"])
            .allow_credentials(self.credentials);
        if let Some(guard) = self.guard {
            b = b.guard_writes(guard);
        }
        if self.exempt {
            b = b.exempt_from_write_guard(|head| head.uri.path() == EXEMPT_PATH);
        }
        b.build().expect("the generator makes valid policies")
    }

    fn means_origin(&self, page: &str) -> bool {
        match &self.origins {
            None => true,
            Some(list) => list.iter().any(|c| covers(c, page)),
        }
    }
}

/// Policies that guard writes: by default (with credentials) or by saying so.
fn guarded_policy() -> impl Strategy<Value = PolicySpec> {
    (
        prop::option::weighted(0.85, prop::sample::subsequence(CONFIGURED.to_vec(), 1..=3)),
        prop::sample::subsequence(vec!["PUT", "DELETE", "PATCH"], 0..=3),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(origins, methods, credentials, explicit, exempt)| {
            // `*` cannot carry credentials: its guard is on only when asked.
            let credentials = credentials && origins.is_some();
            PolicySpec {
                origins,
                methods,
                credentials,
                guard: (explicit || !credentials).then_some(true),
                exempt,
            }
        })
}

#[derive(Debug, Clone)]
enum Kind {
    FormPost(Enctype),
    FormGet,
    NoCors(&'static str),
    Cors {
        method: &'static str,
        headers: Vec<(&'static str, &'static str)>,
        credentials: Credentials,
    },
}

#[derive(Debug, Clone)]
struct PageSpec {
    origin: &'static str,
    api: &'static str,
    exempt_path: bool,
    kind: Kind,
    /// The engine sends `Sec-Fetch-*` (every current one does).
    metadata: bool,
    /// The page declares its registrable domain (when it is the API's).
    declare_site: bool,
}

impl PageSpec {
    fn url(&self) -> String {
        let path = if self.exempt_path { EXEMPT_PATH } else { PATH };
        format!("{}{path}", self.api)
    }

    fn request(&self) -> PageRequest {
        let (origin, url) = (self.origin, self.url());
        let page = match &self.kind {
            Kind::FormPost(enctype) => PageRequest::form_post(origin, url, *enctype),
            Kind::FormGet => PageRequest::form_get(origin, url),
            Kind::NoCors(method) => PageRequest::new(origin, *method, url).mode(Mode::NoCors),
            Kind::Cors {
                method,
                headers,
                credentials,
            } => headers.iter().fold(
                PageRequest::new(origin, *method, url).credentials(*credentials),
                |page, (n, v)| page.header(*n, *v),
            ),
        };
        let page = page.fetch_metadata(self.metadata);
        if self.declare_site && self.origin.ends_with(API_SITE) {
            page.registrable_domain(API_SITE)
        } else {
            page
        }
    }

    fn same_origin(&self) -> bool {
        self.origin == self.api
    }

    /// The origin the browser names in `Origin` for a write: `null` for a
    /// form or `no-cors` request from an `https` page to an `http` URL (the
    /// default referrer policy), so no policy but `*` can allow it then.
    fn origin_sent(&self) -> &'static str {
        let downgrade = self.origin.starts_with("https:") && self.api.starts_with("http:");
        if downgrade && !matches!(self.kind, Kind::Cors { .. }) {
            "null"
        } else {
            self.origin
        }
    }

    /// A `cors` request the browser preflights (from another origin).
    fn preflighted(&self) -> bool {
        let Kind::Cors {
            method, headers, ..
        } = &self.kind
        else {
            return false;
        };
        !self.same_origin()
            && (!matches!(
                method.to_ascii_uppercase().as_str(),
                "GET" | "HEAD" | "POST"
            ) || headers
                .iter()
                .any(|(n, v)| *n != "content-type" || !v.starts_with("text/plain")))
    }
}

fn page() -> impl Strategy<Value = PageSpec> {
    let kind = prop_oneof![
        prop::sample::select(vec![
            Enctype::UrlEncoded,
            Enctype::Multipart,
            Enctype::TextPlain
        ])
        .prop_map(Kind::FormPost),
        Just(Kind::FormGet),
        prop::sample::select(vec!["POST", "post", "GET"]).prop_map(Kind::NoCors),
        (
            prop::sample::select(vec!["GET", "POST", "put", "DELETE", "PATCH", "patch"]),
            prop::sample::subsequence(
                vec![
                    ("content-type", "text/plain;charset=utf-8"),
                    ("content-type", "application/json"),
                    ("x-custom", "1"),
                ],
                0..=2,
            ),
            prop::sample::select(vec![
                Credentials::Omit,
                Credentials::SameOrigin,
                Credentials::Include,
            ]),
        )
            .prop_map(|(method, headers, credentials)| Kind::Cors {
                method,
                headers,
                credentials,
            }),
    ];
    (
        prop::sample::select(PAGES.to_vec()),
        prop::sample::select(API_ORIGINS.to_vec()),
        prop::bool::weighted(0.2),
        kind,
        prop::bool::weighted(0.8),
        any::<bool>(),
    )
        .prop_map(
            |(origin, api, exempt_path, kind, metadata, declare_site)| PageSpec {
                origin,
                api,
                exempt_path,
                kind,
                metadata,
                declare_site,
            },
        )
}

/// The API: `CorsLayer` over a service that records the method of every
/// request it runs.
fn api(
    policy: CorsPolicy,
    ran: Arc<Mutex<Vec<Method>>>,
) -> impl tower::Service<Request<String>, Response = Response<String>, Error = Infallible> {
    CorsLayer::new(policy).layer(tower::service_fn(move |req: Request<String>| {
        ran.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(req.method().clone());
        async { Ok::<_, Infallible>(Response::new("{\"done\":true}".to_owned())) }
    }))
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The property: writes only from allowed origins, the API's own or to an
/// exempt path; reads only by allowed origins or the API's own; and what
/// is allowed and needs no preflight runs.
fn check(spec: &PolicySpec, page: &PageSpec) -> Result<(), TestCaseError> {
    let ran = Arc::new(Mutex::new(Vec::new()));
    let mut service = api(spec.policy(), ran.clone());
    let request = page.request();
    let outcome = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
        .block_on(Browser::new(Engine::Chromium).fetch(&mut service, &request))
        .map_err(|e| TestCaseError::fail(format!("the model refused {request:?}: {e}")))?;
    let ran = ran.lock().unwrap_or_else(PoisonError::into_inner).clone();

    let allowed = spec.means_origin(page.origin);
    let exempt = spec.exempt && page.exempt_path;
    let wrote = ran.iter().any(is_write);
    prop_assert!(
        !wrote || allowed || page.same_origin() || exempt,
        "the service ran {:?} from {} ({:?}): {:?}",
        ran,
        page.origin,
        request.kind(),
        outcome
            .exchanges()
            .iter()
            .map(|e| e.request())
            .collect::<Vec<_>>()
    );
    prop_assert!(
        !outcome.is_readable() || allowed || page.same_origin(),
        "{} read the answer to {:?}",
        page.origin,
        request.kind()
    );
    let sent_allowed = spec.means_origin(page.origin_sent());
    if (sent_allowed || page.same_origin() || exempt) && !page.preflighted() {
        prop_assert!(
            outcome.was_sent() && ran.len() == 1,
            "{} could not send {:?}: {:?}",
            page.origin,
            request.kind(),
            outcome.exchanges().last().map(|e| e.status())
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// With the guard on, a page writes only where the policy lets it read
    /// (or to its own origin, or an exempt path).
    #[test]
    fn intent_a_page_writes_only_where_the_policy_allows_it(spec in guarded_policy(), page in page()) {
        prop_assert!(spec.policy().guards_writes());
        check(&spec, &page)?;
    }
}

/// The same property without the guard fails: the generator, from a fixed
/// seed, finds a write the service runs for an origin the policy does not
/// allow.
#[test]
fn without_the_guard_the_same_generator_finds_a_forged_write() {
    let config = Config {
        cases: 400,
        failure_persistence: None,
        max_shrink_iters: 0,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let unguarded = guarded_policy().prop_map(|spec| PolicySpec {
        guard: Some(false),
        ..spec
    });
    let result = runner.run(&(unguarded, page()), |(spec, page)| {
        assert!(!spec.policy().guards_writes());
        check(&spec, &page)
    });
    match result {
        Err(TestError::Fail(reason, (_, page))) => {
            assert!(
                reason.message().contains("the service ran"),
                "{reason}: {page:?}"
            );
        }
        other => panic!("no counterexample without the guard: {other:?}"),
    }
}

/// The counterexample spelled out: an auto-submitted form on another site
/// against a credentialed API. CORS hides the answer; only the guard stops
/// the write.
#[test]
fn a_cross_site_form_post_runs_without_the_guard_and_not_with_it() {
    let form = PageSpec {
        origin: "https://evil.example",
        api: "https://api.example.net",
        exempt_path: false,
        kind: Kind::FormPost(Enctype::UrlEncoded),
        metadata: true,
        declare_site: false,
    };
    let spec = PolicySpec {
        origins: Some(vec!["https://app.example.com"]),
        methods: vec!["PUT"],
        credentials: true,
        guard: None,
        exempt: false,
    };
    assert!(check(&spec, &form).is_ok());
    let unguarded = PolicySpec {
        guard: Some(false),
        ..spec.clone()
    };
    let err = check(&unguarded, &form).expect_err("the forged post runs");
    assert!(err.to_string().contains("the service ran [POST]"), "{err}");
    // An older engine (no Sec-Fetch-Site) is refused by its Origin alone.
    let old = PageSpec {
        metadata: false,
        ..form.clone()
    };
    assert!(check(&spec, &old).is_ok());
    // The exempt path takes the same post.
    let callback = PageSpec {
        exempt_path: true,
        ..form
    };
    let exempt = PolicySpec {
        exempt: true,
        ..spec
    };
    assert!(check(&exempt, &callback).is_ok());
}
