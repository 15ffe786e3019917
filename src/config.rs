//! [`CorsConfig`]: a policy as data, for configuration files (feature `serde`).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::policy::{CorsPolicy, CorsPolicyBuilder};

/// A CORS policy as plain data, read from a configuration file and turned
/// into a [`CorsPolicy`] by the same validation as the builder.
///
/// Keys: `allow_origins` (required), `allow_methods`, `allow_headers`,
/// `expose_headers` (lists of strings), `allow_credentials` (bool),
/// `max_age_secs` (integer), `allow_private_network` (bool). Unknown keys are an error, so a typo cannot
/// silently drop a setting.
///
/// The documented way to configure an app is a `[cors]` table:
///
/// ```
/// use serde::Deserialize;
/// use tower_cors::{CorsConfig, CorsPolicy};
///
/// #[derive(Deserialize)]
/// struct AppConfig {
///     cors: CorsConfig,
/// }
///
/// let text = r#"
///     [cors]
///     allow_origins = ["https://myfrontend.com"]
///     allow_methods = ["GET", "POST", "PUT"]
///     allow_headers = ["content-type", "authorization"]
///     allow_credentials = true
///     max_age_secs = 600
/// "#;
/// let config: AppConfig = toml::from_str(text)?;
/// let policy = CorsPolicy::try_from(config.cors)?;
/// assert!(policy.allows_credentials());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorsConfig {
    /// See [`CorsPolicyBuilder::allow_origins`].
    pub allow_origins: Vec<String>,
    /// See [`CorsPolicyBuilder::allow_methods`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_methods: Vec<String>,
    /// See [`CorsPolicyBuilder::allow_headers`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_headers: Vec<String>,
    /// See [`CorsPolicyBuilder::expose_headers`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<String>,
    /// See [`CorsPolicyBuilder::allow_credentials`].
    #[serde(default)]
    pub allow_credentials: bool,
    /// See [`CorsPolicyBuilder::max_age`], in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_secs: Option<u64>,
    /// See [`CorsPolicyBuilder::allow_private_network`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_private_network: bool,
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
            .allow_private_network(self.allow_private_network);
        if let Some(secs) = self.max_age_secs {
            b = b.max_age(Duration::from_secs(secs));
        }
        b
    }
}

impl TryFrom<CorsConfig> for CorsPolicy {
    type Error = ConfigError;

    fn try_from(config: CorsConfig) -> Result<Self, Self::Error> {
        config.into_builder().build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProblemKind;

    #[test]
    fn unknown_keys_are_errors() {
        let err = toml::from_str::<CorsConfig>(
            "allow_origins = [\"https://a.com\"]\nallow_credential = true\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("allow_credential"), "{err}");
    }

    #[test]
    fn allow_origins_is_required() {
        let err = toml::from_str::<CorsConfig>("allow_credentials = true\n").unwrap_err();
        assert!(err.to_string().contains("allow_origins"), "{err}");
    }

    #[test]
    fn same_validation_as_the_builder() {
        let config: CorsConfig = toml::from_str(
            "allow_origins = [\"*\"]\nallow_credentials = true\nmax_age_secs = 100000\n",
        )
        .unwrap();
        let err = CorsPolicy::try_from(config).unwrap_err();
        assert!(err.has(ProblemKind::WildcardOriginWithCredentials));
        assert!(err.has(ProblemKind::MaxAgeTooLong));
    }

    #[test]
    fn round_trips() {
        let config = CorsConfig {
            allow_origins: vec!["https://a.com".into()],
            allow_methods: vec!["PUT".into()],
            max_age_secs: Some(60),
            ..CorsConfig::default()
        };
        let text = toml::to_string(&config).unwrap();
        assert_eq!(toml::from_str::<CorsConfig>(&text).unwrap(), config);
        assert!(CorsPolicy::try_from(config).is_ok());
    }
}
