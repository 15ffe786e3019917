//! [`SettingName`]: every setting of a policy, listed once, with the names it
//! goes by: the builder method, the configuration key and the environment
//! variable.
//!
//! Problems, warnings, the environment reader and `Debug` all name a setting
//! through this list, so that a setting is never spelt twice.

/// One setting of a policy, by name (the values live in
/// [`Settings`](crate::policy::Settings)).
///
/// The order is the order settings are reported in (problems of a
/// [`ConfigError`](crate::ConfigError) from the environment are sorted by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum SettingName {
    /// [`allow_origins`](crate::CorsPolicyBuilder::allow_origins), and the
    /// origin predicates that extend it.
    AllowOrigins,
    /// [`allow_methods`](crate::CorsPolicyBuilder::allow_methods).
    AllowMethods,
    /// [`allow_headers`](crate::CorsPolicyBuilder::allow_headers).
    AllowHeaders,
    /// [`expose_headers`](crate::CorsPolicyBuilder::expose_headers).
    ExposeHeaders,
    /// [`allow_credentials`](crate::CorsPolicyBuilder::allow_credentials).
    AllowCredentials,
    /// [`max_age`](crate::CorsPolicyBuilder::max_age), whole seconds in a
    /// file or the environment.
    MaxAge,
    /// [`allow_private_network`](crate::CorsPolicyBuilder::allow_private_network).
    AllowPrivateNetwork,
    /// [`guard_writes`](crate::CorsPolicyBuilder::guard_writes), and the
    /// exemption that goes with it.
    GuardWrites,
    /// [`guard_report_only`](crate::CorsPolicyBuilder::guard_report_only).
    GuardReportOnly,
    /// [`isolate_resources`](crate::CorsPolicyBuilder::isolate_resources).
    IsolateResources,
    /// [`timing_allow_origin`](crate::CorsPolicyBuilder::timing_allow_origin).
    TimingAllowOrigin,
    /// [`server_origins`](crate::CorsPolicyBuilder::server_origins).
    ServerOrigins,
    /// [`async_lookup_timeout`](crate::CorsPolicyBuilder::async_lookup_timeout),
    /// whole milliseconds in a file or the environment.
    AsyncLookupTimeout,
    /// [`preflight_status`](crate::CorsPolicyBuilder::preflight_status).
    PreflightStatus,
    /// [`preflight_passthrough`](crate::CorsPolicyBuilder::preflight_passthrough).
    PreflightPassthrough,
    /// [`dangerously_explain_refusals`](crate::CorsPolicyBuilder::dangerously_explain_refusals).
    ExplainRefusals,
}

/// What the list knows of a setting.
struct Entry {
    setting: SettingName,
    /// The builder method, which problems and warnings name.
    method: &'static str,
    /// The key in a [`CorsConfig`](crate::CorsConfig) (a `[cors]` table),
    /// whose upper-case form after a prefix is the environment variable;
    /// `None` for a setting only code can make.
    config_key: Option<&'static str>,
}

/// Every setting, in declaration order (a test keeps it so).
const ENTRIES: [Entry; 16] = [
    Entry {
        setting: SettingName::AllowOrigins,
        method: "allow_origins",
        config_key: Some("allow_origins"),
    },
    Entry {
        setting: SettingName::AllowMethods,
        method: "allow_methods",
        config_key: Some("allow_methods"),
    },
    Entry {
        setting: SettingName::AllowHeaders,
        method: "allow_headers",
        config_key: Some("allow_headers"),
    },
    Entry {
        setting: SettingName::ExposeHeaders,
        method: "expose_headers",
        config_key: Some("expose_headers"),
    },
    Entry {
        setting: SettingName::AllowCredentials,
        method: "allow_credentials",
        config_key: Some("allow_credentials"),
    },
    Entry {
        setting: SettingName::MaxAge,
        method: "max_age",
        config_key: Some("max_age_secs"),
    },
    Entry {
        setting: SettingName::AllowPrivateNetwork,
        method: "allow_private_network",
        config_key: Some("allow_private_network"),
    },
    Entry {
        setting: SettingName::GuardWrites,
        method: "guard_writes",
        config_key: Some("guard_writes"),
    },
    Entry {
        setting: SettingName::GuardReportOnly,
        method: "guard_report_only",
        config_key: Some("guard_report_only"),
    },
    Entry {
        setting: SettingName::IsolateResources,
        method: "isolate_resources",
        config_key: Some("isolate_resources"),
    },
    Entry {
        setting: SettingName::TimingAllowOrigin,
        method: "timing_allow_origin",
        config_key: Some("timing_allow_origin"),
    },
    Entry {
        setting: SettingName::ServerOrigins,
        method: "server_origins",
        config_key: Some("server_origins"),
    },
    Entry {
        setting: SettingName::AsyncLookupTimeout,
        method: "async_lookup_timeout",
        config_key: Some("async_lookup_timeout"),
    },
    Entry {
        setting: SettingName::PreflightStatus,
        method: "preflight_status",
        config_key: None,
    },
    Entry {
        setting: SettingName::PreflightPassthrough,
        method: "preflight_passthrough",
        config_key: None,
    },
    Entry {
        setting: SettingName::ExplainRefusals,
        method: "dangerously_explain_refusals",
        config_key: None,
    },
];

impl SettingName {
    /// Every setting, in the order they are reported.
    pub(crate) fn all() -> impl Iterator<Item = SettingName> {
        ENTRIES.iter().map(|e| e.setting)
    }

    fn entry(self) -> &'static Entry {
        // `ENTRIES` lists every variant in declaration order (see the test
        // below), so the index is always in range.
        &ENTRIES[self as usize]
    }

    /// The builder method, e.g. `"allow_origins"`.
    pub(crate) fn method(self) -> &'static str {
        self.entry().method
    }

    /// The configuration key, e.g. `"max_age_secs"`, for the settings a
    /// file or the environment can hold.
    pub(crate) fn config_key(self) -> Option<&'static str> {
        self.entry().config_key
    }

    /// The environment variable that holds this setting under `prefix`
    /// (`CORS` gives `CORS_ALLOW_ORIGINS`; an empty prefix, `ALLOW_ORIGINS`).
    pub(crate) fn env_var(self, prefix: &str) -> Option<String> {
        let key = self.config_key()?.to_ascii_uppercase();
        Some(if prefix.is_empty() {
            key
        } else {
            format!("{prefix}_{key}")
        })
    }
}

#[cfg(test)]
mod tests;
