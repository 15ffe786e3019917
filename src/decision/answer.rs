//! The answers a [`Decision`](super::Decision) carries: the whole response
//! to a preflight, allowed or refused, and the CORS headers for an actual
//! response.

use std::fmt;

use http::header::{self, GetAll, HeaderMap, HeaderName, HeaderValue};
use http::StatusCode;

use super::refusal::{Refusal, RefusalReason};
use crate::policy::{Inner, Origins, ALLOW_PRIVATE_NETWORK, STAR, TRUE};
use crate::vary;

/// The development-only header that explains a refusal
/// ([`CorsPolicyBuilder::dangerously_explain_refusals`](crate::CorsPolicyBuilder::dangerously_explain_refusals)).
pub static EXPLANATION_HEADER: HeaderName = HeaderName::from_static("x-cors-refusal");

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
    pub fn headers(&self) -> HeaderMap {
        let p = self.policy;
        let mut h = p.preflight_headers.clone();
        if p.vary_origin {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, self.origin.clone());
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
#[derive(Debug, Clone)]
pub struct RefusedPreflight<'a> {
    pub(super) refusal: Refusal<'a>,
    pub(super) vary: &'a HeaderValue,
    pub(super) explanation: Option<HeaderValue>,
}

impl<'a> RefusedPreflight<'a> {
    /// Why it was refused.
    pub fn refusal(&self) -> &Refusal<'a> {
        &self.refusal
    }

    /// The status to answer with: always `403 Forbidden`.
    pub fn status(&self) -> StatusCode {
        StatusCode::FORBIDDEN
    }

    /// The headers to answer with, exactly as the layer sends them.
    pub fn headers(&self) -> HeaderMap {
        let mut h = HeaderMap::with_capacity(2);
        h.insert(header::VARY, self.vary.clone());
        if let Some(explanation) = &self.explanation {
            h.insert(EXPLANATION_HEADER.clone(), explanation.clone());
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
    pub(super) expose_headers: Option<HeaderValue>,
    pub(super) vary_origin: bool,
    pub(super) explanation: Option<HeaderValue>,
    /// The request's `Origin` when an allowed request carries cookies the
    /// policy does not accept (the browser will refuse the answer).
    pub(super) credentials_mismatch: Option<HeaderValue>,
}

impl ActualHeaders {
    pub(super) fn without_cors(policy: &Inner) -> Self {
        Self {
            allow_origin: None,
            allow_credentials: false,
            expose_headers: None,
            vary_origin: policy.vary_origin,
            explanation: None,
            credentials_mismatch: None,
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
        self.credentials_mismatch
            .as_ref()
            .map(|origin| Refusal::new(RefusalReason::CredentialsNotAllowed, Some(origin)))
    }

    /// Writes the policy's CORS headers into a response's headers.
    ///
    /// Any `Access-Control-Allow-Origin`, `-Allow-Credentials` or
    /// `-Expose-Headers` the inner service set is replaced (or removed), so a
    /// response never carries two origins; `Origin` is merged into `Vary`
    /// when the answer depends on it, keeping the values already there.
    pub fn apply_to(self, headers: &mut HeaderMap) {
        match self.allow_origin {
            Some(origin) => {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                set_or_remove(
                    headers,
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    self.allow_credentials.then(|| TRUE.clone()),
                );
                set_or_remove(
                    headers,
                    header::ACCESS_CONTROL_EXPOSE_HEADERS,
                    self.expose_headers,
                );
            }
            None => {
                for name in [
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    header::ACCESS_CONTROL_EXPOSE_HEADERS,
                ] {
                    headers.remove(name);
                }
            }
        }
        if self.vary_origin {
            vary::add_origin(headers);
        }
        if let Some(explanation) = self.explanation {
            headers.insert(EXPLANATION_HEADER.clone(), explanation);
        }
    }
}

fn set_or_remove(headers: &mut HeaderMap, name: HeaderName, value: Option<HeaderValue>) {
    match value {
        Some(v) => {
            headers.insert(name, v);
        }
        None => {
            headers.remove(name);
        }
    }
}
