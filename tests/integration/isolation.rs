//! Resource isolation: another site's `<script>`, `<img>`, `<object>` and
//! `no-cors` loads of the API are refused before the service, while the
//! allowed page's fetches, links followed from anywhere, same-site and
//! same-origin loads, and clients without Fetch Metadata reach it.

use http::header::{HeaderName, ORIGIN, VARY};
use http::StatusCode;
use tower_cors::{CorsPolicy, Decision, Explanation, RefusalReason, EXPLANATION_HEADER};

use crate::support::*;

const EVIL: &str = "https://evil.example";
const SITE: HeaderName = HeaderName::from_static("sec-fetch-site");
const MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");
const DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");

fn isolated() -> CorsPolicy {
    policy(|b| b.allow_origins([FRONT]).isolate_resources(true))
}

async fn through(policy: &CorsPolicy, req: http::Request<String>) -> (StatusCode, usize) {
    let inner = Recorder::new();
    let res = send(policy, &inner, req).await;
    (res.status(), inner.calls())
}

/// What another site's page sends, one case per kind of load.
fn loads_from_another_site() -> Vec<(&'static str, http::Request<String>)> {
    vec![
        (
            "<script src>",
            request(
                "GET",
                &[(SITE, "cross-site"), (MODE, "no-cors"), (DEST, "script")],
            ),
        ),
        (
            "<img src>",
            request(
                "GET",
                &[(SITE, "cross-site"), (MODE, "no-cors"), (DEST, "image")],
            ),
        ),
        (
            "no-cors fetch()",
            request(
                "GET",
                &[(SITE, "cross-site"), (MODE, "no-cors"), (DEST, "empty")],
            ),
        ),
        (
            "<object data>",
            request(
                "GET",
                &[(SITE, "cross-site"), (MODE, "navigate"), (DEST, "object")],
            ),
        ),
        (
            "a cors fetch() from a page the policy does not allow",
            request(
                "GET",
                &[
                    (ORIGIN, EVIL),
                    (SITE, "cross-site"),
                    (MODE, "cors"),
                    (DEST, "empty"),
                ],
            ),
        ),
        (
            "a same-site page the policy does not allow",
            request(
                "GET",
                &[
                    (ORIGIN, "https://blog.example.com"),
                    (SITE, "same-site"),
                    (MODE, "cors"),
                    (DEST, "empty"),
                ],
            ),
        ),
    ]
}

#[tokio::test]
async fn other_sites_loads_never_reach_the_service() {
    let p = isolated();
    for (what, req) in loads_from_another_site() {
        let decision = p.evaluate_request(&req);
        assert!(
            matches!(decision, Decision::IsolationRefused(_)),
            "{what}: {decision:?}"
        );
        assert_eq!(
            decision.refusal().unwrap().reason(),
            RefusalReason::CrossSiteResource,
            "{what}"
        );
        assert_eq!(through(&p, req).await, (StatusCode::FORBIDDEN, 0), "{what}");
    }
}

#[tokio::test]
async fn navigations_allowed_pages_and_non_browsers_pass() {
    let p = isolated();
    let passing: [(&str, &[(HeaderName, &str)]); 9] = [
        // Framing is for `frame-ancestors` to refuse, not isolation (as in
        // web.dev's policy): only `<object>` and `<embed>` are.
        (
            "<iframe src> on another site",
            &[(SITE, "cross-site"), (MODE, "navigate"), (DEST, "iframe")],
        ),
        (
            "a link followed from another site",
            &[(SITE, "cross-site"), (MODE, "navigate"), (DEST, "document")],
        ),
        (
            "the allowed page's fetch()",
            &[
                (ORIGIN, FRONT),
                (SITE, "cross-site"),
                (MODE, "cors"),
                (DEST, "empty"),
            ],
        ),
        (
            "the allowed page's <script crossorigin>",
            &[
                (ORIGIN, FRONT),
                (SITE, "cross-site"),
                (MODE, "cors"),
                (DEST, "script"),
            ],
        ),
        (
            "same-origin",
            &[(SITE, "same-origin"), (MODE, "no-cors"), (DEST, "image")],
        ),
        (
            "typed in the address bar",
            &[(SITE, "none"), (MODE, "navigate"), (DEST, "document")],
        ),
        ("curl", &[]),
        ("an older browser", &[(ORIGIN, EVIL)]),
        (
            "a same-site link",
            &[(SITE, "same-site"), (MODE, "navigate"), (DEST, "document")],
        ),
    ];
    for (what, headers) in passing {
        let req = request("GET", headers);
        assert!(
            !matches!(p.evaluate_request(&req), Decision::IsolationRefused(_)),
            "{what}"
        );
        assert_eq!(through(&p, request("GET", headers)).await.1, 1, "{what}");
    }
    // A navigation with an unsafe method is no "simple" navigation: a
    // cross-site form POST is refused (by the write guard, first).
    let form = request(
        "POST",
        &[
            (ORIGIN, EVIL),
            (SITE, "cross-site"),
            (MODE, "navigate"),
            (DEST, "document"),
        ],
    );
    assert_eq!(through(&p, form).await, (StatusCode::FORBIDDEN, 0));
    let unguarded = policy(|b| {
        b.allow_origins([FRONT])
            .guard_writes(false)
            .isolate_resources(true)
    });
    let form = request(
        "POST",
        &[
            (ORIGIN, EVIL),
            (SITE, "cross-site"),
            (MODE, "navigate"),
            (DEST, "document"),
        ],
    );
    assert_eq!(
        unguarded
            .evaluate_request(&form)
            .refusal()
            .unwrap()
            .reason(),
        RefusalReason::CrossSiteResource
    );
}

#[tokio::test]
async fn off_by_default() {
    let p = policy(|b| b.allow_origins([FRONT]));
    assert!(!p.isolates_resources());
    for (what, req) in loads_from_another_site() {
        assert_eq!(through(&p, req).await.1, 1, "{what}");
    }
}

#[tokio::test]
async fn the_exemption_and_server_origins_apply() {
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .isolate_resources(true)
            .server_origins(["https://www.example.com"])
            .exempt_from_write_guard(|head| head.uri.path() == "/widget.js")
    });
    let widget = at(
        "/widget.js",
        request(
            "GET",
            &[(SITE, "cross-site"), (MODE, "no-cors"), (DEST, "script")],
        ),
    );
    assert_eq!(through(&p, widget).await, (StatusCode::OK, 1));
    let own = request(
        "GET",
        &[
            (ORIGIN, "https://www.example.com"),
            (SITE, "same-site"),
            (MODE, "cors"),
            (DEST, "empty"),
        ],
    );
    assert_eq!(through(&p, own).await, (StatusCode::OK, 1));
}

#[tokio::test]
async fn the_refusal_says_why_and_how_to_fix_it() {
    let req = request(
        "GET",
        &[(SITE, "cross-site"), (MODE, "no-cors"), (DEST, "script")],
    );
    let p = isolated();
    let decision = p.evaluate_request(&req);
    let refusal = decision.refusal().unwrap();
    assert_eq!(refusal.reason().as_str(), "cross-site-resource");
    let text = refusal.to_string();
    assert!(text.contains("Sec-Fetch-Site: cross-site"), "{text}");
    let hint = refusal.hint();
    assert!(hint.contains("exempt_from_write_guard"), "{hint}");
    let Decision::IsolationRefused(answer) = &decision else {
        panic!("{decision:?}")
    };
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        answer.headers()[VARY],
        "origin, sec-fetch-site, sec-fetch-mode, sec-fetch-dest"
    );

    let explained = policy(|b| {
        b.allow_origins([FRONT])
            .isolate_resources(true)
            .dangerously_explain_refusals(true)
    });
    let inner = Recorder::new();
    let res = send(&explained, &inner, req).await;
    assert_eq!((res.status(), inner.calls()), (StatusCode::FORBIDDEN, 0));
    assert_no_cors_headers(&res);
    let read = Explanation::parse(&res.headers()[&EXPLANATION_HEADER]).unwrap();
    assert_eq!(read.reason(), Some(RefusalReason::CrossSiteResource));
}

/// Preflights are left to CORS: a disallowed origin's is refused as
/// before, an allowed one's answered.
#[tokio::test]
async fn preflights_are_cors_business() {
    let p = isolated();
    let mut pre = preflight(EVIL, "PUT", "");
    pre.headers_mut()
        .insert(SITE, "cross-site".parse().unwrap());
    let decision = p.evaluate_request(&pre);
    assert_eq!(
        decision.refusal().unwrap().reason(),
        RefusalReason::OriginNotAllowed
    );
    let mut pre = preflight(FRONT, "GET", "");
    pre.headers_mut()
        .insert(SITE, "cross-site".parse().unwrap());
    assert!(matches!(
        p.evaluate_request(&pre),
        Decision::PreflightAllowed(_)
    ));
}
