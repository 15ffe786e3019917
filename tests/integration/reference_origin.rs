//! The reference origin matcher: the oracle that the property tests
//! (`tests/integration/properties.rs`) and the fuzz targets (`fuzz/src/lib.rs`,
//! which includes this file with `#[path]`) compare the library against.
//!
//! It is written from the documented rules and the URL standard, uses only
//! `std`, and never calls tower_cors, so a disagreement with the library is a
//! finding:
//!
//! - an exact rule matches the same bytes and nothing else;
//! - `scheme://host:*` matches `scheme://host` with no port or with a port
//!   as browsers write it (no leading zero, 1 to 65535, not the scheme's
//!   default);
//! - `scheme://*.suffix[:port]` matches one or more lower-case LDH labels
//!   under `suffix`, with the port the rule names (none, `*`, or a number);
//! - `*` matches everything (whether credentials allow it is the caller's
//!   business).
//!
//! The reference does not validate rules: it reads rules the library accepted.

/// The URL standard's special schemes and their default ports
/// (<https://url.spec.whatwg.org/#special-scheme>). `file` is special but has
/// no default port; every other scheme has none either.
pub const SPECIAL_SCHEMES: [(&str, Option<u16>); 6] = [
    ("ftp", Some(21)),
    ("file", None),
    ("http", Some(80)),
    ("https", Some(443)),
    ("ws", Some(80)),
    ("wss", Some(443)),
];

/// The port a browser leaves out of an origin of this (lower-case) scheme.
pub fn default_port(scheme: &[u8]) -> Option<u16> {
    SPECIAL_SCHEMES
        .iter()
        .find(|(special, _)| special.as_bytes() == scheme)
        .and_then(|&(_, port)| port)
}

/// One configured origin rule, as the reference understands it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefRule {
    /// `*`.
    Any,
    /// Byte-exact.
    Exact(String),
    /// `site` with any canonical port or none.
    AnyPort {
        /// `scheme://host`.
        site: String,
    },
    /// `scheme://*.suffix[:port]`.
    Sub {
        /// Before `://`.
        scheme: String,
        /// After `*.`, without the port.
        suffix: String,
        /// `None` = no port written; `Some(None)` = `:*`; `Some(Some(p))` = `:p`.
        port: Option<Option<u16>>,
    },
}

impl RefRule {
    /// Reads a rule the library accepted.
    pub fn parse(rule: &str) -> RefRule {
        if rule == "*" {
            return RefRule::Any;
        }
        if let Some(i) = rule.find("://*.") {
            let scheme = rule[..i].to_owned();
            let rest = &rule[i + 5..];
            let (suffix, port) = match rest.rfind(':') {
                Some(c) if !rest.contains(']') || c > rest.rfind(']').unwrap_or(0) => {
                    let p = &rest[c + 1..];
                    let port = if p == "*" { None } else { p.parse().ok() };
                    (rest[..c].to_owned(), Some(port))
                }
                _ => (rest.to_owned(), None),
            };
            return RefRule::Sub {
                scheme,
                suffix,
                port,
            };
        }
        if let Some(site) = rule.strip_suffix(":*") {
            return RefRule::AnyPort {
                site: site.to_owned(),
            };
        }
        RefRule::Exact(rule.to_owned())
    }
}

/// `:port` as browsers write it after `scheme://host`: `None` if malformed
/// or the scheme's default.
fn canonical_port(scheme: &[u8], digits: &[u8]) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 || digits[0] == b'0' {
        return None;
    }
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    let p = u16::try_from(n).ok()?;
    if p == 0 || Some(p) == default_port(scheme) {
        return None;
    }
    Some(p)
}

/// A label as browsers send it: ASCII, no upper case, none of the URL
/// Standard's forbidden domain code points (C0, space, `#%/:<>?@[\]^|`,
/// DEL), 1 to 63 bytes.
fn ldh_label(l: &[u8]) -> bool {
    !l.is_empty()
        && l.len() <= 63
        && l.iter().all(|&b| {
            (0x21..0x7f).contains(&b) && !b.is_ascii_uppercase() && !b"#%/:<>?@[\\]^|".contains(&b)
        })
}

/// Whether a request `Origin` is allowed by one rule.
pub fn rule_matches(rule: &RefRule, origin: &[u8]) -> bool {
    match rule {
        RefRule::Any => true,
        RefRule::Exact(e) => origin == e.as_bytes(),
        RefRule::AnyPort { site } => {
            let Some(rest) = origin.strip_prefix(site.as_bytes()) else {
                return false;
            };
            if rest.is_empty() {
                return true;
            }
            let scheme = &site.as_bytes()[..site.find("://").unwrap_or(0)];
            rest.strip_prefix(b":")
                .is_some_and(|d| canonical_port(scheme, d).is_some())
        }
        RefRule::Sub {
            scheme,
            suffix,
            port,
        } => {
            let Some(rest) = origin
                .strip_prefix(scheme.as_bytes())
                .and_then(|r| r.strip_prefix(b"://"))
            else {
                return false;
            };
            let (host, port_digits) = match rest.iter().position(|&b| b == b':') {
                Some(c) => (&rest[..c], Some(&rest[c + 1..])),
                None => (rest, None),
            };
            let port_ok = match (port, port_digits) {
                (None, None) => true,
                (None, Some(_)) => false,
                (Some(None), None) => true,
                (Some(None), Some(d)) => canonical_port(scheme.as_bytes(), d).is_some(),
                (Some(Some(_)), None) => false,
                (Some(Some(p)), Some(d)) => canonical_port(scheme.as_bytes(), d) == Some(*p),
            };
            if !port_ok || host.len() > 253 {
                return false;
            }
            let dotted = format!(".{suffix}");
            let Some(labels) = host.strip_suffix(dotted.as_bytes()) else {
                return false;
            };
            !labels.is_empty() && labels.split(|&b| b == b'.').all(ldh_label)
        }
    }
}
