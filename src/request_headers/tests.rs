use super::*;
use http::header::ACCESS_CONTROL_REQUEST_HEADERS as ACRH;
use http::HeaderMap;

fn allowed(names: &[&str], any: bool) -> AllowedHeaders {
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    AllowedHeaders::new(&names, any)
}

fn check<'a>(a: &AllowedHeaders, map: &'a HeaderMap) -> HeadersCheck<'a> {
    a.check(&map.get_all(ACRH))
}

fn req(lines: &[&str]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for l in lines {
        map.append(ACRH, HeaderValue::from_str(l).unwrap());
    }
    map
}

#[test]
fn the_byte_bound_is_inclusive() {
    let a = allowed(&[], true);
    // One name of exactly the bound is read; one byte more is not.
    let exact = "x".repeat(MAX_BYTES_ANY);
    assert_eq!(check(&a, &req(&[&exact])), HeadersCheck::Allowed);
    let over = "x".repeat(MAX_BYTES_ANY + 1);
    assert_eq!(check(&a, &req(&[&over])), HeadersCheck::TooLarge);
}

#[test]
fn browser_form_is_matched_along_the_list() {
    let a = allowed(&["x-a", "x-b", "x-c"], false);
    assert!(a.lists_in_order(b"x-a,x-c"));
    assert!(a.lists_in_order(b"x-b"));
    // Out of order, spaced, repeated, cased or empty: not the browser's
    // form, left to the general reader.
    for line in [
        &b"x-c,x-a"[..],
        b"x-a, x-b",
        b"x-a,x-a",
        b"X-A",
        b"",
        b"x-a,",
    ] {
        assert!(
            !a.lists_in_order(line),
            "{:?}",
            String::from_utf8_lossy(line)
        );
    }
    assert!(!a.lists_in_order(b"x-a,x-d"));
    // The general reader still accepts the forms it accepts.
    assert_eq!(check(&a, &req(&["x-c, X-A"])), HeadersCheck::Allowed);
    assert_eq!(
        check(&a, &req(&["x-a,x-d"])),
        HeadersCheck::NotAllowed("x-d")
    );
}

#[test]
fn browser_form_is_accepted() {
    let a = allowed(&["Content-Type", "x-requested-with", "X-Custom"], false);
    assert_eq!(
        check(&a, &req(&["content-type,x-custom,x-requested-with"])),
        HeadersCheck::Allowed
    );
    assert_eq!(check(&a, &req(&[])), HeadersCheck::Allowed);
    assert_eq!(check(&a, &req(&["content-type"])), HeadersCheck::Allowed);
}

#[test]
fn proxy_forms_are_accepted() {
    let a = allowed(&["content-type", "x-requested-with"], false);
    for lines in [
        &["Content-Type, X-Requested-With"][..],
        &[" content-type ,\tx-requested-with "],
        &[",content-type,,x-requested-with,"],
        &["content-type", "x-requested-with"],
        &["", "content-type"],
    ] {
        assert_eq!(check(&a, &req(lines)), HeadersCheck::Allowed, "{lines:?}");
    }
}

#[test]
fn unlisted_names_are_named() {
    let a = allowed(&["content-type"], false);
    assert_eq!(
        check(&a, &req(&["content-type,X-Other"])),
        HeadersCheck::NotAllowed("X-Other")
    );
    assert_eq!(
        check(&a, &req(&["content-typ"])),
        HeadersCheck::NotAllowed("content-typ")
    );
    assert_eq!(
        check(&a, &req(&["content-type-x"])),
        HeadersCheck::NotAllowed("content-type-x")
    );
}

#[test]
fn malformed_elements() {
    let a = allowed(&["content-type", "x-a"], false);
    for bad in ["content type", "x-a;", "x-a,\"q\"", "(x)", "x-a:1"] {
        assert_eq!(check(&a, &req(&[bad])), HeadersCheck::Malformed, "{bad}");
    }
}

#[test]
fn bounds() {
    let a = allowed(&["content-type"], false);
    let big = "a,".repeat(1000);
    assert_eq!(check(&a, &req(&[&big])), HeadersCheck::TooLarge);
    let spaces = ", ".repeat(100);
    assert_eq!(check(&a, &req(&[&spaces])), HeadersCheck::TooLarge);
    let lines = vec![""; MAX_LINES + 1];
    assert_eq!(check(&a, &req(&lines)), HeadersCheck::TooLarge);
    let lines = vec![""; MAX_LINES];
    assert_eq!(check(&a, &req(&lines)), HeadersCheck::Allowed);
    // The longest list the policy allows fits, with spaces.
    assert_eq!(
        check(&a, &req(&[" content-type , "])),
        HeadersCheck::Allowed
    );
}

#[test]
fn wildcard_never_covers_authorization() {
    let any = allowed(&[], true);
    assert_eq!(
        check(&any, &req(&["x-anything,x-else"])),
        HeadersCheck::Allowed
    );
    assert_eq!(
        check(&any, &req(&["Authorization,x-a"])),
        HeadersCheck::NotAllowed("Authorization")
    );
    let any_and_auth = allowed(&["authorization"], true);
    assert_eq!(
        check(&any_and_auth, &req(&["authorization,x-a"])),
        HeadersCheck::Allowed
    );
    let big = "a,".repeat(MAX_BYTES_ANY);
    assert_eq!(check(&any, &req(&[&big])), HeadersCheck::TooLarge);
}

#[test]
fn case_insensitive_compare() {
    use std::cmp::Ordering::*;
    assert_eq!(cmp_lowercase(b"x-a", b"X-A"), Equal);
    assert_eq!(cmp_lowercase(b"x-a", b"X-B"), Less);
    assert_eq!(cmp_lowercase(b"x-b", b"X-A"), Greater);
    assert_eq!(cmp_lowercase(b"x", b"X-A"), Less);
}
