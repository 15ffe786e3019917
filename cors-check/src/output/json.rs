//! The JSON every mode prints: the schema version, the usage error's
//! object, headers as objects, and the writing of a `Serialize` value.

use std::collections::BTreeMap;

use http::HeaderMap;
use serde::{Serialize, Serializer};

use super::headers::shown_value;

/// The version of the JSON shape; it changes only when a field changes
/// meaning or goes away.
pub const SCHEMA: u64 = 1;

/// `value` as pretty JSON and a newline.
pub fn to_text(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value)
        .unwrap_or_else(|e| format!("{{\"verdict\":\"error\",\"error\":\"{e}\"}}"));
    text.push('\n');
    text
}

/// The object printed for a usage error (exit 2).
#[derive(Debug, Serialize)]
pub struct UsageError<'a> {
    schema: u64,
    verdict: &'static str,
    code: Option<&'static str>,
    error: &'a str,
    error_kind: &'static str,
    preflight: Option<()>,
    actual: Option<()>,
    exchanges: [(); 0],
    findings: [(); 0],
    fix: Option<&'static str>,
}

impl<'a> UsageError<'a> {
    /// The object for `message`.
    pub fn new(message: &'a str) -> Self {
        Self {
            schema: SCHEMA,
            verdict: "error",
            code: None,
            error: message,
            error_kind: "usage",
            preflight: None,
            actual: None,
            exchanges: [],
            findings: [],
            fix: None,
        }
    }
}

/// Headers as an object from the lower-case name to every value in order,
/// credentials redacted.
#[derive(Debug, Clone, Copy)]
pub struct Headers<'a>(pub &'a HeaderMap);

impl Serialize for Headers<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let map: BTreeMap<&str, Vec<String>> = self
            .0
            .keys()
            .map(|name| {
                let values = self
                    .0
                    .get_all(name)
                    .iter()
                    .map(|v| shown_value(name.as_str(), v))
                    .collect();
                (name.as_str(), values)
            })
            .collect();
        map.serialize(serializer)
    }
}
