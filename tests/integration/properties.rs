//! Property tests of the layer's security invariants (the same ones the fuzz
//! targets in fuzz/ check), run on every commit: random policies from a small
//! generator and random, often hostile, requests through `Cors`.
//!
//! - no `Access-Control-Allow-Origin: *` together with `-Allow-Credentials: true`;
//! - never two ACAO values;
//! - ACAO is only ever `*` or the request's Origin when that origin is allowed
//!   (checked against the reference matcher of `reference_origin.rs`, which
//!   the fuzz targets share, not against the library's);
//! - a disallowed or repeated origin never gets ACAO;
//! - a refused preflight (403) carries no `Access-Control-Allow-*`;
//! - the inner service is never called for a preflight, nor for a write the
//!   guard refuses (origins listed: an unsafe method with an `Origin` the
//!   policy does not allow, these requests having no `Host` to be their
//!   own origin), and exactly once otherwise.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use http::header::{
    HeaderMap, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD,
    ORIGIN, VARY,
};
use http::{Method, Request, StatusCode};
use proptest::prelude::*;
use tower::Service;
use tower_cors::{Cors, CorsPolicy, ProblemKind};

use crate::reference_origin::{default_port, rule_matches, RefRule, SPECIAL_SCHEMES};
use crate::support::Recorder;

/// Whether one configured rule allows a request `Origin`, by the reference.
fn rule_allows(rule: &str, origin: &[u8]) -> bool {
    rule_matches(&RefRule::parse(rule), origin)
}

// ---- generators ---------------------------------------------------------

const ORIGIN_RULES: [&str; 7] = [
    "https://app.example.com",
    "https://other.example.org",
    "http://localhost:3000",
    "https://*.example.com",
    "http://localhost:*",
    "https://*.example.org:8443",
    "ftp://files.example.net:*",
];

#[derive(Debug, Clone)]
struct PolicySpec {
    /// Empty = `*`.
    origins: Vec<&'static str>,
    credentials: bool,
    /// `None` = `*`.
    methods: Option<Vec<&'static str>>,
    /// `None` = `*` (with `authorization` when the bool is set).
    headers: Result<Vec<&'static str>, bool>,
}

fn policy_spec() -> impl Strategy<Value = PolicySpec> {
    (
        prop_oneof![
            1 => Just(vec![]),
            4 => proptest::sample::subsequence(ORIGIN_RULES.to_vec(), 1..=ORIGIN_RULES.len()),
        ],
        any::<bool>(),
        prop_oneof![
            Just(None),
            proptest::sample::subsequence(vec!["PUT", "PATCH", "DELETE", "patch"], 0..=4)
                .prop_map(Some),
        ],
        prop_oneof![
            any::<bool>().prop_map(Err),
            proptest::sample::subsequence(vec!["content-type", "x-a", "authorization"], 0..=3)
                .prop_map(Ok),
        ],
    )
        .prop_map(|(origins, credentials, methods, headers)| PolicySpec {
            origins,
            credentials,
            methods,
            headers,
        })
}

impl PolicySpec {
    fn build(&self) -> Result<CorsPolicy, tower_cors::ConfigError> {
        let origins = if self.origins.is_empty() {
            vec!["*"]
        } else {
            self.origins.clone()
        };
        let headers = match &self.headers {
            Ok(list) => list.clone(),
            Err(false) => vec!["*"],
            Err(true) => vec!["*", "authorization"],
        };
        CorsPolicy::builder()
            .allow_origins(origins)
            .allow_methods(self.methods.clone().unwrap_or_else(|| vec!["*"]))
            .allow_headers(headers)
            .expose_headers(["x-request-id"])
            .allow_credentials(self.credentials)
            .build()
    }

    fn allows_origin(&self, origin: &[u8]) -> bool {
        if self.origins.is_empty() {
            return !self.credentials;
        }
        self.origins.iter().any(|r| rule_allows(r, origin))
    }

    fn allows_method(&self, m: &[u8]) -> bool {
        matches!(m, b"GET" | b"HEAD" | b"POST")
            || self
                .methods
                .as_ref()
                .is_none_or(|l| l.iter().any(|x| x.as_bytes() == m))
    }
}

fn origin_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Allowed by some rules.
        4 => proptest::sample::select(vec![
            "https://app.example.com",
            "https://other.example.org",
            "http://localhost:3000",
            "http://localhost:5173",
            "http://localhost",
            "https://a.example.com",
            "https://a.b.example.com",
            "https://x.example.org:8443",
            "ftp://files.example.net",
            "ftp://files.example.net:2121",
        ]).prop_map(|s| s.as_bytes().to_vec()),
        // Disallowed or malformed.
        4 => proptest::sample::select(vec![
            "null",
            "https://evil.net",
            "https://example.com",
            "https://evilexample.com",
            "https://app.example.com.evil.net",
            "https://appXexample.com",
            "https://APP.example.com",
            "https://app.example.com/",
            "https://app.example.com:443",
            "http://localhost:80",
            "http://localhost:03000",
            "http://localhost:0",
            "https://x.example.org",
            "ftp://files.example.net:21",
            "https://a_b.example.com",
            "https://a`.example.com",
            "https://app.example.com, https://app.example.com",
            "",
        ]).prop_map(|s| s.as_bytes().to_vec()),
        // Labels under the pattern suffixes.
        2 => ("[a-z0-9_`%A-Z-]{0,8}(\\.[a-z0-9-]{0,4}){0,2}", 0..4usize).prop_map(|(l, i)| {
            let tails = ["https://{}.example.com", "http://{}.example.com", "https://{}.example.org:8443", "http://localhost:{}"];
            tails[i].replace("{}", &l).into_bytes()
        }),
        // Any bytes a header value may hold.
        1 => proptest::collection::vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff, Just(b'\t')], 0..40),
    ]
}

#[derive(Debug, Clone)]
struct RequestSpec {
    method: Method,
    origins: Vec<Vec<u8>>,
    acrm: Vec<&'static str>,
    acrh: Vec<&'static str>,
}

fn request_spec() -> impl Strategy<Value = RequestSpec> {
    (
        proptest::sample::select(vec!["OPTIONS", "GET", "POST", "PUT", "options", "PATCH"]),
        prop_oneof![
            1 => proptest::collection::vec(origin_value(), 0..=0),
            6 => proptest::collection::vec(origin_value(), 1..=1),
            1 => proptest::collection::vec(origin_value(), 2..=3),
        ],
        proptest::collection::vec(
            proptest::sample::select(vec![
                "PUT",
                "PATCH",
                "patch",
                "DELETE",
                "GET",
                "CHICKEN",
                "*",
                "",
                "PUT PATCH",
                "PUT,",
            ]),
            0..=2,
        ),
        proptest::collection::vec(
            proptest::sample::select(vec![
                "content-type",
                "x-a",
                "authorization",
                "content-type,x-a",
                " X-A , ,content-type",
                "x-b",
                "x a",
                "*",
                "",
            ]),
            0..=3,
        ),
    )
        .prop_map(|(m, origins, acrm, acrh)| RequestSpec {
            method: Method::from_bytes(m.as_bytes()).unwrap(),
            origins,
            acrm,
            acrh,
        })
}

// ---- the service under test ---------------------------------------------

/// Runs one request through `Cors` (the inner service is always ready, so
/// one poll completes it). Returns the response and the inner service's calls.
fn run(policy: &CorsPolicy, req: &RequestSpec) -> (StatusCode, HeaderMap, HeaderMap, usize) {
    let mut headers = HeaderMap::new();
    for o in &req.origins {
        headers.append(ORIGIN, HeaderValue::from_bytes(o).unwrap());
    }
    for m in &req.acrm {
        headers.append(ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static(m));
    }
    for h in &req.acrh {
        headers.append(ACCESS_CONTROL_REQUEST_HEADERS, HeaderValue::from_static(h));
    }
    // An inner service that tries to set its own CORS headers.
    let inner = Recorder::new()
        .header(ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    let mut svc = Cors::new(inner.clone(), policy.clone());
    let mut request = Request::new(());
    *request.method_mut() = req.method.clone();
    *request.headers_mut() = headers.clone();
    let mut cx = Context::from_waker(Waker::noop());
    let fut = pin!(svc.call(request));
    let Poll::Ready(Ok(res)) = fut.poll(&mut cx) else {
        panic!("a ready inner service must give a ready response")
    };
    let (parts, _body) = res.into_parts();
    (parts.status, parts.headers, headers, inner.calls())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2500, max_global_rejects: 50_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn layer_invariants(spec in policy_spec(), req in request_spec()) {
        let built = spec.build();
        if spec.origins.is_empty() && spec.credentials {
            let err = built.expect_err("`*` with credentials must be refused");
            prop_assert!(err.has(ProblemKind::WildcardOriginWithCredentials));
            return Ok(());
        }
        let policy = built.expect("the generator only makes valid policies otherwise");
        let (status, res, sent, inner_calls) = run(&policy, &req);

        let preflight = req.method == Method::OPTIONS
            && !req.origins.is_empty()
            && !req.acrm.is_empty();
        let acao: Vec<&HeaderValue> = res.get_all(ACCESS_CONTROL_ALLOW_ORIGIN).iter().collect();
        let acac = res.get_all(ACCESS_CONTROL_ALLOW_CREDENTIALS).iter().any(|v| v == "true");

        prop_assert!(acao.len() <= 1, "two ACAO values: {:?}", acao);
        if let Some(a) = acao.first() {
            if *a == "*" {
                prop_assert!(!acac, "ACAO * with ACAC true");
                prop_assert!(spec.origins.is_empty(), "ACAO * from a listed policy");
            } else {
                prop_assert_eq!(req.origins.len(), 1);
                prop_assert_eq!(a.as_bytes(), &req.origins[0][..], "ACAO is not the Origin");
                prop_assert!(spec.allows_origin(a.as_bytes()), "ACAO {:?} not allowed", a);
            }
        } else {
            prop_assert!(!acac, "ACAC without ACAO (the inner service's was not removed)");
        }
        let one_allowed = req.origins.len() == 1 && spec.allows_origin(&req.origins[0]);
        if req.origins.is_empty() && spec.origins.is_empty() {
            // A static `*` goes on every response, CORS request or not.
            prop_assert!(acao.len() == 1 && acao[0] == "*", "no static * without Origin: {:?}", acao);
        } else if !one_allowed {
            prop_assert!(acao.is_empty(), "ACAO for a disallowed or repeated origin {:?}", req.origins);
        }

        if preflight {
            prop_assert_eq!(inner_calls, 0, "the inner service ran for a preflight");
            if status == StatusCode::FORBIDDEN {
                for name in res.keys() {
                    prop_assert!(!name.as_str().starts_with("access-control-allow-"),
                        "refused preflight carries {}", name);
                }
            } else {
                prop_assert_eq!(status, StatusCode::NO_CONTENT);
                prop_assert!(one_allowed);
                prop_assert_eq!(req.acrm.len(), 1);
                prop_assert!(spec.allows_method(req.acrm[0].as_bytes()));
                if spec.credentials {
                    let acam: Vec<_> = res.get_all(ACCESS_CONTROL_ALLOW_METHODS).iter().collect();
                    prop_assert!(
                        acam.iter().all(|v| *v != "*" || req.acrm[0] == "*"),
                        "ACAM * with credentials"
                    );
                }
            }
        } else if !spec.origins.is_empty()
            && !matches!(req.method, Method::GET | Method::HEAD | Method::OPTIONS)
            && !req.origins.is_empty()
            && !one_allowed
        {
            // The write guard (on by default for listed origins): no
            // `Sec-Fetch-Site`, and an `Origin` that is neither allowed nor
            // the request's own.
            prop_assert!(policy.guards_writes());
            prop_assert_eq!(inner_calls, 0, "the inner service ran a refused write");
            prop_assert_eq!(status, StatusCode::FORBIDDEN);
            prop_assert!(acao.is_empty() && !acac);
            for name in res.keys() {
                prop_assert!(!name.as_str().starts_with("access-control-"),
                    "refused write carries {}", name);
            }
        } else {
            prop_assert_eq!(inner_calls, 1);
            if one_allowed {
                prop_assert_eq!(acao.len(), 1, "allowed origin without ACAO");
            }
            if !spec.origins.is_empty() {
                let vary = res.get_all(VARY).iter()
                    .any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().contains("origin")));
                prop_assert!(vary, "Vary: Origin missing");
            }
        }
        prop_assert!(sent.get_all(ORIGIN).iter().count() == req.origins.len());
    }

    /// A disallowed origin is never allowed, whatever else the request says.
    #[test]
    fn disallowed_origin_never_gets_acao(spec in policy_spec(), req in request_spec()) {
        prop_assume!(!spec.origins.is_empty());
        let policy = spec.build().unwrap();
        prop_assume!(req.origins.len() == 1 && !spec.allows_origin(&req.origins[0]));
        let (status, res, _, _) = run(&policy, &req);
        prop_assert!(!res.contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
        prop_assert!(!res.contains_key(ACCESS_CONTROL_ALLOW_CREDENTIALS));
        if req.method == Method::OPTIONS && !req.acrm.is_empty() {
            prop_assert_eq!(status, StatusCode::FORBIDDEN);
        }
    }
}

/// Regression from the `service` fuzz target (fuzz/, 2026-11-25): a
/// credentialed policy with `allow_methods(["*"])` answers a preflight for the
/// method token `*` itself with `Access-Control-Allow-Methods: *`. That is
/// the echo of the requested method, which browsers read literally under
/// credentials, so it allows exactly the method `*` and nothing else: correct
/// behaviour, and the invariant is "no ACAM `*` with credentials unless `*`
/// was the method asked for". A listed policy refuses the method `*`.
#[test]
fn credentialed_star_methods_echo_a_literal_star_method() {
    let spec = PolicySpec {
        origins: vec!["https://app.example.com"],
        credentials: true,
        methods: None,
        headers: Ok(vec![]),
    };
    let policy = spec.build().unwrap();
    let ask = |method: &'static str| RequestSpec {
        method: Method::OPTIONS,
        origins: vec![b"https://app.example.com".to_vec()],
        acrm: vec![method],
        acrh: vec![],
    };
    let (status, res, _, calls) = run(&policy, &ask("*"));
    assert_eq!((status, calls), (StatusCode::NO_CONTENT, 0));
    assert_eq!(res[ACCESS_CONTROL_ALLOW_METHODS], "*");
    assert_eq!(res[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    let (_, res, _, _) = run(&policy, &ask("PATCH"));
    assert_eq!(res[ACCESS_CONTROL_ALLOW_METHODS], "PATCH");

    let listed = PolicySpec {
        methods: Some(vec!["PUT"]),
        ..spec
    };
    let (status, res, _, _) = run(&listed.build().unwrap(), &ask("*"));
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!res.contains_key(ACCESS_CONTROL_ALLOW_METHODS));
}

#[test]
fn reference_matcher_agrees_with_the_documented_examples() {
    assert!(rule_allows(
        "https://*.example.com",
        b"https://a.b.example.com"
    ));
    assert!(!rule_allows(
        "https://*.example.com",
        b"https://example.com"
    ));
    assert!(!rule_allows(
        "https://*.example.com",
        b"https://a.example.com:443"
    ));
    assert!(rule_allows("http://localhost:*", b"http://localhost"));
    assert!(rule_allows("http://localhost:*", b"http://localhost:5173"));
    assert!(!rule_allows("http://localhost:*", b"http://localhost:80"));
    assert!(!rule_allows("http://localhost:*", b"http://localhost:0"));
    assert!(rule_allows(
        "https://*.example.org:8443",
        b"https://x.example.org:8443"
    ));
    assert!(!rule_allows(
        "https://*.example.org:8443",
        b"https://x.example.org"
    ));
    assert!(!rule_allows(
        "https://app.example.com",
        b"https://app.example.com/"
    ));
}

/// The ports a browser leaves out of an origin are the URL standard's
/// defaults for its special schemes: http 80, https 443, ws 80, wss 443 and
/// ftp 21; `file` is special without one, and no other scheme has one
/// (gopher's 70 went when the standard dropped it). The reference and the
/// library agree: `scheme://host:default` never matches a `:*` or `*.`
/// pattern, another port does.
#[test]
fn default_ports_follow_the_url_standard() {
    assert_eq!(
        SPECIAL_SCHEMES,
        [
            ("ftp", Some(21)),
            ("file", None),
            ("http", Some(80)),
            ("https", Some(443)),
            ("ws", Some(80)),
            ("wss", Some(443)),
        ]
    );
    for (scheme, port) in SPECIAL_SCHEMES {
        assert_eq!(default_port(scheme.as_bytes()), port, "{scheme}");
    }
    for scheme in ["gopher", "git", "chrome-extension", "HTTP", "FTP", ""] {
        assert_eq!(default_port(scheme.as_bytes()), None, "{scheme:?}");
    }

    let get = |origin: &str| RequestSpec {
        method: Method::GET,
        origins: vec![origin.as_bytes().to_vec()],
        acrm: vec![],
        acrh: vec![],
    };
    for (scheme, port) in [
        ("http", 80),
        ("https", 443),
        ("ws", 80),
        ("wss", 443),
        ("ftp", 21),
        ("gopher", 70),
    ] {
        let is_default = default_port(scheme.as_bytes()) == Some(port);
        for rule in [
            format!("{scheme}://files.example.net:*"),
            format!("{scheme}://*.example.net:*"),
        ] {
            let policy = CorsPolicy::builder()
                .allow_origins([&rule])
                .build()
                .unwrap_or_else(|e| panic!("{rule}: {e}"));
            for (origin, expected) in [
                (format!("{scheme}://files.example.net"), true),
                (format!("{scheme}://files.example.net:{port}"), !is_default),
                (format!("{scheme}://files.example.net:{}", port + 1), true),
            ] {
                assert_eq!(
                    rule_allows(&rule, origin.as_bytes()),
                    expected,
                    "reference: {rule} {origin}"
                );
                let (_, res, _, _) = run(&policy, &get(&origin));
                assert_eq!(
                    res.contains_key(ACCESS_CONTROL_ALLOW_ORIGIN),
                    expected,
                    "library: {rule} {origin}"
                );
            }
        }
    }
}
