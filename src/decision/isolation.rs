//! Resource isolation: whether a request from another site that the policy
//! does not allow may reach the service, by web.dev's
//! [Fetch Metadata resource isolation policy](https://web.dev/articles/fetch-metadata).
//!
//! CORS governs what `cors`-mode `fetch()` may read, nothing else: another
//! site's `<script src>`, `<img src>`, `<object>` or `no-cors` `fetch()`
//! loads a resource with the user's cookies and no CORS check. Isolation
//! refuses such loads unless the browser says they come from the same site
//! or the user ([`Sec-Fetch-Site`](https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-site-header)),
//! or they are a navigation ([`Sec-Fetch-Mode`](https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-mode-header)
//! `navigate`, a safe method, and a [`Sec-Fetch-Dest`](https://w3c.github.io/webappsec-fetch-metadata/#sec-fetch-dest-header)
//! other than `object` and `embed`).

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::Method;

use super::write_guard::SEC_FETCH_SITE;

/// `Sec-Fetch-Mode`: the request's mode (`navigate`, `cors`, `no-cors`, ...).
static SEC_FETCH_MODE: HeaderName = HeaderName::from_static("sec-fetch-mode");
/// `Sec-Fetch-Dest`: what the response is for (`document`, `script`, ...).
static SEC_FETCH_DEST: HeaderName = HeaderName::from_static("sec-fetch-dest");

/// The request's `Sec-Fetch-Site` when isolation refuses it (its origin
/// being one the policy does not allow), or `None` when it passes.
pub(super) fn refuses<'a>(method: &Method, headers: &'a HeaderMap) -> Option<&'a HeaderValue> {
    // No Fetch Metadata: an older browser, a plain-http origin browsers
    // send none to, or no browser at all.
    let site = headers.get(&SEC_FETCH_SITE)?;
    let site_bytes = site.as_bytes();
    if site_bytes == b"same-origin" || site_bytes == b"none" || is_navigation(method, headers) {
        return None;
    }
    Some(site)
}

/// A navigation (a link followed, a form with `GET`, an `<iframe>`), but
/// not an `<object>` or `<embed>`, whose loads behave as subresources.
fn is_navigation(method: &Method, headers: &HeaderMap) -> bool {
    (method == Method::GET || method == Method::HEAD)
        && headers
            .get(&SEC_FETCH_MODE)
            .is_some_and(|m| m.as_bytes() == b"navigate")
        && !headers
            .get(&SEC_FETCH_DEST)
            .is_some_and(|d| d.as_bytes() == b"object" || d.as_bytes() == b"embed")
}

#[cfg(test)]
mod tests;
