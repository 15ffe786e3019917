//! The reloadable layer: atomic swaps, in-flight requests finish under the
//! policy they started with, and no request sees a mix of two policies.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http::header;
use http::{Request, Response, StatusCode};
use tokio::sync::Notify;
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::{CorsPolicy, ReloadableCorsLayer};

use crate::support::*;

const APP: &str = "https://app.example.com";

/// Two policies that allow the same origin but differ in every other header,
/// so a response mixing them is easy to spot.
fn policy_a() -> CorsPolicy {
    CorsPolicy::builder()
        .allow_origins([APP])
        .allow_methods(["PUT"])
        .allow_headers(["x-a"])
        .expose_headers(["x-from-a"])
        .max_age(Duration::from_secs(100))
        .build()
        .unwrap()
}

fn policy_b() -> CorsPolicy {
    CorsPolicy::builder()
        .allow_origins([APP, "https://other.example.com"])
        .allow_methods(["PATCH"])
        .allow_headers(["x-b"])
        .expose_headers(["x-from-b"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(200))
        .build()
        .unwrap()
}

#[tokio::test]
async fn set_swaps_the_policy_for_new_requests() {
    let (layer, handle) = ReloadableCorsLayer::new(policy_a());
    let svc = layer.layer(Recorder::new());

    let res = svc
        .clone()
        .oneshot(preflight(APP, "GET", ""))
        .await
        .unwrap();
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_METHODS], "PUT");

    handle.set(policy_b());
    let res = svc
        .clone()
        .oneshot(preflight(APP, "GET", ""))
        .await
        .unwrap();
    assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_METHODS], "PATCH");
    assert_eq!(
        res.headers()[header::ACCESS_CONTROL_ALLOW_CREDENTIALS],
        "true"
    );
    assert_eq!(handle.get().origins().len(), 2);

    // Origins added by the swap are allowed; services made before it see it too.
    let res = svc
        .oneshot(get_from("https://other.example.com"))
        .await
        .unwrap();
    assert_eq!(
        res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://other.example.com"
    );
}

#[tokio::test]
async fn in_flight_requests_finish_under_their_policy() {
    let (layer, handle) = ReloadableCorsLayer::new(policy_a());
    let entered = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let (e, r) = (entered.clone(), release.clone());
    let slow = service_fn(move |_req: Request<String>| {
        let (e, r) = (e.clone(), r.clone());
        async move {
            e.notify_one();
            r.notified().await;
            Ok::<_, Infallible>(Response::new(String::new()))
        }
    });
    let svc = layer.layer(slow);
    let in_flight = tokio::spawn(svc.oneshot(get_from(APP)));
    tokio::time::timeout(Duration::from_secs(5), entered.notified())
        .await
        .expect("the inner service was not called");
    handle.set(policy_b());
    release.notify_one();
    let res = tokio::time::timeout(Duration::from_secs(5), in_flight)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        res.headers()[header::ACCESS_CONTROL_EXPOSE_HEADERS],
        "x-from-a"
    );
    assert!(!res
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS));
}

/// Which policy an answer came from, or a panic if it mixes both.
fn which(res: &Response<String>) -> char {
    let h = res.headers();
    let get = |name: header::HeaderName| h.get(name).map(|v| v.to_str().unwrap().to_owned());
    match res.status() {
        StatusCode::NO_CONTENT => {
            let seen = (
                get(header::ACCESS_CONTROL_ALLOW_METHODS),
                get(header::ACCESS_CONTROL_ALLOW_HEADERS),
                get(header::ACCESS_CONTROL_MAX_AGE),
                get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
            );
            let a = (
                Some("PUT".into()),
                Some("x-a".into()),
                Some("100".into()),
                None,
            );
            let b = (
                Some("PATCH".into()),
                Some("x-b".into()),
                Some("200".into()),
                Some("true".into()),
            );
            if seen == a {
                'a'
            } else if seen == b {
                'b'
            } else {
                panic!("a preflight answer mixing two policies: {h:?}")
            }
        }
        StatusCode::OK => {
            let seen = (
                get(header::ACCESS_CONTROL_EXPOSE_HEADERS),
                get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
            );
            if seen == (Some("x-from-a".into()), None) {
                'a'
            } else if seen == (Some("x-from-b".into()), Some("true".into())) {
                'b'
            } else {
                panic!("an actual response mixing two policies: {h:?}")
            }
        }
        other => panic!("unexpected status {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_request_sees_half_of_two_policies() {
    let (layer, handle) = ReloadableCorsLayer::new(policy_a());
    let svc = layer.layer(Recorder::new());
    let (a, b) = (policy_a(), policy_b());
    let done = Arc::new(AtomicBool::new(false));
    let swaps = Arc::new(AtomicUsize::new(0));

    let swapper = {
        let (done, swaps) = (done.clone(), swaps.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let n = swaps.fetch_add(1, Ordering::Relaxed);
                handle.set(if n % 2 == 0 { b.clone() } else { a.clone() });
                tokio::task::yield_now().await;
            }
        })
    };

    let mut clients = Vec::new();
    for worker in 0..4 {
        let svc = svc.clone();
        clients.push(tokio::spawn(async move {
            let mut seen = [0usize; 2];
            for i in 0..2_000 {
                let req = if (i + worker) % 2 == 0 {
                    preflight(APP, "GET", "")
                } else {
                    get_from(APP)
                };
                let res = svc.clone().oneshot(req).await.unwrap();
                seen[usize::from(which(&res) == 'b')] += 1;
                if i % 16 == 0 {
                    tokio::task::yield_now().await;
                }
            }
            seen
        }));
    }
    let mut total = [0usize; 2];
    for c in clients {
        let seen = tokio::time::timeout(Duration::from_secs(60), c)
            .await
            .unwrap()
            .unwrap();
        total[0] += seen[0];
        total[1] += seen[1];
    }
    done.store(true, Ordering::Relaxed);
    swapper.await.unwrap();
    assert_eq!(total[0] + total[1], 8_000);
    assert!(
        swaps.load(Ordering::Relaxed) > 10,
        "too few swaps to mean anything"
    );
    assert!(
        total[0] > 0 && total[1] > 0,
        "both policies served: {total:?}"
    );
}
