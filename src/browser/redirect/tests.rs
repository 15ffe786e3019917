use super::*;
use crate::browser::PageRequest;

fn start(origin: &str, method: &str, url: &str) -> CorsRequest {
    PageRequest::new(origin, method, url)
        .header("Content-Type", "application/json")
        .prepare()
        .unwrap()
}

#[test]
fn origin_becomes_null_only_after_leaving_a_foreign_origin() {
    let r = start("https://app.example", "GET", "https://api.example/a");
    let same_host = r.redirect(StatusCode::FOUND, "/b").unwrap();
    assert_eq!(same_host.origin(), "https://app.example");
    let away = r
        .redirect(StatusCode::FOUND, "https://cdn.example/b")
        .unwrap();
    assert_eq!(away.origin(), "null");
    // Back to the page's origin: still a tainted CORS request.
    let back = away
        .redirect(StatusCode::FOUND, "https://app.example/c")
        .unwrap();
    assert_eq!(back.origin(), "null");
    assert!(back.is_cross_origin());

    let local = start("https://app.example", "GET", "https://app.example/a");
    let out = local
        .redirect(StatusCode::FOUND, "https://api.example/b")
        .unwrap();
    assert_eq!(out.origin(), "https://app.example");
    assert!(out.is_cross_origin() && !local.is_cross_origin());
}

#[test]
fn methods_after_redirects() {
    let post = start("https://app.example", "POST", "https://api.example/a");
    for (status, method) in [
        (301, "GET"),
        (302, "GET"),
        (303, "GET"),
        (307, "POST"),
        (308, "POST"),
    ] {
        let next = post
            .redirect(StatusCode::from_u16(status).unwrap(), "/b")
            .unwrap();
        assert_eq!(next.method(), method, "{status}");
        assert_eq!(
            next.headers().contains_key("content-type"),
            method == "POST",
            "{status}"
        );
    }
    let put = start("https://app.example", "PUT", "https://api.example/a");
    assert_eq!(
        put.redirect(StatusCode::FOUND, "/b").unwrap().method(),
        "PUT"
    );
    assert_eq!(
        put.redirect(StatusCode::SEE_OTHER, "/b").unwrap().method(),
        "GET"
    );
}

#[test]
fn limits() {
    let mut r = start("https://app.example", "GET", "https://api.example/0");
    for i in 0..MAX_REDIRECTS {
        r = r
            .redirect(StatusCode::FOUND, &format!("/{}", i + 1))
            .unwrap();
    }
    assert_eq!(
        r.redirect(StatusCode::FOUND, "/x"),
        Err(InvalidRedirect::TooMany)
    );
    assert!(matches!(
        r.redirect(StatusCode::OK, "/x"),
        Err(InvalidRedirect::NotARedirect(_))
    ));
    let fresh = start("https://app.example", "GET", "https://api.example/0");
    assert!(matches!(
        fresh.redirect(StatusCode::FOUND, "ftp://x/"),
        Err(InvalidRedirect::Location(_))
    ));
    assert!(matches!(
        fresh.redirect(StatusCode::FOUND, "https://u:p@x.example/"),
        Err(InvalidRedirect::Location(_))
    ));
    assert_eq!(
        fresh
            .redirect(StatusCode::FOUND, "/y")
            .unwrap()
            .initial_url(),
        "https://api.example/0"
    );
}

#[test]
fn sec_fetch_site_is_the_farthest_url_of_the_chain() {
    let r = PageRequest::new("https://app.example", "GET", "https://app.example/a")
        .prepare()
        .unwrap();
    assert_eq!(r.sec_fetch_site(), crate::browser::Site::SameOrigin);
    let away = r
        .redirect(StatusCode::FOUND, "https://cdn.example/b")
        .unwrap();
    let back = away
        .redirect(StatusCode::FOUND, "https://app.example/c")
        .unwrap();
    assert_eq!(back.sec_fetch_site(), crate::browser::Site::CrossSite);
    assert_eq!(
        back.actual::<()>().headers()["sec-fetch-site"],
        "cross-site"
    );
    // The preflight of a hop is a request of its own: its URL only.
    let put = PageRequest::new("https://app.example", "PUT", "https://app.example/a")
        .prepare()
        .unwrap()
        .redirect(StatusCode::TEMPORARY_REDIRECT, "https://cdn.example/b")
        .unwrap()
        .redirect(StatusCode::TEMPORARY_REDIRECT, "https://app.example/c")
        .unwrap();
    let preflight = put.preflight::<()>().expect("a cross-origin PUT");
    assert_eq!(preflight.headers()["sec-fetch-site"], "same-origin");
}

#[test]
fn a_redirected_form_post_becomes_a_get_without_its_body() {
    use crate::browser::Enctype;
    let form = PageRequest::form_post(
        "https://app.example",
        "https://api.example/login",
        Enctype::UrlEncoded,
    )
    .prepare()
    .unwrap();
    let next = form
        .redirect(StatusCode::SEE_OTHER, "https://app.example/home")
        .unwrap();
    assert_eq!(next.method(), Method::GET);
    let sent = next.actual::<()>();
    assert!(sent.headers().get("content-type").is_none());
    assert!(sent.headers().get("origin").is_none());
    assert_eq!(sent.headers()["sec-fetch-mode"], "navigate");
    assert_eq!(sent.headers()["sec-fetch-site"], "cross-site");
    // A 307 keeps the POST, its body and its Origin.
    let kept = form
        .redirect(StatusCode::TEMPORARY_REDIRECT, "https://api.example/login2")
        .unwrap();
    assert_eq!(
        kept.actual::<()>().headers()["origin"],
        "https://app.example"
    );
}
