//! [`Settings`]: the plain values of a policy, as the builder collects them
//! and, once validated, as the compiled policy shows them.

use std::time::Duration;

use http::StatusCode;

/// How long an [async origin lookup](crate::CorsPolicyBuilder::allow_origin_predicate_async)
/// may take unless [`async_lookup_timeout`](crate::CorsPolicyBuilder::async_lookup_timeout)
/// says otherwise: long enough for a database round trip under load, short
/// enough that a stalled lookup does not hold requests (and, for a write,
/// the inner service) for long.
pub const DEFAULT_ASYNC_LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);

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
    /// `None` guards writes whenever origins are listed (not `*`).
    pub(crate) guard_writes: Option<bool>,
    pub(crate) guard_report_only: bool,
    pub(crate) isolate_resources: bool,
    pub(crate) timing_allow_origin: bool,
    /// The public origins the server is reached at, exact.
    pub(crate) server_origins: Vec<String>,
    /// `None` bounds each async origin lookup by
    /// [`DEFAULT_ASYNC_LOOKUP_TIMEOUT`].
    pub(crate) async_lookup_timeout: Option<Duration>,
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

    /// Whether the policy refuses cross-origin writes (and WebSocket
    /// handshakes) from origins it does not allow: as set, or else whenever
    /// it lists origins (exact, patterns or predicates) rather than `*`,
    /// which allows every origin.
    pub(crate) fn guards_writes(&self) -> bool {
        self.guard_writes
            .unwrap_or_else(|| !self.allows_any_origin())
    }

    /// Whether `allow_origins` is `*`.
    pub(crate) fn allows_any_origin(&self) -> bool {
        self.allow_origins.iter().any(|o| o == "*")
    }

    /// How long an async origin lookup may take before it counts as a
    /// refusal.
    pub(crate) fn async_lookup_timeout(&self) -> Duration {
        self.async_lookup_timeout
            .unwrap_or(DEFAULT_ASYNC_LOOKUP_TIMEOUT)
    }
}
