//! Tests of the Fetch tables against the standard's examples (and WPT's).

use super::*;

fn safe(name: &str, value: &str) -> bool {
    is_cors_safelisted_request_header(name.as_bytes(), value.as_bytes())
}

#[test]
fn tokens() {
    assert!(is_token(b"x-custom") && is_token(b"!#$%&'*+-.^_`|~09azAZ"));
    for bad in [
        &b""[..],
        b"a b",
        b"a,b",
        b"a:b",
        b"\"a\"",
        b"a\x7f",
        b"\xc3\xa9",
    ] {
        assert!(!is_token(bad), "{bad:?}");
    }
    assert!((0..=255u8).all(|b| TCHAR[usize::from(b)] == is_tchar(b)));
}

#[test]
fn methods_normalize_only_the_six() {
    assert_eq!(normalize_method("put"), "PUT");
    assert_eq!(normalize_method("dElEtE"), "DELETE");
    assert_eq!(normalize_method("options"), "OPTIONS");
    assert_eq!(normalize_method("patch"), "patch");
    assert_eq!(normalize_method("CHICKEN"), "CHICKEN");
    assert_eq!(normalize_method("trace"), "trace");
}

#[test]
fn forbidden_and_safelisted_methods() {
    for m in ["CONNECT", "trace", "Track"] {
        assert!(is_forbidden_method(m), "{m}");
    }
    assert!(!is_forbidden_method("TRACES") && !is_forbidden_method("GET"));
    assert!(is_cors_safelisted_method(b"GET") && is_cors_safelisted_method(b"POST"));
    assert!(!is_cors_safelisted_method(b"get") && !is_cors_safelisted_method(b"PUT"));
}

#[test]
fn forbidden_request_headers() {
    for name in [
        "Cookie",
        "origin",
        "Sec-Fetch-Mode",
        "proxy-authorization",
        "Host",
    ] {
        assert!(is_forbidden_request_header(name.as_bytes(), b"x"), "{name}");
    }
    assert!(!is_forbidden_request_header(b"Authorization", b"x"));
    assert!(!is_forbidden_request_header(b"x-secret", b"x"));
    assert!(is_forbidden_request_header(
        b"X-HTTP-Method-Override",
        b"GET, trace"
    ));
    assert!(is_forbidden_request_header(
        b"x-method-override",
        b" CONNECT "
    ));
    assert!(is_forbidden_request_header(b"X-HTTP-Method", b"track"));
    assert!(!is_forbidden_request_header(b"X-HTTP-Method", b"PATCH"));
    // A quoted element is not a method name.
    assert!(!is_forbidden_request_header(b"X-HTTP-Method", b"\"TRACE\""));
    assert!(!is_forbidden_request_header(b"X-Other-Override", b"TRACE"));
}

#[test]
fn split_keeps_quoted_commas() {
    assert_eq!(
        split_header_value(b" a ,\"b,c\" d, ,"),
        vec![&b"a"[..], b"\"b,c\" d", b"", b""]
    );
    assert_eq!(split_header_value(b""), vec![&b""[..]]);
    assert_eq!(split_header_value(b"\"open,"), vec![&b"\"open,"[..]]);
}

#[test]
fn content_type_rules() {
    assert!(safe("content-type", "Text/Plain;charset=utf-8"));
    assert!(safe("Content-Type", "multipart/form-data; boundary=x"));
    assert!(safe("content-type", " application/x-www-form-urlencoded "));
    assert!(safe("content-type", "text/plain ;"));
    for bad in [
        "application/json",
        "text /plain",
        "text/plain,x/x",
        "text/plain; a=\"b\"",
        "text/plain;(x)",
        "text",
        "/plain",
        "text/",
    ] {
        assert!(!safe("content-type", bad), "{bad}");
    }
}

#[test]
fn accept_and_language_rules() {
    assert!(safe("accept", "application/json, text/*;q=0.8"));
    assert!(safe("Accept", "*/*"));
    assert!(!safe("accept", "text/html; a=\"b\""));
    assert!(!safe("accept", "x\x01"));
    assert!(safe("accept", "a\tb"));
    assert!(safe("accept-language", "en-US,fr;q=0.5, *"));
    assert!(safe("content-language", "de-DE"));
    assert!(!safe("accept-language", "en_US"));
    assert!(!safe("content-language", "en/US"));
    assert!(!safe("x-custom", "a"));
    assert!(!safe("authorization", "Bearer x"));
}

#[test]
fn range_rules() {
    // A suffix range parses but is not safelisted: it has no start.
    assert_eq!(
        parse_single_range(b"bytes=-500"),
        Some(ByteRange {
            start: None,
            end: Some(&b"500"[..])
        })
    );
    assert!(safe("range", "bytes=0-"));
    assert!(safe("range", "bytes=10-20"));
    assert!(safe("range", "bytes=5-5"));
    assert!(safe("range", "bytes=00001-2"));
    assert!(safe(
        "range",
        "bytes=99999999999999999999999-999999999999999999999999"
    ));
    for bad in [
        "bytes=-500",
        "bytes=20-10",
        "bytes=0-1,3-4",
        "bytes= 0-",
        "Bytes=0-",
        "bytes=-",
        "bytes=a-",
        "items=0-",
        "bytes=99999999999999999999999-1",
    ] {
        assert!(!safe("range", bad), "{bad}");
    }
}

#[test]
fn value_length_limit() {
    let ok = format!("text/plain;a={}", "b".repeat(SAFELISTED_VALUE_MAX - 13));
    assert_eq!(ok.len(), SAFELISTED_VALUE_MAX);
    assert!(safe("content-type", &ok));
    assert!(!safe("content-type", &format!("{ok}b")));
}

#[test]
fn unsafe_names_are_lowercase_sorted_unique() {
    let headers = [
        ("X-Requested-With", "XMLHttpRequest"),
        ("Content-Type", "application/json"),
        ("x-custom", "1"),
        ("X-Custom", "2"),
        ("Accept", "*/*"),
    ];
    let names = cors_unsafe_request_header_names(&headers);
    assert_eq!(names, ["content-type", "x-custom", "x-requested-with"]);
    assert_eq!(
        access_control_request_headers_value(&names),
        "content-type,x-custom,x-requested-with"
    );
    let none: [(&str, &str); 1] = [("content-type", "text/plain")];
    assert!(cors_unsafe_request_header_names(&none).is_empty());
}

#[test]
fn safelisted_total_over_1024_makes_all_unsafe() {
    let v = "a".repeat(128);
    // 8 × 128 = 1024: still safe.
    let at_limit: Vec<(&str, &str)> = (0..8).map(|_| ("accept", v.as_str())).collect();
    assert!(cors_unsafe_request_header_names(&at_limit).is_empty());
    let mut over = at_limit.clone();
    over.push(("content-language", "en"));
    over.push(("x-a", "1"));
    assert_eq!(
        cors_unsafe_request_header_names(&over),
        ["accept", "content-language", "x-a"]
    );
}

#[test]
fn non_wildcard_name_and_response_headers() {
    assert!(is_cors_non_wildcard_request_header_name(b"Authorization"));
    assert!(!is_cors_non_wildcard_request_header_name(b"x-auth"));
    assert!(is_cors_safelisted_response_header_name(b"Content-Type"));
    assert!(!is_cors_safelisted_response_header_name(b"x-total"));
    assert!(!is_cors_safelisted_response_header_name(b"date"));
    assert!(is_forbidden_response_header_name(b"Set-Cookie"));
    assert!(is_forbidden_response_header_name(b"set-cookie2"));
    assert!(!is_forbidden_response_header_name(b"cookie"));
}

#[test]
fn protocol_names_by_direction() {
    assert!(is_cors_request_only_name(b"Origin"));
    assert!(is_cors_request_only_name(b"Access-Control-Request-Headers"));
    assert!(!is_cors_request_only_name(b"access-control-allow-origin"));
    assert!(is_cors_response_only_name(b"Access-Control-Allow-Origin"));
    assert!(is_cors_response_only_name(b"access-control-max-age"));
    assert!(!is_cors_response_only_name(b"origin"));
    assert!(!is_cors_response_only_name(
        b"access-control-request-method"
    ));
}
