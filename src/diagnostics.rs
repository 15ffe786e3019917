//! Saying why a request was refused: one `debug` event on target
//! `tower_cors` per refusal, and one `warn` event per policy warning when a
//! layer is created with a policy or a reload handle sets one (feature
//! `tracing`), nothing otherwise. The decision knows nothing of this
//! module: the layer asks [`enabled`] and passes the answer on.

use crate::decision::Decision;
use crate::policy::PolicyWarning;

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
        fetch_site = lossy(refusal.fetch_site()).as_deref(),
        preflight = decision.is_preflight(),
        report_only = matches!(decision, Decision::Reported(..)),
        fix = %refusal.hint(),
        "CORS {}: {refusal}",
        if matches!(decision, Decision::Reported(..)) {
            "would refuse (report-only)"
        } else {
            "refused"
        },
    );
}

/// Logs each warning of a policy being installed, once, at `warn`.
#[cfg(feature = "tracing")]
pub(crate) fn report_warnings(warnings: &[PolicyWarning]) {
    for warning in warnings {
        tracing::warn!(
            target: "tower_cors",
            kind = ?warning.kind(),
            setting = warning.setting(),
            value = warning.value(),
            "CORS policy: {warning}",
        );
    }
}

/// Without the `tracing` feature the warnings are only returned.
#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn report_warnings(_warnings: &[PolicyWarning]) {}

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
