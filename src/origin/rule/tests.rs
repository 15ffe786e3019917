use super::*;
use crate::origin::parse_rule;

#[test]
fn public_suffixes() {
    for s in ["com", "co.uk", "github.io", "herokuapp.com"] {
        assert!(is_public_suffix(s), "{s}");
    }
    for s in ["example.com", "localhost", "example.co.uk", "dev.test"] {
        assert!(!is_public_suffix(s), "{s}");
    }
    let rule = |s| parse_rule(s).unwrap();
    assert_eq!(
        rule("https://*.github.io").public_suffix(),
        Some("github.io")
    );
    assert_eq!(rule("https://*.example.com").public_suffix(), None);
    assert_eq!(rule("https://github.io").public_suffix(), None);
}

#[test]
fn insecure_origins() {
    let rule = |s| parse_rule(s).unwrap();
    for s in [
        "http://a.com",
        "http://*.a.com",
        "ws://a.com:*",
        "http://10.0.0.1",
    ] {
        assert!(rule(s).is_insecure(), "{s}");
    }
    for s in [
        "https://a.com",
        "http://localhost:3000",
        "http://*.localhost:*",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
        "http://localhost.:3000",
        "http://app.localhost.",
        "wss://a.com",
    ] {
        assert!(!rule(s).is_insecure(), "{s}");
    }
}

#[test]
fn loopback_hosts() {
    for h in [
        "localhost",
        "app.localhost",
        "127.0.0.1",
        "127.1.2.3",
        "[::1]",
    ] {
        assert!(is_loopback_host(h), "{h}");
    }
    for h in ["example.com", "localhost.example.com", "10.0.0.1", "[::2]"] {
        assert!(!is_loopback_host(h), "{h}");
    }
}

#[test]
fn scheme_and_host_of_each_rule() {
    let rule = |s| parse_rule(s).unwrap();
    assert_eq!(
        rule("https://a.com:8443").scheme_and_host(),
        ("https", "a.com")
    );
    assert_eq!(
        rule("http://[::1]:3000").scheme_and_host(),
        ("http", "[::1]")
    );
    assert_eq!(
        rule("http://localhost:*").scheme_and_host(),
        ("http", "localhost")
    );
    assert_eq!(
        rule("https://*.a.com").scheme_and_host(),
        ("https", "a.com")
    );
}
