//! The sans-IO core: what a policy makes of one request, as a value.
//!
//! [`CorsPolicy::evaluate`](crate::CorsPolicy::evaluate) reads a request's method and headers once and
//! returns a [`Decision`] that carries the whole answer: for a preflight,
//! the status and headers to send; for any other request, the CORS headers
//! to add to the inner service's response. It does no I/O and allocates
//! nothing; the layer only applies the decision, so a test of `evaluate` is
//! a test of the layer.

mod answer;
mod evaluate;
mod explanation;
mod head;
mod input;
mod isolation;
mod pending;
mod refusal;
mod surface;
mod write_guard;

use http::header::{self, HeaderMap, HeaderValue};
use http::Method;

pub(crate) use answer::PlainRefusal;
pub use answer::{
    ActualHeaders, AllowedPreflight, RefusedPreflight, RefusedResource, RefusedWrite,
};
use answer::{Explained, Notes};
pub use explanation::{Explanation, EXPLANATION_HEADER};
pub(crate) use head::Head;
pub(crate) use input::{AsyncVerdict, Known, Message, RefusalsRead};
pub(crate) use pending::{first_pass, FirstPass, PendingLookup};
pub use refusal::{Refusal, RefusalReason};
pub(crate) use write_guard::{is_write, SchemeAndAuthority};

use crate::fetch;
use crate::policy::{Inner, Methods, Origins, REQUEST_PRIVATE_NETWORK, STAR};
use crate::request_headers::HeadersCheck;

/// What a [`CorsPolicy`](crate::CorsPolicy) makes of one request.
///
/// ```
/// use http::{HeaderMap, Method};
/// use tower_cors::{CorsPolicy, Decision};
///
/// let policy = CorsPolicy::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_methods(["PUT"])
///     .build()?;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("origin", "https://app.example.com".parse()?);
/// headers.insert("access-control-request-method", "PUT".parse()?);
///
/// match policy.evaluate(&Method::OPTIONS, &headers) {
///     Decision::PreflightAllowed(answer) => {
///         let h = answer.headers();
///         assert_eq!(h["access-control-allow-origin"], "https://app.example.com");
///         assert_eq!(h["access-control-allow-methods"], "PUT");
///     }
///     other => panic!("unexpected {other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub enum Decision<'a> {
    /// A preflight the policy allows: answer it with
    /// [`AllowedPreflight::status`] and [`AllowedPreflight::headers`].
    PreflightAllowed(AllowedPreflight<'a>),
    /// A preflight the policy refuses: answer it with
    /// [`RefusedPreflight::status`] (403) and [`RefusedPreflight::headers`]
    /// (no `Access-Control-Allow-*` headers; in explain mode, see
    /// [`RefusedPreflight`], a method or header refusal carries the allowed
    /// origin instead, so the browser reports the real cause).
    PreflightRefused(RefusedPreflight<'a>),
    /// A CORS request (it has an `Origin`) from an allowed origin: pass it
    /// on and add these headers to the response.
    ActualAllowed(ActualHeaders),
    /// A CORS request from an origin the policy does not allow: pass it on;
    /// the response gets no CORS headers, so the browser will not let the
    /// page read it.
    ActualRefused(Refusal<'a>, ActualHeaders),
    /// A write (a request with an unsafe method) or a WebSocket handshake
    /// from an origin the policy does not allow, refused by the
    /// [write guard](crate::CorsPolicyBuilder::guard_writes): the layer
    /// answers it with [`RefusedWrite::status`] (403) and
    /// [`RefusedWrite::headers`]; the inner service never sees it.
    WriteRefused(RefusedWrite<'a>),
    /// A request from another site that the policy does not allow and that
    /// is not a navigation, refused by
    /// [resource isolation](crate::CorsPolicyBuilder::isolate_resources):
    /// the layer answers it with [`RefusedResource::status`] (403) and
    /// [`RefusedResource::headers`]; the inner service never sees it.
    IsolationRefused(RefusedResource<'a>),
    /// A request the write guard or resource isolation would refuse, let
    /// through because the policy is
    /// [report-only](crate::CorsPolicyBuilder::guard_report_only): pass it
    /// on and add these headers (those it gets without the guard, and in
    /// explain mode the explanation of what would have been refused).
    Reported(Refusal<'a>, ActualHeaders),
    /// Not a CORS request (no `Origin`): pass it on. The response still gets
    /// what keeps shared caches safe: `Vary: Origin` when the answer depends
    /// on the origin, or `Access-Control-Allow-Origin: *` for a policy that
    /// allows any origin.
    NotCors(ActualHeaders),
}

impl Decision<'_> {
    /// Why the request fails: for refused preflights, for actual requests
    /// from disallowed origins, for what the guard or isolation refuses
    /// (or, report-only, would refuse), and for allowed actual requests that carry
    /// cookies the policy does not accept
    /// ([`RefusalReason::CredentialsNotAllowed`]: the browser will refuse
    /// the answer although the layer sends the usual headers). That last
    /// one is always looked for by [`CorsPolicy::evaluate`](crate::CorsPolicy::evaluate) and its
    /// siblings, whose caller reads the decision; the layer looks for it
    /// only when someone will read it: with
    /// [`dangerously_explain_refusals`](crate::CorsPolicyBuilder::dangerously_explain_refusals)
    /// or with the `tracing` feature's `debug` events enabled.
    pub fn refusal(&self) -> Option<Refusal<'_>> {
        match self {
            Decision::PreflightRefused(r) => Some(r.refusal),
            Decision::ActualRefused(r, _) => Some(*r),
            Decision::WriteRefused(r) => Some(r.refusal),
            Decision::IsolationRefused(r) => Some(r.refusal),
            Decision::Reported(r, _) => Some(*r),
            Decision::ActualAllowed(h) => h.credentials_refusal(),
            _ => None,
        }
    }

    /// Whether the request is a preflight, which the layer answers itself.
    pub fn is_preflight(&self) -> bool {
        matches!(
            self,
            Decision::PreflightAllowed(_) | Decision::PreflightRefused(_)
        )
    }
}

/// Whether the origin predicate allows `origin`, building a request head
/// for it when the caller has none.
fn predicate_allows(
    policy: &Inner,
    origin: &HeaderValue,
    message: Message<'_, '_>,
    head: &Head<'_>,
) -> bool {
    let Some(predicate) = &policy.origin_predicate else {
        return false;
    };
    head.with_parts(message, |parts| predicate(origin, parts))
}

/// The whole decision, shared by every entry point and by the layer.
///
/// `known.refusals_read` tells whether anyone besides the browser reads a
/// refusal (the caller of [`CorsPolicy::evaluate`](crate::CorsPolicy::evaluate), or a log): only then is
/// an allowed request's cookie reported against the policy's credentials,
/// work that changes no header.
pub(crate) fn decide<'a>(
    policy: &'a Inner,
    message: Message<'a, '_>,
    known: Known<'_>,
) -> Decision<'a> {
    let headers = message.headers;
    // A request without `Origin` is not a CORS request
    // (https://fetch.spec.whatwg.org/#http-requests); a write or a load
    // without one may still be another site's, for the guard and isolation.
    let mut origins = headers.get_all(header::ORIGIN).iter();
    let Some(origin) = origins.next() else {
        if surface::applies(policy, message, false) {
            let passed = ActualHeaders::without_origin;
            if let Some(refused) = surface::refuse(policy, None, message, &known, passed) {
                return refused;
            }
        }
        return Decision::NotCors(ActualHeaders::without_origin(policy));
    };
    // A CORS-preflight request is `OPTIONS` with `Access-Control-Request-Method`
    // (https://fetch.spec.whatwg.org/#cors-preflight-request).
    // `Access-Control-Request-Method` is looked up once, for both the kind
    // of request and the method check.
    let mut requested = (*message.method == Method::OPTIONS).then(|| {
        headers
            .get_all(header::ACCESS_CONTROL_REQUEST_METHOD)
            .iter()
    });
    let first_method = requested.as_mut().and_then(Iterator::next);
    let asked = Asked {
        policy,
        message,
        known: &known,
        origin,
        preflight: first_method.is_some(),
    };
    // Browsers send exactly one `Origin`.
    if origins.next().is_some() {
        return asked.refuse_origin(RefusalReason::OriginMalformed, None);
    }
    let allow_origin = match asked.allow_origin() {
        Some(value) => value,
        None => return asked.refuse_origin(RefusalReason::OriginNotAllowed, Some(origin)),
    };
    if !asked.preflight {
        return asked.actual_allowed(allow_origin);
    }
    let second_method = requested.as_mut().and_then(Iterator::next);
    let method = match asked.check_method(first_method, second_method) {
        Ok(method) => method,
        Err(refusal) if refusal.reason == RefusalReason::MethodNotAllowed => {
            return asked.refuse_explained(refusal, &allow_origin)
        }
        Err(refusal) => return asked.refuse(refusal),
    };
    asked.check_headers(method, &allow_origin)
}

/// One CORS request being decided: what every step reads.
struct Asked<'a, 'k> {
    policy: &'a Inner,
    message: Message<'a, 'k>,
    known: &'k Known<'k>,
    origin: &'a HeaderValue,
    preflight: bool,
}

impl<'a> Asked<'a, '_> {
    /// The `Access-Control-Allow-Origin` value the policy gives this
    /// origin, or `None` when it refuses it: what the browser's CORS check
    /// compares with the request's origin
    /// (https://fetch.spec.whatwg.org/#cors-check, steps 1-4).
    #[inline(always)]
    fn allow_origin(&self) -> Option<HeaderValue> {
        let policy = self.policy;
        let origin = self.origin;
        match &policy.origins {
            // Validation never lets `*` origins carry credentials.
            Origins::Any => Some(STAR.clone()),
            Origins::List(m) if m.matches(origin.as_bytes()) => Some(origin.clone()),
            _ if allowed_otherwise(policy, origin, self.message, self.known) => {
                Some(origin.clone())
            }
            _ => None,
        }
    }

    /// An actual request from an allowed origin. Cookies on it mean
    /// `credentials: "include"`, which the browser refuses without
    /// `Access-Control-Allow-Credentials: true`
    /// (https://fetch.spec.whatwg.org/#cors-check, step 5): looked for only
    /// when someone will read it.
    #[inline]
    fn actual_allowed(&self, allow_origin: HeaderValue) -> Decision<'a> {
        let settings = &self.policy.settings;
        let explain = settings.explain_refusals;
        let mismatch = !settings.allow_credentials
            && self.message.headers.contains_key(header::COOKIE)
            && (explain || self.known.refusals_read.now());
        let credentials_mismatch = mismatch.then(|| self.origin.clone());
        let explanation = (mismatch && explain).then(|| {
            Refusal::new(RefusalReason::CredentialsNotAllowed, Some(self.origin)).explanation()
        });
        Decision::ActualAllowed(ActualHeaders {
            allow_origin: Some(allow_origin),
            allow_credentials: settings.allow_credentials,
            timing_allow_origin: settings.timing_allow_origin,
            expose_headers: self.policy.expose_headers.clone(),
            vary_origin: self.policy.vary_origin,
            notes: Notes::boxed(explanation, credentials_mismatch),
        })
    }

    /// The requested method: exactly one token, which the browser's
    /// preflight check will look for in `Access-Control-Allow-Methods`
    /// (https://fetch.spec.whatwg.org/#cors-preflight-fetch, steps 7.5-7.6).
    #[inline(always)]
    fn check_method(
        &self,
        first: Option<&'a HeaderValue>,
        second: Option<&'a HeaderValue>,
    ) -> Result<&'a HeaderValue, Refusal<'a>> {
        let method = match (first, second) {
            (Some(m), None) if fetch::is_token(m.as_bytes()) => m,
            (m, _) => {
                return Err(Refusal {
                    method: m,
                    ..Refusal::new(RefusalReason::MethodMalformed, Some(self.origin))
                })
            }
        };
        if method_allowed(&self.policy.methods, method.as_bytes()) {
            Ok(method)
        } else {
            Err(Refusal {
                method: Some(method),
                ..Refusal::new(RefusalReason::MethodNotAllowed, Some(self.origin))
            })
        }
    }

    /// The requested headers: each CORS-unsafe request-header name must be
    /// in `Access-Control-Allow-Headers`
    /// (https://fetch.spec.whatwg.org/#cors-preflight-fetch, steps 7.7-7.8).
    /// All allowed, the preflight is answered.
    #[inline(always)]
    fn check_headers(&self, method: &'a HeaderValue, allow_origin: &HeaderValue) -> Decision<'a> {
        let policy = self.policy;
        let request_headers = self
            .message
            .headers
            .get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        let reason = match policy.headers.check(&request_headers) {
            HeadersCheck::Allowed => {
                return Decision::PreflightAllowed(AllowedPreflight {
                    policy,
                    origin: self.origin,
                    method,
                    request_headers,
                    private_network: self.private_network(),
                })
            }
            HeadersCheck::NotAllowed(name) => {
                let refusal = Refusal {
                    header: Some(name),
                    ..Refusal::new(RefusalReason::HeaderNotAllowed, Some(self.origin))
                };
                return self.refuse_explained(refusal, allow_origin);
            }
            HeadersCheck::Malformed => RefusalReason::HeadersMalformed,
            HeadersCheck::TooLarge => RefusalReason::HeadersTooLarge,
        };
        self.refuse(Refusal::new(reason, Some(self.origin)))
    }

    /// Whether an allowed preflight answers Private Network Access: only
    /// when the policy opts in
    /// (https://wicg.github.io/private-network-access/#headers).
    #[inline(always)]
    fn private_network(&self) -> bool {
        self.policy.settings.allow_private_network
            && self
                .message
                .headers
                .get(&REQUEST_PRIVATE_NETWORK)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"))
    }

    /// A request whose origin the policy does not allow (or that has
    /// several): what the guard or isolation refuses, or else the plain
    /// refusal (its own reason when the async origin lookup timed out).
    #[inline(always)]
    fn refuse_origin(
        &self,
        reason: RefusalReason,
        origin: Option<&'a HeaderValue>,
    ) -> Decision<'a> {
        let (policy, message, known) = (self.policy, self.message, self.known);
        if !self.preflight && surface::applies(policy, message, true) {
            let passed = ActualHeaders::without_cors;
            if let Some(refused) = surface::refuse(policy, origin, message, known, passed) {
                return refused;
            }
        }
        let reason = match (reason, known.verdict) {
            (RefusalReason::OriginNotAllowed, AsyncVerdict::TimedOut) => {
                RefusalReason::OriginLookupTimedOut
            }
            _ => reason,
        };
        self.refuse(Refusal::new(reason, origin))
    }

    /// The refusal as a decision: a preflight answered 403, or an actual
    /// request passed on without CORS headers (the browser then hides the
    /// response).
    #[inline(always)]
    fn refuse(&self, refusal: Refusal<'a>) -> Decision<'a> {
        let policy = self.policy;
        let explanation = policy
            .settings
            .explain_refusals
            .then(|| refusal.explanation());
        if self.preflight {
            Decision::PreflightRefused(RefusedPreflight {
                refusal,
                vary: &policy.preflight_vary,
                explanation,
                explained: None,
            })
        } else {
            let headers = ActualHeaders {
                notes: Notes::boxed(explanation, None),
                ..ActualHeaders::without_cors(policy)
            };
            Decision::ActualRefused(refusal, headers)
        }
    }

    /// [`refuse`](Self::refuse) for a method or header of an allowed
    /// origin: in explain mode the refused preflight carries the allowed
    /// origin, so that the browser names the real cause.
    #[inline(always)]
    fn refuse_explained(&self, refusal: Refusal<'a>, allow_origin: &HeaderValue) -> Decision<'a> {
        let mut refused = self.refuse(refusal);
        if self.policy.settings.explain_refusals {
            explain(
                self.policy,
                &mut refused,
                allow_origin,
                self.message.headers,
            );
        }
        refused
    }
}

/// Whether a predicate allows an origin that neither `*` nor the list does:
/// the async one's verdict when it has answered, else the sync one.
#[inline]
fn allowed_otherwise(
    policy: &Inner,
    origin: &HeaderValue,
    message: Message<'_, '_>,
    known: &Known<'_>,
) -> bool {
    match known.verdict {
        AsyncVerdict::Allowed => true,
        AsyncVerdict::Refused | AsyncVerdict::TimedOut => false,
        AsyncVerdict::Unknown => predicate_allows(policy, origin, message, &known.head),
    }
}

/// In explain mode, a refused preflight of an allowed origin's method or
/// header carries the allowed origin, so that the browser names the cause.
#[cold]
fn explain<'a>(
    policy: &'a Inner,
    decision: &mut Decision<'a>,
    allow_origin: &HeaderValue,
    request: &'a HeaderMap,
) {
    if let Decision::PreflightRefused(answer) = decision {
        answer.explained = Some(Box::new(Explained {
            policy,
            allow_origin: allow_origin.clone(),
            request,
        }));
    }
}

/// CORS-safelisted methods (GET, HEAD, POST) always pass; the others must be
/// listed, byte for byte, since browsers compare them case-sensitively.
///
/// A scan, not a binary search: a policy lists a handful of methods, and
/// comparing lengths first leaves at most the entries of the requested
/// length to compare byte by byte (a binary search compares bytes at every
/// step).
fn method_allowed(methods: &Methods, method: &[u8]) -> bool {
    fetch::is_cors_safelisted_method(method)
        || match methods {
            Methods::Any => true,
            Methods::List(list) => list.iter().any(|m| **m == *method),
        }
}
