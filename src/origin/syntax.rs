//! The byte-level grammar of a serialised origin, shared by the configured
//! side (which reports problems) and the request side (which only matches).
//!
//! A browser serialises an origin as `scheme "://" host [ ":" port ]` with a
//! lower-case scheme and host, punycode for international names, compressed
//! lower-case IPv6 in brackets, and no default port (Fetch, `#origin-header`;
//! URL standard, "ASCII serialization of an origin").

use crate::url::host::{is_forbidden_domain_code_point, MAX_HOST_LEN, MAX_LABEL_LEN};

/// Origins longer than this never match; configured ones are refused.
///
/// A DNS name is at most 253 bytes, so every real origin fits with room to
/// spare; the bound keeps hashing a hostile `Origin` cheap.
pub(crate) const MAX_ORIGIN_LEN: usize = 512;

/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`, lower case only.
pub(crate) fn is_scheme(s: &[u8]) -> bool {
    match s.split_first() {
        Some((first, rest)) => {
            first.is_ascii_lowercase()
                && rest.iter().all(|&b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
                })
        }
        None => false,
    }
}

/// A domain as browsers send it: ASCII without upper case or the URL
/// Standard's forbidden domain code points, labels of 1 to 63 bytes, at most
/// 253 bytes in all, and at most one trailing dot (which browsers keep).
/// Byte checks only, cheap enough for every request: `xn--` labels are
/// checked for punycode where origins are configured.
pub(crate) fn is_domain(host: &[u8]) -> bool {
    let name = host.strip_suffix(b".").unwrap_or(host);
    if name.is_empty() || name.len() > MAX_HOST_LEN {
        return false;
    }
    name.split(|&b| b == b'.').all(|label| {
        !label.is_empty()
            && label.len() <= MAX_LABEL_LEN
            && label.iter().all(|&b| {
                b.is_ascii()
                    && !b.is_ascii_uppercase()
                    && !is_forbidden_domain_code_point(b as char)
            })
    })
}

/// A port as browsers write it: 1 to 5 digits, no leading zero, 1..=65535.
pub(crate) fn parse_port(digits: &[u8]) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 || digits[0] == b'0' {
        return None;
    }
    let mut value: u32 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(b - b'0');
    }
    u16::try_from(value).ok()
}

/// Where an origin's parts are, as byte ranges of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    /// Before `://`.
    pub scheme: &'a [u8],
    /// Between `://` and the port (brackets included for IPv6).
    pub host: &'a [u8],
    /// The length of `scheme://host`, the prefix that names the site without its port.
    pub host_end: usize,
    /// After the `:` that follows the host, if there is one.
    pub port: Option<&'a [u8]>,
}

/// Splits `scheme://host[:port]` without judging the parts.
///
/// Returns `None` when there is no `://`. Anything after the authority (a
/// path) stays in `port` or `host` and is caught by the callers' checks.
pub(crate) fn split(origin: &[u8]) -> Option<Split<'_>> {
    let colon = origin.iter().position(|&b| b == b':')?;
    let (scheme, rest) = origin.split_at(colon);
    let authority = rest.strip_prefix(b"://")?;
    let (host, port) = split_host_port(authority);
    Some(Split {
        scheme,
        host,
        host_end: colon + 3 + host.len(),
        port,
    })
}

/// Splits `host[:port]`, where the host may be a bracketed IPv6 address.
///
/// When something other than `:port` follows a bracketed host (`[::1]x`),
/// the whole input is returned as the host so that the host check fails.
pub(crate) fn split_host_port(authority: &[u8]) -> (&[u8], Option<&[u8]>) {
    let host_len = if authority.first() == Some(&b'[') {
        authority
            .iter()
            .position(|&b| b == b']')
            .map_or(authority.len(), |close| close + 1)
    } else {
        authority
            .iter()
            .position(|&b| b == b':')
            .unwrap_or(authority.len())
    };
    let (host, after) = authority.split_at(host_len);
    match after.strip_prefix(b":") {
        Some(port) => (host, Some(port)),
        // Nothing after the host (then the host is the whole authority), or
        // something other than a port: the whole authority is the host,
        // which the host checks then refuse.
        None => (authority, None),
    }
}

#[cfg(test)]
mod tests;
