//! The answers' headers, judged as a browser and a shared cache read them.
use http::header::{self, HeaderMap, HeaderValue};
use http::Method;

use crate::{CorsPolicy, Decision};

fn sorted(h: &HeaderMap) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = h
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
        .collect();
    v.sort();
    v
}

fn actual(policy: &CorsPolicy, origin: Option<&'static str>) -> super::ActualHeaders {
    let mut req = HeaderMap::new();
    if let Some(o) = origin {
        req.insert(header::ORIGIN, HeaderValue::from_static(o));
    }
    match policy.evaluate(&Method::GET, &req) {
        Decision::ActualAllowed(h) | Decision::ActualRefused(_, h) | Decision::NotCors(h) => h,
        other => panic!("not an actual request: {other:?}"),
    }
}

/// Applied to a response without CORS headers or `Vary` (the short path)
/// and to one with them (the general path), the same headers come out.
#[test]
fn both_paths_write_the_same_headers() {
    let credentials = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_credentials(true)
        .expose_headers(["x-request-id"])
        .build()
        .unwrap();
    let any = CorsPolicy::builder()
        .allow_origins(["*"])
        .expose_headers(["x-request-id"])
        .build()
        .unwrap();
    let cases = [
        (&credentials, Some("https://app.example.com")),
        (&credentials, Some("https://evil.example")),
        (&credentials, None),
        (&any, Some("https://app.example.com")),
        (&any, None),
    ];
    for (policy, origin) in cases {
        let mut plain = HeaderMap::new();
        plain.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        actual(policy, origin).apply_to(&mut plain);

        let mut stale = HeaderMap::new();
        stale.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        stale.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("https://stale.example"),
        );
        stale.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        stale.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("x-old"),
        );
        actual(policy, origin).apply_to(&mut stale);
        assert_eq!(sorted(&plain), sorted(&stale), "{origin:?}");
    }

    let mut h = HeaderMap::new();
    actual(&credentials, Some("https://app.example.com")).apply_to(&mut h);
    assert_eq!(
        sorted(&h),
        [
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-origin", "https://app.example.com"),
            ("access-control-expose-headers", "x-request-id"),
            ("vary", "origin"),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
    );
}

/// Whichever one of the layer's headers the inner response already
/// carries, alone or beside others, the result is the policy's: one
/// `Access-Control-Allow-Origin` at most, `-Allow-Credentials` and
/// `-Expose-Headers` exactly as the policy says, `origin` once in `Vary`.
#[test]
fn each_stale_cors_header_is_replaced_even_alone() {
    let strict = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .build()
        .unwrap();
    let generous = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_credentials(true)
        .expose_headers(["x-request-id"])
        .build()
        .unwrap();
    let stale = [
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "https://stale.example"),
        (header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"),
        (header::ACCESS_CONTROL_EXPOSE_HEADERS, "x-old"),
        (header::VARY, "accept-encoding"),
    ];
    for (policy, credentials, expose) in [
        (&strict, false, None),
        (&generous, true, Some("x-request-id")),
    ] {
        for origin in [
            Some("https://app.example.com"),
            Some("https://evil.example"),
            None,
        ] {
            let allowed = origin == Some("https://app.example.com");
            for (name, value) in &stale {
                for beside in [false, true] {
                    let mut h = HeaderMap::new();
                    if beside {
                        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
                    }
                    h.insert(name.clone(), HeaderValue::from_static(value));
                    actual(policy, origin).apply_to(&mut h);
                    let all = |n: header::HeaderName| -> Vec<String> {
                        h.get_all(n)
                            .iter()
                            .map(|v| v.to_str().unwrap().to_owned())
                            .collect()
                    };
                    let case = format!("{name} {origin:?} credentials {credentials}");
                    let want_origin: Vec<String> = origin
                        .filter(|_| allowed)
                        .map(str::to_owned)
                        .into_iter()
                        .collect();
                    assert_eq!(
                        all(header::ACCESS_CONTROL_ALLOW_ORIGIN),
                        want_origin,
                        "{case}"
                    );
                    let want_credentials: Vec<String> = (allowed && credentials)
                        .then(|| "true".to_owned())
                        .into_iter()
                        .collect();
                    assert_eq!(
                        all(header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
                        want_credentials,
                        "{case}"
                    );
                    let want_expose: Vec<String> = expose
                        .filter(|_| allowed)
                        .map(str::to_owned)
                        .into_iter()
                        .collect();
                    assert_eq!(
                        all(header::ACCESS_CONTROL_EXPOSE_HEADERS),
                        want_expose,
                        "{case}"
                    );
                    let origins_in_vary = all(header::VARY)
                        .iter()
                        .flat_map(|l| {
                            l.split(',')
                                .map(|i| i.trim().to_ascii_lowercase())
                                .collect::<Vec<_>>()
                        })
                        .filter(|i| i == "origin")
                        .count();
                    assert_eq!(origins_in_vary, 1, "{case}");
                }
            }
        }
    }
}

/// A policy for any origin answers a request without `Origin` as it
/// answers every origin, exposed headers included, so that a shared cache
/// may hand the stored response to any page.
#[test]
fn any_origin_answers_requests_without_origin_in_full() {
    let policy = CorsPolicy::builder()
        .allow_origins(["*"])
        .expose_headers(["x-request-id"])
        .build()
        .unwrap();
    let mut h = HeaderMap::new();
    actual(&policy, None).apply_to(&mut h);
    assert_eq!(h[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert_eq!(h[header::ACCESS_CONTROL_EXPOSE_HEADERS], "x-request-id");
    assert!(!h.contains_key(header::VARY));
}

fn preflight(
    origin: &'static str,
    method: &'static str,
    headers: Option<&'static str>,
) -> HeaderMap {
    let mut req = HeaderMap::new();
    req.insert(header::ORIGIN, HeaderValue::from_static(origin));
    req.insert(
        header::ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_static(method),
    );
    if let Some(h) = headers {
        req.insert(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            HeaderValue::from_static(h),
        );
    }
    req
}

#[test]
fn private_network_access_is_reported_and_answered() {
    let policy = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_private_network(true)
        .build()
        .unwrap();
    let mut req = preflight("https://app.example.com", "GET", None);
    let Decision::PreflightAllowed(plain) = policy.evaluate(&Method::OPTIONS, &req) else {
        panic!("allowed");
    };
    assert!(!plain.allows_private_network());
    assert!(!plain
        .headers()
        .contains_key("access-control-allow-private-network"));
    req.insert(
        "access-control-request-private-network",
        HeaderValue::from_static("true"),
    );
    let Decision::PreflightAllowed(private) = policy.evaluate(&Method::OPTIONS, &req) else {
        panic!("allowed");
    };
    assert!(private.allows_private_network());
    assert_eq!(
        private.headers()["access-control-allow-private-network"],
        "true"
    );
}

/// `Debug` shows what a test failure needs: the status and the headers
/// (of an explain-mode answer, the allowed origin).
#[test]
fn debug_shows_the_answer() {
    let policy = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .dangerously_explain_refusals(true)
        .build()
        .unwrap();
    let req = preflight("https://app.example.com", "PUT", None);
    let allowed = format!("{:?}", policy.evaluate(&Method::OPTIONS, &req));
    assert!(allowed.contains("AllowedPreflight"), "{allowed}");
    assert!(allowed.contains("204"), "{allowed}");
    assert!(allowed.contains("https://app.example.com"), "{allowed}");
    let req = preflight("https://app.example.com", "PATCH", None);
    let explained = format!("{:?}", policy.evaluate(&Method::OPTIONS, &req));
    assert!(explained.contains("Explained"), "{explained}");
    assert!(explained.contains("allow_origin"), "{explained}");
    assert!(explained.contains("https://app.example.com"), "{explained}");
}

/// In explain mode under `*` headers, the answer names every requested
/// header but the refused one, and no `Access-Control-Allow-Headers` at
/// all when nothing else was requested.
#[test]
fn explain_mode_echoes_only_what_it_may() {
    let policy = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_headers(["*"])
        .dangerously_explain_refusals(true)
        .build()
        .unwrap();
    let acah = |req: &HeaderMap| -> Option<String> {
        match policy.evaluate(&Method::OPTIONS, req) {
            Decision::PreflightRefused(r) => {
                assert!(r.is_explained());
                r.headers()
                    .get(header::ACCESS_CONTROL_ALLOW_HEADERS)
                    .map(|v| v.to_str().unwrap().to_owned())
            }
            other => panic!("refused: {other:?}"),
        }
    };
    let req = preflight("https://app.example.com", "GET", Some("authorization,x-a"));
    assert_eq!(acah(&req).as_deref(), Some("x-a"));
    let req = preflight("https://app.example.com", "GET", Some("authorization"));
    assert_eq!(acah(&req), None);
    // A list too long to read is refused before anything is echoed.
    let mut req = preflight("https://app.example.com", "GET", None);
    let long = format!("authorization,{}", vec!["x-abcdefgh"; 400].join(","));
    req.insert(
        header::ACCESS_CONTROL_REQUEST_HEADERS,
        HeaderValue::from_str(&long).unwrap(),
    );
    let Decision::PreflightRefused(r) = policy.evaluate(&Method::OPTIONS, &req) else {
        panic!("refused");
    };
    assert!(!r.is_explained());
    assert!(!r
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_HEADERS));
}

/// An inner `Vary` is merged, not repeated, on either path.
#[test]
fn vary_is_merged_once() {
    let policy = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .build()
        .unwrap();
    for own in ["origin", "Accept-Encoding, Origin", "*"] {
        let mut h = HeaderMap::new();
        h.insert(header::VARY, HeaderValue::from_static(own));
        actual(&policy, Some("https://app.example.com")).apply_to(&mut h);
        let vary: Vec<_> = h.get_all(header::VARY).iter().collect();
        assert_eq!(vary, [own], "{own}");
    }
}

/// The prebuilt preflight map starts with the `Access-Control-Allow-Origin`
/// placeholder that an allowed preflight overwrites in place; the answer
/// names the request's origin once, whatever the map's order.
#[test]
fn the_origin_placeholder_comes_first_and_is_filled() {
    let policy = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .allow_headers(["x-a"])
        .allow_credentials(true)
        .build()
        .unwrap();
    let first = policy.inner.preflight_headers.iter().next().map(|(n, _)| n);
    assert_eq!(first, Some(&header::ACCESS_CONTROL_ALLOW_ORIGIN));

    let mut req = HeaderMap::new();
    req.insert(
        header::ORIGIN,
        HeaderValue::from_static("https://app.example.com"),
    );
    req.insert(
        header::ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_static("PUT"),
    );
    let Decision::PreflightAllowed(answer) = policy.evaluate(&Method::OPTIONS, &req) else {
        panic!("allowed");
    };
    let h = answer.headers();
    let origins: Vec<_> = h
        .get_all(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .iter()
        .collect();
    assert_eq!(origins, ["https://app.example.com"]);
}
