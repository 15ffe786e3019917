//! The API's CORS policy: the built-in one, or the `[cors]` table of a TOML
//! file, kept together with the settings it came from (the page shows them).

use std::net::SocketAddr;

use tower_cors::{CorsConfig, CorsPolicy};

use crate::api::EXPOSED_HEADER;

/// The demo's built-in policy for a front end served at `web`: its origin
/// (and the `localhost` spelling of it), credentials on, the usual methods
/// and headers, `x-request-id` exposed, preflights cached for 10 minutes.
pub fn builtin_config(web: SocketAddr) -> CorsConfig {
    let port = web.port();
    let mut origins = vec![format!("http://{web}")];
    if web.ip().is_loopback() {
        origins.push(format!("http://localhost:{port}"));
    }
    origins.dedup();
    CorsConfig {
        allow_origins: origins,
        allow_methods: ["GET", "POST", "PUT", "PATCH", "DELETE"]
            .map(String::from)
            .into(),
        allow_headers: ["content-type", "authorization", "x-requested-with"]
            .map(String::from)
            .into(),
        expose_headers: vec![EXPOSED_HEADER.into()],
        allow_credentials: true,
        max_age_secs: Some(600),
        ..CorsConfig::default()
    }
}

/// A policy file: the `[cors]` table of an application's configuration.
#[derive(serde::Deserialize)]
struct PolicyFile {
    cors: CorsConfig,
}

/// Reads the `[cors]` table of a TOML file. Other tables are ignored, as an
/// application's own settings would be.
pub fn config_from_toml(text: &str) -> Result<CorsConfig, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let Some(cors) = table.get("cors").cloned() else {
        return Err("no [cors] table".into());
    };
    let file: PolicyFile = toml::Table::from_iter([("cors".to_owned(), cors)])
        .try_into()
        .map_err(|e: toml::de::Error| format!("in [cors]: {e}"))?;
    Ok(file.cors)
}

/// A policy together with the settings it was built from (shown on the page).
#[derive(Clone)]
pub struct Policy {
    /// The validated policy.
    pub policy: CorsPolicy,
    /// The `[cors]` table it came from, as TOML.
    pub toml: String,
}

impl Policy {
    /// Validates `config`; the error lists every problem.
    pub fn new(config: CorsConfig) -> Result<Self, String> {
        let toml = toml::to_string(&toml::Table::from_iter([(
            "cors".to_owned(),
            toml::Value::try_from(&config).map_err(|e| e.to_string())?,
        )]))
        .map_err(|e| e.to_string())?;
        let policy = CorsPolicy::try_from(config).map_err(|e| e.to_string())?;
        Ok(Self { policy, toml })
    }
}
