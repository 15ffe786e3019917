//! The URL Standard's host parser and serialiser, for ASCII hosts: what a
//! browser makes of a host, and so the exact bytes it sends in `Origin` for
//! a page served from it
//! ([URL Standard, host parsing](https://url.spec.whatwg.org/#host-parsing),
//! [host serializing](https://url.spec.whatwg.org/#host-serializing)).
//!
//! Hosts here are ASCII (international names are written in their punycode
//! form, as configured origins must be and as browsers send them), so
//! domain-to-ASCII reduces to lower-casing and checking `xn--` labels.
//! Browsers also refuse to load hosts that DNS cannot hold, so labels over
//! 63 bytes and names over 253 are refused here too.

use std::net::Ipv6Addr;

use super::punycode;

/// A DNS label is at most 63 bytes (RFC 1035 §2.3.4).
pub(crate) const MAX_LABEL_LEN: usize = 63;
/// A DNS name is at most 253 bytes in its dotted form, without a final dot.
pub(crate) const MAX_HOST_LEN: usize = 253;

/// Why a host is not one a browser can load a page from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostError {
    /// A code point the URL Standard forbids in a domain.
    ForbiddenCodePoint(char),
    /// An empty label (`a..b`, `.a`).
    EmptyLabel,
    /// A label or the whole name is longer than DNS allows.
    TooLong,
    /// An `xn--` label that is not valid punycode for a Unicode label.
    BadPunycode(String),
    /// The host ends in a number but is not a valid IPv4 address.
    BadIpv4,
    /// A bracketed host that is not an IPv6 address.
    BadIpv6,
    /// Not ASCII: configured hosts are written in punycode.
    NotAscii,
}

/// A host as browsers serialise it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sent {
    /// A domain, lower case, with its trailing dot if it had one.
    Domain(String),
    /// An IPv4 address in dotted decimal, or an IPv6 address in brackets.
    Ip(String),
}

impl Sent {
    /// The serialised host.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Sent::Domain(s) | Sent::Ip(s) => s,
        }
    }
}

/// Parses a host as a URL with a special scheme does and returns its
/// serialisation, the form browsers send. `host` may have upper case.
pub(crate) fn serialize(host: &str) -> Result<Sent, HostError> {
    if !host.is_ascii() {
        return Err(HostError::NotAscii);
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(HostError::BadIpv6)?;
        let ip: Ipv6Addr = inner.parse().map_err(|_| HostError::BadIpv6)?;
        return Ok(Sent::Ip(format!("[{}]", ipv6(ip))));
    }
    let lower = host.to_ascii_lowercase();
    if let Some(c) = lower.chars().find(|&c| is_forbidden_domain_code_point(c)) {
        return Err(HostError::ForbiddenCodePoint(c));
    }
    if ends_in_a_number(&lower) {
        return ipv4(&lower).map(|n| Sent::Ip(std::net::Ipv4Addr::from(n).to_string()));
    }
    check_dns_name(&lower)?;
    Ok(Sent::Domain(lower))
}

impl HostError {
    /// Why browsers never send this host, for a hint.
    pub(crate) fn explain(&self, host: &str) -> String {
        match self {
            HostError::ForbiddenCodePoint(c) => format!(
                "{c:?} cannot appear in a host (a forbidden domain code point of the URL \
                 Standard), so no browser loads a page from `{host}`"
            ),
            HostError::EmptyLabel => {
                format!("`{host}` has an empty label; write each label between single dots")
            }
            HostError::TooLong => format!(
                "DNS names have labels of at most {MAX_LABEL_LEN} bytes and at most \
                 {MAX_HOST_LEN} bytes in all, so no page is served from `{host}`"
            ),
            HostError::BadPunycode(label) => format!(
                "`{label}` is not valid punycode, so browsers refuse to load this host; write \
                 the `xn--` form of the international name (e.g. `xn--bcher-kva.de` for bücher.de)"
            ),
            HostError::BadIpv4 => format!(
                "`{host}` ends in a number, so browsers read it as an IPv4 address, and it is \
                 not a valid one"
            ),
            HostError::BadIpv6 => format!("`{host}` is not an IPv6 address"),
            HostError::NotAscii => "browsers send international domain names in punycode; write \
                 the host in its `xn--` form"
                .to_owned(),
        }
    }
}

/// [Forbidden domain code points](https://url.spec.whatwg.org/#forbidden-domain-code-point):
/// the forbidden host code points, C0 controls, `%` and DEL.
pub(crate) fn is_forbidden_domain_code_point(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{1f}'
            | ' '
            | '#'
            | '%'
            | '/'
            | ':'
            | '<'
            | '>'
            | '?'
            | '@'
            | '['
            | '\\'
            | ']'
            | '^'
            | '|'
            | '\u{7f}'
    )
}

/// Labels of 1 to 63 bytes (one final empty label, a trailing dot, is
/// allowed), at most 253 bytes without the dot; `xn--` labels valid.
fn check_dns_name(host: &str) -> Result<(), HostError> {
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.len() > MAX_HOST_LEN {
        return Err(HostError::TooLong);
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(HostError::EmptyLabel);
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(HostError::TooLong);
        }
        if let Some(encoded) = label.strip_prefix("xn--") {
            check_punycode_label(label, encoded)?;
        }
    }
    Ok(())
}

/// UTS #46 for an `xn--` label: the rest must decode as punycode to a
/// label that is not empty and not all ASCII.
fn check_punycode_label(label: &str, encoded: &str) -> Result<(), HostError> {
    let bad = || HostError::BadPunycode(label.to_owned());
    let decoded = punycode::decode(encoded).ok_or_else(bad)?;
    if decoded.is_empty() || decoded.iter().all(char::is_ascii) {
        return Err(bad());
    }
    Ok(())
}

/// [Ends in a number](https://url.spec.whatwg.org/#ends-in-a-number-checker):
/// the last label (before one trailing dot) is decimal digits or `0x` hex.
fn ends_in_a_number(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    let last = name.rsplit('.').next().unwrap_or_default();
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    last.strip_prefix("0x")
        .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The [IPv4 parser](https://url.spec.whatwg.org/#concept-ipv4-parser):
/// one to four parts, each decimal, octal (leading `0`) or hex (`0x`).
fn ipv4(host: &str) -> Result<u32, HostError> {
    let name = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 4 {
        return Err(HostError::BadIpv4);
    }
    let numbers = parts
        .iter()
        .map(|p| ipv4_number(p))
        .collect::<Option<Vec<u64>>>()
        .ok_or(HostError::BadIpv4)?;
    let (last, init) = numbers.split_last().ok_or(HostError::BadIpv4)?;
    if init.iter().any(|&n| n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return Err(HostError::BadIpv4);
    }
    let mut address = *last;
    for (i, n) in init.iter().enumerate() {
        address += n * 256u64.pow(3 - i as u32);
    }
    u32::try_from(address).map_err(|_| HostError::BadIpv4)
}

/// The [IPv4 number parser](https://url.spec.whatwg.org/#ipv4-number-parser):
/// `0x` hex, a leading `0` octal, else decimal; leading zeros allowed in
/// any (`0x0000000001` is 1). `None` for anything else, and for a number
/// over `u64` (which no part may be anyway).
fn ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(octal) = part.strip_prefix('0') {
        (octal, 8)
    } else {
        (part, 10)
    };
    // Only digits of the radix: `u64::from_str_radix` alone would also take
    // a leading `+`, which the URL Standard does not.
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Overflow ends the parse at the first digit too many, so a long part
    // costs no more than twenty digits' work after its leading zeros.
    match digits.trim_start_matches('0') {
        "" => Some(0),
        significant => u64::from_str_radix(significant, radix).ok(),
    }
}

/// The [IPv6 serializer](https://url.spec.whatwg.org/#concept-ipv6-serializer):
/// lower-case hex pieces, the first longest run of two or more zero pieces
/// compressed to `::`, and never a dotted IPv4 tail.
fn ipv6(ip: Ipv6Addr) -> String {
    let pieces = ip.segments();
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < 8 {
        if pieces[i] == 0 {
            let start = i;
            while i < 8 && pieces[i] == 0 {
                i += 1;
            }
            let len = i - start;
            if len > 1 && best.map_or(true, |(_, l)| len > l) {
                best = Some((start, len));
            }
        } else {
            i += 1;
        }
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if let Some((start, len)) = best.filter(|&(s, _)| s == i) {
            out.push_str(if start == 0 { "::" } else { ":" });
            i += len;
            continue;
        }
        out.push_str(&format!("{:x}", pieces[i]));
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests;
