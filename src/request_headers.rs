//! Checking `Access-Control-Request-Headers` against the allowed names, in
//! time and memory bounded by the policy, not by what a client sends.
//!
//! Browsers send the names lower-cased, de-duplicated, sorted and joined with
//! `,` and no spaces (Fetch, "CORS-unsafe request-header names"). Proxies may
//! add spaces, empty elements or split the list over several lines (RFC 9110
//! §5.6.1 asks recipients to accept those), so this reader does too, within
//! fixed bounds: at most [`MAX_LINES`] lines and, in all, at most the bytes
//! the longest acceptable list could take. Anything longer is refused before a
//! single byte of it is read.

use http::header::GetAll;
use http::HeaderValue;

use crate::fetch::TCHAR;

/// More `Access-Control-Request-Headers` lines than this are refused.
pub(crate) const MAX_LINES: usize = 16;

/// The byte bound when any header name is allowed (`"*"`).
pub(crate) const MAX_BYTES_ANY: usize = 4096;

/// Slack over the longest exact list, for spaces and empty elements.
const SLACK_BYTES: usize = 32;

/// The header names a policy allows in a preflight.
#[derive(Debug, Clone)]
pub(crate) struct AllowedHeaders {
    /// Allowed names, lower case, sorted, unique.
    names: Box<[Box<[u8]>]>,
    /// `"*"` was configured: every name but `authorization` is allowed
    /// (unless `names` also lists it).
    any: bool,
    /// How many bytes of `Access-Control-Request-Headers` are read at most.
    max_bytes: usize,
}

/// What [`AllowedHeaders::check`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadersCheck<'a> {
    /// Every requested name is allowed (or none was requested).
    Allowed,
    /// This requested name is not allowed (as sent, not lower-cased).
    NotAllowed(&'a str),
    /// An element is not a header name.
    Malformed,
    /// Over [`MAX_LINES`] lines or over the byte bound.
    TooLarge,
}

impl AllowedHeaders {
    /// `names` must be valid tokens; they are lower-cased, sorted and
    /// de-duplicated here.
    pub(crate) fn new(names: &[String], any: bool) -> Self {
        let mut names: Vec<Box<[u8]>> = names
            .iter()
            .map(|n| n.to_ascii_lowercase().into_bytes().into_boxed_slice())
            .collect();
        names.sort();
        names.dedup();
        let max_bytes = if any {
            MAX_BYTES_ANY
        } else {
            // The longest list a browser could send: every name and a comma
            // each, with room for a space per separator and a few extras.
            names.iter().map(|n| n.len() + 2).sum::<usize>() + SLACK_BYTES
        };
        Self {
            names: names.into_boxed_slice(),
            any,
            max_bytes,
        }
    }

    /// The allowed names, lower case and sorted.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        // Names were built from `String`s, so they are UTF-8 (and ASCII tokens).
        self.names
            .iter()
            .map(|n| std::str::from_utf8(n).unwrap_or_default())
    }

    /// Whether `"*"` was configured.
    pub(crate) fn any(&self) -> bool {
        self.any
    }

    /// Checks every `Access-Control-Request-Headers` line of a request.
    ///
    /// Cost: at most `MAX_LINES + 1` steps to size the lines, then at most
    /// `max_bytes` bytes read, each name looked up by binary search.
    pub(crate) fn check<'a>(&self, lines: &GetAll<'a, HeaderValue>) -> HeadersCheck<'a> {
        let mut total = 0usize;
        for (i, line) in lines.iter().enumerate() {
            total += line.len();
            if i >= MAX_LINES || total > self.max_bytes {
                return HeadersCheck::TooLarge;
            }
        }
        // What browsers send: one line of listed names, lower case, sorted
        // and joined with `,` alone. That is matched in one pass along the
        // sorted list, with no other check: every listed name is a token.
        let mut single = lines.iter();
        if let (Some(line), None) = (single.next(), single.next()) {
            if self.lists_in_order(line.as_bytes()) {
                return HeadersCheck::Allowed;
            }
        }
        for line in lines.iter() {
            for element in line.as_bytes().split(|&b| b == b',') {
                let name = trim_ows(element);
                if name.is_empty() {
                    continue;
                }
                let Some(upper) = token_case(name) else {
                    return HeadersCheck::Malformed;
                };
                if !self.allows(name, upper) {
                    // A token is ASCII.
                    let name = std::str::from_utf8(name).unwrap_or_default();
                    return HeadersCheck::NotAllowed(name);
                }
            }
        }
        HeadersCheck::Allowed
    }

    /// Whether `line` is listed names joined by `,`, each exactly as listed
    /// and in the list's order.
    fn lists_in_order(&self, line: &[u8]) -> bool {
        let mut names = self.names.iter();
        line.split(|&b| b == b',')
            .all(|element| names.any(|name| **name == *element))
    }

    /// Whether a token is allowed; `upper`: whether it has upper-case letters.
    fn allows(&self, name: &[u8], upper: bool) -> bool {
        // Browsers send lower-case names: compare those as plain bytes
        // (`memcmp`), and only the others byte by byte, lower-casing.
        let listed = if upper {
            self.names
                .binary_search_by(|probe| cmp_lowercase(probe, name))
                .is_ok()
        } else {
            self.names
                .binary_search_by(|probe| (**probe).cmp(name))
                .is_ok()
        };
        // The Fetch standard's `*` never covers `Authorization`.
        listed || (self.any && !name.eq_ignore_ascii_case(b"authorization"))
    }
}

/// Whether `name` is a non-empty token (`Some`) and, if so, whether it has
/// upper-case letters: both in one pass over its bytes.
fn token_case(name: &[u8]) -> Option<bool> {
    let mut upper = false;
    for &b in name {
        if !TCHAR[usize::from(b)] {
            return None;
        }
        upper |= b.is_ascii_uppercase();
    }
    (!name.is_empty()).then_some(upper)
}

/// Compares a lower-case name with a name of any case, as if both were lower case.
fn cmp_lowercase(lower: &[u8], any_case: &[u8]) -> std::cmp::Ordering {
    lower
        .iter()
        .copied()
        .cmp(any_case.iter().map(u8::to_ascii_lowercase))
}

/// Strips optional white space (space and tab) from both ends.
fn trim_ows(s: &[u8]) -> &[u8] {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = s.iter().position(|b| !is_ows(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !is_ows(b)).map_or(start, |i| i + 1);
    &s[start..end]
}

#[cfg(test)]
mod tests;
