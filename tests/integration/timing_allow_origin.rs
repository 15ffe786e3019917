//! `Timing-Allow-Origin` from the allowlist: allowed origins get their own
//! origin on actual responses, others nothing.

use http::header::{HeaderName, ORIGIN};
use http::StatusCode;

use crate::support::*;

const TAO: HeaderName = HeaderName::from_static("timing-allow-origin");

#[tokio::test]
async fn allowed_origins_get_their_timing_details() {
    let p = policy(|b| b.allow_origins([FRONT]).timing_allow_origin(true));
    let inner = Recorder::new();
    let res = send(&p, &inner, get_from(FRONT)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(one(&res, &TAO).as_deref(), Some(FRONT));
    assert_eq!(vary_count(&res, "origin"), 1);

    for other in [
        request("GET", &[(ORIGIN, "https://evil.example")]),
        request("GET", &[]),
    ] {
        let res = send(&p, &inner, other).await;
        assert_eq!(one(&res, &TAO), None);
        assert_eq!(vary_count(&res, "origin"), 1);
    }
    // Never on a preflight (resource timing is of the actual request).
    let res = send(&p, &inner, preflight(FRONT, "GET", "")).await;
    assert_eq!(one(&res, &TAO), None);
}

#[tokio::test]
async fn off_by_default_and_star_for_any_origin() {
    let p = policy(|b| b.allow_origins([FRONT]));
    let res = send(&p, &Recorder::new(), get_from(FRONT)).await;
    assert_eq!(one(&res, &TAO), None);

    let any = policy(|b| b.allow_origins(["*"]).timing_allow_origin(true));
    for req in [get_from(FRONT), request("GET", &[])] {
        let res = send(&any, &Recorder::new(), req).await;
        assert_eq!(one(&res, &TAO).as_deref(), Some("*"));
    }
}

#[tokio::test]
async fn the_inner_services_own_value_is_replaced() {
    let p = policy(|b| b.allow_origins([FRONT]).timing_allow_origin(true));
    let inner = Recorder::new().header(TAO, "*");
    let res = send(&p, &inner, get_from(FRONT)).await;
    assert_eq!(lines(&res, &TAO), [FRONT]);
}
