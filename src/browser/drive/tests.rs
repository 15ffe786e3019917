//! The driver against hand-written servers (not tower-cors), tower-cors and
//! tower-http.

use std::convert::Infallible;
use std::time::Duration;

use http::{Method, Request, Response, StatusCode};

use super::*;
use crate::browser::{CorsError, Credentials, ManualClock};

const APP: &str = "https://app.example";

/// A server that answers every preflight and every actual request with the
/// given status and headers, and `/redirect` with a 307 to `/target`.
fn server(
    preflight: &'static [(&'static str, &'static str)],
    preflight_status: u16,
    actual: &'static [(&'static str, &'static str)],
    actual_status: u16,
) -> impl tower_service::Service<Request<()>, Response = Response<String>, Error = Infallible> {
    tower::service_fn(move |req: Request<()>| async move {
        let is_preflight = req.method() == Method::OPTIONS
            && req.headers().contains_key("access-control-request-method");
        let (status, headers) = if is_preflight {
            (preflight_status, preflight)
        } else {
            (actual_status, actual)
        };
        let mut response = Response::new(format!("{} {}", req.method(), req.uri()));
        *response.status_mut() = StatusCode::from_u16(status).unwrap();
        for (n, v) in headers {
            response.headers_mut().append(*n, v.parse().unwrap());
        }
        if !is_preflight && req.uri().path() == "/redirect" {
            *response.status_mut() = StatusCode::TEMPORARY_REDIRECT;
            response
                .headers_mut()
                .insert("location", "https://cdn.example/target".parse().unwrap());
        }
        Ok::<_, Infallible>(response)
    })
}

const GOOD_PREFLIGHT: &[(&str, &str)] = &[
    ("access-control-allow-origin", APP),
    ("access-control-allow-methods", "PUT"),
    ("access-control-allow-headers", "content-type"),
    ("access-control-max-age", "60"),
];

fn put() -> PageRequest {
    PageRequest::new(APP, "PUT", "https://api.example/items?x=1")
        .header("Content-Type", "application/json")
}

#[tokio::test]
async fn preflight_then_actual_then_cache() {
    let clock = ManualClock::new();
    let mut browser = Browser::new(Engine::Chromium).with_clock(clock.clone());
    let mut service = server(
        GOOD_PREFLIGHT,
        204,
        &[("access-control-allow-origin", APP), ("x-total", "1")],
        200,
    );
    let outcome = browser.fetch(&mut service, &put()).await.unwrap();
    assert!(outcome.is_allowed());
    let kinds: Vec<_> = outcome.exchanges().iter().map(|e| e.kind()).collect();
    assert_eq!(kinds, [ExchangeKind::Preflight, ExchangeKind::Actual]);
    let pre = outcome.exchanges()[0].request();
    assert_eq!(pre.uri(), "https://api.example/items?x=1");
    assert_eq!(
        pre.headers()["access-control-request-headers"],
        "content-type"
    );
    assert_eq!(
        outcome.response().unwrap().body(),
        "PUT https://api.example/items?x=1"
    );
    assert!(!outcome.readable_headers().contains_key("x-total"));

    clock.advance(Duration::from_secs(59));
    assert_eq!(
        browser
            .fetch(&mut service, &put())
            .await
            .unwrap()
            .preflights(),
        0
    );
    clock.advance(Duration::from_secs(1));
    assert_eq!(
        browser
            .fetch(&mut service, &put())
            .await
            .unwrap()
            .preflights(),
        1
    );
}

#[tokio::test]
async fn other_server_cases() {
    // A 403 preflight without CORS headers: the actual request is never sent.
    let mut browser = Browser::new(Engine::Firefox);
    let outcome = browser
        .fetch(&mut server(&[], 403, &[], 200), &put())
        .await
        .unwrap();
    assert_eq!(outcome.exchanges().len(), 1);
    let blocked = outcome.blocked().unwrap();
    assert_eq!(blocked.code(), CorsError::PreflightMissingAllowOriginHeader);
    assert_eq!(blocked.engine(), Engine::Firefox);

    // A 500 without CORS headers after a good preflight.
    let outcome = Browser::new(Engine::WebKit)
        .fetch(&mut server(GOOD_PREFLIGHT, 204, &[], 500), &put())
        .await
        .unwrap();
    let blocked = outcome.blocked().unwrap();
    assert_eq!(blocked.code(), CorsError::MissingAllowOriginHeader);
    assert!(!blocked.is_preflight());
    assert_eq!(
        blocked.reason_in(Engine::WebKit).unwrap(),
        "Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 500"
    );

    // `*` with credentials.
    let page =
        PageRequest::new(APP, "GET", "https://api.example/").credentials(Credentials::Include);
    let star: &[(&str, &str)] = &[
        ("access-control-allow-origin", "*"),
        ("access-control-allow-credentials", "true"),
    ];
    let outcome = Browser::new(Engine::Chromium)
        .fetch(&mut server(&[], 204, star, 200), &page)
        .await
        .unwrap();
    assert_eq!(
        outcome.blocked().unwrap().code(),
        CorsError::WildcardOriginNotAllowed
    );
}

#[tokio::test]
async fn actual_redirect_is_followed_with_a_new_preflight_and_a_null_origin() {
    let preflight: &[(&str, &str)] = &[
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "PUT"),
        ("access-control-allow-headers", "content-type"),
    ];
    let actual: &[(&str, &str)] = &[("access-control-allow-origin", "*")];
    let page = PageRequest::new(APP, "PUT", "https://api.example/redirect")
        .header("Content-Type", "application/json");
    let outcome = Browser::new(Engine::Standard)
        .fetch(&mut server(preflight, 204, actual, 200), &page)
        .await
        .unwrap();
    assert!(outcome.is_allowed());
    let sent: Vec<(String, String, String)> = outcome
        .exchanges()
        .iter()
        .map(|e| {
            let r = e.request();
            (
                r.method().to_string(),
                r.uri().to_string(),
                r.headers()["origin"].to_str().unwrap().to_owned(),
            )
        })
        .collect();
    let own = |m: &str, u: &str, o: &str| (m.to_owned(), u.to_owned(), o.to_owned());
    assert_eq!(
        sent,
        [
            own("OPTIONS", "https://api.example/redirect", APP),
            own("PUT", "https://api.example/redirect", APP),
            own("OPTIONS", "https://cdn.example/target", "null"),
            own("PUT", "https://cdn.example/target", "null"),
        ]
    );

    // A redirect without CORS headers is blocked before it is followed.
    let outcome = Browser::new(Engine::Chromium)
        .fetch(&mut server(preflight, 204, &[], 200), &page)
        .await
        .unwrap();
    assert_eq!(outcome.exchanges().len(), 2);
    assert_eq!(
        outcome.blocked().unwrap().code(),
        CorsError::MissingAllowOriginHeader
    );
}

#[tokio::test]
async fn errors_before_sending_and_from_the_service() {
    let mut browser = Browser::new(Engine::Standard);
    let page = PageRequest::new(APP, "CONNECT", "https://api.example/");
    let err = browser
        .fetch(&mut server(&[], 204, &[], 200), &page)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        FetchError::InvalidRequest(InvalidRequest::ForbiddenMethod(_))
    ));
    let mut failing = tower::service_fn(|_: Request<()>| async { Err::<Response<()>, _>("down") });
    let page = PageRequest::new(APP, "GET", "https://api.example/");
    assert!(matches!(
        browser.fetch(&mut failing, &page).await,
        Err(FetchError::Service("down"))
    ));
}

#[tokio::test]
async fn drives_tower_cors_and_tower_http_alike() {
    use tower::ServiceBuilder;
    let handler =
        |_: Request<String>| async { Ok::<_, Infallible>(Response::new(String::from("ok"))) };
    let policy = crate::CorsPolicy::builder()
        .allow_origins([APP])
        .allow_methods([Method::PUT])
        .allow_headers(["content-type"])
        .build()
        .unwrap();
    let mut ours = ServiceBuilder::new()
        .layer(crate::CorsLayer::new(policy))
        .service_fn(handler);
    let mut theirs = ServiceBuilder::new()
        .layer(
            tower_http::cors::CorsLayer::new()
                .allow_origin(http::HeaderValue::from_static(APP))
                .allow_methods([Method::PUT])
                .allow_headers([http::header::CONTENT_TYPE]),
        )
        .service_fn(handler);
    for engine in Engine::ALL {
        let a = Browser::new(engine).fetch(&mut ours, &put()).await.unwrap();
        let b = Browser::new(engine)
            .fetch(&mut theirs, &put())
            .await
            .unwrap();
        assert!(a.is_allowed() && b.is_allowed(), "{engine}");
        let other = put().header("X-Other", "1");
        let a = Browser::new(engine).fetch(&mut ours, &other).await.unwrap();
        let b = Browser::new(engine)
            .fetch(&mut theirs, &other)
            .await
            .unwrap();
        assert_eq!(
            a.blocked().unwrap().code(),
            CorsError::PreflightMissingAllowOriginHeader,
            "{engine}"
        );
        // tower-http answers the preflight with its headers anyway.
        assert_eq!(
            b.blocked().unwrap().code(),
            CorsError::HeaderDisallowedByPreflightResponse,
            "{engine}"
        );
    }
}

/// What a page can make a server do, apart from what it can read.
mod sent_and_read {
    use super::*;
    use crate::browser::{Enctype, Mode};

    const EVIL: &str = "https://evil.example";

    /// A server without CORS headers, answering 200 everywhere.
    fn plain(
    ) -> impl tower_service::Service<Request<()>, Response = Response<String>, Error = Infallible>
    {
        server(&[], 204, &[], 200)
    }

    async fn drive(page: &PageRequest) -> Outcome<String> {
        Browser::new(Engine::Chromium)
            .fetch(&mut plain(), page)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn writes_without_cors_reach_the_server_and_stay_unread() {
        let url = "https://api.example/transfer";
        let simple = PageRequest::new(EVIL, "POST", url);
        for page in [
            simple.clone(),
            simple.clone().mode(Mode::NoCors),
            PageRequest::form_post(EVIL, url, Enctype::TextPlain),
        ] {
            let outcome = drive(&page).await;
            assert!(outcome.was_sent(), "{:?}", page.kind());
            assert!(!outcome.is_readable(), "{:?}", page.kind());
            assert!(outcome.response().is_none());
            assert!(outcome.readable_headers().is_empty());
            assert_eq!(outcome.preflights(), 0);
        }
        // The simple cors POST fails the CORS check after it was sent.
        assert!(drive(&simple).await.blocked().is_some());
        // The no-cors one succeeds with an opaque response.
        let opaque = drive(&simple.clone().mode(Mode::NoCors)).await;
        assert!(opaque.is_allowed());
        assert!(!opaque.allowed().unwrap().is_readable());
        assert!(opaque.document().is_none());
    }

    #[tokio::test]
    async fn a_preflighted_write_that_fails_is_never_sent() {
        let outcome = drive(&PageRequest::new(EVIL, "PUT", "https://api.example/x")).await;
        assert!(!outcome.was_sent());
        assert_eq!(outcome.preflights(), 1);
    }

    #[tokio::test]
    async fn a_forms_response_is_the_new_document() {
        let form = PageRequest::form_post(EVIL, "https://api.example/x", Enctype::UrlEncoded);
        let outcome = drive(&form).await;
        assert!(outcome.is_allowed() && !outcome.is_readable());
        let document = outcome.document().expect("a navigation shows its response");
        assert_eq!(document.body(), "POST https://api.example/x");
    }

    #[tokio::test]
    async fn a_form_follows_redirects_to_its_document() {
        let form =
            PageRequest::form_post(EVIL, "https://api.example/redirect", Enctype::UrlEncoded);
        let outcome = drive(&form).await;
        let hops: Vec<_> = outcome
            .exchanges()
            .iter()
            .map(|e| (e.request().method().clone(), e.status().as_u16()))
            .collect();
        assert_eq!(hops, [(Method::POST, 307), (Method::POST, 200)]);
        assert_eq!(
            outcome.document().unwrap().body(),
            "POST https://cdn.example/target"
        );
    }

    #[tokio::test]
    async fn a_same_origin_no_cors_response_is_readable() {
        let page = PageRequest::new("https://api.example", "POST", "https://api.example/x")
            .mode(Mode::NoCors);
        let outcome = drive(&page).await;
        assert!(outcome.was_sent() && outcome.is_readable());
        assert_eq!(
            outcome.response().unwrap().body(),
            "POST https://api.example/x"
        );
    }
}
