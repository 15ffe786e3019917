//! Preflight pass-through: the layer's answer headers merged into the inner
//! service's response to a preflight.

use http::header::{self, Entry, HeaderMap, HeaderName};

use crate::decision::EXPLANATION_HEADER;
use crate::policy::ALLOW_PRIVATE_NETWORK;

/// Every header the layer decides on a preflight answer, besides `Vary`.
const DECIDED: [HeaderName; 6] = [
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    header::ACCESS_CONTROL_ALLOW_METHODS,
    header::ACCESS_CONTROL_ALLOW_HEADERS,
    header::ACCESS_CONTROL_MAX_AGE,
    header::ACCESS_CONTROL_EXPOSE_HEADERS,
];

/// Puts the layer's preflight answer headers on `into`: whatever the inner
/// service said about CORS is replaced (so a refused preflight stays
/// refused), and the answer's `Vary` is appended to the service's own.
pub(super) fn merge(answer: HeaderMap, into: &mut HeaderMap) {
    for name in &DECIDED {
        into.remove(name);
    }
    into.remove(&ALLOW_PRIVATE_NETWORK);
    into.remove(&EXPLANATION_HEADER);
    let mut last: Option<HeaderName> = None;
    for (name, value) in answer {
        // `None`: another value of the previous name.
        if let Some(name) = name {
            last = Some(name);
        }
        let Some(name) = &last else { continue };
        // Through `entry`, not `append`: this path must not change how the
        // hot path's `append` is compiled.
        match into.entry(name) {
            Entry::Occupied(mut e) => e.append(value),
            Entry::Vacant(e) => {
                e.insert(value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn the_answer_replaces_cors_headers_and_extends_vary() {
        let mut inner = HeaderMap::new();
        inner.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        inner.insert(
            "access-control-allow-methods",
            HeaderValue::from_static("DELETE"),
        );
        inner.insert("vary", HeaderValue::from_static("accept-encoding"));
        inner.insert("x-request-id", HeaderValue::from_static("7"));

        let mut answer = HeaderMap::new();
        answer.insert(
            "access-control-allow-origin",
            HeaderValue::from_static("https://a.com"),
        );
        answer.insert(
            "access-control-allow-headers",
            HeaderValue::from_static("x-a"),
        );
        answer.append(
            "access-control-allow-headers",
            HeaderValue::from_static("x-b"),
        );
        answer.insert("vary", HeaderValue::from_static("origin"));
        merge(answer, &mut inner);

        assert_eq!(inner["access-control-allow-origin"], "https://a.com");
        assert!(!inner.contains_key("access-control-allow-methods"));
        let acah: Vec<_> = inner
            .get_all("access-control-allow-headers")
            .iter()
            .collect();
        assert_eq!(acah, ["x-a", "x-b"]);
        let vary: Vec<_> = inner.get_all("vary").iter().collect();
        assert_eq!(vary, ["accept-encoding", "origin"]);
        assert_eq!(inner["x-request-id"], "7");
    }

    #[test]
    fn a_refused_answer_strips_what_the_service_allowed() {
        let mut inner = HeaderMap::new();
        inner.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        inner.insert(
            "access-control-allow-private-network",
            HeaderValue::from_static("true"),
        );
        let mut answer = HeaderMap::new();
        answer.insert("vary", HeaderValue::from_static("origin"));
        merge(answer, &mut inner);
        assert_eq!(inner.len(), 1);
        assert_eq!(inner["vary"], "origin");
    }
}
