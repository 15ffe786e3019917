//! What `fetch()` accepts, and the preflight and actual requests it sends.

use http::header::{ACCEPT, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN};

use super::*;
use crate::browser::{Enctype, Mode, RequestKind, Site};

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
    let mut names: Vec<_> = pre.headers().keys().map(|n| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "accept",
            "access-control-request-method",
            "origin",
            "sec-fetch-dest",
            "sec-fetch-mode",
            "sec-fetch-site"
        ]
    );
    assert_eq!(pre.headers()["sec-fetch-mode"], "cors");
    assert_eq!(pre.headers()["sec-fetch-site"], "cross-site");
    assert_eq!(pre.headers()["sec-fetch-dest"], "empty");
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

#[test]
fn no_cors_keeps_only_safelisted_methods_and_headers() {
    let no_cors = |method: &str| {
        PageRequest::new("https://a.example", method, "https://b.example/").mode(Mode::NoCors)
    };
    for method in ["GET", "head", "post"] {
        assert!(no_cors(method).prepare().is_ok(), "{method}");
    }
    for method in ["PUT", "delete", "PATCH", "OPTIONS"] {
        assert_eq!(
            no_cors(method).prepare().unwrap_err(),
            InvalidRequest::NoCorsMethod(method.to_owned())
        );
    }
    let r = prepare(
        no_cors("POST")
            .header("Content-Type", "text/plain")
            .header("Content-Type", "text/plain")
            .header("Accept-Language", "fr")
            .header("Content-Language", "de")
            .header("Accept", "text/html")
            .header("Range", "bytes=0-")
            .header("Authorization", "Bearer t")
            .header("X-Custom", "1")
            .header("Content-Type2", "x"),
    );
    let headers = r.headers();
    let mut names: Vec<_> = headers.keys().map(|n| n.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "accept",
            "accept-language",
            "content-language",
            "content-type"
        ]
    );
    // The second value would make `text/plain, text/plain`: not appended.
    assert_eq!(headers["content-type"], "text/plain");
    // A non-safelisted Content-Type is dropped whole.
    let json = prepare(no_cors("POST").header("Content-Type", "application/json"));
    assert!(json.headers().is_empty());
    assert!(!json.needs_preflight());
    assert!(json.preflight::<()>().is_none());
}

#[test]
fn what_each_kind_sends_cross_site() {
    let to = "https://api.example/x";
    let cors = prepare(PageRequest::new("https://app.example", "GET", to));
    let no_cors = prepare(PageRequest::new("https://app.example", "POST", to).mode(Mode::NoCors));
    let form = prepare(
        PageRequest::form_post("https://app.example", to, Enctype::Multipart).user_activation(true),
    );
    let form_get = prepare(PageRequest::form_get("https://app.example", to));
    let sent = |r: &CorsRequest| {
        let h = r.actual::<()>().headers().clone();
        let get = |n: &str| h.get(n).map(|v| v.to_str().unwrap().to_owned());
        (
            get("origin"),
            get("sec-fetch-site"),
            get("sec-fetch-mode"),
            get("sec-fetch-dest"),
            get("sec-fetch-user"),
        )
    };
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        sent(&cors),
        (
            s("https://app.example"),
            s("cross-site"),
            s("cors"),
            s("empty"),
            None
        )
    );
    assert_eq!(
        sent(&no_cors),
        (
            s("https://app.example"),
            s("cross-site"),
            s("no-cors"),
            s("empty"),
            None
        )
    );
    assert_eq!(
        sent(&form),
        (
            s("https://app.example"),
            s("cross-site"),
            s("navigate"),
            s("document"),
            s("?1")
        )
    );
    assert_eq!(
        sent(&form_get),
        (None, s("cross-site"), s("navigate"), s("document"), None)
    );
    let form_headers = form.actual::<()>().headers().clone();
    assert!(form_headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("multipart/form-data; boundary="));
    assert!(form_headers["accept"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(form.credentials(), Credentials::Include);
    for r in [&no_cors, &form, &form_get] {
        assert!(r.is_cross_origin() && !r.needs_preflight());
    }
    // A no-cors GET sends no Origin, as a form GET.
    let get = prepare(PageRequest::new("https://app.example", "GET", to).mode(Mode::NoCors));
    assert!(get.origin_header().is_none());
}

#[test]
fn every_enctype_is_a_safelisted_content_type() {
    for enctype in [Enctype::UrlEncoded, Enctype::Multipart, Enctype::TextPlain] {
        let form = prepare(PageRequest::form_post(
            "https://app.example",
            "https://api.example/",
            enctype,
        ));
        assert!(form.unsafe_header_names().is_empty(), "{enctype:?}");
        // The same request as a cors fetch needs no preflight either.
        let fetch = prepare(
            PageRequest::form_post("https://app.example", "https://api.example/", enctype)
                .mode(Mode::Cors),
        );
        assert_eq!(fetch.kind(), RequestKind::Cors);
        assert!(!fetch.needs_preflight(), "{enctype:?}");
        assert_eq!(fetch.headers()["content-type"], enctype.content_type());
    }
}

#[test]
fn a_form_sets_no_header() {
    let form = PageRequest::form_post(
        "https://a.example",
        "https://b.example/",
        Enctype::TextPlain,
    )
    .header("X-Csrf", "1");
    assert_eq!(
        form.prepare().unwrap_err(),
        InvalidRequest::FormHeader("X-Csrf".to_owned())
    );
    assert!(form.prepare().unwrap_err().to_string().contains("fetch()"));
}

#[test]
fn origin_of_non_cors_writes_follows_the_referrer_policy() {
    let post = |page: &str, url: &str, mode: Mode| {
        prepare(PageRequest::new(page, "POST", url).mode(mode))
            .origin_header()
            .map(str::to_owned)
    };
    let s = |v: &str| Some(v.to_owned());
    // https page to an http URL: `null` (strict-origin-when-cross-origin)...
    assert_eq!(
        post("https://a.example", "http://b.example/", Mode::NoCors),
        s("null")
    );
    // ...but a cors request sends its origin whatever the schemes.
    assert_eq!(
        post("https://a.example", "http://b.example/", Mode::Cors),
        s("https://a.example")
    );
    assert_eq!(
        post("http://a.example", "https://b.example/", Mode::NoCors),
        s("http://a.example")
    );
    // Same-origin writes carry Origin in every mode.
    assert_eq!(
        post("https://a.example", "https://a.example/", Mode::NoCors),
        s("https://a.example")
    );
    assert_eq!(
        post("https://a.example", "https://a.example/", Mode::Cors),
        s("https://a.example")
    );
}

#[test]
fn fetch_metadata_goes_to_trustworthy_urls_of_engines_that_send_it() {
    let same = prepare(PageRequest::new(
        "https://a.example",
        "PUT",
        "https://a.example/x",
    ));
    let h = same.actual::<()>();
    assert_eq!(h.headers()["sec-fetch-site"], "same-origin");
    assert_eq!(h.headers()["sec-fetch-mode"], "cors");
    let plain_http = prepare(PageRequest::new(
        "http://a.example",
        "POST",
        "http://b.example/",
    ));
    assert!(!plain_http.sends_fetch_metadata());
    assert!(!plain_http
        .actual::<()>()
        .headers()
        .contains_key("sec-fetch-site"));
    assert_eq!(
        plain_http.actual::<()>().headers()[ORIGIN],
        "http://a.example"
    );
    let old = prepare(
        PageRequest::new("https://a.example", "PUT", "https://b.example/").fetch_metadata(false),
    );
    assert!(!old.sends_fetch_metadata());
    for request in [old.actual::<()>(), old.preflight::<()>().unwrap()] {
        assert!(request
            .headers()
            .keys()
            .all(|n| !n.as_str().starts_with("sec-")));
    }
    // A fetch() never says the user asked for it.
    let fetch = prepare(
        PageRequest::new("https://a.example", "GET", "https://b.example/").user_activation(true),
    );
    assert!(!fetch
        .actual::<()>()
        .headers()
        .contains_key("sec-fetch-user"));
}

#[test]
fn a_declared_registrable_domain_makes_siblings_same_site() {
    let page = PageRequest::new(
        "https://app.example.com",
        "DELETE",
        "https://api.example.com/1",
    );
    assert_eq!(prepare(page.clone()).sec_fetch_site(), Site::CrossSite);
    let declared = prepare(page.clone().registrable_domain("example.com"));
    assert_eq!(declared.sec_fetch_site(), Site::SameSite);
    assert_eq!(
        declared.preflight::<()>().unwrap().headers()["sec-fetch-site"],
        "same-site"
    );
    let wrong = page
        .registrable_domain("example.org")
        .prepare()
        .unwrap_err();
    assert!(matches!(wrong, InvalidRequest::RegistrableDomain { .. }));
    assert!(wrong.to_string().contains("example.org"), "{wrong}");
}
