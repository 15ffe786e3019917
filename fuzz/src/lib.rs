//! Shared pieces of the fuzz targets: structured inputs, the reference origin
//! matcher (written independently of the library) and the response invariants.
//!
//! The reference matcher is the one the integration tests use: one file,
//! `tests/integration/reference_origin.rs`, included here, so the property
//! tests and the fuzz targets judge the library by the same rules.

#[path = "../../tests/integration/reference_origin.rs"]
mod reference_origin;

pub use reference_origin::{default_port, rule_matches, RefRule, SPECIAL_SCHEMES};

use arbitrary::Arbitrary;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};

/// The hosts, labels and values the structured generators draw from, so that
/// the fuzzer reaches the interesting branches quickly.
pub const DICTIONARY: &[&str] = &[
    "https://app.example.com",
    "http://localhost:3000",
    "https://a.example.com",
    "https://a.b.example.com",
    "https://example.com",
    "https://evilexample.com",
    "https://app.example.com.evil.net",
    "https://appXexample.com",
    "http://localhost",
    "http://localhost:80",
    "http://localhost:0",
    "http://localhost:03000",
    "http://[::1]:5173",
    "https://xn--bcher-kva.de",
    "null",
    "*",
    "",
    "PUT",
    "PATCH",
    "patch",
    "GET",
    "OPTIONS",
    "content-type",
    "content-type,x-requested-with",
    "Authorization",
    "x-a, x-b",
    ",,",
    "origin",
];

/// A policy under test, with what the reference needs to know about it.
pub struct Fixture {
    pub origins: Vec<RefRule>,
    pub credentials: bool,
    /// `None` = `*`.
    pub methods: Option<Vec<&'static str>>,
    pub preflight_status: StatusCode,
    pub policy: tower_cors::CorsPolicy,
}

impl Fixture {
    pub fn origin_allowed(&self, origin: &[u8]) -> bool {
        self.origins
            .iter()
            .any(|r| rule_matches(r, origin) && !(self.credentials && matches!(r, RefRule::Any)))
    }

    fn any_origin(&self) -> bool {
        self.origins.iter().any(|r| matches!(r, RefRule::Any))
    }

    fn method_allowed(&self, m: &[u8]) -> bool {
        matches!(m, b"GET" | b"HEAD" | b"POST")
            || match &self.methods {
                None => true,
                Some(list) => list.iter().any(|x| x.as_bytes() == m),
            }
    }
}

/// The fixed policies of the service target.
pub fn fixtures() -> Vec<Fixture> {
    use std::time::Duration;
    let listed = [
        "https://app.example.com",
        "http://localhost:3000",
        "https://*.example.com",
        "http://localhost:*",
    ];
    let mut out = Vec::new();
    let mk = |origins: &[&str],
              credentials: bool,
              methods: Option<Vec<&'static str>>,
              headers: &[&str],
              status: StatusCode| {
        let b = tower_cors::CorsPolicy::builder()
            .allow_origins(origins)
            .allow_methods(methods.clone().unwrap_or_else(|| vec!["*"]))
            .allow_headers(headers)
            .expose_headers(["x-request-id"])
            .allow_credentials(credentials)
            .max_age(Duration::from_secs(600))
            .preflight_status(status);
        // The first policy also explains refusals (x-cors-refusal) and
        // grants Private Network Access: neither may leak CORS headers.
        let b = if credentials && methods.is_some() {
            b.dangerously_explain_refusals(true)
                .allow_private_network(true)
        } else {
            b
        };
        let policy = b.build().expect("fixture policies are valid");
        Fixture {
            origins: origins.iter().map(|o| RefRule::parse(o)).collect(),
            credentials,
            methods,
            preflight_status: status,
            policy,
        }
    };
    out.push(mk(
        &listed,
        true,
        Some(vec!["PUT", "PATCH"]),
        &["content-type", "x-requested-with", "authorization"],
        StatusCode::NO_CONTENT,
    ));
    out.push(mk(&["*"], false, None, &["*"], StatusCode::NO_CONTENT));
    out.push(mk(&listed, true, None, &["*"], StatusCode::NO_CONTENT));
    out.push(mk(
        &["https://app.example.com"],
        false,
        Some(vec!["DELETE"]),
        &["*", "authorization"],
        StatusCode::OK,
    ));
    out.push(mk(
        &[
            "http://[::1]:*",
            "https://xn--bcher-kva.de",
            "https://*.a.example.com:8443",
        ],
        false,
        Some(vec![]),
        &[],
        StatusCode::NO_CONTENT,
    ));
    out
}

/// Bytes that are either raw or drawn from [`DICTIONARY`].
#[derive(Arbitrary, Debug, Clone)]
pub enum Bytes {
    Dict(u8),
    Raw(Vec<u8>),
    /// A dictionary entry with raw bytes appended (`https://a.example.com` + junk).
    DictThen(u8, Vec<u8>),
    /// Labels joined with dots under a dictionary origin: `https://` + labels + `.example.com`.
    Labels(Vec<String>, u8),
}

impl Bytes {
    pub fn bytes(&self) -> Vec<u8> {
        let dict = |i: &u8| {
            DICTIONARY[*i as usize % DICTIONARY.len()]
                .as_bytes()
                .to_vec()
        };
        match self {
            Bytes::Dict(i) => dict(i),
            Bytes::Raw(b) => b.clone(),
            Bytes::DictThen(i, b) => {
                let mut v = dict(i);
                v.extend_from_slice(b);
                v
            }
            Bytes::Labels(labels, i) => {
                let tail = ["example.com", "a.example.com", "localhost", "com"];
                let scheme = ["https://", "http://", "wss://", "HTTPS://"];
                let mut s = scheme[*i as usize % scheme.len()].to_owned();
                for l in labels {
                    s.push_str(l);
                    s.push('.');
                }
                s.push_str(tail[(*i as usize / 4) % tail.len()]);
                s.into_bytes()
            }
        }
    }
}

/// A request header name chosen by the fuzzer.
#[derive(Arbitrary, Debug, Clone)]
pub enum Name {
    Origin,
    Acrm,
    Acrh,
    Authorization,
    Vary,
    ContentType,
    Acao,
    Acac,
    SecFetchSite,
    Host,
    Upgrade,
    Raw(Vec<u8>),
}

impl Name {
    pub fn header(&self) -> Option<HeaderName> {
        Some(match self {
            Name::Origin => http::header::ORIGIN,
            Name::Acrm => http::header::ACCESS_CONTROL_REQUEST_METHOD,
            Name::Acrh => http::header::ACCESS_CONTROL_REQUEST_HEADERS,
            Name::Authorization => http::header::AUTHORIZATION,
            Name::Vary => http::header::VARY,
            Name::ContentType => http::header::CONTENT_TYPE,
            Name::Acao => http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
            Name::Acac => http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            Name::SecFetchSite => HeaderName::from_static("sec-fetch-site"),
            Name::Host => http::header::HOST,
            Name::Upgrade => http::header::UPGRADE,
            Name::Raw(b) => return HeaderName::from_bytes(b).ok(),
        })
    }
}

/// A request method chosen by the fuzzer.
#[derive(Arbitrary, Debug, Clone)]
pub enum MethodIn {
    Options,
    Get,
    Post,
    Put,
    Raw(Vec<u8>),
}

impl MethodIn {
    pub fn method(&self) -> Option<Method> {
        Some(match self {
            MethodIn::Options => Method::OPTIONS,
            MethodIn::Get => Method::GET,
            MethodIn::Post => Method::POST,
            MethodIn::Put => Method::PUT,
            MethodIn::Raw(b) => return Method::from_bytes(b).ok(),
        })
    }
}

/// Builds a header map from fuzzer pairs, skipping bytes `http` refuses (as
/// hyper would before any layer runs).
pub fn header_map(pairs: &[(Name, Bytes)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (n, v) in pairs {
        if let (Some(n), Ok(v)) = (n.header(), HeaderValue::from_bytes(&v.bytes())) {
            map.append(n, v);
        }
    }
    map
}

/// The invariants every response of the layer must satisfy.
///
/// `inner_calls` is how many times the inner service ran for this request.
pub fn check_response(
    fx: &Fixture,
    method: &Method,
    req: &HeaderMap,
    status: StatusCode,
    res: &HeaderMap,
    inner_calls: usize,
) {
    use http::header::*;
    let origins: Vec<&HeaderValue> = req.get_all(ORIGIN).iter().collect();
    let preflight = method == Method::OPTIONS
        && !origins.is_empty()
        && req.contains_key(ACCESS_CONTROL_REQUEST_METHOD);

    let acao: Vec<&HeaderValue> = res.get_all(ACCESS_CONTROL_ALLOW_ORIGIN).iter().collect();
    assert!(acao.len() <= 1, "two ACAO values: {acao:?}");
    let acac_true = res
        .get_all(ACCESS_CONTROL_ALLOW_CREDENTIALS)
        .iter()
        .any(|v| v.as_bytes().trim_ascii().eq_ignore_ascii_case(b"true"));
    if let Some(a) = acao.first() {
        if a.as_bytes() == b"*" {
            assert!(!acac_true, "ACAO * with ACAC true");
            assert!(
                fx.any_origin() && !fx.credentials,
                "ACAO * from a listed policy"
            );
        } else {
            assert_eq!(origins.len(), 1, "ACAO without exactly one Origin");
            assert_eq!(*a, origins[0], "ACAO is not the request's Origin");
            assert!(
                fx.origin_allowed(a.as_bytes()),
                "ACAO {a:?} is not an allowed origin"
            );
        }
    } else {
        assert!(!acac_true, "ACAC without ACAO");
        assert!(
            !res.contains_key(ACCESS_CONTROL_EXPOSE_HEADERS),
            "ACEH without ACAO"
        );
    }
    if acac_true {
        assert!(fx.credentials, "ACAC from a policy without credentials");
    }
    // Completeness: exactly one allowed Origin gets its ACAO (or `*`).
    let single_allowed = origins.len() == 1 && fx.origin_allowed(origins[0].as_bytes());
    if origins.is_empty() && fx.any_origin() && !fx.credentials && !preflight {
        // A static `*` goes on every response, CORS request or not.
        assert_eq!(acao, [&HeaderValue::from_static("*")], "static * missing");
    } else if origins.len() != 1 || !single_allowed {
        assert!(acao.is_empty(), "ACAO for a refused origin: {origins:?}");
    }

    if preflight {
        assert_eq!(inner_calls, 0, "the inner service ran for a preflight");
        // Explain mode answers an allowed origin's refused method or header
        // with 2xx and the allowed origin but without what was refused, so
        // the console names it; `check_with_model` checks that the browser
        // still blocks it.
        let explained = res.contains_key("x-cors-refusal");
        if explained && status.is_success() {
            assert!(single_allowed, "explained 2xx preflight for {origins:?}");
        } else if status == StatusCode::FORBIDDEN {
            for name in res.keys() {
                assert!(
                    !name.as_str().starts_with("access-control-allow-"),
                    "refused preflight carries {name}"
                );
            }
        } else {
            assert_eq!(status, fx.preflight_status);
            assert!(single_allowed, "preflight allowed for {origins:?}");
            assert_eq!(acao.len(), 1, "allowed preflight without ACAO");
            let acrm: Vec<_> = req.get_all(ACCESS_CONTROL_REQUEST_METHOD).iter().collect();
            assert_eq!(acrm.len(), 1);
            assert!(
                fx.method_allowed(acrm[0].as_bytes()),
                "method {:?} allowed",
                acrm[0]
            );
            if fx.credentials {
                // With credentials browsers read `*` literally: the layer may
                // only send it when the requested method is the token `*`
                // itself (echoed by a `*` policy). Found by this target.
                for v in res.get_all(ACCESS_CONTROL_ALLOW_METHODS) {
                    assert!(
                        v.as_bytes() != b"*" || acrm[0].as_bytes() == b"*",
                        "ACAM * with credentials for method {:?}",
                        acrm[0]
                    );
                }
            }
            assert!(
                !res.contains_key(ACCESS_CONTROL_EXPOSE_HEADERS),
                "ACEH on a preflight"
            );
        }
    } else if inner_calls == 0 {
        // Only the write guard keeps an actual request from the service: a
        // write, or a WebSocket handshake (a `GET` with `Upgrade: websocket`
        // and a single `Origin`), from an origin the policy does not allow,
        // answered 403 without CORS headers.
        assert_eq!(status, StatusCode::FORBIDDEN, "dropped but not refused");
        assert!(fx.policy.guards_writes(), "dropped without the write guard");
        let handshake = method == Method::GET && origins.len() == 1 && upgrades_to_websocket(req);
        assert!(
            handshake
                || (method != Method::GET && method != Method::HEAD && method != Method::OPTIONS),
            "the write guard refused a {method}"
        );
        assert!(!single_allowed, "the write guard refused an allowed origin");
        assert!(acao.is_empty());
    } else {
        assert_eq!(inner_calls, 1, "the inner service did not run exactly once");
        if single_allowed {
            assert_eq!(acao.len(), 1, "allowed origin {origins:?} without ACAO");
        }
        if !fx.any_origin() {
            let vary_origin = varies_on_origin(res);
            assert!(
                vary_origin,
                "Vary: Origin missing on an origin-dependent answer"
            );
        }
    }
}

/// The same response judged by the browser model, as a browser would judge
/// it for the page origin the request names (or, for a request without
/// `Origin`, for any page a shared cache could hand it to):
/// - script never reads an answer for an origin the policy does not allow;
/// - a response stored for a request without `Origin` and served by a
///   cache that honours `Vary` to another page gets the verdict a fresh
///   answer would get (for a static `*`: readable).
pub fn check_with_model(
    fx: &Fixture,
    method: &Method,
    req: &HeaderMap,
    status: StatusCode,
    res: &HeaderMap,
) {
    use http::header::*;
    use tower_cors::browser::{check_preflight, check_response, Credentials, Engine, PageRequest};
    let credentials = if fx.credentials {
        Credentials::Include
    } else {
        Credentials::Omit
    };
    let origins: Vec<&HeaderValue> = req.get_all(ORIGIN).iter().collect();
    let url = "https://api.example.net/r";
    match origins.as_slice() {
        [] if !res.get_all(VARY).iter().any(|v| {
            v.as_bytes()
                .to_ascii_lowercase()
                .windows(6)
                .any(|w| w == b"origin" || w.starts_with(b"*"))
        }) =>
        {
            if method == Method::OPTIONS {
                return;
            }
            // Served from a shared cache to any page: must read as a fresh answer would.
            let page = PageRequest::new("https://page.example", "GET", url)
                .prepare()
                .expect("valid");
            let readable = check_response(Engine::Standard, &page, status, res).is_ok();
            let fresh = fx.any_origin() && !fx.credentials;
            assert_eq!(
                readable, fresh,
                "a cached answer without Origin changes the verdict"
            );
        }
        [origin] => {
            let Ok(origin) = origin.to_str() else { return };
            let acrm: Vec<_> = req.get_all(ACCESS_CONTROL_REQUEST_METHOD).iter().collect();
            let preflight = method == Method::OPTIONS && !acrm.is_empty();
            let page_method = match (preflight, acrm.as_slice()) {
                (true, [m]) => match m.to_str() {
                    Ok(m) => m.to_owned(),
                    Err(_) => return,
                },
                (true, _) => return,
                (false, _) => method.as_str().to_owned(),
            };
            let Ok(page) = PageRequest::new(origin, page_method.as_str(), url)
                .credentials(credentials)
                .prepare()
            else {
                return;
            };
            let ok = if preflight {
                check_preflight(Engine::Standard, &page, status, res).is_ok()
            } else {
                check_response(Engine::Standard, &page, status, res).is_ok()
            };
            if ok {
                assert!(
                    fx.origin_allowed(origin.as_bytes()),
                    "script can read an answer for {origin:?}"
                );
                if preflight {
                    assert!(
                        fx.method_allowed(page_method.as_bytes()),
                        "method {page_method:?} passes"
                    );
                }
            }
        }
        _ => {}
    }
}

/// Whether a response's `Vary` names `Origin` (or `*`): a shared cache then
/// never serves it to a request with another `Origin`.
fn varies_on_origin(res: &HeaderMap) -> bool {
    res.get_all(http::header::VARY).iter().any(|v| {
        v.as_bytes().split(|&b| b == b',').any(|i| {
            let i = i.trim_ascii();
            i == b"*" || i.eq_ignore_ascii_case(b"origin")
        })
    })
}

/// Whether a request asks to upgrade to a WebSocket: an `Upgrade` line
/// with the token `websocket` (RFC 6455, section 4.1; tokens are
/// case-insensitive).
fn upgrades_to_websocket(req: &HeaderMap) -> bool {
    req.get_all(http::header::UPGRADE).iter().any(|line| {
        line.as_bytes()
            .split(|&b| b == b',')
            .any(|token| token.trim_ascii().eq_ignore_ascii_case(b"websocket"))
    })
}
