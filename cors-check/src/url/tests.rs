use super::*;

#[test]
fn the_made_up_origin_takes_the_scheme_of_the_page() {
    assert_eq!(
        made_up_origin("http://127.0.0.1:8080"),
        "http://cors-check-probe.example"
    );
    assert_eq!(
        made_up_origin("https://app.example/x"),
        "https://cors-check-probe.example"
    );
    // A policy's `*` has no scheme.
    assert_eq!(made_up_origin("*"), "https://cors-check-probe.example");
}

#[test]
fn origins_are_serialized_as_browsers_send_them() {
    assert_eq!(
        origin("https", "App.Example", Some(443)).as_deref(),
        Some("https://app.example")
    );
    assert_eq!(
        origin("http", "[0:0::1]", Some(3000)).as_deref(),
        Some("http://[::1]:3000")
    );
    assert_eq!(origin("https", &"a".repeat(64), None), None);
    assert_eq!(
        origin_of("HTTP://127.1:80/a?b").as_deref(),
        Some("http://127.0.0.1")
    );
    assert_eq!(origin_of("null"), None);
}

#[test]
fn urls_are_taken_apart_and_resolved() {
    let v6 = Url::parse("http://[::1]:8080/a").unwrap();
    assert_eq!(bare_host(&v6), "::1");
    assert_eq!(
        path_and_query("https://api.example/v1/x?y=1#z"),
        "/v1/x?y=1"
    );
    assert_eq!(path_and_query("https://api.example"), "/");
    assert_eq!(
        resolve("https://api.example:8443/v1/x?y=1", "/items").as_deref(),
        Some("https://api.example:8443/items")
    );
    assert_eq!(
        resolve("https://api.example/v1/x?y=1", "sibling").as_deref(),
        Some("https://api.example/v1/sibling")
    );
    assert_eq!(
        resolve("https://api.example/", "https://other.example/a").as_deref(),
        Some("https://other.example/a")
    );
    let http = Url::parse("http://localhost:8080/a?b=1").unwrap();
    assert_eq!(
        over_https(&http).unwrap().to_string(),
        "https://localhost:8080/a?b=1"
    );
}
