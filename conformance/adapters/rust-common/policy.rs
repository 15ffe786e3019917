//! The conformance suite's neutral policy, as the Rust adapters read it
//! (`conformance/README.md` documents the shape), and the one rule the
//! libraries leave to the user: how an origin pattern matches.
//!
//! Included with `#[path]` by the adapters of other Rust libraries
//! (actix-cors, tower-http), which are packages of their own outside the
//! workspace. tower-cors's adapter, a workspace package the browser suite
//! also uses, reads the policy with serde instead
//! (`conformance/adapters/tower-cors/src/lib.rs`, `Neutral`).

use std::fmt;

/// A neutral policy, read from the JSON file the runner hands an adapter.
#[derive(Debug)]
pub struct Policy {
    /// Exact origins, or `["*"]` for any origin.
    pub origins: Vec<String>,
    /// Patterns such as `https://*.example.com`: `*` stands for one or more DNS labels.
    pub origin_patterns: Vec<String>,
    /// Method tokens, or `["*"]`.
    pub methods: Vec<String>,
    /// Request header names, or `["*"]`.
    pub headers: Vec<String>,
    /// Response header names exposed to the page, or `["*"]`.
    pub expose_headers: Vec<String>,
    /// Whether credentialed requests are allowed.
    pub credentials: bool,
    /// `Access-Control-Max-Age` in seconds; `None` leaves the library's default.
    pub max_age: Option<u64>,
    /// Whether private-network preflights are answered.
    pub private_network: bool,
    /// Whether cross-origin writes from origins not allowed are refused.
    pub write_guard: bool,
}

/// A policy file that could not be read.
#[derive(Debug)]
pub struct PolicyError(String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy: {}", self.0)
    }
}

impl Policy {
    /// Reads the policy from the file at `path`.
    pub fn read(path: &str) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| PolicyError(format!("cannot read {path}: {e}")))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| PolicyError(format!("{path} is not JSON: {e}")))?;
        Ok(Policy {
            origins: strings(&value, "origins")?,
            origin_patterns: strings(&value, "origin_patterns")?,
            methods: strings(&value, "methods")?,
            headers: strings(&value, "headers")?,
            expose_headers: strings(&value, "expose_headers")?,
            credentials: flag(&value, "credentials")?,
            max_age: match value.get("max_age") {
                None | Some(serde_json::Value::Null) => None,
                Some(v) => Some(v.as_u64().ok_or_else(|| {
                    PolicyError(format!(
                        "max_age must be a whole number of seconds, not {v}"
                    ))
                })?),
            },
            private_network: flag(&value, "private_network")?,
            write_guard: flag(&value, "write_guard")?,
        })
    }
}

/// Whether a list is exactly the neutral policy's "any" (`["*"]`).
#[allow(dead_code)] // each adapter uses one of the two readings
pub fn is_any(list: &[String]) -> bool {
    matches!(list, [only] if only == "*")
}

/// Whether a list holds `*`, alone or beside names (`["*", "authorization"]`).
#[allow(dead_code)] // each adapter uses one of the two readings
pub fn has_any(list: &[String]) -> bool {
    list.iter().any(|item| item == "*")
}

/// Whether `origin` matches `pattern`, where the pattern's one `*` stands
/// for one or more DNS labels (letters, digits, hyphens; dot-separated;
/// within DNS's lengths: 63 bytes a label, 253 a name).
pub fn pattern_matches(pattern: &str, origin: &str) -> bool {
    let Some((prefix, suffix)) = pattern.split_once('*') else {
        return pattern == origin;
    };
    if origin.len() < prefix.len() + suffix.len()
        || !origin.starts_with(prefix)
        || !origin.ends_with(suffix)
    {
        return false;
    }
    let labels = &origin[prefix.len()..origin.len() - suffix.len()];
    labels.len() <= 253
        && labels.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

fn strings(value: &serde_json::Value, key: &str) -> Result<Vec<String>, PolicyError> {
    match value.get(key) {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| PolicyError(format!("{key} must hold strings, not {item}")))
            })
            .collect(),
        Some(other) => Err(PolicyError(format!("{key} must be a list, not {other}"))),
    }
}

fn flag(value: &serde_json::Value, key: &str) -> Result<bool, PolicyError> {
    match value.get(key) {
        None | Some(serde_json::Value::Null) => Ok(false),
        Some(v) => v
            .as_bool()
            .ok_or_else(|| PolicyError(format!("{key} must be true or false, not {v}"))),
    }
}

/// Prints `UNSUPPORTED <reason>` (the adapter protocol's answer for a
/// policy the library cannot express) and exits 3.
pub fn unsupported(reason: &str) -> ! {
    println!("UNSUPPORTED {reason}");
    std::process::exit(3)
}
