//! `Vary`: when the answer depends on the request's `Origin`, every response
//! says `Vary: Origin`, merged into the inner service's `Vary` without
//! duplicates or loss; a fixed `*` answer does not vary.

use crate::support::*;
use http::header::VARY;
use http::StatusCode;
use tower_cors::CorsPolicy;

fn listed() -> CorsPolicy {
    policy(|b| {
        b.allow_origins([FRONT, "http://localhost:*"])
            .allow_methods(["PUT"])
    })
}

fn listed_with_credentials() -> CorsPolicy {
    policy(|b| b.allow_origins([FRONT]).allow_credentials(true))
}

fn any() -> CorsPolicy {
    policy(|b| b.allow_origins(["*"]).allow_methods(["PUT"]))
}

#[tokio::test]
async fn every_actual_response_varies_on_origin_when_origins_are_listed() {
    for p in [listed(), listed_with_credentials()] {
        for status in [
            StatusCode::OK,
            StatusCode::NOT_FOUND,
            StatusCode::UNAUTHORIZED,
            StatusCode::INTERNAL_SERVER_ERROR,
        ] {
            for req in [
                get_from(FRONT),
                get_from("https://evil.com"),
                request("GET", &[]),
                get_from("null"),
            ] {
                let desc = format!("{status} {:?}", req.headers());
                let res = send(&p, &Recorder::new().status(status), req).await;
                assert_eq!(res.status(), status);
                assert_eq!(vary_count(&res, "origin"), 1, "{desc}");
            }
        }
    }
}

#[tokio::test]
async fn inner_vary_is_kept_and_origin_added_once() {
    let cases: [(&[&'static str], &[&str]); 5] = [
        (&["accept-encoding"], &["accept-encoding", "origin"]),
        (
            &["Accept-Encoding, Accept-Language"],
            &["accept-encoding", "accept-language", "origin"],
        ),
        (
            &["accept", "accept-language"],
            &["accept", "accept-language", "origin"],
        ),
        (&["Accept-Encoding, Origin"], &["accept-encoding", "origin"]),
        (&["ORIGIN"], &["origin"]),
    ];
    for (inner_lines, expected) in cases {
        for req in [
            get_from(FRONT),
            get_from("https://evil.com"),
            request("GET", &[]),
        ] {
            let mut inner = Recorder::new();
            for l in inner_lines {
                inner = inner.header(VARY, l);
            }
            let res = send(&listed(), &inner, req).await;
            assert_eq!(vary_items(&res), *expected, "inner Vary {inner_lines:?}");
        }
    }
}

#[tokio::test]
async fn inner_vary_star_stays_star() {
    let inner = Recorder::new().header(VARY, "*");
    let res = send(&listed(), &inner, get_from(FRONT)).await;
    assert_eq!(vary_items(&res), ["*"]);
}

#[tokio::test]
async fn origin_like_names_are_not_mistaken_for_origin() {
    let inner = Recorder::new().header(VARY, "x-origin, origin-country");
    let res = send(&listed(), &inner, get_from(FRONT)).await;
    assert_eq!(vary_items(&res), ["x-origin", "origin-country", "origin"]);
}

#[tokio::test]
async fn star_without_credentials_does_not_vary_on_origin() {
    for req in [get_from(FRONT), request("GET", &[])] {
        let res = send(&any(), &Recorder::new(), req).await;
        assert_eq!(vary_count(&res, "origin"), 0, "{:?}", vary_items(&res));
    }
    // ... and leaves the inner service's Vary as it was.
    let inner = Recorder::new().header(VARY, "accept-encoding");
    let res = send(&any(), &inner, get_from(FRONT)).await;
    assert_eq!(lines(&res, &VARY), ["accept-encoding"]);
    assert_acao(&res, Some("*"));
}

#[tokio::test]
async fn preflight_answers_vary_on_origin_when_origins_are_listed() {
    let allowed = send(&listed(), &Recorder::new(), preflight(FRONT, "PUT", "")).await;
    assert_eq!(allowed.status(), StatusCode::NO_CONTENT);
    assert_eq!(vary_count(&allowed, "origin"), 1);
    let refused = send(
        &listed(),
        &Recorder::new(),
        preflight("https://evil.com", "PUT", ""),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(vary_count(&refused, "origin"), 1);

    let star = send(&any(), &Recorder::new(), preflight(FRONT, "PUT", "")).await;
    assert_eq!(star.status(), StatusCode::NO_CONTENT);
    assert_eq!(vary_count(&star, "origin"), 0);
}

#[tokio::test]
async fn vary_has_no_duplicates_at_all() {
    let inner = Recorder::new()
        .header(VARY, "accept-encoding")
        .header(VARY, "cookie");
    for req in [
        get_from(FRONT),
        get_from("http://localhost:5173"),
        request("OPTIONS", &[(http::header::ORIGIN, FRONT)]),
    ] {
        let res = send(&listed(), &inner, req).await;
        let items = vary_items(&res);
        let mut unique = items.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(items.len(), unique.len(), "{items:?}");
        assert_eq!(items, ["accept-encoding", "cookie", "origin"]);
    }
}
