//! The little of the URL standard the model needs: an `http(s)` URL's
//! origin, its serialization, and resolving a `Location` against it.
//!
//! Hosts are taken as ASCII (browsers send IDNs as punycode) and read by
//! the URL Standard's host parser that the server side reads configured
//! origins with (`crate::url`): case folded, IPv4 number forms and IPv6
//! normalised, hosts no browser loads refused; a scheme's default port is
//! dropped, as browsers do.

use http::Uri;

use crate::url::{host, origin};

/// An absolute `http:` or `https:` URL without credentials or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    uri: Uri,
    origin: String,
}

impl Target {
    /// Parses an absolute URL; `None` for anything `fetch()` would refuse.
    pub(crate) fn parse(url: &str) -> Option<Self> {
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

    /// The URL, normalised.
    pub(crate) fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The URL's origin, serialized.
    pub(crate) fn origin(&self) -> &str {
        &self.origin
    }

    /// Resolves a `Location` value against this URL.
    pub(crate) fn resolve(&self, location: &str) -> Option<Self> {
        let location = location.trim();
        let scheme = self.uri.scheme_str().unwrap_or("https");
        if has_scheme(location) {
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
            self.uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned()
        } else {
            let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
            format!("{dir}{location}")
        };
        Self::parse(&format!("{}{}", self.origin, joined))
    }
}

/// Whether a URL string starts with a scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`).
fn has_scheme(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
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
