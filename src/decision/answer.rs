//! The answers a [`Decision`](super::Decision) carries: the whole response
//! to a preflight, allowed or refused, and the CORS headers for an actual
//! response.

use std::fmt;

use http::header::{self, GetAll, HeaderMap, HeaderName, HeaderValue};
use http::StatusCode;

use super::explanation::EXPLANATION_HEADER;
use super::refusal::{Refusal, RefusalReason};
use crate::policy::{Inner, Origins, ALLOW_PRIVATE_NETWORK, STAR, TRUE};
use crate::vary;

/// An allowed preflight, borrowing the request it answers.
pub struct AllowedPreflight<'a> {
    pub(super) policy: &'a Inner,
    pub(super) origin: &'a HeaderValue,
    pub(super) method: &'a HeaderValue,
    pub(super) request_headers: GetAll<'a, HeaderValue>,
    pub(super) private_network: bool,
}

impl AllowedPreflight<'_> {
    /// The status to answer with: 204 unless the policy says otherwise.
    pub fn status(&self) -> StatusCode {
        self.policy.preflight_status
    }

    /// The headers to answer with. This is the map the layer sends; it is the
    /// only allocation an allowed preflight makes.
    #[inline]
    pub fn headers(&self) -> HeaderMap {
        let p = self.policy;
        let mut h = p.preflight_headers.clone();
        if p.vary_origin {
            // The prebuilt map starts with an `Access-Control-Allow-Origin`
            // placeholder: overwriting it in place saves a lookup by name.
            let filled = match h.iter_mut().next() {
                Some((name, value)) if name == header::ACCESS_CONTROL_ALLOW_ORIGIN => {
                    *value = self.origin.clone();
                    true
                }
                _ => false,
            };
            if !filled {
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, self.origin.clone());
            }
        }
        if p.mirror_methods {
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, self.method.clone());
        }
        if p.mirror_headers {
            let mut lines = self.request_headers.iter();
            if let Some(first) = lines.next() {
                h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, first.clone());
                for line in lines {
                    h.append(header::ACCESS_CONTROL_ALLOW_HEADERS, line.clone());
                }
            }
        }
        if self.private_network {
            h.insert(ALLOW_PRIVATE_NETWORK.clone(), TRUE.clone());
        }
        h
    }

    /// Whether the answer grants Private Network Access
    /// (`Access-Control-Allow-Private-Network: true`).
    pub fn allows_private_network(&self) -> bool {
        self.private_network
    }
}

impl fmt::Debug for AllowedPreflight<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AllowedPreflight")
            .field("status", &self.status())
            .field("headers", &self.headers())
            .finish()
    }
}

/// A refused preflight: `403 Forbidden` without any `Access-Control-Allow-*`
/// header, as the Fetch standard suggests, so the browser fails it
/// ([CORS-preflight fetch](https://fetch.spec.whatwg.org/#cors-preflight-fetch), step 7).
///
/// The answer still carries the policy's preflight `Vary`, and with
/// [`dangerously_explain_refusals`](crate::CorsPolicyBuilder::dangerously_explain_refusals)
/// the `x-cors-refusal` explanation.
///
/// **Explain mode.** With `dangerously_explain_refusals`, a preflight from an
/// allowed origin that fails only on its method or on a header is answered
/// the way a browser can report precisely: the allowed preflight status,
/// `Access-Control-Allow-Origin` (and `-Credentials`), the allowed methods
/// and headers, but *not* the refused method or header, and no
/// `Access-Control-Max-Age`. The browser still fails the preflight, and its
/// console names the real cause (Chromium: `MethodDisallowedByPreflightResponse`
/// or `HeaderDisallowedByPreflightResponse`, Firefox: `CORSMethodNotFound` or
/// `CORSMissingAllowHeaderFromPreflight`) instead of a missing
/// `Access-Control-Allow-Origin`. Every other refusal, and every refusal
/// outside explain mode, is the plain 403.
#[derive(Debug, Clone)]
pub struct RefusedPreflight<'a> {
    pub(super) refusal: Refusal<'a>,
    pub(super) vary: &'a HeaderValue,
    pub(super) explanation: Option<HeaderValue>,
    /// In explain mode, for method and header refusals of an allowed origin;
    /// boxed so that every other refusal stays small.
    pub(super) explained: Option<Box<Explained<'a>>>,
}

/// The longest list of requested names an explain-mode answer echoes.
const MAX_ECHOED_NAMES: usize = 4096;

/// What an explain-mode answer needs beyond the refusal.
#[derive(Clone)]
pub(super) struct Explained<'a> {
    pub(super) policy: &'a Inner,
    /// What `Access-Control-Allow-Origin` says for this origin.
    pub(super) allow_origin: HeaderValue,
    /// The request's headers, for the requested method and header names.
    pub(super) request: &'a HeaderMap,
}

impl fmt::Debug for Explained<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explained")
            .field("allow_origin", &self.allow_origin)
            .finish_non_exhaustive()
    }
}

impl<'a> RefusedPreflight<'a> {
    /// Why it was refused.
    pub fn refusal(&self) -> &Refusal<'a> {
        &self.refusal
    }

    /// The status to answer with: `403 Forbidden`, or the policy's allowed
    /// preflight status for an explain-mode answer (see above).
    pub fn status(&self) -> StatusCode {
        match &self.explained {
            Some(e) => e.policy.preflight_status,
            None => PlainRefusal::STATUS,
        }
    }

    /// Whether this is an explain-mode answer, which carries the allowed
    /// origin so that the browser reports the refused method or header.
    pub fn is_explained(&self) -> bool {
        self.explained.is_some()
    }

    /// The headers to answer with, exactly as the layer sends them.
    pub fn headers(&self) -> HeaderMap {
        match &self.explained {
            Some(e) => {
                let mut h = e.headers(&self.refusal);
                if let Some(explanation) = &self.explanation {
                    h.insert(EXPLANATION_HEADER.clone(), explanation.clone());
                }
                h
            }
            None => {
                let mut h = HeaderMap::with_capacity(2);
                self.plain().write_to(&mut h);
                h
            }
        }
    }

    /// The plain 403's headers, owned, for an answer that is not explained;
    /// an explain-mode answer is given back as it is.
    pub(crate) fn into_plain(self) -> Result<PlainRefusal, Self> {
        match self.explained {
            None => Ok(self.plain()),
            Some(_) => Err(self),
        }
    }

    fn plain(&self) -> PlainRefusal {
        PlainRefusal {
            vary: self.vary.clone(),
            explanation: self.explanation.clone(),
        }
    }
}

/// A write or WebSocket handshake refused by the
/// [write guard](crate::CorsPolicyBuilder::guard_writes): answered
/// `403 Forbidden` by the layer, and never passed to the inner service.
///
/// The answer carries no CORS headers (the page that sent it reads
/// nothing), `Vary: origin, sec-fetch-site`, and in explain mode the
/// `x-cors-refusal` explanation. Its reason is
/// [`RefusalReason::CrossOriginWrite`], [`RefusalReason::CrossOriginWebSocket`],
/// or [`RefusalReason::OriginLookupTimedOut`] when only the async origin
/// lookup could have allowed it and did not answer in time.
#[derive(Debug, Clone)]
pub struct RefusedWrite<'a> {
    pub(super) refusal: Refusal<'a>,
    pub(super) explanation: Option<HeaderValue>,
}

/// `Timing-Allow-Origin` (Resource Timing): who may read a response's
/// timing details.
static TIMING_ALLOW_ORIGIN: HeaderName = HeaderName::from_static("timing-allow-origin");

/// What a write refusal depends on.
static WRITE_VARY: HeaderValue = HeaderValue::from_static("origin, sec-fetch-site");

/// The methods every `403` refusal of the surface has, the same for each
/// but for what its `Vary` names.
macro_rules! forbidden_answer {
    ($name:ident, $vary:expr) => {
        impl<'a> $name<'a> {
            /// Why it was refused (the type's documentation lists the reasons).
            pub fn refusal(&self) -> &Refusal<'a> {
                &self.refusal
            }

            /// The status to answer with: `403 Forbidden`.
            pub fn status(&self) -> StatusCode {
                PlainRefusal::STATUS
            }

            /// The headers to answer with, exactly as the layer sends them.
            pub fn headers(&self) -> HeaderMap {
                let mut h = HeaderMap::with_capacity(2);
                self.clone().into_plain().write_to(&mut h);
                h
            }

            /// The answer's headers, owned, for the layer to write into a
            /// map it already has.
            pub(crate) fn into_plain(self) -> PlainRefusal {
                PlainRefusal {
                    vary: $vary.clone(),
                    explanation: self.explanation,
                }
            }
        }
    };
}

forbidden_answer!(RefusedWrite, WRITE_VARY);

/// A request refused by [resource isolation](crate::CorsPolicyBuilder::isolate_resources):
/// answered `403 Forbidden` by the layer, and never passed to the inner
/// service.
///
/// The answer carries no CORS headers, `Vary: origin, sec-fetch-site,
/// sec-fetch-mode, sec-fetch-dest` (what the refusal depends on), and in
/// explain mode the `x-cors-refusal` explanation. Its reason is
/// [`RefusalReason::CrossSiteResource`], or
/// [`RefusalReason::OriginLookupTimedOut`] when only the async origin lookup
/// could have allowed it and did not answer in time.
#[derive(Debug, Clone)]
pub struct RefusedResource<'a> {
    pub(super) refusal: Refusal<'a>,
    pub(super) explanation: Option<HeaderValue>,
}

/// What an isolation refusal depends on.
static RESOURCE_VARY: HeaderValue =
    HeaderValue::from_static("origin, sec-fetch-site, sec-fetch-mode, sec-fetch-dest");

forbidden_answer!(RefusedResource, RESOURCE_VARY);

/// The headers of a plain refused preflight (`403` with the preflight
/// `Vary` and, in explain mode, the explanation), owned so that the layer can
/// write them into a map it already has.
#[derive(Debug)]
pub(crate) struct PlainRefusal {
    vary: HeaderValue,
    explanation: Option<HeaderValue>,
}

impl PlainRefusal {
    /// Its status.
    pub(crate) const STATUS: StatusCode = StatusCode::FORBIDDEN;

    /// Writes the answer's headers into `headers`, which must be empty.
    pub(crate) fn write_to(self, headers: &mut HeaderMap) {
        headers.insert(header::VARY, self.vary);
        if let Some(explanation) = self.explanation {
            headers.insert(EXPLANATION_HEADER.clone(), explanation);
        }
    }
}

impl Explained<'_> {
    /// The allowed answer's headers, without what was refused and without
    /// `Access-Control-Max-Age` (nothing of a development answer is cached).
    /// Out of line: development only, kept off the refusal path.
    #[inline(never)]
    fn headers(&self, refusal: &Refusal<'_>) -> HeaderMap {
        let p = self.policy;
        let mut h = p.preflight_headers.clone();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            self.allow_origin.clone(),
        );
        h.remove(header::ACCESS_CONTROL_MAX_AGE);
        let Some(refused) = refusal.header else {
            // A method refusal: the listed methods, which lack it.
            return h;
        };
        if p.mirror_methods {
            // The method passed; say so, so that the header is what fails.
            if let Some(m) = self.request.get(header::ACCESS_CONTROL_REQUEST_METHOD) {
                h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, m.clone());
            }
        }
        if p.headers.any() {
            // `*` (or an echo) would let today's engines pass Authorization
            // anyway: name every requested header but the refused one.
            h.remove(header::ACCESS_CONTROL_ALLOW_HEADERS);
            let names: Vec<&[u8]> = self
                .request
                .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS)
                .iter()
                .flat_map(|line| line.as_bytes().split(|&b| b == b','))
                .map(<[u8]>::trim_ascii)
                .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(refused.as_bytes()))
                .collect();
            let joined = names.join(&b","[..]);
            // Bounded, so that a hostile list is not echoed back whole.
            if !joined.is_empty() && joined.len() <= MAX_ECHOED_NAMES {
                if let Ok(value) = HeaderValue::from_bytes(&joined) {
                    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
                }
            }
        }
        h
    }
}

/// The CORS headers for an actual (non-preflight) response, owned so that
/// they can wait for the inner service's response.
#[derive(Debug, Clone)]
pub struct ActualHeaders {
    pub(super) allow_origin: Option<HeaderValue>,
    pub(super) allow_credentials: bool,
    /// `Timing-Allow-Origin` goes out with the allowed origin's value.
    pub(super) timing_allow_origin: bool,
    pub(super) expose_headers: Option<HeaderValue>,
    pub(super) vary_origin: bool,
    /// What only explain mode and diagnostics need; boxed so that the
    /// headers every response carries stay small to move.
    pub(super) notes: Option<Box<Notes>>,
}

/// The rare part of [`ActualHeaders`].
#[derive(Debug, Clone, Default)]
pub(super) struct Notes {
    /// The `x-cors-refusal` explanation.
    explanation: Option<HeaderValue>,
    /// The request's `Origin` when an allowed request carries cookies the
    /// policy does not accept (the browser will refuse the answer).
    credentials_mismatch: Option<HeaderValue>,
}

impl Notes {
    /// Boxed notes, or `None` when there is nothing to note.
    #[inline]
    pub(super) fn boxed(
        explanation: Option<HeaderValue>,
        credentials_mismatch: Option<HeaderValue>,
    ) -> Option<Box<Self>> {
        (explanation.is_some() || credentials_mismatch.is_some()).then(|| {
            Box::new(Self {
                explanation,
                credentials_mismatch,
            })
        })
    }
}

impl ActualHeaders {
    pub(super) fn without_cors(policy: &Inner) -> Self {
        Self {
            allow_origin: None,
            allow_credentials: false,
            timing_allow_origin: false,
            expose_headers: None,
            vary_origin: policy.vary_origin,
            notes: None,
        }
    }

    /// The headers for a request without `Origin`. A policy that allows any
    /// origin (without credentials) answers `Access-Control-Allow-Origin: *`
    /// on every response, CORS request or not, and does not vary: a shared
    /// cache may then hand any stored response to any origin
    /// ([CORS protocol and HTTP caches](https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches)).
    /// Every other policy adds only `Vary: Origin`.
    pub(super) fn without_origin(policy: &Inner) -> Self {
        match policy.origins {
            Origins::Any => Self {
                allow_origin: Some(STAR.clone()),
                timing_allow_origin: policy.settings.timing_allow_origin,
                expose_headers: policy.expose_headers.clone(),
                ..Self::without_cors(policy)
            },
            Origins::List(_) => Self::without_cors(policy),
        }
    }

    /// The `Access-Control-Allow-Origin` that goes out, if any.
    pub fn allow_origin(&self) -> Option<&HeaderValue> {
        self.allow_origin.as_ref()
    }

    /// The browser's refusal of an allowed request that carries cookies
    /// while the policy does not allow credentials.
    pub(super) fn credentials_refusal(&self) -> Option<Refusal<'_>> {
        self.notes
            .as_ref()
            .and_then(|n| n.credentials_mismatch.as_ref())
            .map(|origin| Refusal::new(RefusalReason::CredentialsNotAllowed, Some(origin)))
    }

    /// Writes the policy's CORS headers into a response's headers (and,
    /// with [`timing_allow_origin`](crate::CorsPolicyBuilder::timing_allow_origin),
    /// `Timing-Allow-Origin` with the same value as
    /// `Access-Control-Allow-Origin`).
    ///
    /// Any `Access-Control-Allow-Origin`, `-Allow-Credentials` or
    /// `-Expose-Headers` the inner service set is replaced (or removed), so a
    /// response never carries two origins; `Origin` is merged into `Vary`
    /// when the answer depends on it, keeping the values already there.
    pub fn apply_to(self, headers: &mut HeaderMap) {
        // One pass over the inner response's names: most carry none of the
        // headers written here, and then nothing is removed or merged.
        let (mut stale_cors, mut own_vary) = (false, false);
        for name in headers.keys() {
            if name == header::VARY {
                own_vary = true;
            } else if name == header::ACCESS_CONTROL_ALLOW_ORIGIN
                || name == header::ACCESS_CONTROL_ALLOW_CREDENTIALS
                || name == header::ACCESS_CONTROL_EXPOSE_HEADERS
            {
                stale_cors = true;
            }
        }
        if stale_cors {
            for name in [
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
            ] {
                headers.remove(name);
            }
        }
        if let Some(origin) = self.allow_origin {
            if self.timing_allow_origin {
                // Replaces the inner service's own: the policy owns it.
                headers.insert(TIMING_ALLOW_ORIGIN.clone(), origin.clone());
            }
            headers.append(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            if self.allow_credentials {
                headers.append(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE.clone());
            }
            if let Some(expose) = self.expose_headers {
                headers.append(header::ACCESS_CONTROL_EXPOSE_HEADERS, expose);
            }
        }
        if self.vary_origin {
            if own_vary {
                vary::add_origin(headers);
            } else {
                headers.append(header::VARY, vary::ORIGIN.clone());
            }
        }
        if let Some(explanation) = self.notes.and_then(|n| n.explanation) {
            headers.insert(EXPLANATION_HEADER.clone(), explanation);
        }
    }
}

#[cfg(test)]
mod tests;
