//! Preflight answers: allowed (2xx, empty body, exactly the needed headers)
//! and refused (403, empty body, no `Access-Control-Allow-*`), method and
//! header matching, the bound on `Access-Control-Request-Headers`, and the
//! credentialed `*` mirror.

use std::time::Duration;

use crate::support::*;
use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, AUTHORIZATION, CONTENT_TYPE,
    ORIGIN, WWW_AUTHENTICATE,
};
use http::{Method, Request, Response, StatusCode};
use tower_cors::{CorsPolicy, Decision, RefusalReason};

/// The policy of the example, with credentials and a max age.
fn full_policy() -> CorsPolicy {
    policy(|b| {
        b.allow_origins([FRONT, "https://*.example.com"])
            .allow_methods([Method::PUT, Method::DELETE])
            .allow_methods(["PATCH"])
            .allow_headers([CONTENT_TYPE, AUTHORIZATION])
            .allow_headers(["X-Custom"])
            .expose_headers(["x-request-id"])
            .allow_credentials(true)
            .max_age(Duration::from_secs(600))
    })
}

#[track_caller]
fn assert_refused(res: &Response<String>) {
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.body(), "", "a refused preflight has an empty body");
    let allow: Vec<String> = cors_header_names(res)
        .into_iter()
        .filter(|n| n.starts_with("access-control-allow-"))
        .collect();
    assert!(allow.is_empty(), "refused preflight carries {allow:?}");
    assert_eq!(one(res, &ACCESS_CONTROL_MAX_AGE), None);
}

/// The refusal reason `evaluate` gives for a preflight.
fn refusal(policy: &CorsPolicy, req: &Request<String>) -> Option<RefusalReason> {
    match policy.evaluate(req.method(), req.headers()) {
        Decision::PreflightRefused(r) => Some(r.refusal().reason()),
        Decision::PreflightAllowed(_) => None,
        other => panic!("not a preflight decision: {other:?}"),
    }
}

#[tokio::test]
async fn allowed_preflight_has_exactly_the_needed_headers() {
    let inner = Recorder::new();
    let res = send(
        &full_policy(),
        &inner,
        preflight(FRONT, "PUT", "content-type,x-custom"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.body(), "");
    assert_eq!(inner.calls(), 0);
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, Some("true")),
            (&ACCESS_CONTROL_ALLOW_METHODS, Some("PUT,DELETE,PATCH")),
        ],
    );
    let allow_headers = one(&res, &ACCESS_CONTROL_ALLOW_HEADERS).unwrap();
    let mut names: Vec<&str> = allow_headers.split(',').collect();
    names.sort_unstable();
    assert_eq!(names, ["authorization", "content-type", "x-custom"]);
    assert_eq!(one(&res, &ACCESS_CONTROL_MAX_AGE).as_deref(), Some("600"));
    // Expose-Headers only matters on actual responses.
    assert_eq!(one(&res, &ACCESS_CONTROL_EXPOSE_HEADERS), None);
    assert_eq!(
        cors_header_names(&res),
        [
            "access-control-allow-credentials",
            "access-control-allow-headers",
            "access-control-allow-methods",
            "access-control-allow-origin",
            "access-control-max-age",
        ]
    );
    assert_eq!(vary_count(&res, "origin"), 1);
}

#[tokio::test]
async fn preflight_from_a_pattern_origin_echoes_that_origin() {
    let res = send(
        &full_policy(),
        &Recorder::new(),
        preflight("https://app.example.com", "DELETE", ""),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_acao(&res, Some("https://app.example.com"));
}

#[tokio::test]
async fn configured_2xx_status_is_used() {
    for status in [StatusCode::OK, StatusCode::NO_CONTENT, StatusCode::ACCEPTED] {
        let p = policy(|b| b.allow_origins([FRONT]).preflight_status(status));
        let res = send(&p, &Recorder::new(), preflight(FRONT, "GET", "")).await;
        assert_eq!(res.status(), status);
        assert_eq!(res.body(), "");
    }
}

#[tokio::test]
async fn any_origin_without_credentials_answers_star() {
    let p = policy(|b| {
        b.allow_origins(["*"])
            .allow_methods(["PUT"])
            .allow_headers(["content-type"])
    });
    let res = send(
        &p,
        &Recorder::new(),
        preflight(FRONT, "PUT", "content-type"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some("*")),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, None),
            (&ACCESS_CONTROL_ALLOW_METHODS, Some("PUT")),
            (&ACCESS_CONTROL_ALLOW_HEADERS, Some("content-type")),
        ],
    );
    assert_eq!(
        one(&res, &ACCESS_CONTROL_MAX_AGE),
        None,
        "max age not configured"
    );
    assert_eq!(
        vary_count(&res, "origin"),
        0,
        "the answer does not depend on Origin"
    );
}

#[tokio::test]
async fn max_age_zero_is_sent_as_zero() {
    let p = policy(|b| b.allow_origins([FRONT]).max_age(Duration::ZERO));
    let res = send(&p, &Recorder::new(), preflight(FRONT, "GET", "")).await;
    assert_eq!(one(&res, &ACCESS_CONTROL_MAX_AGE).as_deref(), Some("0"));
}

#[tokio::test]
async fn refused_origin_method_or_header_is_403_without_allow_headers() {
    let p = full_policy();
    let cases = [
        (
            preflight("https://evil.com", "PUT", ""),
            RefusalReason::OriginNotAllowed,
        ),
        (
            preflight(FRONT, "OPTIONS", ""),
            RefusalReason::MethodNotAllowed,
        ),
        (
            preflight(FRONT, "PUT", "content-type,x-other"),
            RefusalReason::HeaderNotAllowed,
        ),
        (
            preflight(FRONT, "PUT", "content type"),
            RefusalReason::HeadersMalformed,
        ),
        (
            preflight(FRONT, "PUT POST", ""),
            RefusalReason::MethodMalformed,
        ),
    ];
    for (req, reason) in cases {
        assert_eq!(refusal(&p, &req), Some(reason));
        let inner = Recorder::new();
        let res = send(&p, &inner, req).await;
        assert_refused(&res);
        assert_eq!(inner.calls(), 0, "{reason}");
    }
}

#[tokio::test]
async fn repeated_acrm_is_refused() {
    let p = full_policy();
    let req = request(
        "OPTIONS",
        &[
            (ORIGIN, FRONT),
            (ACCESS_CONTROL_REQUEST_METHOD, "PUT"),
            (ACCESS_CONTROL_REQUEST_METHOD, "PUT"),
        ],
    );
    assert_eq!(refusal(&p, &req), Some(RefusalReason::MethodMalformed));
    assert_refused(&send(&p, &Recorder::new(), req).await);
}

#[tokio::test]
async fn inner_405_or_401_never_breaks_a_preflight() {
    let p = full_policy();
    for inner in [
        Recorder::new().status(StatusCode::METHOD_NOT_ALLOWED),
        Recorder::new()
            .status(StatusCode::UNAUTHORIZED)
            .header(WWW_AUTHENTICATE, "Bearer"),
        Recorder::new().status(StatusCode::NOT_FOUND),
    ] {
        let res = send(&p, &inner, preflight(FRONT, "PUT", "authorization")).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        assert_eq!(res.headers().get(WWW_AUTHENTICATE), None);
        assert_acao(&res, Some(FRONT));
        assert_eq!(inner.calls(), 0);
    }
}

#[tokio::test]
async fn safelisted_methods_are_allowed_without_listing() {
    let p = policy(|b| b.allow_origins([FRONT]));
    for m in ["GET", "HEAD", "POST"] {
        let res = send(&p, &Recorder::new(), preflight(FRONT, m, "")).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{m}");
        assert_acao(&res, Some(FRONT));
    }
    for m in ["PUT", "DELETE", "PATCH", "get"] {
        let res = send(&p, &Recorder::new(), preflight(FRONT, m, "")).await;
        assert_refused(&res);
    }
}

#[tokio::test]
async fn methods_match_case_sensitively() {
    let upper = policy(|b| b.allow_origins([FRONT]).allow_methods(["PATCH"]));
    let res = send(&upper, &Recorder::new(), preflight(FRONT, "PATCH", "")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let req = preflight(FRONT, "patch", "");
    assert_eq!(refusal(&upper, &req), Some(RefusalReason::MethodNotAllowed));
    assert_refused(&send(&upper, &Recorder::new(), req).await);

    // fetch(url, {method: "patch"}) sends `patch`: list it as written.
    let lower = policy(|b| b.allow_origins([FRONT]).allow_methods(["patch"]));
    let res = send(&lower, &Recorder::new(), preflight(FRONT, "patch", "")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        one(&res, &ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
        Some("patch")
    );
    assert_refused(&send(&lower, &Recorder::new(), preflight(FRONT, "PATCH", "")).await);
}

#[tokio::test]
async fn header_names_match_case_insensitively() {
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .allow_headers(["X-Custom", "content-type"])
    });
    for acrh in [
        "x-custom",
        "X-CUSTOM",
        "X-Custom,Content-Type",
        "CONTENT-TYPE",
    ] {
        let res = send(&p, &Recorder::new(), preflight(FRONT, "GET", acrh)).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{acrh}");
    }
}

#[tokio::test]
async fn acrh_as_rewritten_by_proxies_is_accepted() {
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .allow_headers(["content-type", "x-custom", "x-requested-with"])
    });
    let cases: [&[&str]; 6] = [
        &["content-type,x-custom,x-requested-with"],
        &["content-type, x-custom, x-requested-with"],
        &[" content-type ,\tx-custom "],
        &[",content-type,,x-custom,"],
        &["content-type", "x-custom", "x-requested-with"],
        &["", "content-type, x-custom"],
    ];
    for lines in cases {
        let mut headers = vec![(ORIGIN, FRONT), (ACCESS_CONTROL_REQUEST_METHOD, "GET")];
        headers.extend(lines.iter().map(|l| (ACCESS_CONTROL_REQUEST_HEADERS, *l)));
        let res = send(&p, &Recorder::new(), request("OPTIONS", &headers)).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{lines:?}");
        assert_acao(&res, Some(FRONT));
    }
    // An unlisted name on a second line is still found.
    let req = request(
        "OPTIONS",
        &[
            (ORIGIN, FRONT),
            (ACCESS_CONTROL_REQUEST_METHOD, "GET"),
            (ACCESS_CONTROL_REQUEST_HEADERS, "content-type"),
            (ACCESS_CONTROL_REQUEST_HEADERS, "x-secret"),
        ],
    );
    assert_eq!(refusal(&p, &req), Some(RefusalReason::HeaderNotAllowed));
}

#[tokio::test]
async fn acrh_past_the_bound_is_refused() {
    let p = policy(|b| b.allow_origins([FRONT]).allow_headers(["content-type"]));
    // Every name is allowed, but repeated far beyond any list a browser sends.
    let long = vec!["content-type"; 500].join(",");
    let req = preflight(FRONT, "GET", &long);
    assert_eq!(refusal(&p, &req), Some(RefusalReason::HeadersTooLarge));
    assert_refused(&send(&p, &Recorder::new(), req).await);

    // Padding with empty elements does not get around it either.
    let padded = format!("content-type{}", ", ".repeat(2000));
    let req = preflight(FRONT, "GET", &padded);
    assert_eq!(refusal(&p, &req), Some(RefusalReason::HeadersTooLarge));

    // Nor do many short lines.
    let mut headers = vec![(ORIGIN, FRONT), (ACCESS_CONTROL_REQUEST_METHOD, "GET")];
    headers.extend(std::iter::repeat_n(
        (ACCESS_CONTROL_REQUEST_HEADERS, ""),
        50,
    ));
    let req = request("OPTIONS", &headers);
    assert_eq!(refusal(&p, &req), Some(RefusalReason::HeadersTooLarge));
    assert_refused(&send(&p, &Recorder::new(), req).await);

    // With "*", the bound is fixed rather than derived from the list.
    let any = policy(|b| b.allow_origins([FRONT]).allow_headers(["*"]));
    let huge = (0..2000)
        .map(|i| format!("x-h{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let req = preflight(FRONT, "GET", &huge);
    assert_eq!(refusal(&any, &req), Some(RefusalReason::HeadersTooLarge));
    let fine = (0..20)
        .map(|i| format!("x-h{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let res = send(&any, &Recorder::new(), preflight(FRONT, "GET", &fine)).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn star_without_credentials_is_sent_as_star() {
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .allow_methods(["*"])
            .allow_headers(["*"])
    });
    let res = send(&p, &Recorder::new(), preflight(FRONT, "PURGE", "x-a,x-b")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_METHODS, Some("*")),
            (&ACCESS_CONTROL_ALLOW_HEADERS, Some("*")),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, None),
        ],
    );
}

#[tokio::test]
async fn star_with_credentials_mirrors_what_was_requested() {
    // FastAPI: allow_credentials=True, allow_methods=["*"], allow_headers=["*"].
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .allow_methods(["*"])
            .allow_headers(["*"])
            .allow_credentials(true)
    });
    let res = send(
        &p,
        &Recorder::new(),
        preflight(FRONT, "PATCH", "content-type,x-custom"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_headers(
        &res,
        &[
            (&ACCESS_CONTROL_ALLOW_ORIGIN, Some(FRONT)),
            (&ACCESS_CONTROL_ALLOW_CREDENTIALS, Some("true")),
            (&ACCESS_CONTROL_ALLOW_METHODS, Some("PATCH")),
        ],
    );
    // Browsers compare names case-insensitively, so the mirrored list may be
    // the request's lines as sent; it must cover every requested name and
    // never be a literal `*`.
    let mirrored = lines(&res, &ACCESS_CONTROL_ALLOW_HEADERS).join(",");
    let mut names: Vec<String> = mirrored
        .split(',')
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    assert_eq!(names, ["content-type", "x-custom"]);

    // A method browsers do not upper-case is mirrored as sent.
    let res = send(&p, &Recorder::new(), preflight(FRONT, "purge", "")).await;
    assert_eq!(
        one(&res, &ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
        Some("purge")
    );
    assert!(lines(&res, &ACCESS_CONTROL_ALLOW_HEADERS)
        .iter()
        .all(|l| l != "*"));
}

#[tokio::test]
async fn star_headers_never_cover_authorization() {
    for credentials in [false, true] {
        let p = policy(|b| {
            b.allow_origins([FRONT])
                .allow_headers(["*"])
                .allow_credentials(credentials)
        });
        for acrh in [
            "authorization",
            "content-type,authorization",
            "Authorization",
        ] {
            let req = preflight(FRONT, "GET", acrh);
            assert_eq!(
                refusal(&p, &req),
                Some(RefusalReason::HeaderNotAllowed),
                "credentials={credentials} {acrh}"
            );
            assert_refused(&send(&p, &Recorder::new(), req).await);
        }
    }
}

#[tokio::test]
async fn star_plus_authorization_allows_authorization() {
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .allow_headers(["*", "authorization"])
    });
    let res = send(
        &p,
        &Recorder::new(),
        preflight(FRONT, "GET", "authorization,x-custom"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let value = one(&res, &ACCESS_CONTROL_ALLOW_HEADERS).unwrap();
    let items: Vec<&str> = value.split(',').map(str::trim).collect();
    assert!(items.contains(&"*"), "{value}");
    assert!(
        items
            .iter()
            .any(|i| i.eq_ignore_ascii_case("authorization")),
        "{value}"
    );

    let with_credentials = policy(|b| {
        b.allow_origins([FRONT])
            .allow_headers(["*", "authorization"])
            .allow_credentials(true)
    });
    let res = send(
        &with_credentials,
        &Recorder::new(),
        preflight(FRONT, "GET", "authorization,x-custom"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let mirrored = lines(&res, &ACCESS_CONTROL_ALLOW_HEADERS).join(",");
    assert!(mirrored.contains("authorization") && mirrored.contains("x-custom"));
}

#[tokio::test]
async fn preflight_without_requested_headers_is_allowed() {
    let p = full_policy();
    let res = send(&p, &Recorder::new(), preflight(FRONT, "DELETE", "")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        one(&res, &ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
        Some("PUT,DELETE,PATCH")
    );
}

#[test]
fn allowed_preflight_decision_matches_the_layer_answer() {
    let p = full_policy();
    match p.evaluate(&Method::OPTIONS, &preflight_headers(FRONT, "PATCH", "")) {
        Decision::PreflightAllowed(a) => {
            assert_eq!(a.status(), StatusCode::NO_CONTENT);
            let headers = a.headers();
            assert_eq!(headers[ACCESS_CONTROL_ALLOW_ORIGIN], FRONT);
            assert_eq!(headers[ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
            assert_eq!(headers[ACCESS_CONTROL_MAX_AGE], "600");
        }
        other => panic!("expected an allowed preflight, got {other:?}"),
    }
}

#[tokio::test]
async fn credentialed_star_headers_without_acrh_sends_no_literal_star() {
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .allow_methods(["*"])
            .allow_headers(["*"])
            .allow_credentials(true)
    });
    let res = send(&p, &Recorder::new(), preflight(FRONT, "DELETE", "")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        one(&res, &ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
        Some("DELETE")
    );
    // Nothing was requested, so nothing needs allowing; a `*` here would be
    // read as a header literally named `*`.
    assert_eq!(one(&res, &ACCESS_CONTROL_ALLOW_HEADERS), None);
}
