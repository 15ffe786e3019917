//! The first pass of a policy with an async origin predicate: the decision
//! when the list and the sync predicate settle it, else the lookup to wait
//! for.

use http::header;
use http::request;

use super::{decide, Decision, Head, Known, Message, Refusal, RefusalReason, RefusalsRead};
use crate::policy::{Inner, TimedLookup};

/// What the first pass over a request head gives.
pub(crate) enum FirstPass<'a> {
    /// The decision: the async origin predicate would change nothing.
    Decided(Decision<'a>),
    /// Only the async origin predicate could allow the request's origin:
    /// decide again once it has answered.
    Pending(PendingLookup),
}

/// A request waiting for the async origin predicate.
pub(crate) struct PendingLookup {
    /// The predicate's lookup for the request's origin, bounded by the
    /// policy's `async_lookup_timeout`.
    pub(crate) lookup: TimedLookup,
    /// Whether the request is held until the lookup answers: a write or a
    /// WebSocket handshake the [guard](crate::CorsPolicyBuilder::guard_writes),
    /// or a load [isolation](crate::CorsPolicyBuilder::isolate_resources),
    /// refuses unless the lookup allows its origin, which the service must
    /// not see before.
    pub(crate) hold: bool,
}

/// The decision for a request head, or, when only the async origin
/// predicate could allow its origin, the pending lookup to ask it with.
pub(crate) fn first_pass<'a>(
    policy: &'a Inner,
    parts: &'a request::Parts,
    refusals_read: RefusalsRead,
) -> FirstPass<'a> {
    let known = Known::new(Head::Parts(parts), refusals_read);
    let decision = decide(policy, Message::of_parts(parts), known);
    // A refusal of the origin itself (by the guard or isolation, with a
    // single `Origin`) is what the async predicate may still overturn.
    let origin_refused = |r: Refusal<'_>| match r.reason {
        RefusalReason::OriginNotAllowed => true,
        RefusalReason::CrossOriginWrite
        | RefusalReason::CrossOriginWebSocket
        | RefusalReason::CrossSiteResource => r.origin.is_some(),
        _ => false,
    };
    let refused_here = matches!(
        decision,
        Decision::PreflightRefused(_)
            | Decision::ActualRefused(..)
            | Decision::WriteRefused(_)
            | Decision::IsolationRefused(_)
            | Decision::Reported(..)
    );
    if !refused_here || !decision.refusal().is_some_and(origin_refused) {
        return FirstPass::Decided(decision);
    }
    let hold = matches!(
        decision,
        Decision::WriteRefused(_) | Decision::IsolationRefused(_)
    );
    let lookup = parts
        .headers
        .get(header::ORIGIN)
        .and_then(|origin| policy.start_lookup(origin, parts));
    match lookup {
        Some(lookup) => FirstPass::Pending(PendingLookup { lookup, hold }),
        None => FirstPass::Decided(decision),
    }
}
