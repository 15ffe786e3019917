//! The little of the URL standard the model needs: an `http(s)` URL's
//! origin, its serialization, and resolving a `Location` against it.
//!
//! Hosts are taken as ASCII (browsers send IDNs as punycode) and read by
//! the URL Standard's host parser that the server side reads configured
//! origins with (`crate::url`): case folded, IPv4 number forms and IPv6
//! normalised, hosts no browser loads refused; a scheme's default port is
//! dropped, as browsers do.

use std::fmt;
use std::net::IpAddr;

use http::Uri;

use crate::url::{host, origin};

/// An absolute `http:` or `https:` URL as a browser reads it, without
/// credentials or fragment: the scheme and host lower-cased, the host read
/// by the [URL Standard's host parser](https://url.spec.whatwg.org/#host-parsing)
/// (IPv4 number forms and IPv6 normalised, hosts no browser loads refused),
/// the scheme's default port dropped. It gives the origin a page on it
/// sends, its parts, and resolves a relative reference (a `Location`)
/// against it.
///
/// ```
/// use tower_cors::browser::Url;
///
/// let url = Url::parse("HTTPS://API.Example.com:443/v1/items?x=1#top").unwrap();
/// assert_eq!(url.to_string(), "https://api.example.com/v1/items?x=1");
/// assert_eq!(url.origin(), "https://api.example.com");
/// assert_eq!((url.scheme(), url.host(), url.port()), ("https", "api.example.com", None));
/// assert_eq!(url.port_or_default(), 443);
/// assert_eq!(url.path_and_query(), "/v1/items?x=1");
/// assert_eq!(url.resolve("other").unwrap().to_string(), "https://api.example.com/v1/other");
///
/// let local = Url::parse("http://127.1:3000").unwrap();
/// assert_eq!(local.origin(), "http://127.0.0.1:3000");
/// assert!(local.ip().is_some_and(|ip| ip.is_loopback()));
///
/// // An origin from its parts, the host read by the same parser.
/// let probe = Url::from_parts("https", "Probe.Example", Some(8443)).unwrap();
/// assert_eq!(probe.origin(), "https://probe.example:8443");
///
/// // What `fetch()` refuses.
/// assert!(Url::parse("https://user@api.example/").is_none());
/// assert!(Url::parse("ftp://files.example/").is_none());
/// assert!(Url::parse("https://256.0.0.1/").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    uri: Uri,
    origin: String,
}

impl Url {
    /// Parses an absolute URL; `None` for anything `fetch()` would refuse:
    /// another scheme, credentials, no host, a host no browser loads.
    pub fn parse(url: &str) -> Option<Self> {
        let url = url.trim().split('#').next().unwrap_or_default();
        let uri: Uri = url.parse().ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let authority = uri.authority()?;
        if authority.as_str().contains('@') || authority.host().is_empty() {
            return None;
        }
        let origin = origin_of(&uri)?;
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let path = if path.is_empty() { "/" } else { path };
        let path = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        let uri: Uri = format!("{origin}{path}").parse().ok()?;
        Some(Self { uri, origin })
    }

    /// The URL `scheme://host[:port]/`: the origin made of these parts, its
    /// host read by the host parser (an IPv6 address in brackets). `None`
    /// when [`parse`](Url::parse) refuses it.
    pub fn from_parts(scheme: &str, host: &str, port: Option<u16>) -> Option<Self> {
        Self::parse(&origin::serialize(&scheme.to_ascii_lowercase(), host, port))
    }

    /// The URL, normalised.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The URL's origin, serialized as a browser sends it in `Origin`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        self.uri.scheme_str().unwrap_or_default()
    }

    /// The host as serialized: a lower-case domain, an IPv4 address in
    /// dotted decimal, or an IPv6 address in brackets.
    pub fn host(&self) -> &str {
        self.uri.host().unwrap_or_default()
    }

    /// The host as an IP address, if it is one.
    pub fn ip(&self) -> Option<IpAddr> {
        self.host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .ok()
    }

    /// The port written in the URL, unless it is the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.uri.port_u16()
    }

    /// The port a connection goes to: the written one or the scheme's default.
    pub fn port_or_default(&self) -> u16 {
        self.port()
            .or_else(|| origin::default_port(self.scheme().as_bytes()))
            // `http` and `https`, the only schemes parsed, both have one.
            .unwrap_or(80)
    }

    /// The path, `/` at least.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The path and the query (`/a/b?x=1`).
    pub fn path_and_query(&self) -> &str {
        self.uri.path_and_query().map_or("/", |p| p.as_str())
    }

    /// Resolves a relative reference (a `Location` value, a link) against
    /// this URL, as the [URL parser](https://url.spec.whatwg.org/#url-parsing)
    /// does with this URL as its base.
    pub fn resolve(&self, location: &str) -> Option<Self> {
        let location = location.trim();
        let scheme = self.uri.scheme_str().unwrap_or("https");
        if split_scheme(location).is_some() {
            return Self::parse(location);
        }
        if location.starts_with("//") {
            return Self::parse(&format!("{scheme}:{location}"));
        }
        let path = self.uri.path();
        let joined = if location.starts_with('/') {
            location.to_owned()
        } else if location.starts_with('?') {
            format!("{path}{location}")
        } else if location.is_empty() || location.starts_with('#') {
            self.path_and_query().to_owned()
        } else {
            let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{location}")
        };
        Self::parse(&format!("{}{}", self.origin, joined))
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.uri.fmt(f)
    }
}

/// A URL string's scheme and what follows its `:`, when it starts with a
/// scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`, URL Standard,
/// [scheme state](https://url.spec.whatwg.org/#scheme-state)).
pub(crate) fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = s.split_once(':')?;
    let mut bytes = scheme.bytes();
    let first = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    (first && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
        .then_some((scheme, rest))
}

/// `uri` as a serialized origin, if it is one: no path (but `/`), no query,
/// no credentials.
pub(crate) fn serialize_origin(uri: &Uri) -> Option<String> {
    let path = uri.path_and_query().map_or("", |p| p.as_str());
    if !(path.is_empty() || path == "/") || uri.authority()?.as_str().contains('@') {
        return None;
    }
    origin_of(uri)
}

/// The serialized origin of an absolute URI: the scheme lower-cased, the
/// host as the URL Standard's host parser reads it (case folded, IPv4
/// number forms and IPv6 normalised, DNS and punycode checks), the port
/// unless it is the scheme's default. `None` without a host, or with one no
/// browser loads.
fn origin_of(uri: &Uri) -> Option<String> {
    let host = host::serialize(uri.host().filter(|h| !h.is_empty())?).ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    Some(origin::serialize(&scheme, host.as_str(), uri.port_u16()))
}

#[cfg(test)]
mod tests;
