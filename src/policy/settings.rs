//! [`Settings`]: the plain values of a policy, as the builder collects them
//! and, once validated, as the compiled policy shows them.

use std::time::Duration;

use http::StatusCode;

/// Every plain setting of a policy, one field each, named after its builder
/// method (see [`SettingName`](crate::setting::SettingName) for the names it goes
/// by elsewhere).
///
/// The builder holds them as given; the compiled policy holds them as
/// validated (lists deduplicated, header names in lower case, `max_age` in
/// whole seconds), for `Debug`, its getters and the switches the decision
/// reads. `Debug` and `Default` are derived, so a new setting is one field
/// here. The origin predicates are not plain values and live beside these.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub(crate) allow_origins: Vec<String>,
    pub(crate) allow_methods: Vec<String>,
    pub(crate) allow_headers: Vec<String>,
    pub(crate) expose_headers: Vec<String>,
    pub(crate) allow_credentials: bool,
    pub(crate) max_age: Option<Duration>,
    pub(crate) allow_private_network: bool,
    /// `None` guards writes when credentials are allowed.
    pub(crate) guard_writes: Option<bool>,
    /// `None` answers allowed preflights with `204 No Content`.
    pub(crate) preflight_status: Option<StatusCode>,
    pub(crate) preflight_passthrough: bool,
    pub(crate) explain_refusals: bool,
    /// The explicit opt-in for non-loopback `http://` origins with credentials.
    pub(crate) insecure_origins_with_credentials: bool,
    /// The explicit opt-in for the sync origin predicate with credentials.
    pub(crate) origin_predicate_with_credentials: bool,
    /// The explicit opt-in for the async origin predicate with credentials.
    pub(crate) async_origin_predicate_with_credentials: bool,
}

impl Settings {
    /// The status of an allowed preflight answer.
    pub(crate) fn preflight_status(&self) -> StatusCode {
        self.preflight_status.unwrap_or(StatusCode::NO_CONTENT)
    }

    /// Whether the policy refuses cross-origin writes from origins it does
    /// not allow: as set, or else whenever credentials are allowed.
    pub(crate) fn guards_writes(&self) -> bool {
        self.guard_writes.unwrap_or(self.allow_credentials)
    }
}
