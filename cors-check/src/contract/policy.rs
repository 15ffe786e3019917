//! The intended policy, read as the application reads it: a `[cors]` table
//! from a TOML file (`tower_cors::CorsConfig` through serde), or
//! `{PREFIX}_*` environment variables (`CorsConfig::from_env`), then built
//! by the library so that a policy tower-cors would refuse is refused here
//! too, with every problem named.

use std::path::Path;

use tower_cors::{CorsConfig, CorsPolicy};

use super::cli::Source;

/// The policy the deployment is checked against.
#[derive(Debug, Clone)]
pub struct Intended {
    /// Where it was read from, in words (`cors.toml [cors]`, `CORS_* variables`).
    pub source: String,
    /// The settings as written.
    pub config: CorsConfig,
    /// The same settings, built: what tower-cors would answer with them.
    pub policy: CorsPolicy,
}

/// Reads and builds the policy; the error is a usage error (exit 2).
pub fn load(source: &Source) -> Result<Intended, String> {
    let (described, config) = match source {
        Source::File(path) => (format!("{} [cors]", path.display()), read_file(path)?),
        Source::Env(prefix) => {
            let prefix = prefix.trim_end_matches('_');
            let config = CorsConfig::from_env(prefix)
                .map_err(|e| format!("the policy in the {prefix}_* variables: {e}"))?;
            (format!("{prefix}_* variables"), config)
        }
    };
    let policy = CorsPolicy::try_from(config.clone())
        .map_err(|e| format!("the policy in {described} is not one tower-cors accepts: {e}"))?;
    Ok(Intended {
        source: described,
        config,
        policy,
    })
}

fn read_file(path: &Path) -> Result<CorsConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the policy file {}: {e}", path.display()))?;
    parse_toml(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The `[cors]` table of an application's configuration, or a document
/// that is only that table's keys.
pub fn parse_toml(text: &str) -> Result<CorsConfig, String> {
    let mut table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| format!("not valid TOML: {}", e.message()))?;
    let value = match table.remove("cors") {
        Some(cors @ toml::Value::Table(_)) => cors,
        Some(other) => {
            return Err(format!(
                "`cors` must be a table ([cors]), not a {}",
                other.type_str()
            ))
        }
        None if table.contains_key("allow_origins") => toml::Value::Table(table),
        None => {
            return Err(
                "no [cors] table (and no allow_origins at the top level): give the file your app reads its tower_cors::CorsConfig from, e.g.\n[cors]\nallow_origins = [\"https://app.example.com\"]".into(),
            )
        }
    };
    value
        .try_into::<CorsConfig>()
        .map_err(|e| format!("in [cors]: {}", e.message()))
}
