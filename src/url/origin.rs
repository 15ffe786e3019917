//! The [ASCII serialisation of an origin](https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin):
//! `scheme "://" host [ ":" port ]`, the port left out when it is the
//! scheme's default. This is the `Origin` value a browser sends for a page.

use super::host::{self, HostError};

/// The port a scheme implies when none is written (URL Standard,
/// [special scheme](https://url.spec.whatwg.org/#special-scheme)).
pub(crate) fn default_port(scheme: &[u8]) -> Option<u16> {
    match scheme {
        b"http" | b"ws" => Some(80),
        b"https" | b"wss" => Some(443),
        b"ftp" => Some(21),
        _ => None,
    }
}

/// Serialises an origin from parts already in the form browsers send: a
/// lower-case `scheme` and a `host` as [`host::serialize`] gives it. The
/// port is written unless it is the scheme's default.
pub(crate) fn serialize(scheme: &str, host: &str, port: Option<u16>) -> String {
    match port.filter(|&p| Some(p) != default_port(scheme.as_bytes())) {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    }
}

/// The serialised origin of a URL's parts as written: the scheme
/// lower-cased, the host parsed as the URL Standard parses it (IPv4 number
/// forms and IPv6 normalised, case folded, DNS and punycode checks), a
/// default port dropped. An error when no browser loads the host.
pub(crate) fn of(scheme: &str, host: &str, port: Option<u16>) -> Result<String, HostError> {
    let host = host::serialize(host)?;
    Ok(serialize(&scheme.to_ascii_lowercase(), host.as_str(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_schemes_have_default_ports() {
        assert_eq!(default_port(b"http"), Some(80));
        assert_eq!(default_port(b"ws"), Some(80));
        assert_eq!(default_port(b"https"), Some(443));
        assert_eq!(default_port(b"wss"), Some(443));
        assert_eq!(default_port(b"ftp"), Some(21));
        assert_eq!(default_port(b"chrome-extension"), None);
        assert_eq!(
            default_port(b"HTTP"),
            None,
            "schemes are compared lower case"
        );
    }

    #[test]
    fn default_ports_are_left_out() {
        assert_eq!(serialize("https", "a.example", None), "https://a.example");
        assert_eq!(
            serialize("https", "a.example", Some(443)),
            "https://a.example"
        );
        assert_eq!(
            serialize("https", "a.example", Some(80)),
            "https://a.example:80"
        );
        assert_eq!(serialize("http", "[::1]", Some(80)), "http://[::1]");
        assert_eq!(serialize("http", "[::1]", Some(8080)), "http://[::1]:8080");
        assert_eq!(serialize("ws", "a", Some(80)), "ws://a");
        assert_eq!(serialize("wss", "a", Some(443)), "wss://a");
        assert_eq!(serialize("ftp", "a", Some(21)), "ftp://a");
        assert_eq!(serialize("x-app", "a", Some(443)), "x-app://a:443");
    }

    #[test]
    fn parts_are_read_as_browsers_read_them() {
        assert_eq!(
            of("HTTPS", "API.Example.com", Some(443)).as_deref(),
            Ok("https://api.example.com")
        );
        assert_eq!(
            of("http", "127.1", Some(3000)).as_deref(),
            Ok("http://127.0.0.1:3000")
        );
        assert_eq!(of("http", "[0:0::1]", None).as_deref(), Ok("http://[::1]"));
        assert_eq!(
            of("https", "example.com.", None).as_deref(),
            Ok("https://example.com.")
        );
        assert_eq!(of("https", "a..b", None), Err(HostError::EmptyLabel));
        assert_eq!(of("https", "256.0.0.1", None), Err(HostError::BadIpv4));
        assert!(matches!(
            of("https", "xn--f", None),
            Err(HostError::BadPunycode(_))
        ));
    }
}
