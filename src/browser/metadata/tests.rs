//! `Sec-Fetch-Site` from page and URL, and where Fetch Metadata goes.

use super::*;

fn relation(page: &str, domain: Option<&str>, url: &str) -> Site {
    let target = Url::parse(url).unwrap();
    PageSite::new(page, domain).unwrap().relation(&target)
}

#[test]
fn same_origin_same_site_cross_site() {
    let page = "https://app.example.com";
    assert_eq!(
        relation(page, None, "https://APP.example.com:443/x"),
        Site::SameOrigin
    );
    // The same host on another port is the same site.
    assert_eq!(
        relation(page, None, "https://app.example.com:8443/"),
        Site::SameSite
    );
    // Sites are schemeful: http and https are two sites.
    assert_eq!(
        relation(page, None, "http://app.example.com/"),
        Site::CrossSite
    );
    // Without the registrable domain, a sibling is another site...
    assert_eq!(
        relation(page, None, "https://api.example.com/"),
        Site::CrossSite
    );
    // ...and with it, the domain itself and every host under it are the page's.
    let d = Some("example.com");
    assert_eq!(
        relation(page, d, "https://api.example.com/"),
        Site::SameSite
    );
    assert_eq!(relation(page, d, "https://example.com/"), Site::SameSite);
    assert_eq!(
        relation(page, d, "https://a.b.example.com/"),
        Site::SameSite
    );
    assert_eq!(
        relation(page, d, "https://badexample.com/"),
        Site::CrossSite
    );
    assert_eq!(
        relation(page, d, "https://example.com.evil/"),
        Site::CrossSite
    );
    assert_eq!(
        relation(page, d, "http://api.example.com/"),
        Site::CrossSite
    );
}

#[test]
fn loopback_and_ip_hosts() {
    assert_eq!(
        relation("http://localhost:5173", None, "http://localhost:3000/"),
        Site::SameSite
    );
    assert_eq!(
        relation("http://127.0.0.1:5173", None, "http://localhost:3000/"),
        Site::CrossSite
    );
    assert_eq!(
        relation("http://[::1]:5173", None, "http://[::1]:3000/"),
        Site::SameSite
    );
    assert_eq!(
        relation("http://[::1]:5173", None, "http://[0::1]:5173/"),
        Site::SameOrigin
    );
}

#[test]
fn a_null_origin_is_cross_site_to_everything() {
    assert_eq!(
        relation("null", None, "https://app.example.com/"),
        Site::CrossSite
    );
}

#[test]
fn a_declared_domain_must_be_the_pages() {
    let bad = |page: &str, d: &str| {
        matches!(
            PageSite::new(page, Some(d)),
            Err(InvalidRequest::RegistrableDomain { .. })
        )
    };
    assert!(bad("https://app.example.com", "other.com"));
    assert!(bad("https://app.example.com", "le.com"));
    assert!(bad("https://app.example.com", ""));
    assert!(bad("https://app.example.com", ".example.com"));
    assert!(bad("http://127.0.0.1:3000", "0.0.1"));
    assert!(bad("http://[::1]:3000", "1]"));
    assert!(bad("null", "example.com"));
    assert!(PageSite::new("https://app.example.com", Some("Example.COM")).is_ok());
    assert!(PageSite::new("https://example.com", Some("example.com")).is_ok());
}

#[test]
fn only_trustworthy_urls_get_metadata() {
    let trusted = |u: &str| is_potentially_trustworthy(&u.parse().unwrap());
    assert!(trusted("https://api.example.com/"));
    assert!(trusted("http://localhost:3000/"));
    assert!(trusted("http://app.localhost/"));
    assert!(trusted("http://127.0.0.1/"));
    assert!(trusted("http://127.8.9.10:81/"));
    assert!(trusted("http://[::1]:3000/"));
    assert!(!trusted("http://api.example.com/"));
    assert!(!trusted("http://localhost.example.com/"));
    assert!(!trusted("http://10.0.0.1/"));
}

#[test]
fn headers_as_engines_send_them() {
    let mut headers = HeaderMap::new();
    Metadata {
        site: Site::SameSite,
        mode: "navigate",
        dest: "document",
        user: true,
    }
    .append_to(&mut headers);
    assert_eq!(headers["sec-fetch-site"], "same-site");
    assert_eq!(headers["sec-fetch-mode"], "navigate");
    assert_eq!(headers["sec-fetch-dest"], "document");
    assert_eq!(headers["sec-fetch-user"], "?1");
    let mut headers = HeaderMap::new();
    Metadata {
        site: Site::CrossSite,
        mode: "cors",
        dest: "empty",
        user: false,
    }
    .append_to(&mut headers);
    assert_eq!(headers.len(), 3);
    assert!(!headers.contains_key("sec-fetch-user"));
}
