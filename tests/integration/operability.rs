//! Operating a policy, through the public API: why a request was refused,
//! the evaluation API and the layer agreeing, the origin predicate, the
//! development explanation header and Private Network Access.

use http::header::{self, HeaderMap, HeaderValue, ACCESS_CONTROL_REQUEST_METHOD, COOKIE, ORIGIN};
use http::{Method, Request, Response, StatusCode};
use tower_cors::{CorsPolicy, Decision, ProblemKind, RefusalReason, EXPLANATION_HEADER};

use crate::support::*;

const APP: &str = "https://app.example.com";

fn app_policy() -> tower_cors::CorsPolicyBuilder {
    CorsPolicy::builder()
        .allow_origins([APP])
        .allow_methods(["PUT", "PATCH"])
        .allow_headers(["content-type", "x-requested-with"])
}

/// Sends one request through the layer around a recording inner service
/// that answers 200 `inner`; a preflight must never reach it.
async fn through_layer(policy: CorsPolicy, method: Method, map: HeaderMap) -> Response<String> {
    let preflight = method == Method::OPTIONS && map.contains_key(ACCESS_CONTROL_REQUEST_METHOD);
    let mut req = request(method.as_str(), &[]);
    *req.headers_mut() = map;
    let inner = Recorder::new().body("inner");
    let res = send(&policy, &inner, req).await;
    if preflight {
        assert_eq!(inner.calls(), 0, "a preflight reached the inner service");
    }
    res
}

fn refusal_reason(policy: &CorsPolicy, method: Method, map: &HeaderMap) -> RefusalReason {
    policy
        .evaluate(&method, map)
        .refusal()
        .expect("expected a refusal")
        .reason()
}

#[test]
fn every_refusal_has_a_typed_reason() {
    let p = app_policy().build().unwrap();
    let opt = Method::OPTIONS;
    let cases = [
        (
            preflight_headers("https://evil.example", "PUT", ""),
            RefusalReason::OriginNotAllowed,
        ),
        (
            {
                let mut h = preflight_headers(APP, "PUT", "");
                h.append("origin", HeaderValue::from_static(APP));
                h
            },
            RefusalReason::OriginMalformed,
        ),
        (
            preflight_headers(APP, "DELETE", ""),
            RefusalReason::MethodNotAllowed,
        ),
        (
            preflight_headers(APP, "patch", ""),
            RefusalReason::MethodNotAllowed,
        ),
        (
            preflight_headers(APP, "PU T", ""),
            RefusalReason::MethodMalformed,
        ),
        (
            preflight_headers(APP, "", ""),
            RefusalReason::MethodMalformed,
        ),
        (
            preflight_headers(APP, "PUT", "content-type,x-secret"),
            RefusalReason::HeaderNotAllowed,
        ),
        (
            preflight_headers(APP, "PUT", "content-type,x y"),
            RefusalReason::HeadersMalformed,
        ),
        (
            preflight_headers(APP, "PUT", &"a,".repeat(10_000)),
            RefusalReason::HeadersTooLarge,
        ),
    ];
    for (map, reason) in cases {
        assert_eq!(refusal_reason(&p, opt.clone(), &map), reason, "{map:?}");
    }
    // An actual request from a disallowed origin is reported too.
    let actual = header_map(&[(ORIGIN, "https://evil.example")]);
    match p.evaluate(&Method::GET, &actual) {
        Decision::ActualRefused(r, h) => {
            assert_eq!(r.reason(), RefusalReason::OriginNotAllowed);
            assert!(h.allow_origin().is_none());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn refusals_name_the_offending_value_and_the_fix() {
    let p = app_policy().build().unwrap();
    let map = preflight_headers(APP, "patch", "");
    let d = p.evaluate(&Method::OPTIONS, &map);
    let r = d.refusal().unwrap();
    assert_eq!(r.method().unwrap(), "patch");
    assert_eq!(r.origin().unwrap(), APP);
    assert!(r.to_string().contains("\"patch\""), "{r}");
    assert!(r.hint().contains("\"PATCH\""), "{}", r.hint());

    let map = preflight_headers(APP, "PUT", "content-type,X-Secret");
    let d = p.evaluate(&Method::OPTIONS, &map);
    let r = d.refusal().unwrap();
    assert_eq!(r.header(), Some("X-Secret"));
    assert_eq!(r.hint(), "add \"x-secret\" to allow_headers");

    let map = preflight_headers("https://evil.example", "PUT", "");
    let d = p.evaluate(&Method::OPTIONS, &map);
    assert!(d
        .refusal()
        .unwrap()
        .hint()
        .contains("add \"https://evil.example\" to allow_origins"));

    let any = CorsPolicy::builder()
        .allow_origins([APP])
        .allow_headers(["*"])
        .build()
        .unwrap();
    let map = preflight_headers(APP, "GET", "authorization");
    let d = any.evaluate(&Method::OPTIONS, &map);
    assert!(d
        .refusal()
        .unwrap()
        .hint()
        .contains("never covers Authorization"));
}

#[tokio::test]
async fn evaluate_and_the_layer_agree() {
    let p = app_policy()
        .max_age(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    let requests = [
        (
            Method::OPTIONS,
            preflight_headers(APP, "PUT", "content-type"),
        ),
        (Method::OPTIONS, preflight_headers(APP, "DELETE", "")),
        (
            Method::OPTIONS,
            preflight_headers("https://evil.example", "PUT", ""),
        ),
        (Method::GET, header_map(&[(ORIGIN, APP)])),
        (Method::GET, header_map(&[(ORIGIN, "https://evil.example")])),
        (Method::GET, HeaderMap::new()),
    ];
    for (method, map) in requests {
        let decision = p.evaluate(&method, &map);
        let res = through_layer(p.clone(), method.clone(), map.clone()).await;
        match decision {
            Decision::PreflightAllowed(a) => {
                assert_eq!(res.status(), a.status());
                assert_eq!(res.headers(), &a.headers());
            }
            Decision::PreflightRefused(_)
            | Decision::WriteRefused(_)
            | Decision::IsolationRefused(_) => {
                assert_eq!(res.status(), StatusCode::FORBIDDEN);
                assert!(!res
                    .headers()
                    .keys()
                    .any(|k| k.as_str().starts_with("access-control-")));
            }
            Decision::ActualAllowed(h) => {
                assert_eq!(res.body(), "inner");
                assert_eq!(
                    res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN),
                    h.allow_origin()
                );
            }
            Decision::ActualRefused(_, _) | Decision::Reported(..) | Decision::NotCors(_) => {
                assert_eq!(res.body(), "inner");
                assert!(!res
                    .headers()
                    .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
            }
        }
        // The policy lists origins, so every answer varies on Origin.
        assert!(res.headers().contains_key(header::VARY));
    }
}

#[test]
fn evaluate_request_and_parts() {
    let p = app_policy().build().unwrap();
    let req = Request::options("/x")
        .header("origin", APP)
        .header("access-control-request-method", "PATCH")
        .body(())
        .unwrap();
    assert!(matches!(
        p.evaluate_request(&req),
        Decision::PreflightAllowed(_)
    ));
    let (parts, ()) = req.into_parts();
    assert!(matches!(
        p.evaluate_parts(&parts),
        Decision::PreflightAllowed(_)
    ));
}

#[tokio::test]
async fn explanation_header_only_in_development_mode() {
    let map = preflight_headers(APP, "patch", "");
    let quiet = through_layer(app_policy().build().unwrap(), Method::OPTIONS, map.clone()).await;
    assert_eq!(quiet.status(), StatusCode::FORBIDDEN);
    assert!(quiet.headers().get(&EXPLANATION_HEADER).is_none());
    assert_eq!(quiet.headers().len(), 1, "only Vary: {:?}", quiet.headers());

    let dev = app_policy()
        .dangerously_explain_refusals(true)
        .build()
        .unwrap();
    let loud = through_layer(dev.clone(), Method::OPTIONS, map).await;
    let why = loud.headers()[&EXPLANATION_HEADER].to_str().unwrap();
    assert!(why.starts_with("method-not-allowed: "), "{why}");
    assert!(why.contains("fix: add \"patch\" to allow_methods"), "{why}");
    // Explain mode answers an allowed origin's refused method with the
    // allowed origin but without the method, so the browser names it.
    assert!(loud.status().is_success());
    assert_eq!(loud.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(!loud.headers()[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .split(',')
        .any(|m| m == "patch"));

    // An allowed request without cookies has nothing to explain.
    let fine = through_layer(dev.clone(), Method::GET, header_map(&[(ORIGIN, APP)])).await;
    assert_eq!(fine.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(fine.headers().get(&EXPLANATION_HEADER).is_none());

    // Actual request from a disallowed origin: explained, still no ACAO.
    let res = through_layer(
        dev.clone(),
        Method::GET,
        header_map(&[(ORIGIN, "https://evil.example")]),
    )
    .await;
    assert!(res.headers()[&EXPLANATION_HEADER]
        .to_str()
        .unwrap()
        .starts_with("origin-not-allowed: "));
    assert!(!res
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));

    // Hostile bytes never break the header.
    let mut map = preflight_headers(APP, "PUT", "");
    map.insert(
        "origin",
        HeaderValue::from_bytes(b"https://\xff\xfe.example").unwrap(),
    );
    let res = through_layer(dev.clone(), Method::OPTIONS, map).await;
    assert!(res.headers()[&EXPLANATION_HEADER].to_str().is_ok());

    // A credentialed request to a policy without credentials is explained.
    let res = through_layer(
        dev,
        Method::GET,
        header_map(&[(ORIGIN, APP), (COOKIE, "session=1")]),
    )
    .await;
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(res.headers()[&EXPLANATION_HEADER]
        .to_str()
        .unwrap()
        .starts_with("credentials-not-allowed: "));
}

#[tokio::test]
async fn origin_predicate_sees_the_origin_and_the_request_head() {
    let p = CorsPolicy::builder()
        .allow_origins([APP])
        .allow_origin_predicate(|origin, parts| {
            // Tenants may call only their own path.
            let Ok(origin) = origin.to_str() else {
                return false;
            };
            let Some(tenant) = origin
                .strip_prefix("https://")
                .and_then(|h| h.strip_suffix(".tenants.example.net"))
            else {
                return false;
            };
            parts.uri.path().starts_with(&format!("/t/{tenant}/"))
        })
        .build()
        .unwrap();
    let call = |origin: &'static str, path: &'static str| {
        let p = p.clone();
        async move { send(&p, &Recorder::new(), at(path, get_from(origin))).await }
    };
    let ok = call("https://acme.tenants.example.net", "/t/acme/items").await;
    assert_eq!(
        ok.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://acme.tenants.example.net"
    );
    assert_eq!(ok.headers()[header::VARY], "origin");
    let other_path = call("https://acme.tenants.example.net", "/t/other/items").await;
    assert!(!other_path
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    let listed = call(APP, "/anything").await;
    assert_eq!(listed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);

    // evaluate() without a request head gives the predicate what it has.
    let map = header_map(&[(ORIGIN, "https://acme.tenants.example.net")]);
    assert!(matches!(
        p.evaluate(&Method::GET, &map),
        Decision::ActualRefused(..)
    ));
}

#[test]
fn predicate_with_credentials_needs_the_explicit_method() {
    let err = CorsPolicy::builder()
        .allow_origin_predicate(|_, _| true)
        .allow_credentials(true)
        .build()
        .unwrap_err();
    assert!(err.has(ProblemKind::PredicateWithCredentials), "{err}");
    assert!(err
        .to_string()
        .contains("dangerously_allow_origin_predicate_with_credentials"));

    let p = CorsPolicy::builder()
        .dangerously_allow_origin_predicate_with_credentials(|o, _| o == "https://a.example.net")
        .allow_credentials(true)
        .build()
        .unwrap();
    let map = header_map(&[(ORIGIN, "https://a.example.net")]);
    match p.evaluate(&Method::GET, &map) {
        Decision::ActualAllowed(h) => {
            assert_eq!(h.allow_origin().unwrap(), "https://a.example.net")
        }
        other => panic!("{other:?}"),
    }

    // Everything else is still validated, and "*" cannot join a predicate.
    let err = CorsPolicy::builder()
        .allow_origins(["*"])
        .allow_origin_predicate(|_, _| true)
        .allow_methods(["TRACE"])
        .build()
        .unwrap_err();
    assert!(err.has(ProblemKind::WildcardMixedWithValues));
    assert!(err.has(ProblemKind::ForbiddenMethod));
}

#[tokio::test]
async fn private_network_access_is_opt_in() {
    let mut map = preflight_headers(APP, "GET", "");
    map.insert(
        "access-control-request-private-network",
        HeaderValue::from_static("true"),
    );
    let off = through_layer(app_policy().build().unwrap(), Method::OPTIONS, map.clone()).await;
    assert_eq!(off.status(), StatusCode::NO_CONTENT);
    assert_eq!(off.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(!off
        .headers()
        .contains_key("access-control-allow-private-network"));

    let pna = app_policy().allow_private_network(true).build().unwrap();
    let on = through_layer(pna.clone(), Method::OPTIONS, map.clone()).await;
    assert_eq!(on.status(), StatusCode::NO_CONTENT);
    assert_eq!(on.headers()["access-control-allow-private-network"], "true");
    assert!(on.headers()[header::VARY]
        .to_str()
        .unwrap()
        .contains("access-control-request-private-network"));

    // Without the request header, no grant.
    let plain = through_layer(
        pna.clone(),
        Method::OPTIONS,
        preflight_headers(APP, "GET", ""),
    )
    .await;
    assert!(!plain
        .headers()
        .contains_key("access-control-allow-private-network"));

    // Everything else must still pass.
    map.insert("origin", HeaderValue::from_static("https://evil.example"));
    let refused = through_layer(pna, Method::OPTIONS, map).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(!refused
        .headers()
        .contains_key("access-control-allow-private-network"));
}

#[cfg(feature = "serde")]
#[test]
fn private_network_config_key() {
    let config: tower_cors::CorsConfig = toml::from_str(
        "allow_origins = [\"https://app.example.com\"]\nallow_private_network = true\n",
    )
    .unwrap();
    assert!(config.allow_private_network);
    assert!(CorsPolicy::try_from(config).is_ok());
}

#[tokio::test]
async fn refusal_messages_stay_short_and_only_suggest_real_origins() {
    let p = app_policy().build().unwrap();
    let long = format!("https://{}.example.com", "a".repeat(65_000));
    let map = preflight_headers(&long, "PUT", "");
    let d = p.evaluate(&Method::OPTIONS, &map);
    let r = d.refusal().unwrap();
    assert!(r.to_string().len() < 300, "{}", r.to_string().len());
    let dev = app_policy()
        .dangerously_explain_refusals(true)
        .build()
        .unwrap();
    let res = through_layer(dev, Method::OPTIONS, map.clone()).await;
    assert!(res.headers()[&EXPLANATION_HEADER].len() < 1_000);

    for (origin, expected) in [
        (
            "https://evil.example",
            "add \"https://evil.example\" to allow_origins",
        ),
        (
            "https://APP.example.com",
            "write it as `https://app.example.com`",
        ),
        ("https://app.example.com/", "no browser sends this Origin"),
        ("null", "`null` is sent by sandboxed iframes"),
    ] {
        let map = preflight_headers(origin, "PUT", "");
        let d = p.evaluate(&Method::OPTIONS, &map);
        let hint = d.refusal().unwrap().hint();
        assert!(hint.contains(expected), "{origin}: {hint}");
    }
}
