//! Saying why a request was refused: one `debug` event on target
//! `tower_cors` per refusal (feature `tracing`), nothing otherwise.

use crate::decision::Decision;

/// Whether anyone listens for refusals: a `debug` subscriber on target
/// `tower_cors`. Lets the decision skip work that only a report would use.
#[cfg(feature = "tracing")]
pub(crate) fn enabled() -> bool {
    tracing::enabled!(target: "tower_cors", tracing::Level::DEBUG)
}

/// Reports a decision's refusal, including a credentials mismatch on an
/// allowed actual request. Nothing at info level or above.
#[cfg(feature = "tracing")]
pub(crate) fn report(decision: &Decision<'_>) {
    let Some(refusal) = decision.refusal() else {
        return;
    };
    if !enabled() {
        return;
    }
    let lossy = |v: Option<&http::HeaderValue>| {
        v.map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    tracing::debug!(
        target: "tower_cors",
        reason = refusal.reason().as_str(),
        origin = lossy(refusal.origin()).as_deref(),
        method = lossy(refusal.method()).as_deref(),
        header = refusal.header(),
        preflight = decision.is_preflight(),
        fix = %refusal.hint(),
        "CORS refused: {refusal}",
    );
}

/// Without the `tracing` feature nobody listens.
#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn enabled() -> bool {
    false
}

/// Without the `tracing` feature there is nothing to report to.
#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn report(_decision: &Decision<'_>) {}
