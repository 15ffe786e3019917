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
mod tests;
