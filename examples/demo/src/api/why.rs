//! What the CORS policy makes of a request, in one sentence for the page:
//! the layer's [`Decision`] (the same one the layer acts on) and whether
//! the handler then ran.

use tower_cors::Decision;

/// The part of a decision the sentence needs, taken before the request
/// moves on (a [`Decision`] borrows the request).
pub(crate) enum Judged {
    /// The write guard refused it: the layer answered 403.
    Guard(String),
    /// Resource isolation refused it: the layer answered 403.
    Isolation(String),
    /// Report-only: the guard or isolation would refuse it.
    Reported(String),
    /// A preflight, allowed or refused (why).
    Preflight(Option<String>),
    /// From an allowed origin.
    Allowed,
    /// From an origin the policy does not allow, passed on without CORS
    /// headers (why).
    Unreadable(String),
    /// No `Origin`.
    NotCors,
}

impl Judged {
    /// Takes what the sentence needs from `decision`.
    pub(crate) fn of(decision: &Decision<'_>) -> Self {
        let why = || {
            decision
                .refusal()
                .map(|r| r.to_string())
                .unwrap_or_default()
        };
        match decision {
            Decision::WriteRefused(_) => Judged::Guard(why()),
            Decision::IsolationRefused(_) => Judged::Isolation(why()),
            Decision::Reported(..) => Judged::Reported(why()),
            Decision::PreflightAllowed(_) => Judged::Preflight(None),
            Decision::PreflightRefused(_) => Judged::Preflight(Some(why())),
            Decision::ActualRefused(..) => Judged::Unreadable(why()),
            Decision::NotCors(_) => Judged::NotCors,
            _ => Judged::Allowed,
        }
    }

    /// The sentence, once the answer's `status` is known and whether the
    /// handler ran; `write` says whether the request was a write or a
    /// WebSocket handshake (what the guard judges).
    pub(crate) fn sentence(self, status: u16, handled: bool, write: bool) -> String {
        match self {
            Judged::Guard(why) => format!("refused by the write guard ({status}): {why}"),
            Judged::Isolation(why) => format!("refused by resource isolation ({status}): {why}"),
            Judged::Reported(why) => format!(
                "report-only: the guard would refuse it ({why}), so it only logs that and lets it through"
            ),
            Judged::Preflight(None) => format!("preflight allowed ({status})"),
            Judged::Preflight(Some(why)) => format!("preflight refused ({status}): {why}"),
            Judged::Allowed if handled => {
                "let through: the policy allows this origin, so the handler ran".to_owned()
            }
            Judged::Unreadable(why) if handled && write => format!(
                "the write guard is off: the handler ran although {why}; the page cannot read \
                 the answer, but the write happened"
            ),
            Judged::Unreadable(why) => {
                format!("answered without CORS headers, so the page cannot read it: {why}")
            }
            Judged::NotCors if handled => {
                "no Origin (not a page's cross-origin request): the handler ran".to_owned()
            }
            _ => format!("answered {status} without reaching the handler"),
        }
    }
}
