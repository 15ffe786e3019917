//! Saying why a request was refused: one `debug` event on target
//! `tower_cors` per refusal (feature `tracing`), nothing otherwise.

use http::HeaderMap;

use crate::decision::Decision;
use crate::policy::Inner;

/// Reports a decision's refusal, or a credentials mismatch on an allowed
/// actual request. Nothing at info level or above; nothing at all without
/// the `tracing` feature.
#[cfg(feature = "tracing")]
pub(crate) fn report(policy: &Inner, decision: &Decision<'_>, headers: &HeaderMap) {
    use crate::decision::{Refusal, RefusalReason};

    if !tracing::enabled!(target: "tower_cors", tracing::Level::DEBUG) {
        return;
    }
    let lossy = |v: Option<&http::HeaderValue>| {
        v.map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let emit = |refusal: &Refusal<'_>, preflight: bool| {
        tracing::debug!(
            target: "tower_cors",
            reason = refusal.reason().as_str(),
            origin = lossy(refusal.origin()).as_deref(),
            method = lossy(refusal.method()).as_deref(),
            header = refusal.header(),
            preflight,
            fix = %refusal.hint(),
            "CORS refused: {refusal}",
        );
    };
    match decision {
        Decision::PreflightRefused(r) => emit(r, true),
        Decision::ActualRefused(r, _) => emit(r, false),
        Decision::ActualAllowed(_)
            if !policy.credentials && headers.contains_key(http::header::COOKIE) =>
        {
            let origin = headers.get(http::header::ORIGIN);
            emit(
                &Refusal::new(RefusalReason::CredentialsNotAllowed, origin),
                false,
            );
        }
        _ => {}
    }
}

/// Without the `tracing` feature there is nothing to report to.
#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn report(_policy: &Inner, _decision: &Decision<'_>, _headers: &HeaderMap) {}
