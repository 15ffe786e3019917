//! [`CorsConfig`]: a policy as data, read from a configuration file
//! (feature `serde`) or from environment variables (`env`).

mod env;

use std::time::Duration;

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::policy::{CorsPolicy, CorsPolicyBuilder};
use crate::setting::SettingName;

/// A CORS policy as plain data, turned into a [`CorsPolicy`] by the same
/// validation as the builder.
///
/// Read it from a configuration file through serde (feature `serde`), or
/// from environment variables with [`from_env`](Self::from_env) (no feature
/// needed).
///
/// Keys: `allow_origins` (required), `allow_methods`, `allow_headers`,
/// `expose_headers` (lists of strings), `allow_credentials` (bool),
/// `max_age_secs` (integer), `allow_private_network`, `guard_writes`
/// (bool; unset, on whenever origins are listed rather than `*`),
/// `guard_report_only`, `isolate_resources`, `timing_allow_origin` (bools),
/// `server_origins` (a list of strings) and `async_lookup_timeout`
/// (integer, milliseconds). Unknown keys are an error, so a typo cannot
/// silently drop a setting.
///
/// The documented way to configure an app is a `[cors]` table in the app's
/// own configuration, next to its other sections:
///
/// ```
/// use std::net::SocketAddr;
/// use serde::Deserialize;
/// use tower_cors::{CorsConfig, CorsLayer, CorsPolicy};
///
/// #[derive(Deserialize)]
/// struct AppConfig {
///     server: ServerConfig,
///     database: DatabaseConfig,
///     cors: CorsConfig,
/// }
///
/// #[derive(Deserialize)]
/// struct ServerConfig {
///     listen: SocketAddr,
/// }
///
/// #[derive(Deserialize)]
/// struct DatabaseConfig {
///     url: String,
///     pool_size: u32,
/// }
///
/// let text = r#"
///     [server]
///     listen = "127.0.0.1:8080"
///
///     [database]
///     url = "postgres://app@127.0.0.1/app"
///     pool_size = 8
///
///     [cors]
///     allow_origins = ["https://myfrontend.com", "https://admin.myfrontend.com"]
///     allow_methods = ["GET", "POST", "PUT", "DELETE"]
///     allow_headers = ["content-type", "authorization"]
///     expose_headers = ["x-request-id"]
///     allow_credentials = true
///     max_age_secs = 600
/// "#;
/// let config: AppConfig = toml::from_str(text)?;
/// assert_eq!(config.server.listen.port(), 8080);
/// assert_eq!(config.database.pool_size, 8);
/// # let _ = &config.database.url;
///
/// // The same checks as the builder: every mistake in [cors] at once.
/// let policy = CorsPolicy::try_from(config.cors)?;
/// assert!(policy.allows_credentials());
/// let layer = CorsLayer::new(policy);
/// # let _ = layer;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A mistake in the table is reported by serde with its key (unknown keys,
/// wrong types), and every policy mistake by [`ConfigError`]:
///
/// ```
/// use tower_cors::{CorsConfig, CorsPolicy, ProblemKind};
///
/// let typo = toml::from_str::<CorsConfig>("allow_origin = [\"https://a.com\"]");
/// assert!(typo.unwrap_err().to_string().contains("allow_origin"));
///
/// let config: CorsConfig = toml::from_str(
///     "allow_origins = [\"*\"]\nallow_credentials = true",
/// )?;
/// let err = CorsPolicy::try_from(config).unwrap_err();
/// assert!(err.has(ProblemKind::WildcardOriginWithCredentials));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CorsConfig {
    /// See [`CorsPolicyBuilder::allow_origins`].
    pub allow_origins: Vec<String>,
    /// See [`CorsPolicyBuilder::allow_methods`].
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub allow_methods: Vec<String>,
    /// See [`CorsPolicyBuilder::allow_headers`].
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub allow_headers: Vec<String>,
    /// See [`CorsPolicyBuilder::expose_headers`].
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub expose_headers: Vec<String>,
    /// See [`CorsPolicyBuilder::allow_credentials`].
    #[cfg_attr(feature = "serde", serde(default))]
    pub allow_credentials: bool,
    /// See [`CorsPolicyBuilder::max_age`], in seconds.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub max_age_secs: Option<u64>,
    /// See [`CorsPolicyBuilder::allow_private_network`].
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub allow_private_network: bool,
    /// See [`CorsPolicyBuilder::guard_writes`]; unset, writes are guarded
    /// whenever origins are listed (not `*`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub guard_writes: Option<bool>,
    /// See [`CorsPolicyBuilder::guard_report_only`].
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub guard_report_only: bool,
    /// See [`CorsPolicyBuilder::isolate_resources`].
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub isolate_resources: bool,
    /// See [`CorsPolicyBuilder::timing_allow_origin`].
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub timing_allow_origin: bool,
    /// See [`CorsPolicyBuilder::server_origins`].
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub server_origins: Vec<String>,
    /// See [`CorsPolicyBuilder::async_lookup_timeout`], in milliseconds.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub async_lookup_timeout: Option<u64>,
}

impl CorsConfig {
    /// The builder these settings describe, for adding what a file cannot
    /// say (e.g. a preflight status) before building.
    pub fn into_builder(self) -> CorsPolicyBuilder {
        let mut b = CorsPolicy::builder()
            .allow_origins(self.allow_origins)
            .allow_methods(self.allow_methods)
            .allow_headers(self.allow_headers)
            .expose_headers(self.expose_headers)
            .allow_credentials(self.allow_credentials)
            .allow_private_network(self.allow_private_network)
            .guard_report_only(self.guard_report_only)
            .isolate_resources(self.isolate_resources)
            .timing_allow_origin(self.timing_allow_origin)
            .server_origins(self.server_origins);
        if let Some(millis) = self.async_lookup_timeout {
            b = b.async_lookup_timeout(Duration::from_millis(millis));
        }
        if let Some(secs) = self.max_age_secs {
            b = b.max_age(Duration::from_secs(secs));
        }
        if let Some(guard) = self.guard_writes {
            b = b.guard_writes(guard);
        }
        b
    }
}

/// Where a configuration holds one setting, typed: what the environment
/// reader parses a variable into.
pub(crate) enum Slot<'a> {
    /// A list of strings.
    List(&'a mut Vec<String>),
    /// A switch.
    Flag(&'a mut bool),
    /// A switch whose default depends on other settings.
    Switch(&'a mut Option<bool>),
    /// A whole number of seconds.
    Seconds(&'a mut Option<u64>),
    /// A whole number of milliseconds.
    Millis(&'a mut Option<u64>),
}

impl CorsConfig {
    /// The field that holds `setting`, for the settings a configuration
    /// can hold (those with a [`config_key`](SettingName::config_key)).
    pub(crate) fn slot(&mut self, setting: SettingName) -> Option<Slot<'_>> {
        Some(match setting {
            SettingName::AllowOrigins => Slot::List(&mut self.allow_origins),
            SettingName::AllowMethods => Slot::List(&mut self.allow_methods),
            SettingName::AllowHeaders => Slot::List(&mut self.allow_headers),
            SettingName::ExposeHeaders => Slot::List(&mut self.expose_headers),
            SettingName::AllowCredentials => Slot::Flag(&mut self.allow_credentials),
            SettingName::MaxAge => Slot::Seconds(&mut self.max_age_secs),
            SettingName::AllowPrivateNetwork => Slot::Flag(&mut self.allow_private_network),
            SettingName::GuardWrites => Slot::Switch(&mut self.guard_writes),
            SettingName::GuardReportOnly => Slot::Flag(&mut self.guard_report_only),
            SettingName::IsolateResources => Slot::Flag(&mut self.isolate_resources),
            SettingName::TimingAllowOrigin => Slot::Flag(&mut self.timing_allow_origin),
            SettingName::ServerOrigins => Slot::List(&mut self.server_origins),
            SettingName::AsyncLookupTimeout => Slot::Millis(&mut self.async_lookup_timeout),
            SettingName::PreflightStatus
            | SettingName::PreflightPassthrough
            | SettingName::ExplainRefusals => return None,
        })
    }
}

impl TryFrom<CorsConfig> for CorsPolicy {
    type Error = ConfigError;

    fn try_from(config: CorsConfig) -> Result<Self, Self::Error> {
        config.into_builder().build()
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests;
