//! The server's own public origins: behind a proxy that rewrites `Host`, on
//! plain http (where browsers send no Fetch Metadata), the site's own forms
//! keep working when their origin is declared.

use http::header::{HeaderName, HOST, ORIGIN};
use http::StatusCode;
use tower_cors::{Decision, RefusalReason};

use crate::support::*;

const SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// What the app sees of its own form's POST after nginx's default
/// `proxy_set_header Host $proxy_host`: the backend's name as `Host`, and
/// no `Sec-Fetch-*` (the page is on plain http, not loopback).
fn own_form_through_the_proxy() -> http::Request<String> {
    request(
        "POST",
        &[(ORIGIN, "http://intranet.corp"), (HOST, "backend:8080")],
    )
}

#[tokio::test]
async fn the_sites_own_forms_pass_once_declared() {
    let undeclared = policy(|b| b.allow_origins(["https://partner.example"]));
    let own_form = own_form_through_the_proxy();
    let decision = undeclared.evaluate_request(&own_form);
    let refusal = decision.refusal().unwrap();
    assert_eq!(refusal.reason(), RefusalReason::CrossOriginWrite);
    assert!(
        refusal.hint().contains("server_origins"),
        "{}",
        refusal.hint()
    );

    let declared = policy(|b| {
        b.allow_origins(["https://partner.example"])
            .server_origins(["http://intranet.corp"])
    });
    let inner = Recorder::new();
    let res = send(&declared, &inner, own_form_through_the_proxy()).await;
    assert_eq!((res.status(), inner.calls()), (StatusCode::OK, 1));
    // Same-origin for the guard, not an origin allowed to read.
    assert_no_cors_headers(&res);

    // Whatever the browser says of the site: the origin is the server's.
    let with_metadata = request(
        "POST",
        &[(ORIGIN, "http://intranet.corp"), (SITE, "same-site")],
    );
    assert!(!matches!(
        declared.evaluate_request(&with_metadata),
        Decision::WriteRefused(_)
    ));
    // Others are still refused.
    for origin in ["http://evil.example", "http://intranet.corp.evil.example"] {
        let forged = request("POST", &[(ORIGIN, origin), (HOST, "backend:8080")]);
        assert_eq!(
            send(&declared, &inner, forged).await.status(),
            StatusCode::FORBIDDEN,
            "{origin}"
        );
    }
}
