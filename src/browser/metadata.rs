//! Fetch Metadata (<https://w3c.github.io/webappsec-fetch-metadata/>): the
//! `Sec-Fetch-Site`, `Sec-Fetch-Mode`, `Sec-Fetch-Dest` and
//! `Sec-Fetch-User` request headers every engine sends (Chromium since 76,
//! Firefox since 90, Safari since 16.4), to potentially trustworthy URLs
//! only.
//!
//! Same-site needs the registrable domain, which takes the Public Suffix
//! List; the model does not carry it. Two hosts are same-site only when
//! they are equal, or when the caller declared the page's registrable
//! domain ([`PageRequest::registrable_domain`]) and the target's host is
//! that domain or under it.
//!
//! [`PageRequest::registrable_domain`]: crate::browser::PageRequest::registrable_domain

use std::fmt;
use std::net::Ipv4Addr;

use http::{HeaderMap, HeaderName, HeaderValue, Uri};

use super::request::InvalidRequest;
use super::url::Url;

/// `Sec-Fetch-Site`: how the request's URL (every URL of its redirect
/// chain, the farthest counting) stands to the page's origin
/// (<https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header>).
///
/// Ordered from nearest to farthest. The value `none` (a navigation the user
/// started from the address bar or a bookmark, with no page behind it) is
/// never sent by a page's request, so the model has no variant for it.
///
/// A server that guards writes by `Sec-Fetch-Site` (as `tower-cors` does)
/// treats `same-site` like `cross-site`: sibling subdomains are other
/// parties. So a same-site request the model calls cross-site, because no
/// registrable domain was declared, is judged the same by such a guard.
///
/// ```
/// use tower_cors::browser::{PageRequest, Site};
/// let site = |page: PageRequest| page.prepare().unwrap().sec_fetch_site();
/// let get = |from: &str, to: &str| PageRequest::new(from, "GET", to);
/// assert_eq!(site(get("https://app.example.com", "https://app.example.com/x")), Site::SameOrigin);
/// assert_eq!(site(get("http://localhost:5173", "http://localhost:3000/x")), Site::SameSite);
/// // Without the registrable domain, sibling subdomains are cross-site...
/// assert_eq!(site(get("https://app.example.com", "https://api.example.com/x")), Site::CrossSite);
/// // ...and same-site once the caller declares it.
/// let declared = get("https://app.example.com", "https://api.example.com/x").registrable_domain("example.com");
/// assert_eq!(site(declared), Site::SameSite);
/// assert_eq!(Site::CrossSite.as_str(), "cross-site");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Site {
    /// `same-origin`: the page's own origin.
    SameOrigin,
    /// `same-site`: the same scheme and site (registrable domain, or host).
    SameSite,
    /// `cross-site`: anything else, and any request from an opaque (`null`)
    /// origin to a URL.
    CrossSite,
}

impl Site {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Site::SameOrigin => "same-origin",
            Site::SameSite => "same-site",
            Site::CrossSite => "cross-site",
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The page's site, as far as the model knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PageSite {
    /// A `null` origin: same-site with nothing the page can request.
    Opaque,
    /// A tuple origin: its scheme, host, and the registrable domain the
    /// caller declared, if any.
    Tuple {
        origin: String,
        scheme: String,
        host: String,
        domain: Option<String>,
    },
}

impl PageSite {
    /// The site of a page at `origin` (a checked serialized origin or
    /// `null`), with the registrable domain the caller declared.
    pub(crate) fn new(origin: &str, domain: Option<&str>) -> Result<Self, InvalidRequest> {
        let invalid = |d: &str| InvalidRequest::RegistrableDomain {
            domain: d.to_owned(),
            page: origin.to_owned(),
        };
        let parsed = (origin != "null")
            .then(|| origin.parse::<Uri>().ok())
            .flatten()
            .and_then(|uri| Some((uri.scheme_str()?.to_owned(), uri.host()?.to_owned())));
        let Some((scheme, host)) = parsed else {
            return match domain {
                Some(d) => Err(invalid(d)),
                None => Ok(PageSite::Opaque),
            };
        };
        let domain = match domain {
            None => None,
            Some(d) => {
                let lower = d.to_ascii_lowercase();
                let under = host == lower
                    || host
                        .strip_suffix(lower.as_str())
                        .is_some_and(|rest| rest.ends_with('.'));
                let is_ip = host.starts_with('[') || host.parse::<Ipv4Addr>().is_ok();
                if lower.is_empty() || lower.starts_with('.') || !under || is_ip {
                    return Err(invalid(d));
                }
                Some(lower)
            }
        };
        Ok(PageSite::Tuple {
            origin: origin.to_owned(),
            scheme,
            host,
            domain,
        })
    }

    /// How `target` stands to the page
    /// (<https://html.spec.whatwg.org/multipage/browsers.html#same-site>,
    /// schemeful).
    pub(crate) fn relation(&self, target: &Url) -> Site {
        let PageSite::Tuple {
            origin,
            scheme,
            host,
            domain,
        } = self
        else {
            return Site::CrossSite;
        };
        if target.origin() == origin {
            return Site::SameOrigin;
        }
        let uri = target.uri();
        let same_scheme = uri.scheme_str() == Some(scheme.as_str());
        let target_host = uri.host().unwrap_or_default();
        let same_site = target_host == host
            || domain.as_deref().is_some_and(|d| {
                target_host == d
                    || target_host
                        .strip_suffix(d)
                        .is_some_and(|rest| rest.ends_with('.'))
            });
        if same_scheme && same_site {
            Site::SameSite
        } else {
            Site::CrossSite
        }
    }
}

/// Whether a URL is potentially trustworthy
/// (<https://w3c.github.io/webappsec-secure-contexts/#is-url-trustworthy>)
/// as far as `http(s)` goes: `https`, or `http` to `localhost`, a
/// `.localhost` name, `127.0.0.0/8` or `[::1]`. Fetch Metadata goes only to
/// these.
pub(crate) fn is_potentially_trustworthy(uri: &Uri) -> bool {
    match uri.scheme_str() {
        Some("https") => true,
        Some("http") => {
            let host = uri.host().unwrap_or_default();
            host == "localhost"
                || host.ends_with(".localhost")
                || host == "[::1]"
                || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        }
        _ => false,
    }
}

/// The Fetch Metadata headers of one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Metadata {
    pub(crate) site: Site,
    pub(crate) mode: &'static str,
    pub(crate) dest: &'static str,
    /// A navigation the user's activation caused (`Sec-Fetch-User: ?1`).
    pub(crate) user: bool,
}

impl Metadata {
    /// Appends the headers (<https://w3c.github.io/webappsec-fetch-metadata/#abstract-opdef-append-the-fetch-metadata-headers-for-a-request>).
    pub(crate) fn append_to(self, headers: &mut HeaderMap) {
        let pairs = [
            ("sec-fetch-site", Some(self.site.as_str())),
            ("sec-fetch-mode", Some(self.mode)),
            ("sec-fetch-user", self.user.then_some("?1")),
            ("sec-fetch-dest", Some(self.dest)),
        ];
        for (name, value) in pairs {
            if let Some(value) = value {
                headers.insert(
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
