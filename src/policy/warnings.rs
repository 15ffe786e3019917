//! [`PolicyWarning`]: findings that do not stop a policy from building but
//! mean that a browser will do something other than what the settings say.

use std::fmt;
use std::time::Duration;

use crate::fetch;
use crate::setting::SettingName;

use super::validate::Checked;

const WEBKIT_MAX_AGE: Duration = Duration::from_secs(fetch::MAX_AGE_CAP_WEBKIT);
const CHROMIUM_MAX_AGE: Duration = Duration::from_secs(fetch::MAX_AGE_CAP_CHROMIUM);

/// Something a policy says that browsers will not do as written.
///
/// A warning never stops [`build`](crate::CorsPolicyBuilder::build): the
/// policy works, but part of it has no effect, or it is stricter than the
/// browsers of today. Read them with [`CorsPolicy::warnings`](crate::CorsPolicy::warnings);
/// with the `tracing` feature each is also logged once at `warn`, on target
/// `tower_cors`, when a layer is made with the policy or a reload handle
/// sets it (building a policy logs nothing).
///
/// ```
/// use std::time::Duration;
/// use tower_cors::{CorsPolicy, WarningKind};
///
/// let policy = CorsPolicy::builder()
///     .allow_origins(["https://app.example.com"])
///     .max_age(Duration::from_secs(3600))
///     .build()?;
/// let warning = &policy.warnings()[0];
/// assert_eq!(warning.kind(), WarningKind::MaxAgeAboveBrowserCap);
/// assert!(warning.message().contains("WebKit (Safari) keeps it 600 s"));
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyWarning {
    kind: WarningKind,
    setting: SettingName,
    value: Option<String>,
    message: String,
}

/// The classes of [`PolicyWarning`].
///
/// New kinds may be added in minor releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// `max_age` is longer than WebKit's 600 s or Chromium's 7,200 s cap:
    /// those browsers keep the preflight for less time than configured.
    MaxAgeAboveBrowserCap,
    /// `allow_headers(["*"])` without `"authorization"`: the layer follows
    /// the Fetch standard, where `*` never covers `Authorization`, while
    /// today's engines still let it through (and warn).
    WildcardHeadersWithoutAuthorization,
    /// An exposed header that browsers let scripts read anyway.
    ExposedHeaderAlwaysReadable,
    /// `allow_private_network(true)`: no current browser sends the Private
    /// Network Access preflight this answers.
    PrivateNetworkAccessUnused,
    /// `guard_writes(false)` for a policy that lists origins: pages on any
    /// site can send writes with your users' cookies (form posts, `no-cors`
    /// requests) and open WebSockets as them, whatever the policy says of
    /// credentials; only the answers of writes are hidden.
    WriteGuardOffWithListedOrigins,
    /// `guard_writes(true)` with `"*"` origins: every origin is allowed,
    /// so the guard refuses nothing.
    WriteGuardAllowsEveryOrigin,
    /// `guard_report_only(true)` while neither the write guard nor resource
    /// isolation is on: there is nothing to report.
    ReportOnlyWithNothingToReport,
}

impl PolicyWarning {
    fn new(
        kind: WarningKind,
        setting: SettingName,
        value: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            setting,
            value: value.map(str::to_owned),
            message: message.into(),
        }
    }

    /// The class of warning, for matching in code and tests.
    pub fn kind(&self) -> WarningKind {
        self.kind
    }

    /// The builder method (and config key) it is about, e.g. `"max_age"`.
    pub fn setting(&self) -> &'static str {
        self.setting.method()
    }

    /// The value it is about, when it is about one value.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// What browsers will do, and what to change if that is not intended.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PolicyWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.setting.method())?;
        if let Some(v) = &self.value {
            write!(f, " {v:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every warning for settings that passed validation.
pub(super) fn find(checked: &Checked) -> Vec<PolicyWarning> {
    let mut found = Vec::new();
    if let Some(age) = checked.settings.max_age {
        max_age(age, &mut found);
    }
    if checked.headers.any()
        && !checked
            .headers
            .names()
            .any(|n| n.eq_ignore_ascii_case("authorization"))
    {
        found.push(PolicyWarning::new(
            WarningKind::WildcardHeadersWithoutAuthorization,
            SettingName::AllowHeaders,
            Some("*"),
            "\"*\" does not cover Authorization: the Fetch standard excludes it, so this layer \
             refuses preflights that ask for it, while Chromium, Firefox and WebKit still \
             accept `*` for it today (Chromium and Firefox with a deprecation warning); pages \
             that send Authorization work against a lenient server and fail against this one. \
             Add \"authorization\" to allow_headers if they send it",
        ));
    }
    for name in checked
        .settings
        .expose_headers
        .iter()
        .filter(|n| fetch::is_cors_safelisted_response_header_name(n.as_bytes()))
    {
        found.push(PolicyWarning::new(
            WarningKind::ExposedHeaderAlwaysReadable,
            SettingName::ExposeHeaders,
            Some(name),
            "browsers let scripts read Cache-Control, Content-Language, Content-Length, \
             Content-Type, Expires, Last-Modified and Pragma without exposing them; listing \
             it only lengthens every response",
        ));
    }
    if checked.settings.allow_private_network {
        found.push(PolicyWarning::new(
            WarningKind::PrivateNetworkAccessUnused,
            SettingName::AllowPrivateNetwork,
            None,
            "this only answers the old Private Network Access preflight, which Chromium 142 and \
             later no longer send (they ask the user through the Local Network Access permission \
             prompt, and block non-secure pages outright) and Firefox and WebKit never sent: no \
             response header lets a public page reach a private address now. Serve the API \
             from a public address, or the page from the same address space; cors-check \
             reports local-network-access from the address it connects to",
        ));
    }
    write_guard(&checked.settings, &mut found);
    found
}

/// What the write guard cannot do as set.
fn write_guard(settings: &super::Settings, found: &mut Vec<PolicyWarning>) {
    let any_origin = settings.allows_any_origin();
    if !any_origin && settings.guard_writes == Some(false) {
        found.push(PolicyWarning::new(
            WarningKind::WriteGuardOffWithListedOrigins,
            SettingName::GuardWrites,
            Some("false"),
            "a page on any site can still send your users' cookies with a form POST, a \
             no-cors fetch() or a text/plain POST, and your handler runs (CORS only hides the \
             answer; the browser attaches cookies whatever allow_credentials says, unless \
             their SameSite forbids it), and can open a WebSocket as your users; leave the \
             guard on, exempt the endpoints that take cross-site POSTs by design with \
             exempt_from_write_guard, and roll it out with guard_report_only(true)",
        ));
    }
    if settings.guards_writes() && any_origin {
        found.push(PolicyWarning::new(
            WarningKind::WriteGuardAllowsEveryOrigin,
            SettingName::GuardWrites,
            Some("true"),
            "allow_origins is \"*\", so every origin may write and the guard refuses nothing; \
             list the origins whose pages may write",
        ));
    }
    if settings.guard_report_only && !settings.guards_writes() && !settings.isolate_resources {
        found.push(PolicyWarning::new(
            WarningKind::ReportOnlyWithNothingToReport,
            SettingName::GuardReportOnly,
            Some("true"),
            "neither the write guard nor isolate_resources is on, so nothing would be \
             refused and nothing is reported; turn one of them on",
        ));
    }
}

fn max_age(age: Duration, found: &mut Vec<PolicyWarning>) {
    if age <= WEBKIT_MAX_AGE {
        return;
    }
    let secs = age.as_secs();
    let (webkit, chromium) = (fetch::MAX_AGE_CAP_WEBKIT, fetch::MAX_AGE_CAP_CHROMIUM);
    let message = if age <= CHROMIUM_MAX_AGE {
        format!(
            "WebKit (Safari) keeps it {webkit} s and preflights again after that; Chromium \
             and Firefox keep it {secs} s. Use at most {webkit} for the same behaviour \
             everywhere"
        )
    } else {
        format!(
            "WebKit (Safari) keeps it {webkit} s, Chromium {chromium} s, and only Firefox the \
             whole {secs} s; use at most {chromium} ({webkit} for the same behaviour everywhere)"
        )
    };
    found.push(PolicyWarning::new(
        WarningKind::MaxAgeAboveBrowserCap,
        SettingName::MaxAge,
        Some(&format!("{secs}s")),
        message,
    ));
}

#[cfg(test)]
mod tests;
