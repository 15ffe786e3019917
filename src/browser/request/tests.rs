//! What `fetch()` accepts, and the preflight and actual requests it sends.

use http::header::{ACCEPT, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};

use super::*;

fn prepare(page: PageRequest) -> CorsRequest {
    page.prepare().unwrap()
}

#[test]
fn only_the_six_methods_are_normalised() {
    let p = |m: &str| {
        prepare(PageRequest::new(
            "https://a.example",
            m,
            "https://b.example/",
        ))
    };
    assert_eq!(p("put").method(), "PUT");
    assert_eq!(p("delete").method(), "DELETE");
    assert_eq!(p("patch").method(), "patch");
    assert_eq!(p("PATCH").method(), "PATCH");
    let pre = p("patch").preflight::<()>().unwrap();
    assert_eq!(pre.headers()[ACCESS_CONTROL_REQUEST_METHOD], "patch");
}

#[test]
fn simple_requests_need_no_preflight() {
    let r = prepare(
        PageRequest::new("https://a.example", "POST", "https://b.example/")
            .header("Content-Type", "text/plain;charset=UTF-8")
            .header("Accept-Language", "fr"),
    );
    assert!(!r.needs_preflight());
    assert!(r.preflight::<()>().is_none());
    let actual = r.actual::<()>();
    assert_eq!(actual.headers()[ORIGIN], "https://a.example");
    assert_eq!(actual.headers()[ACCEPT], "*/*");
}

#[test]
fn preflight_has_no_acrh_without_unsafe_headers() {
    let r = prepare(PageRequest::new(
        "https://a.example",
        "DELETE",
        "https://b.example/x?q=1",
    ));
    let pre = r.preflight::<()>().unwrap();
    assert!(!pre.headers().contains_key(ACCESS_CONTROL_REQUEST_HEADERS));
    assert_eq!(pre.headers().len(), 3);
    assert_eq!(pre.uri(), "https://b.example/x?q=1");
}

#[test]
fn forbidden_headers_are_dropped_and_repeats_combined() {
    let r = prepare(
        PageRequest::new("https://a.example", "GET", "https://b.example/")
            .header("Cookie", "a=1")
            .header("Sec-Fetch-Mode", "no-cors")
            .header("X-HTTP-Method-Override", "TRACE")
            .header("X-A", " 1 ")
            .header("x-a", "2")
            .header("Authorization", "Bearer t"),
    );
    let headers = r.headers();
    assert_eq!(headers.len(), 2);
    assert_eq!(headers["x-a"], "1, 2");
    assert_eq!(r.unsafe_header_names(), ["authorization", "x-a"]);
    let pre = r.preflight::<()>().unwrap();
    assert_eq!(
        pre.headers()[ACCESS_CONTROL_REQUEST_HEADERS],
        "authorization,x-a"
    );
    assert!(!pre.headers().contains_key("authorization"));
}

#[test]
fn repeated_safelisted_header_becomes_unsafe() {
    let r = prepare(
        PageRequest::new("https://a.example", "POST", "https://b.example/")
            .header("Content-Type", "text/plain")
            .header("Content-Type", "text/plain"),
    );
    assert_eq!(r.unsafe_header_names(), ["content-type"]);
}

#[test]
fn same_origin_requests() {
    let get = prepare(PageRequest::new(
        "http://localhost:3000",
        "GET",
        "http://LOCALHOST:3000/a",
    ));
    assert!(!get.is_cross_origin());
    assert!(!get.actual::<()>().headers().contains_key(ORIGIN));
    let post = prepare(PageRequest::new(
        "http://localhost:3000",
        "POST",
        "http://localhost:3000/a",
    ));
    assert_eq!(
        post.actual::<()>().headers()[ORIGIN],
        "http://localhost:3000"
    );
    let other_port = prepare(PageRequest::new(
        "http://localhost:3000",
        "GET",
        "http://localhost:3001/",
    ));
    assert!(other_port.is_cross_origin());
}

#[test]
fn what_fetch_rejects() {
    let bad = |p: PageRequest| p.prepare().unwrap_err();
    let ok_url = "https://b.example/";
    assert!(matches!(
        bad(PageRequest::new("https://A.example", "GET", ok_url)),
        InvalidRequest::Origin(_)
    ));
    assert!(matches!(
        bad(PageRequest::new("https://a.example/", "GET", ok_url)),
        InvalidRequest::Origin(_)
    ));
    assert!(matches!(
        bad(PageRequest::new("https://a.example:443", "GET", ok_url)),
        InvalidRequest::Origin(_)
    ));
    assert!(matches!(
        bad(PageRequest::new("https://a.example", "GET", "/relative")),
        InvalidRequest::Url(_)
    ));
    assert!(matches!(
        bad(PageRequest::new(
            "https://a.example",
            "GET",
            "ftp://b.example/"
        )),
        InvalidRequest::Url(_)
    ));
    assert!(matches!(
        bad(PageRequest::new(
            "https://a.example",
            "GET",
            "https://u:p@b.example/"
        )),
        InvalidRequest::Url(_)
    ));
    assert!(matches!(
        bad(PageRequest::new("https://a.example", "GE T", ok_url)),
        InvalidRequest::Method(_)
    ));
    assert!(matches!(
        bad(PageRequest::new("https://a.example", "track", ok_url)),
        InvalidRequest::ForbiddenMethod(_)
    ));
    assert!(matches!(
        bad(PageRequest::new("https://a.example", "GET", ok_url).header("X A", "1")),
        InvalidRequest::HeaderName(_)
    ));
    assert!(matches!(
        bad(PageRequest::new("https://a.example", "GET", ok_url).header("X-A", "a\nb")),
        InvalidRequest::HeaderValue(_)
    ));
    assert!(PageRequest::new("null", "GET", ok_url).prepare().is_ok());
    assert!(PageRequest::new("http://[::1]:8080", "GET", ok_url)
        .prepare()
        .is_ok());
}
