use http::header::{HOST, ORIGIN};
use http::{HeaderMap, HeaderValue, Method, Uri};

use super::*;

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        h.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    h
}

/// Whether the guard refuses a write with these headers whose origin the
/// policy does not allow.
fn refused(pairs: &[(&str, &str)], uri: Option<&str>) -> bool {
    let h = headers(pairs);
    let uri = uri.map(|u| u.parse::<Uri>().unwrap());
    let mut origins = h.get_all(ORIGIN).iter();
    let origin = match (origins.next(), origins.next()) {
        (Some(o), None) => Some(o),
        _ => None,
    };
    let target = uri.as_ref().map(SchemeAndAuthority::of).unwrap_or_default();
    refuses(&h, origin, target).is_some()
}

#[test]
fn safe_methods_are_not_writes() {
    for m in [Method::GET, Method::HEAD, Method::OPTIONS] {
        assert!(!is_write(&m), "{m}");
    }
    for m in ["POST", "PUT", "PATCH", "DELETE", "patch", "PROPFIND"] {
        assert!(is_write(&Method::from_bytes(m.as_bytes()).unwrap()), "{m}");
    }
}

#[test]
fn fetch_metadata_decides_when_present() {
    let evil = ("origin", "https://evil.example");
    assert!(refused(&[evil, ("sec-fetch-site", "cross-site")], None));
    assert!(refused(&[evil, ("sec-fetch-site", "same-site")], None));
    assert!(!refused(&[evil, ("sec-fetch-site", "same-origin")], None));
    assert!(!refused(&[evil, ("sec-fetch-site", "none")], None));
    // Values no browser sends are not trusted.
    assert!(refused(&[evil, ("sec-fetch-site", "Same-Origin")], None));
    assert!(refused(&[evil, ("sec-fetch-site", "")], None));
    // A cross-site write without Origin is still cross-site.
    assert!(refused(&[("sec-fetch-site", "cross-site")], None));
}

#[test]
fn requests_without_browser_marks_pass() {
    assert!(!refused(&[], None));
    assert!(!refused(&[("host", "api.example.com")], None));
}

#[test]
fn without_fetch_metadata_the_origin_must_be_the_servers_own() {
    let host = ("host", "api.example.com");
    assert!(!refused(
        &[("origin", "https://api.example.com"), host],
        None
    ));
    assert!(!refused(
        &[("origin", "http://api.example.com"), host],
        None
    ));
    assert!(!refused(
        &[("origin", "https://API.example.com"), host],
        None
    ));
    assert!(refused(&[("origin", "https://evil.example"), host], None));
    assert!(refused(
        &[("origin", "https://api.example.com.evil.example"), host],
        None
    ));
    assert!(refused(
        &[("origin", "https://api.example.com:8443"), host],
        None
    ));
    assert!(refused(&[("origin", "null"), host], None));
    // No Host to compare with: not provably the server's own.
    assert!(refused(&[("origin", "https://api.example.com")], None));
    // Several origins: none is the server's own.
    assert!(refused(
        &[
            ("origin", "https://api.example.com"),
            ("origin", "https://api.example.com"),
            host
        ],
        None
    ));
}

#[test]
fn a_host_may_spell_out_the_default_port() {
    let own = |origin: &str, host: &str| !refused(&[("origin", origin), ("host", host)], None);
    assert!(own("https://api.example.com", "api.example.com:443"));
    assert!(own("http://api.example.com", "api.example.com:80"));
    assert!(!own("https://api.example.com", "api.example.com:80"));
    assert!(!own("https://api.example.com", "api.example.com:4430"));
    assert!(own("http://127.0.0.1:3000", "127.0.0.1:3000"));
    assert!(own("http://[::1]:3000", "[::1]:3000"));
}

#[test]
fn the_uris_scheme_and_authority_win_when_known() {
    let origin = ("origin", "https://api.example.com");
    // HTTP/2: the authority is in the URI, there may be no Host.
    assert!(!refused(
        &[origin],
        Some("https://api.example.com/transfer")
    ));
    // The server is reached over http: an https page is another origin.
    assert!(refused(&[origin], Some("http://api.example.com/transfer")));
    assert!(!refused(
        &[("origin", "http://api.example.com")],
        Some("http://api.example.com/transfer")
    ));
    // Origin-form (HTTP/1.1): the Host header decides, either scheme.
    assert!(!refused(
        &[origin, (HOST.as_str(), "api.example.com")],
        Some("/transfer")
    ));
}

#[test]
fn websocket_handshakes_are_known_by_upgrade_or_by_connect_with_a_version() {
    for upgrade in ["websocket", "WebSocket", "h2c, websocket", " websocket "] {
        let h = headers(&[("upgrade", upgrade)]);
        assert!(is_websocket_handshake(&Method::GET, &h), "{upgrade}");
        assert!(!is_websocket_handshake(&Method::POST, &h), "{upgrade}");
    }
    // Any line may list it.
    let lines = headers(&[("upgrade", "h2c"), ("upgrade", "websocket")]);
    assert!(is_websocket_handshake(&Method::GET, &lines));
    for upgrade in ["h2c", "websockets", "web socket", ""] {
        let h = headers(&[("upgrade", upgrade)]);
        assert!(!is_websocket_handshake(&Method::GET, &h), "{upgrade}");
    }
    assert!(!is_websocket_handshake(&Method::GET, &HeaderMap::new()));
    // HTTP/2's extended CONNECT (RFC 8441) carries the version.
    let h2 = headers(&[("sec-websocket-version", "13")]);
    assert!(is_websocket_handshake(&Method::CONNECT, &h2));
    assert!(!is_websocket_handshake(&Method::CONNECT, &HeaderMap::new()));
}
