use http::header::VARY;
use tower_cors::browser::varies_on_origin;

use super::*;

#[test]
fn vary_is_read_as_a_list_over_lines() {
    let mut h = HeaderMap::new();
    assert!(!varies_on_origin(&h));
    h.append(VARY, HeaderValue::from_static("accept-encoding"));
    assert!(!varies_on_origin(&h));
    h.append(VARY, HeaderValue::from_static("Accept, ORIGIN"));
    assert!(varies_on_origin(&h));
    let mut star = HeaderMap::new();
    star.insert(VARY, HeaderValue::from_static("*"));
    assert!(varies_on_origin(&star));
}

#[test]
fn allow_origin_lines_are_joined_and_credentials_must_be_exactly_true() {
    let mut h = HeaderMap::new();
    h.append(
        ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("https://a"),
    );
    h.append(
        ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static(" https://b "),
    );
    assert_eq!(allow_origin(&h).as_deref(), Some("https://a, https://b"));
    h.insert(
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("True"),
    );
    assert!(!allows_credentials(&h));
    h.insert(
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    assert!(allows_credentials(&h));
}
