//! What a decision reads: the request's [`Message`] (method and headers)
//! and what its caller [`Known`]s besides (the rest of the request head,
//! the async origin predicate's verdict, whether anyone reads a refusal).

use http::header::HeaderMap;
use http::{request, Method};

use super::Head;
use crate::policy::LookupAnswer;

/// What every decision reads of the request: its method and headers.
///
/// The headers are borrowed for as long as the
/// [`Decision`](super::Decision) (`'a`), which points into them; the method
/// only for the call (`'r`). Two references, which a call passes in
/// registers: in memory, the layer's request would be copied once more
/// (docs/performance.md, "Moving the request").
#[derive(Clone, Copy)]
pub(crate) struct Message<'a, 'r> {
    /// The request's method.
    pub(crate) method: &'r Method,
    /// The request's headers.
    pub(crate) headers: &'a HeaderMap,
}

impl<'a> Message<'a, 'a> {
    /// The method and headers of a request head.
    #[inline(always)]
    pub(crate) fn of_parts(parts: &'a request::Parts) -> Self {
        Self {
            method: &parts.method,
            headers: &parts.headers,
        }
    }
}

/// What the caller of a decision knows beyond the request's [`Message`].
#[derive(Clone, Copy)]
pub(crate) struct Known<'r> {
    /// The rest of the request head, as far as the caller has it.
    pub(crate) head: Head<'r>,
    /// What the async origin predicate said, if it was asked.
    pub(crate) verdict: AsyncVerdict,
    /// Whether anyone besides the browser reads a refusal.
    pub(crate) refusals_read: RefusalsRead,
}

impl<'r> Known<'r> {
    /// `head`, before any async origin predicate is asked.
    #[inline(always)]
    pub(crate) fn new(head: Head<'r>, refusals_read: RefusalsRead) -> Self {
        Self {
            head,
            verdict: AsyncVerdict::Unknown,
            refusals_read,
        }
    }

    /// The same, once the async origin predicate has answered.
    #[inline(always)]
    pub(crate) fn with_verdict(self, verdict: AsyncVerdict) -> Self {
        Self { verdict, ..self }
    }
}

/// What the async origin predicate said about the request's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AsyncVerdict {
    /// Not asked (yet): the list and the sync predicate decide.
    Unknown,
    /// Its lookup allowed the origin.
    Allowed,
    /// Its lookup refused the origin (which nothing else allowed).
    Refused,
    /// Its lookup did not answer in time: the origin is refused, with its
    /// own reason.
    TimedOut,
}

impl From<LookupAnswer> for AsyncVerdict {
    fn from(answer: LookupAnswer) -> Self {
        match answer {
            LookupAnswer::Allowed => AsyncVerdict::Allowed,
            LookupAnswer::Refused => AsyncVerdict::Refused,
            LookupAnswer::TimedOut => AsyncVerdict::TimedOut,
        }
    }
}

/// Whether anyone besides the browser reads a decision's refusal: the
/// caller of [`CorsPolicy::evaluate`](crate::CorsPolicy::evaluate) always
/// does; behind the layer, only a log, if one listens.
///
/// A question rather than an answer, asked only when the answer matters (an
/// allowed request with a cookie, under a policy without credentials), so
/// that it costs nothing on every other request.
#[derive(Clone, Copy)]
pub(crate) struct RefusalsRead(fn() -> bool);

impl RefusalsRead {
    /// The caller reads the decision's refusal itself.
    pub(crate) const BY_CALLER: Self = Self(|| true);

    /// A refusal is read when `listening` says someone listens (the layer
    /// passes its log's check: the decision knows nothing of logs).
    pub(crate) const fn when(listening: fn() -> bool) -> Self {
        Self(listening)
    }

    /// Whether a refusal is read now.
    #[inline(always)]
    pub(super) fn now(self) -> bool {
        (self.0)()
    }
}
