use super::*;

fn matcher(origins: &[&str]) -> OriginMatcher {
    let rules: Vec<_> = origins
        .iter()
        .map(|o| crate::origin::parse_rule(o).unwrap())
        .collect();
    OriginMatcher::new(&rules)
}

/// A name of `len` bytes: 63-byte labels and a shorter last one.
fn host_of(len: usize) -> String {
    let label = "a".repeat(63);
    let mut s = String::new();
    while s.len() + 64 < len {
        s.push_str(&label);
        s.push('.');
    }
    s.push_str(&"b".repeat(len - s.len()));
    s
}

/// The bounds hold at their values, on both sides: what may be
/// configured is matched, one byte more is refused when configured and
/// never matched when sent.
#[test]
fn length_bounds_are_inclusive() {
    use crate::origin::parse_rule;
    use crate::url::host::MAX_HOST_LEN;

    // The longest origin: a long scheme is all that can make one.
    let host = "a.example.com";
    let scheme = "x".repeat(MAX_ORIGIN_LEN - host.len() - 3);
    let longest = format!("{scheme}://{host}");
    assert_eq!(longest.len(), MAX_ORIGIN_LEN);
    assert!(matcher(&[&longest]).matches(longest.as_bytes()));
    assert!(parse_rule(&format!("x{longest}")).is_err());

    // The longest host under a pattern: `*.` and a 251-byte suffix.
    let suffix = host_of(MAX_HOST_LEN - 2);
    let pattern = format!("https://*.{suffix}");
    let m = matcher(&[&pattern]);
    let sent = format!("https://a.{suffix}");
    assert!(m.matches(sent.as_bytes()), "a 253-byte host");
    assert!(parse_rule(&format!("https://*.b{suffix}")).is_err());

    // A host over 253 bytes never matches a pattern, though its labels
    // are short and its suffix is allowed.
    let m = matcher(&["https://*.example.com"]);
    let fits = format!("https://{}.example.com", host_of(MAX_HOST_LEN - 12));
    assert!(m.matches(fits.as_bytes()));
    let over = format!("https://{}.example.com", host_of(MAX_HOST_LEN - 11));
    assert!(!m.matches(over.as_bytes()));
}

/// Whatever follows a bracketed IPv6 host that is not a port makes the
/// origin one no browser sends, and no `:*` rule matches it.
#[test]
fn junk_after_an_ipv6_host_never_matches() {
    let m = matcher(&["http://[::1]:*"]);
    assert!(m.matches(b"http://[::1]"));
    assert!(m.matches(b"http://[::1]:3000"));
    for no in [
        &b"http://[::1]x"[..],
        b"http://[::1]]",
        b"http://[::1]x:3000",
    ] {
        assert!(!m.matches(no), "{}", String::from_utf8_lossy(no));
    }
}

#[test]
fn exact_origins_match_byte_for_byte() {
    let m = matcher(&["https://myfrontend.com", "http://localhost:3000"]);
    assert!(m.matches(b"https://myfrontend.com"));
    assert!(m.matches(b"http://localhost:3000"));
    for no in [
        &b"https://myfrontend.com/"[..],
        b"https://MYFRONTEND.com",
        b"HTTPS://myfrontend.com",
        b"https://myfrontend.com:443",
        b"http://myfrontend.com",
        b"https://myfrontend.com.evil.net",
        b"https://evilmyfrontend.com",
        b"https://user@myfrontend.com",
        b"https://myfrontend.com, https://myfrontend.com",
        b"null",
        b"",
        b"http://localhost:3001",
        b"http://localhost",
    ] {
        assert!(!m.matches(no), "{}", String::from_utf8_lossy(no));
    }
}

#[test]
fn subdomain_patterns_need_at_least_one_label() {
    let m = matcher(&["https://*.example.com"]);
    assert!(m.matches(b"https://a.example.com"));
    assert!(m.matches(b"https://a.b.example.com"));
    // Hosts the URL Standard allows and browsers send as they are.
    assert!(m.matches(b"https://a_b.example.com"));
    for no in [
        &b"https://example.com"[..],
        b"https://evilexample.com",
        b"https://a.evilexample.com",
        b"https://.example.com",
        b"https://a..example.com",
        b"https://A.example.com",
        b"https://a%2e.example.com",
        b"https://a^.example.com",
        b"https://a.example.com.evil.net",
        b"https://appXexample.com",
        b"http://a.example.com",
        b"https://a.example.com:8443",
        b"https://a.example.com:443",
        b"https://a.example.com/",
        b"https://a.example.com.",
    ] {
        assert!(!m.matches(no), "{}", String::from_utf8_lossy(no));
    }
}

#[test]
fn a_trailing_dot_names_another_host() {
    let m = matcher(&["https://*.example.com.", "http://localhost.:3000"]);
    assert!(m.matches(b"https://a.example.com."));
    assert!(m.matches(b"http://localhost.:3000"));
    assert!(!m.matches(b"https://a.example.com"));
    assert!(!m.matches(b"https://a.example.com.."));
    assert!(!m.matches(b"http://localhost:3000"));
}

#[test]
fn port_patterns() {
    let m = matcher(&[
        "http://localhost:*",
        "http://[::1]:*",
        "https://*.dev.test:*",
    ]);
    assert!(m.matches(b"http://localhost:3000"));
    assert!(m.matches(b"http://localhost:65535"));
    assert!(m.matches(b"http://localhost"));
    assert!(m.matches(b"http://[::1]:5173"));
    assert!(m.matches(b"https://a.dev.test:8443"));
    assert!(m.matches(b"https://a.dev.test"));
    for no in [
        &b"http://localhost:0"[..],
        b"http://localhost:03000",
        b"http://localhost:80",
        b"http://localhost:99999",
        b"http://localhost:",
        b"http://localhost:3000/",
        b"https://localhost:3000",
        b"http://localhost.evil.net:3000",
        b"http://[::2]:3000",
        b"http://[0:0::1]:3000",
        b"https://dev.test:8443",
    ] {
        assert!(!m.matches(no), "{}", String::from_utf8_lossy(no));
    }
}

#[test]
fn over_long_and_binary_origins_never_match() {
    let m = matcher(&["https://*.example.com"]);
    let long = format!("https://{}.example.com", "a.".repeat(300));
    assert!(!m.matches(long.as_bytes()));
    assert!(!m.matches(b"https://\xff.example.com"));
    assert!(!m.matches(b"https://a\x00.example.com"));
}
