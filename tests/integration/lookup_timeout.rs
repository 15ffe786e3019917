//! The async origin lookup is bounded in time: a lookup that does not
//! answer by `async_lookup_timeout` refuses its origin, with its own
//! reason, and a write waiting on it never reaches the service.

use std::time::{Duration, Instant};

use http::header::{HeaderName, ORIGIN};
use http::StatusCode;
use tower_cors::{CorsPolicy, Decision, RefusalReason};

use crate::support::*;

const SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const TENANT: &str = "https://a.tenant.example";

/// A lookup that never answers, given `timeout`.
fn stalled(timeout: Duration) -> CorsPolicy {
    policy(move |b| {
        b.allow_origins([FRONT])
            .allow_origin_predicate_async(|_, _| std::future::pending::<bool>())
            .async_lookup_timeout(timeout)
    })
}

#[tokio::test]
async fn a_stalled_lookup_refuses_in_time() {
    let p = stalled(Duration::from_millis(50));
    for (what, req, status, calls) in [
        (
            "a write, held",
            request("POST", &[(ORIGIN, TENANT), (SITE, "cross-site")]),
            StatusCode::FORBIDDEN,
            0,
        ),
        ("a read", get_from(TENANT), StatusCode::OK, 1),
        (
            "a preflight",
            preflight(TENANT, "GET", ""),
            StatusCode::FORBIDDEN,
            0,
        ),
    ] {
        let started = Instant::now();
        let inner = Recorder::new();
        let res = timed(send(&p, &inner, req)).await;
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(50), "{what}: {took:?}");
        assert!(took < Duration::from_secs(5), "{what}: {took:?}");
        assert_eq!((res.status(), inner.calls()), (status, calls), "{what}");
        assert_no_cors_headers(&res);
    }
}

#[tokio::test]
async fn the_decision_says_the_lookup_timed_out() {
    let p = stalled(Duration::from_millis(20));
    let (write, _) = request("POST", &[(ORIGIN, TENANT), (SITE, "cross-site")]).into_parts();
    let decision = p.evaluate_async(&write).await;
    assert!(
        matches!(decision, Decision::WriteRefused(_)),
        "{decision:?}"
    );
    let refusal = decision.refusal().unwrap();
    assert_eq!(refusal.reason(), RefusalReason::OriginLookupTimedOut);
    assert_eq!(refusal.reason().as_str(), "origin-lookup-timed-out");
    let text = refusal.to_string();
    assert!(text.contains("did not answer in time"), "{text}");
    assert!(text.contains(TENANT), "{text}");
    assert!(
        refusal.hint().contains("async_lookup_timeout"),
        "{}",
        refusal.hint()
    );
    let (read, _) = get_from(TENANT).into_parts();
    let decision = p.evaluate_async(&read).await;
    assert!(
        matches!(decision, Decision::ActualRefused(..)),
        "{decision:?}"
    );
    assert_eq!(
        decision.refusal().unwrap().reason(),
        RefusalReason::OriginLookupTimedOut
    );
}

#[tokio::test]
async fn a_lookup_in_time_is_unchanged() {
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .allow_origin_predicate_async(|origin, _| {
                let known = origin.as_bytes() == TENANT.as_bytes();
                async move {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    known
                }
            })
            .async_lookup_timeout(Duration::from_secs(5))
    });
    let inner = Recorder::new();
    let res = send(
        &p,
        &inner,
        request("POST", &[(ORIGIN, TENANT), (SITE, "cross-site")]),
    )
    .await;
    assert_eq!((res.status(), inner.calls()), (StatusCode::OK, 1));
    assert_acao(&res, Some(TENANT));
}
