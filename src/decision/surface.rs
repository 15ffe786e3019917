//! What a policy refuses beyond CORS, before the service sees it: writes
//! and WebSocket handshakes ([the write guard](crate::CorsPolicyBuilder::guard_writes))
//! and other sites' loads ([resource isolation](crate::CorsPolicyBuilder::isolate_resources))
//! from origins the policy does not allow, or, report-only, what it would
//! refuse.

use http::header::HeaderValue;

use super::answer::Notes;
use super::{isolation, write_guard};
use super::{ActualHeaders, AsyncVerdict, Decision, Known, Message, Refusal, RefusalReason};
use super::{RefusedResource, RefusedWrite};
use crate::policy::Inner;

/// Whether the guard or isolation looks at requests with this method and
/// these headers at all, under `policy`: cheap, so that a request neither
/// looks at leaves at once.
#[inline(always)]
pub(super) fn applies(policy: &Inner, message: Message<'_, '_>, with_origin: bool) -> bool {
    (policy.guard_writes
        && (write_guard::is_write(message.method)
            || (with_origin
                && write_guard::is_websocket_handshake(message.method, message.headers))))
        || policy.settings.isolate_resources
}

/// The decision on a request whose origin the policy does not allow
/// (`origin`: its single `Origin`, if any), when the guard or isolation
/// refuses it; `None` when both let it through. `passed` is what the
/// request gets when it is let through, for report-only.
///
/// Out of line: only such requests get here.
#[inline(never)]
pub(super) fn refuse<'a>(
    policy: &'a Inner,
    origin: Option<&'a HeaderValue>,
    message: Message<'a, '_>,
    known: &Known<'_>,
    passed: fn(&Inner) -> ActualHeaders,
) -> Option<Decision<'a>> {
    if origin.is_some_and(|o| is_server_origin(policy, o)) {
        return None;
    }
    let (reason, site) = refused_by(policy, origin, message, known)?;
    if let Some(exempt) = &policy.write_exemption {
        if known.head.with_parts(message, |parts| exempt(parts)) {
            return None;
        }
    }
    let timed_out = known.verdict == AsyncVerdict::TimedOut && origin.is_some();
    let refusal = Refusal {
        site,
        ..Refusal::new(
            if timed_out {
                RefusalReason::OriginLookupTimedOut
            } else {
                reason
            },
            origin,
        )
    };
    let explain = policy.settings.explain_refusals;
    if policy.settings.guard_report_only {
        let explanation = explain.then(|| refusal.reported_explanation());
        let headers = ActualHeaders {
            notes: Notes::boxed(explanation, None),
            ..passed(policy)
        };
        return Some(Decision::Reported(refusal, headers));
    }
    let explanation = explain.then(|| refusal.explanation());
    Some(match reason {
        RefusalReason::CrossSiteResource => Decision::IsolationRefused(RefusedResource {
            refusal,
            explanation,
        }),
        _ => Decision::WriteRefused(RefusedWrite {
            refusal,
            explanation,
        }),
    })
}

/// Which of the guard and isolation refuses the request, and its
/// `Sec-Fetch-Site`. The guard looks first: a request it lets through (the
/// browser says it is same-origin, or, without Fetch Metadata, its origin
/// is the server's own) isolation would let through too.
fn refused_by<'a>(
    policy: &Inner,
    origin: Option<&HeaderValue>,
    message: Message<'a, '_>,
    known: &Known<'_>,
) -> Option<(RefusalReason, Option<&'a HeaderValue>)> {
    let (method, headers) = (message.method, message.headers);
    if policy.guard_writes {
        // Browsers always send `Origin` on a handshake: one without is no
        // page's.
        let socket = origin.is_some() && write_guard::is_websocket_handshake(method, headers);
        if socket || write_guard::is_write(method) {
            let target = known.head.scheme_and_authority();
            let refused = write_guard::refuses(headers, origin, target)?;
            let reason = if socket {
                RefusalReason::CrossOriginWebSocket
            } else {
                RefusalReason::CrossOriginWrite
            };
            return Some((reason, refused.site));
        }
    }
    if policy.settings.isolate_resources {
        let site = isolation::refuses(method, headers)?;
        return Some((RefusalReason::CrossSiteResource, Some(site)));
    }
    None
}

/// Whether `origin` is one of the server's own public origins
/// ([`server_origins`](crate::CorsPolicyBuilder::server_origins)).
fn is_server_origin(policy: &Inner, origin: &HeaderValue) -> bool {
    policy
        .settings
        .server_origins
        .iter()
        .any(|own| own.as_bytes() == origin.as_bytes())
}
