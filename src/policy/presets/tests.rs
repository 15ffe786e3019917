use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS,
};
use http::Request;

use crate::{CorsPolicy, Decision, ProblemKind};

const APP: &str = "https://app.example.com";

fn preflight(method: &str, headers: &str) -> Request<()> {
    Request::options("/pkg.Service/Method")
        .header("origin", APP)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", headers)
        .body(())
        .unwrap()
}

/// The headers an allowed preflight answer carries, or `None` if refused.
fn preflight_answer(policy: &CorsPolicy, req: &Request<()>) -> Option<http::HeaderMap> {
    match policy.evaluate_request(req) {
        Decision::PreflightAllowed(p) => Some(p.headers()),
        _ => None,
    }
}

fn exposed(policy: &CorsPolicy) -> String {
    let req = Request::post("/pkg.Service/Method")
        .header("origin", APP)
        .body(())
        .unwrap();
    let mut headers = http::HeaderMap::new();
    match policy.evaluate_request(&req) {
        Decision::ActualAllowed(h) => h.apply_to(&mut headers),
        other => panic!("not an allowed actual request: {other:?}"),
    }
    headers
        .get(ACCESS_CONTROL_EXPOSE_HEADERS)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[test]
fn grpc_web_allows_what_grpc_web_clients_send() {
    let policy = CorsPolicy::builder()
        .allow_origins([APP])
        .grpc_web()
        .build()
        .unwrap();
    let answer = preflight_answer(
        &policy,
        &preflight("POST", "content-type,grpc-timeout,x-grpc-web,x-user-agent"),
    )
    .expect("allowed");
    assert_eq!(answer[ACCESS_CONTROL_ALLOW_ORIGIN], APP);
    assert!(answer[ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .contains("POST"));
    let exposed = exposed(&policy);
    for name in ["grpc-status", "grpc-message", "grpc-status-details-bin"] {
        assert!(exposed.contains(name), "{name} not in {exposed:?}");
    }
}

#[test]
fn grpc_web_refuses_what_it_does_not_list() {
    let policy = CorsPolicy::builder()
        .allow_origins([APP])
        .grpc_web()
        .build()
        .unwrap();
    // Not Connect's headers, not PUT, not an unlisted origin.
    assert!(preflight_answer(&policy, &preflight("POST", "connect-protocol-version")).is_none());
    assert!(preflight_answer(&policy, &preflight("PUT", "content-type")).is_none());
    let stranger = Request::options("/")
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "x-grpc-web")
        .body(())
        .unwrap();
    assert!(preflight_answer(&policy, &stranger).is_none());
}

#[test]
fn user_metadata_goes_on_top_of_a_preset() {
    let policy = CorsPolicy::builder()
        .allow_origins([APP])
        .grpc_web()
        .allow_headers(["authorization", "x-tenant-id"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .build()
        .unwrap();
    let answer = preflight_answer(
        &policy,
        &preflight("POST", "authorization,content-type,x-grpc-web,x-tenant-id"),
    )
    .expect("allowed");
    let allowed = answer[ACCESS_CONTROL_ALLOW_HEADERS].to_str().unwrap();
    // Listed names, never a mirror of what was asked for.
    assert!(!allowed.contains('*'));
    assert!(allowed.contains("x-tenant-id") && allowed.contains("grpc-timeout"));
    let exposed = exposed(&policy);
    assert!(exposed.contains("x-request-id") && exposed.contains("grpc-status"));
    // Something nobody listed is still refused, credentials or not.
    assert!(preflight_answer(&policy, &preflight("POST", "x-other")).is_none());
}

#[test]
fn connect_adds_get_and_its_headers_to_grpc_web() {
    let policy = CorsPolicy::builder()
        .allow_origins([APP])
        .connect_rpc()
        .build()
        .unwrap();
    for (method, headers) in [
        (
            "POST",
            "connect-protocol-version,connect-timeout-ms,content-type",
        ),
        ("GET", "connect-timeout-ms"),
        ("POST", "content-type,x-grpc-web,x-user-agent"),
    ] {
        assert!(
            preflight_answer(&policy, &preflight(method, headers)).is_some(),
            "{method} {headers}"
        );
    }
    let methods = preflight_answer(&policy, &preflight("GET", "connect-timeout-ms")).unwrap()
        [ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(methods.contains("GET") && methods.contains("POST"));
    assert!(exposed(&policy).contains("grpc-status"));
}

#[test]
fn presets_never_widen_origins_or_credentials() {
    for builder in [
        CorsPolicy::builder().grpc_web(),
        CorsPolicy::builder().connect_rpc(),
    ] {
        let err = builder.clone().build().unwrap_err();
        assert!(err.has(ProblemKind::NoOrigins), "{err}");
        let policy = builder.allow_origins([APP]).build().unwrap();
        assert!(!policy.allows_credentials());
        assert_eq!(policy.origins(), [APP]);
    }
    let err = CorsPolicy::builder()
        .allow_origins(["*"])
        .grpc_web()
        .allow_credentials(true)
        .build()
        .unwrap_err();
    assert!(err.has(ProblemKind::WildcardOriginWithCredentials));
}

#[test]
fn the_development_preset_is_star_without_credentials() {
    let policy = CorsPolicy::builder()
        .permissive_for_development()
        .build()
        .unwrap();
    let req = Request::options("/")
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "DELETE")
        .header("access-control-request-headers", "x-anything")
        .body(())
        .unwrap();
    let answer = preflight_answer(&policy, &req).expect("allowed");
    assert_eq!(answer[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(answer[ACCESS_CONTROL_ALLOW_METHODS], "*");
    assert_eq!(answer[ACCESS_CONTROL_ALLOW_HEADERS], "*");
    // `*` never covers Authorization.
    let auth = Request::options("/")
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .body(())
        .unwrap();
    assert!(preflight_answer(&policy, &auth).is_none());
    let err = CorsPolicy::builder()
        .permissive_for_development()
        .allow_origins(["https://app.example.com"])
        .build()
        .unwrap_err();
    assert!(err.has(ProblemKind::WildcardMixedWithValues));
}
