//! The little of the URL standard the model needs: an `http(s)` URL's
//! origin, its serialization, and resolving a `Location` against it.
//!
//! Hosts are taken as ASCII (browsers send IDNs as punycode); they are
//! lower-cased and a scheme's default port is dropped, as browsers do.

use http::Uri;

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

/// The serialized origin of an absolute URI: lower-case scheme and host, and
/// the port unless it is the scheme's default. `None` without a host.
fn origin_of(uri: &Uri) -> Option<String> {
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let host = uri.host().filter(|h| !h.is_empty())?.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    };
    let port = uri.port_u16().filter(|p| Some(*p) != default_port);
    Some(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(url: &str) -> Target {
        Target::parse(url).unwrap()
    }

    #[test]
    fn normalises_like_a_browser() {
        let target = t("HTTPS://API.Example.com:443/a/b?x=1#frag");
        assert_eq!(target.uri(), "https://api.example.com/a/b?x=1");
        assert_eq!(target.origin(), "https://api.example.com");
        assert_eq!(t("http://localhost:3000").uri(), "http://localhost:3000/");
        assert_eq!(t("http://[::1]:80/").origin(), "http://[::1]");
        assert!(Target::parse("https://user@host/").is_none());
        assert!(Target::parse("data:text/plain,x").is_none());
    }

    #[test]
    fn resolves_locations() {
        let base = t("https://api.example/v1/items?x=1");
        assert_eq!(
            base.resolve("https://other.example/z").unwrap().uri(),
            "https://other.example/z"
        );
        assert_eq!(
            base.resolve("//cdn.example/a").unwrap().uri(),
            "https://cdn.example/a"
        );
        assert_eq!(
            base.resolve("/v2/items").unwrap().uri(),
            "https://api.example/v2/items"
        );
        assert_eq!(
            base.resolve("other?y=2").unwrap().uri(),
            "https://api.example/v1/other?y=2"
        );
        assert_eq!(
            base.resolve("?y=2").unwrap().uri(),
            "https://api.example/v1/items?y=2"
        );
        assert!(base.resolve("ftp://x.example/").is_none());
    }

    #[test]
    fn origins() {
        let o = |s: &str| serialize_origin(&s.parse().unwrap());
        assert_eq!(o("https://a.example").as_deref(), Some("https://a.example"));
        assert_eq!(
            o("http://a.example:8080").as_deref(),
            Some("http://a.example:8080")
        );
        assert_eq!(o("https://a.example/path"), None);
    }
}
