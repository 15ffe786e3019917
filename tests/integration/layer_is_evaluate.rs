//! The layer sends exactly what `CorsPolicy::evaluate` returns: the same
//! status and every header, for preflights (allowed or refused) and for
//! actual responses, whatever the inner service already set.

use std::convert::Infallible;

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use proptest::prelude::*;
use tower::{Layer, ServiceExt};
use tower_cors::{CorsLayer, CorsPolicy, Decision};

fn policy() -> impl Strategy<Value = CorsPolicy> {
    (
        prop::sample::select(vec![
            vec!["*"],
            vec!["https://app.example.com"],
            vec![
                "https://app.example.com",
                "https://*.example.org",
                "http://localhost:*",
            ],
        ]),
        prop::sample::subsequence(vec!["PUT", "patch", "DELETE"], 0..=3),
        any::<bool>(),
        prop::sample::subsequence(vec!["content-type", "x-a", "authorization"], 0..=3),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::option::of(any::<bool>()),
        (any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                origins,
                methods,
                any_method,
                headers,
                any_header,
                credentials,
                explain,
                pna,
                age,
                guard,
                (isolate, report_only, timing),
            )| {
                let credentials = credentials && origins != ["*"];
                let mut b = CorsPolicy::builder()
                    .allow_origins(origins)
                    .allow_credentials(credentials)
                    .expose_headers(["x-total"])
                    .dangerously_explain_refusals(explain)
                    .allow_private_network(pna)
                    .isolate_resources(isolate)
                    .guard_report_only(report_only)
                    .timing_allow_origin(timing);
                if age {
                    b = b.max_age(std::time::Duration::from_secs(600));
                }
                if let Some(guard) = guard {
                    b = b.guard_writes(guard);
                }
                b = if any_method {
                    b.allow_methods(["*"])
                } else {
                    b.allow_methods(
                        methods
                            .into_iter()
                            .filter(|m| *m != "patch")
                            .chain(["PATCH"]),
                    )
                };
                if any_header {
                    b = b.allow_headers(["*"]);
                    b = b.allow_headers(headers.into_iter().filter(|h| *h == "authorization"));
                } else {
                    b = b.allow_headers(headers);
                }
                b.build().expect("valid")
            },
        )
}

fn request() -> impl Strategy<Value = Request<()>> {
    let origin = prop::collection::vec(
        prop::sample::select(vec![
            "https://app.example.com",
            "https://a.example.org",
            "http://localhost:5173",
            "https://evil.example",
            "null",
            "HTTPS://APP.EXAMPLE.COM",
        ]),
        0..=2,
    );
    let acrm = prop::collection::vec(
        prop::sample::select(vec![
            "PUT",
            "PATCH",
            "patch",
            "GET",
            "DELETE",
            "bad method",
            "*",
        ]),
        0..=2,
    );
    let acrh = prop::collection::vec(
        prop::sample::select(vec![
            "content-type",
            "x-a,content-type",
            "authorization",
            "X-A , ",
            "x-b",
            "bad name",
        ]),
        0..=2,
    );
    (
        prop::sample::select(vec![
            Method::OPTIONS,
            Method::GET,
            Method::POST,
            Method::DELETE,
        ]),
        origin,
        acrm,
        acrh,
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec![
            None,
            Some("same-origin"),
            Some("same-site"),
            Some("cross-site"),
        ]),
        any::<bool>(),
        (
            prop::sample::select(vec![
                None,
                Some(("navigate", "document")),
                Some(("navigate", "object")),
                Some(("no-cors", "script")),
                Some(("cors", "empty")),
            ]),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(method, origins, acrm, acrh, cookie, pna, site, host, (load, socket))| {
                let mut req = Request::builder().method(method).uri("/items?page=2");
                if let Some(site) = site {
                    req = req.header("sec-fetch-site", site);
                }
                if let Some((mode, dest)) = load {
                    req = req
                        .header("sec-fetch-mode", mode)
                        .header("sec-fetch-dest", dest);
                }
                if socket {
                    req = req
                        .header("upgrade", "websocket")
                        .header("sec-websocket-version", "13");
                }
                if host {
                    req = req.header("host", "app.example.com");
                }
                for o in origins {
                    req = req.header("origin", o);
                }
                for m in acrm {
                    req = req.header("access-control-request-method", m);
                }
                for h in acrh {
                    req = req.header("access-control-request-headers", h);
                }
                if cookie {
                    req = req.header("cookie", "session=1");
                }
                if pna {
                    req = req.header("access-control-request-private-network", "true");
                }
                req.body(()).expect("valid request")
            },
        )
}

/// What the inner service answers: nothing the layer writes (`own` 0), its
/// own `Vary` (1), or also its own CORS headers (2), which the layer must
/// merge or replace.
fn inner_headers(own: u8) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("content-type", HeaderValue::from_static("application/json"));
    if own >= 1 {
        h.append("vary", HeaderValue::from_static("accept-encoding"));
    }
    if own >= 2 {
        h.insert(
            "access-control-allow-origin",
            HeaderValue::from_static("https://stale.example"),
        );
        h.insert(
            "access-control-expose-headers",
            HeaderValue::from_static("x-old"),
        );
    }
    h
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_layer_sends_what_evaluate_returns(
        policy in policy(),
        req in request(),
        own in 0..3u8,
    ) {
        let expected: (StatusCode, HeaderMap) = match policy.evaluate_request(&req) {
            Decision::PreflightAllowed(a) => (a.status(), a.headers()),
            Decision::PreflightRefused(r) => (r.status(), r.headers()),
            Decision::WriteRefused(w) => (w.status(), w.headers()),
            Decision::IsolationRefused(r) => (r.status(), r.headers()),
            Decision::ActualAllowed(h)
            | Decision::ActualRefused(_, h)
            | Decision::Reported(_, h)
            | Decision::NotCors(h) => {
                let mut headers = inner_headers(own);
                h.apply_to(&mut headers);
                (StatusCode::OK, headers)
            }
        };
        let inner = tower::service_fn(move |_: Request<()>| async move {
            let mut res = Response::new(());
            *res.headers_mut() = inner_headers(own);
            Ok::<_, Infallible>(res)
        });
        let res = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(CorsLayer::new(policy).layer(inner).oneshot(req))
            .expect("infallible");
        prop_assert_eq!(res.status(), expected.0);
        let sent: Vec<(&HeaderName, &HeaderValue)> = res.headers().iter().collect();
        let want: Vec<(&HeaderName, &HeaderValue)> = expected.1.iter().collect();
        prop_assert_eq!(sent, want);
    }
}
