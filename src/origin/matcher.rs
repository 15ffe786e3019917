//! [`OriginMatcher`]: the allowed origins of a policy, indexed so that a
//! lookup costs the same however many there are.
//!
//! An exact origin is one hash lookup of the request's bytes, a `:*` port
//! pattern one lookup of its `scheme://host` prefix, and a `*.` subdomain
//! pattern one lookup per dot in the request's host (at most 127). The cost
//! depends on the request's host, never on how many origins are allowed.

use std::collections::{HashMap, HashSet};

use super::rule::{OriginRule, PortRule};
use super::syntax::{self, MAX_ORIGIN_LEN};
use crate::url::origin::default_port;

/// The hash of the origin indexes: foldhash's fast, fixed-seed hash (the one
/// hashbrown uses by default), which costs about 170 instructions less per
/// lookup than std's SipHash on a 23-byte origin, on every CORS request.
///
/// A keyless hash is safe here: the indexes are built from the configuration
/// only and never change with requests, so a request can only look up, and a
/// lookup costs at most the longest probe sequence of a table fixed when the
/// policy was built.
type Fast = foldhash::fast::FixedState;

/// The allowed origins of a policy, indexed for lookups that do not grow with
/// their number.
#[derive(Debug, Default)]
pub(crate) struct OriginMatcher {
    /// Serialised origins, byte for byte as browsers send them.
    exact: HashSet<Box<[u8]>, Fast>,
    /// `scheme://host` of the `:*` rules.
    any_port: HashSet<Box<[u8]>, Fast>,
    /// The host suffix of each `*.` rule, with the schemes and ports it takes.
    subdomains: HashMap<Box<[u8]>, Vec<SchemePort>, Fast>,
}

/// The scheme and port rule of one `*.` pattern.
type SchemePort = (Box<[u8]>, PortRule);

impl OriginMatcher {
    /// Indexes checked rules.
    pub(crate) fn new(rules: &[OriginRule]) -> Self {
        let mut m = Self::default();
        for rule in rules {
            match rule {
                OriginRule::Exact(o) => {
                    m.exact.insert(o.as_bytes().into());
                }
                OriginRule::AnyPort { site } => {
                    m.any_port.insert(site.as_bytes().into());
                }
                OriginRule::Subdomains {
                    scheme,
                    suffix,
                    port,
                } => {
                    let entry = m.subdomains.entry(suffix.as_bytes().into()).or_default();
                    let value = (scheme.as_bytes().into(), *port);
                    if !entry.contains(&value) {
                        entry.push(value);
                    }
                }
            }
        }
        m
    }

    /// Whether a request's `Origin` value is allowed.
    ///
    /// Only origins exactly as browsers serialise them can match: `null`,
    /// upper case, paths, trailing slashes, user info, default ports, bad
    /// ports and over-long values never do.
    #[inline]
    pub(crate) fn matches(&self, origin: &[u8]) -> bool {
        if origin.is_empty() || origin.len() > MAX_ORIGIN_LEN {
            return false;
        }
        if self.exact.contains(origin) {
            return true;
        }
        if self.any_port.is_empty() && self.subdomains.is_empty() {
            return false;
        }
        self.matches_pattern(origin)
    }

    /// The patterns: `:*` ports and subdomains.
    fn matches_pattern(&self, origin: &[u8]) -> bool {
        let Some(split) = syntax::split(origin) else {
            return false;
        };
        if !syntax::is_scheme(split.scheme) {
            return false;
        }
        let port = match split.port {
            None => None,
            Some(digits) => match syntax::parse_port(digits) {
                Some(p) if Some(p) != default_port(split.scheme) => Some(p),
                _ => return false,
            },
        };
        let host = split.host;
        let is_ipv6 = host.first() == Some(&b'[');
        let host_ok = if is_ipv6 {
            // Only `:*` rules name IPv6 hosts, and they hold the compressed
            // form: anything else simply is not found.
            host.len() > 2
                && host.last() == Some(&b']')
                && host[1..host.len() - 1].iter().all(|&b| {
                    b.is_ascii_hexdigit() && !b.is_ascii_uppercase() || b == b':' || b == b'.'
                })
        } else {
            syntax::is_domain(host)
        };
        if !host_ok {
            return false;
        }
        if self.any_port.contains(&origin[..split.host_end]) {
            return true;
        }
        if is_ipv6 || self.subdomains.is_empty() {
            return false;
        }
        // `a.b.example.com` tries `b.example.com`, `example.com` and `com`:
        // `*` stands for one or more whole labels.
        host.iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'.')
            .any(|(dot, _)| {
                self.subdomains.get(&host[dot + 1..]).is_some_and(|rules| {
                    rules.iter().any(|(scheme, rule)| {
                        **scheme == *split.scheme
                            && match rule {
                                PortRule::Any => true,
                                PortRule::Exact(p) => *p == port,
                            }
                    })
                })
            })
    }
}

#[cfg(test)]
mod tests;
