use super::*;

#[test]
fn split_finds_the_parts() {
    let s = split(b"https://a.example.com:8443").unwrap();
    assert_eq!(s.scheme, b"https");
    assert_eq!(s.host, b"a.example.com");
    assert_eq!(s.host_end, "https://a.example.com".len());
    assert_eq!(s.port, Some(&b"8443"[..]));

    let s = split(b"http://[::1]:3000").unwrap();
    assert_eq!(s.host, b"[::1]");
    assert_eq!(s.port, Some(&b"3000"[..]));

    assert!(split(b"example.com").is_none());
    assert!(split(b"localhost:3000").is_none());
}

#[test]
fn domains_are_lower_case_ldh_labels() {
    assert!(is_domain(b"a.example.com"));
    assert!(is_domain(b"xn--bcher-kva.de"));
    assert!(is_domain(b"localhost"));
    assert!(is_domain(b"my_service"));
    assert!(is_domain(b"example.com."));
    for bad in [
        &b"A.example.com"[..],
        b"a%2e.example.com",
        b"a^b.example.com",
        b"example.com..",
        b".",
        b"a..b",
        b"",
        "bücher.de".as_bytes(),
    ] {
        assert!(!is_domain(bad), "{:?}", String::from_utf8_lossy(bad));
    }
    assert!(!is_domain(&[b'a'; 64]));
}

#[test]
fn ports_are_canonical_numbers() {
    assert_eq!(parse_port(b"8080"), Some(8080));
    assert_eq!(parse_port(b"65535"), Some(65535));
    assert_eq!(parse_port(b"65536"), None);
    assert_eq!(parse_port(b"080"), None);
    assert_eq!(parse_port(b"0"), None);
    assert_eq!(parse_port(b""), None);
    assert_eq!(parse_port(b"80a"), None);
    assert_eq!(parse_port(b"999999"), None);
}

#[test]
fn scheme_grammar() {
    assert!(is_scheme(b"https"));
    assert!(is_scheme(b"chrome-extension"));
    assert!(!is_scheme(b"HTTPS"));
    assert!(!is_scheme(b"1http"));
    assert!(!is_scheme(b""));
}
