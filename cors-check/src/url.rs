//! Every URL and origin `cors-check` takes apart or builds, read with the
//! browser model's URL Standard parser ([`Url`]): the same host parser and
//! origin serialiser the browser model and the server side use, so that
//! an origin made here is the one a browser would send.

use tower_cors::browser::Url;

/// The host of the made-up origin: a reserved name (RFC 2606) no real page has.
pub const PROBE_HOST: &str = "cors-check-probe.example";

/// The made-up origin, with the scheme of `like` (a URL or an origin;
/// `https` when it is neither), e.g. `https://cors-check-probe.example`.
pub fn made_up_origin(like: &str) -> String {
    let scheme = Url::parse(like).map_or("https", |u| {
        if u.scheme() == "http" {
            "http"
        } else {
            "https"
        }
    });
    // A reserved domain with a scheme of `Url`'s: always an origin.
    origin(scheme, PROBE_HOST, None).unwrap_or_default()
}

/// The serialized origin of `scheme`, `host` and `port` (left out when it
/// is the scheme's default), the host read by the URL Standard's host
/// parser; `None` when no browser loads a page from it.
pub fn origin(scheme: &str, host: &str, port: Option<u16>) -> Option<String> {
    Url::from_parts(scheme, host, port).map(|u| u.origin().to_owned())
}

/// The serialized origin of an absolute URL, `None` when it is not one
/// `fetch()` takes.
pub fn origin_of(url: &str) -> Option<String> {
    Url::parse(url).map(|u| u.origin().to_owned())
}

/// A URL's host without the brackets of an IPv6 address (`::1`), as
/// addresses and cookie domains are compared.
pub fn bare_host(url: &Url) -> &str {
    let host = url.host();
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// The path and query of a URL, for display (`/` when it is not a URL).
pub fn path_and_query(url: &str) -> String {
    Url::parse(url).map_or_else(|| "/".to_owned(), |u| u.path_and_query().to_owned())
}

/// `reference` (a whole URL, a path, or a name: the one beside `base`'s
/// resource, in its directory) resolved against `base`, as a page's link
/// would be.
pub fn resolve(base: &str, reference: &str) -> Option<String> {
    Url::parse(base)?.resolve(reference).map(|u| u.to_string())
}

/// The same URL over `https` (the port kept unless it is a default one).
pub fn over_https(url: &Url) -> Option<Url> {
    Url::from_parts("https", url.host(), url.port())?.resolve(url.path_and_query())
}

#[cfg(test)]
mod tests;
