//! Report-only rollout: the write guard and resource isolation let through
//! what they would refuse, and say so (the decision, the log, the
//! explanation header), while the same requests are refused without it.

use http::header::{HeaderName, ORIGIN};
use http::StatusCode;
use tower_cors::{CorsPolicy, Decision, Explanation, RefusalReason, EXPLANATION_HEADER};

use crate::support::*;

const EVIL: &str = "https://evil.example";
const SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");
const DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");

fn forged_write() -> http::Request<String> {
    request("POST", &[(ORIGIN, EVIL), (SITE, "cross-site")])
}

fn forged_socket() -> http::Request<String> {
    request(
        "GET",
        &[
            (ORIGIN, EVIL),
            (SITE, "cross-site"),
            (HeaderName::from_static("upgrade"), "websocket"),
        ],
    )
}

fn inclusion() -> http::Request<String> {
    request(
        "GET",
        &[(SITE, "cross-site"), (MODE, "no-cors"), (DEST, "script")],
    )
}

fn surface(report_only: bool, explain: bool) -> CorsPolicy {
    policy(|b| {
        b.allow_origins([FRONT])
            .isolate_resources(true)
            .guard_report_only(report_only)
            .dangerously_explain_refusals(explain)
    })
}

#[tokio::test]
async fn what_would_be_refused_passes_and_is_reported() {
    let cases = [
        (
            "write",
            forged_write as fn() -> http::Request<String>,
            RefusalReason::CrossOriginWrite,
        ),
        ("socket", forged_socket, RefusalReason::CrossOriginWebSocket),
        ("inclusion", inclusion, RefusalReason::CrossSiteResource),
    ];
    for (what, make, reason) in cases {
        // Enforced: refused before the service.
        let enforced = surface(false, false);
        let inner = Recorder::new();
        let res = send(&enforced, &inner, make()).await;
        assert_eq!(
            (res.status(), inner.calls()),
            (StatusCode::FORBIDDEN, 0),
            "{what}"
        );

        // Report-only: the same request reaches the service, unchanged
        // otherwise (no CORS headers for the disallowed origin).
        let reporting = surface(true, false);
        let req = make();
        let decision = reporting.evaluate_request(&req);
        let Decision::Reported(refusal, _) = &decision else {
            panic!("{what}: {decision:?}")
        };
        assert_eq!(refusal.reason(), reason, "{what}");
        assert_eq!(decision.refusal().unwrap().reason(), reason, "{what}");
        let inner = Recorder::new();
        let res = send(&reporting, &inner, make()).await;
        assert_eq!((res.status(), inner.calls()), (StatusCode::OK, 1), "{what}");
        assert_no_cors_headers(&res);
        assert!(!res.headers().contains_key(&EXPLANATION_HEADER), "{what}");

        // In explain mode the response says what would have been refused.
        let explained = surface(true, true);
        let inner = Recorder::new();
        let res = send(&explained, &inner, make()).await;
        assert_eq!((res.status(), inner.calls()), (StatusCode::OK, 1), "{what}");
        let read = Explanation::parse(&res.headers()[&EXPLANATION_HEADER]).unwrap();
        assert_eq!(read.reason(), Some(reason), "{what}");
        assert!(
            read.detail().starts_with("report-only: "),
            "{what}: {}",
            read.detail()
        );
    }
}

#[tokio::test]
async fn allowed_requests_are_not_reported() {
    let p = surface(true, false);
    let allowed = request("POST", &[(ORIGIN, FRONT), (SITE, "cross-site")]);
    assert!(matches!(
        p.evaluate_request(&allowed),
        Decision::ActualAllowed(_)
    ));
    // A same-origin page's write is no one's business but CORS's (which
    // gives no headers to an origin it does not list).
    let own = request("POST", &[(ORIGIN, EVIL), (SITE, "same-origin")]);
    let decision = p.evaluate_request(&own);
    assert!(
        matches!(decision, Decision::ActualRefused(..)),
        "{decision:?}"
    );
    assert_eq!(
        decision.refusal().unwrap().reason(),
        RefusalReason::OriginNotAllowed
    );
    // A disallowed origin's read is refused by CORS as before.
    let read = request("GET", &[(ORIGIN, EVIL)]);
    assert_eq!(
        p.evaluate_request(&read).refusal().unwrap().reason(),
        RefusalReason::OriginNotAllowed
    );
}
