use super::*;
use http::HeaderValue;

#[test]
fn the_answer_replaces_cors_headers_and_extends_vary() {
    let mut inner = HeaderMap::new();
    inner.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    inner.insert(
        "access-control-allow-methods",
        HeaderValue::from_static("DELETE"),
    );
    inner.insert("vary", HeaderValue::from_static("accept-encoding"));
    inner.insert("x-request-id", HeaderValue::from_static("7"));

    let mut answer = HeaderMap::new();
    answer.insert(
        "access-control-allow-origin",
        HeaderValue::from_static("https://a.com"),
    );
    answer.insert(
        "access-control-allow-headers",
        HeaderValue::from_static("x-a"),
    );
    answer.append(
        "access-control-allow-headers",
        HeaderValue::from_static("x-b"),
    );
    answer.insert("vary", HeaderValue::from_static("origin"));
    merge(answer, &mut inner);

    assert_eq!(inner["access-control-allow-origin"], "https://a.com");
    assert!(!inner.contains_key("access-control-allow-methods"));
    let acah: Vec<_> = inner
        .get_all("access-control-allow-headers")
        .iter()
        .collect();
    assert_eq!(acah, ["x-a", "x-b"]);
    let vary: Vec<_> = inner.get_all("vary").iter().collect();
    assert_eq!(vary, ["accept-encoding", "origin"]);
    assert_eq!(inner["x-request-id"], "7");
}

#[test]
fn a_refused_answer_strips_what_the_service_allowed() {
    let mut inner = HeaderMap::new();
    inner.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    inner.insert(
        "access-control-allow-private-network",
        HeaderValue::from_static("true"),
    );
    let mut answer = HeaderMap::new();
    answer.insert("vary", HeaderValue::from_static("origin"));
    merge(answer, &mut inner);
    assert_eq!(inner.len(), 1);
    assert_eq!(inner["vary"], "origin");
}
