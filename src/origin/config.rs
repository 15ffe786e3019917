//! Reading one configured origin (`https://a.com`, `https://*.a.com`,
//! `http://localhost:*`) and saying exactly what is wrong with it.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::syntax::{self, MAX_ORIGIN_LEN};
use crate::error::{Problem, ProblemKind};

const SETTING: &str = "allow_origins";

/// A configured origin, checked and in the form a browser sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OriginRule {
    /// Exactly this serialised origin.
    Exact(String),
    /// `scheme://host` with any port (or none): written `scheme://host:*`.
    AnyPort {
        /// `scheme://host`, the part of the request origin before its port.
        site: String,
    },
    /// `scheme://*.suffix[:port]`: one or more labels under `suffix`.
    Subdomains {
        scheme: String,
        suffix: String,
        port: PortRule,
    },
}

/// The ports a subdomain pattern accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortRule {
    /// Exactly this port; `None` is the scheme's default (no port written).
    Exact(Option<u16>),
    /// Any port, or none.
    Any,
}

impl OriginRule {
    /// The scheme and host this rule allows (the host without its `*.`).
    pub(crate) fn scheme_and_host(&self) -> (&str, &str) {
        let site = match self {
            OriginRule::Subdomains { scheme, suffix, .. } => return (scheme, suffix),
            OriginRule::Exact(site) | OriginRule::AnyPort { site } => site,
        };
        // Checked rules always have `scheme://host`; `split` cuts next to
        // ASCII bytes only, so the byte ranges are character boundaries.
        match syntax::split(site.as_bytes()) {
            Some(parts) => {
                let host_start = parts.host_end - parts.host.len();
                (
                    &site[..parts.scheme.len()],
                    &site[host_start..parts.host_end],
                )
            }
            None => ("", site),
        }
    }
}

/// Whether a host names this machine: `localhost`, `*.localhost`,
/// `127.0.0.0/8` or `[::1]`. Browsers treat these as potentially trustworthy
/// even over `http:`.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// Parses one configured origin. On failure, returns every problem with it
/// that can be told apart, each with a hint built from the corrected form.
pub(crate) fn parse_rule(raw: &str) -> Result<OriginRule, Vec<Problem>> {
    let problem = |kind, hint: String| Problem::new(kind, SETTING, Some(raw), hint);

    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(vec![problem(
            ProblemKind::EmptyValue,
            "remove it, or write an origin like `https://example.com`".into(),
        )]);
    }
    if trimmed != raw {
        return Err(vec![problem(
            ProblemKind::OriginBadHost,
            format!("remove the surrounding whitespace: `{trimmed}`"),
        )]);
    }
    if raw.eq_ignore_ascii_case("null") {
        return Err(vec![problem(
            ProblemKind::OriginOpaque,
            "`null` is sent by sandboxed iframes, `file:` and `data:` documents and after \
             cross-origin redirects, so any site can make a request look like it; never allow it"
                .into(),
        )]);
    }
    if !raw.is_ascii() {
        return Err(vec![problem(
            ProblemKind::OriginNotAscii,
            "browsers send international domain names in punycode; write the host in its \
             `xn--` form (e.g. `https://xn--bcher-kva.de` for bücher.de)"
                .into(),
        )]);
    }
    if raw.len() > MAX_ORIGIN_LEN {
        return Err(vec![problem(
            ProblemKind::OriginTooLong,
            format!("origins longer than {MAX_ORIGIN_LEN} bytes are never matched"),
        )]);
    }
    let Some(scheme_end) = raw.find("://") else {
        let guess = if raw.starts_with("localhost") || raw.starts_with("127.") {
            "http"
        } else {
            "https"
        };
        let host = raw.split('/').next().unwrap_or(raw);
        return Err(vec![problem(
            ProblemKind::OriginMissingScheme,
            format!("an origin starts with its scheme; write it as `{guess}://{host}`"),
        )]);
    };

    let scheme_raw = &raw[..scheme_end];
    let scheme = scheme_raw.to_ascii_lowercase();
    if !syntax::is_scheme(scheme.as_bytes()) {
        return Err(vec![problem(
            ProblemKind::OriginMissingScheme,
            format!("`{scheme_raw}` is not a URL scheme; write it as `https://host`"),
        )]);
    }
    if matches!(
        scheme.as_str(),
        "file" | "data" | "blob" | "about" | "javascript"
    ) {
        return Err(vec![problem(
            ProblemKind::OriginOpaque,
            format!(
                "`{scheme}:` documents send `Origin: null`, which any site can produce; \
                 serve the page over http(s) and allow that origin"
            ),
        )]);
    }

    let after_scheme = &raw[scheme_end + 3..];
    let authority_len = after_scheme
        .find(['/', '?', '#'])
        .unwrap_or(after_scheme.len());
    let (authority, path) = after_scheme.split_at(authority_len);
    let (userinfo, host_port) = match authority.rfind('@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };

    // Port problems that still leave a usable host are collected, so that
    // the hints can show the fully corrected origin.
    let mut problems = Vec::new();
    let (host_raw, port_raw) = split_host_port_str(host_port);
    let host = host_raw.to_ascii_lowercase();
    let default_port = syntax::default_port(scheme.as_bytes());

    let port_rule = match port_raw {
        None => PortRule::Exact(None),
        Some("*") => PortRule::Any,
        Some(digits) => match syntax::parse_port(digits.as_bytes()) {
            Some(p) if Some(p) == default_port => {
                problems.push(ProblemKind::OriginHasDefaultPort);
                PortRule::Exact(None)
            }
            Some(p) => PortRule::Exact(Some(p)),
            None => {
                let canonical = digits.trim_start_matches('0');
                let hint = match syntax::parse_port(canonical.as_bytes()) {
                    Some(p) => format!("write the port as `{p}`"),
                    None => "a port is a number from 1 to 65535, or `*` for any port".into(),
                };
                return Err(vec![problem(ProblemKind::OriginBadPort, hint)]);
            }
        },
    };
    let port_suffix = match port_rule {
        PortRule::Exact(None) => String::new(),
        PortRule::Exact(Some(p)) => format!(":{p}"),
        PortRule::Any => ":*".into(),
    };

    // Host: wildcard first, then the host kinds.
    let (wildcard, bare_host) = match host.strip_prefix("*.") {
        Some(rest) => (true, rest.to_owned()),
        None => (false, host.clone()),
    };
    let fixed = |h: &str| {
        format!(
            "{scheme}://{}{h}{port_suffix}",
            if wildcard { "*." } else { "" }
        )
    };

    if bare_host.contains('*') || host == "*" {
        return Err(vec![problem(
            ProblemKind::OriginBadWildcard,
            "`*` may only be a whole leftmost label (`https://*.example.com`, one or more \
             subdomains) or the whole port (`http://localhost:*`); to allow every origin, \
             write `*` alone"
                .into(),
        )]);
    }

    let host_ok;
    let mut host_hint = None;
    if let Some(inner) = bare_host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
    {
        match inner.parse::<Ipv6Addr>() {
            Ok(ip) => {
                let canonical = format!("[{ip}]");
                host_ok = canonical == bare_host;
                if !host_ok {
                    host_hint = Some(format!(
                        "browsers send IPv6 addresses compressed; write it as `{}`",
                        fixed(&canonical)
                    ));
                }
            }
            Err(_) => {
                host_ok = false;
                host_hint = Some(format!("`{bare_host}` is not an IPv6 address"));
            }
        }
        if wildcard {
            return Err(vec![problem(
                ProblemKind::OriginBadWildcard,
                "an IP address has no subdomains; list the exact origin".into(),
            )]);
        }
    } else if syntax::looks_like_ipv4(bare_host.as_bytes()) {
        match bare_host.parse::<Ipv4Addr>() {
            Ok(ip) => {
                host_ok = ip.to_string() == bare_host;
                if !host_ok {
                    host_hint = Some(format!("write the address as `{}`", fixed(&ip.to_string())));
                }
            }
            Err(_) => {
                host_ok = false;
                host_hint = Some(format!(
                    "`{bare_host}` is neither a valid IPv4 address nor a domain name"
                ));
            }
        }
        if wildcard {
            return Err(vec![problem(
                ProblemKind::OriginBadWildcard,
                "an IP address has no subdomains; list the exact origin".into(),
            )]);
        }
    } else {
        host_ok = syntax::is_domain(bare_host.as_bytes());
        if !host_ok {
            host_hint = Some(format!(
                "`{bare_host}` is not a host browsers send: use lower-case letters, digits, \
                 `-` and dots (labels of 1 to 63 bytes, no trailing dot), punycode for \
                 international names"
            ));
        }
    }
    if !host_ok {
        return Err(vec![problem(
            ProblemKind::OriginBadHost,
            host_hint.unwrap_or_else(|| "not a valid host".into()),
        )]);
    }

    // From here on the host is fine: the remaining problems are all about
    // spelling, and each hint shows the fixed origin.
    let fixed_origin = fixed(&bare_host);
    let write_as = || format!("write it as `{fixed_origin}`");
    let mut out = Vec::new();
    if userinfo.is_some() {
        out.push(problem(
            ProblemKind::OriginHasUserinfo,
            format!("browsers never send user info in `Origin`; {}", write_as()),
        ));
    }
    if !path.is_empty() {
        out.push(problem(
            ProblemKind::OriginHasPath,
            format!(
                "an origin has no path, query or trailing slash; {}",
                write_as()
            ),
        ));
    }
    if scheme_raw != scheme || host_raw != host {
        out.push(problem(
            ProblemKind::OriginNotLowercase,
            format!("browsers send origins in lower case; {}", write_as()),
        ));
    }
    for kind in problems {
        out.push(problem(
            kind,
            format!("browsers never write the default port; {}", write_as()),
        ));
    }
    if !out.is_empty() {
        return Err(out);
    }

    Ok(match (wildcard, port_rule) {
        (true, port) => OriginRule::Subdomains {
            scheme,
            suffix: bare_host,
            port,
        },
        (false, PortRule::Any) => OriginRule::AnyPort {
            site: format!("{scheme}://{bare_host}"),
        },
        (false, PortRule::Exact(_)) => OriginRule::Exact(fixed_origin),
    })
}

/// [`syntax::split_host_port`] for text.
fn split_host_port_str(authority: &str) -> (&str, Option<&str>) {
    let (host, port) = syntax::split_host_port(authority.as_bytes());
    // `split_host_port` cuts only next to the ASCII bytes `]` and `:`, so both
    // parts are on character boundaries of `authority`.
    let host = &authority[..host.len()];
    let port = port.map(|p| &authority[authority.len() - p.len()..]);
    (host, port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(raw: &str) -> Vec<ProblemKind> {
        parse_rule(raw)
            .unwrap_err()
            .iter()
            .map(Problem::kind)
            .collect()
    }

    fn hint(raw: &str) -> String {
        parse_rule(raw).unwrap_err()[0].hint().to_owned()
    }

    #[test]
    fn exact_origins() {
        for ok in [
            "https://a.com",
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "http://[::1]:3000",
            "https://xn--bcher-kva.de",
            "chrome-extension://abcdefghijklmnop",
        ] {
            assert_eq!(parse_rule(ok), Ok(OriginRule::Exact(ok.into())), "{ok}");
        }
    }

    #[test]
    fn patterns() {
        assert_eq!(
            parse_rule("https://*.example.com"),
            Ok(OriginRule::Subdomains {
                scheme: "https".into(),
                suffix: "example.com".into(),
                port: PortRule::Exact(None),
            })
        );
        assert_eq!(
            parse_rule("http://*.localhost:*"),
            Ok(OriginRule::Subdomains {
                scheme: "http".into(),
                suffix: "localhost".into(),
                port: PortRule::Any,
            })
        );
        assert_eq!(
            parse_rule("http://localhost:*"),
            Ok(OriginRule::AnyPort {
                site: "http://localhost".into()
            })
        );
        assert_eq!(
            parse_rule("http://[::1]:*"),
            Ok(OriginRule::AnyPort {
                site: "http://[::1]".into()
            })
        );
    }

    #[test]
    fn mistakes_get_the_corrected_origin_as_hint() {
        assert_eq!(kinds("myfrontend.com"), [ProblemKind::OriginMissingScheme]);
        assert!(hint("myfrontend.com").contains("`https://myfrontend.com`"));
        assert!(hint("localhost:3000").contains("`http://localhost:3000`"));
        assert_eq!(
            kinds("https://myfrontend.com/"),
            [ProblemKind::OriginHasPath]
        );
        assert!(hint("https://myfrontend.com/").contains("`https://myfrontend.com`"));
        assert_eq!(
            kinds("https://myfrontend.com/api"),
            [ProblemKind::OriginHasPath]
        );
        assert_eq!(
            kinds("https://user@x.com"),
            [ProblemKind::OriginHasUserinfo]
        );
        assert!(hint("https://user:pw@x.com").contains("`https://x.com`"));
        assert_eq!(
            kinds("https://a.com:443"),
            [ProblemKind::OriginHasDefaultPort]
        );
        assert!(hint("https://a.com:443").contains("`https://a.com`"));
        assert_eq!(
            kinds("http://a.com:80"),
            [ProblemKind::OriginHasDefaultPort]
        );
        assert_eq!(kinds("HTTPS://A.com"), [ProblemKind::OriginNotLowercase]);
        assert!(hint("HTTPS://A.com").contains("`https://a.com`"));
        assert_eq!(
            kinds("HTTPS://A.com:443/"),
            [
                ProblemKind::OriginHasPath,
                ProblemKind::OriginNotLowercase,
                ProblemKind::OriginHasDefaultPort
            ]
        );
        assert!(hint("http://[0:0::1]:3000").contains("`http://[::1]:3000`"));
    }

    #[test]
    fn rejected_outright() {
        assert_eq!(kinds("null"), [ProblemKind::OriginOpaque]);
        assert_eq!(kinds("file://"), [ProblemKind::OriginOpaque]);
        assert_eq!(
            kinds("file:///home/me/index.html"),
            [ProblemKind::OriginOpaque]
        );
        assert_eq!(kinds(""), [ProblemKind::EmptyValue]);
        assert_eq!(kinds(" https://a.com"), [ProblemKind::OriginBadHost]);
        assert_eq!(kinds("https://bücher.de"), [ProblemKind::OriginNotAscii]);
        assert_eq!(kinds("https://a_b.com"), [ProblemKind::OriginBadHost]);
        assert_eq!(kinds("https://a.com."), [ProblemKind::OriginBadHost]);
        assert_eq!(kinds("https://"), [ProblemKind::OriginBadHost]);
        assert_eq!(kinds("https://a.com:0"), [ProblemKind::OriginBadPort]);
        assert_eq!(kinds("https://a.com:"), [ProblemKind::OriginBadPort]);
        assert_eq!(kinds("https://a.com:99999"), [ProblemKind::OriginBadPort]);
        assert!(hint("https://a.com:08080").contains("`8080`"));
        assert_eq!(kinds("https://*"), [ProblemKind::OriginBadWildcard]);
        assert_eq!(kinds("https://a*.b.com"), [ProblemKind::OriginBadWildcard]);
        assert_eq!(kinds("https://a.*.b.com"), [ProblemKind::OriginBadWildcard]);
        assert_eq!(
            kinds("https://*.127.0.0.1"),
            [ProblemKind::OriginBadWildcard]
        );
        assert_eq!(kinds("http://01.2.3.4"), [ProblemKind::OriginBadHost]);
        assert_eq!(kinds("http://[zz]"), [ProblemKind::OriginBadHost]);
        assert_eq!(
            kinds(&format!("https://{}.com", "a".repeat(600))),
            [ProblemKind::OriginTooLong]
        );
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
}
