//! The suite's files as read: a vector file (`{"schema": 1, "vectors":
//! [...]}`) and its vectors, policies, requests, expectations, pages and
//! recorded engine verdicts, exactly the shapes of `conformance/README.md`.
//! Unknown fields are refused (`deny_unknown_fields`): the types are the
//! schema's validator, with [`super::load`] checking what types cannot say.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tower_cors::browser::Engine;

/// The schema version this runner reads.
pub const SCHEMA: u64 = 1;

/// One file of `conformance/vectors/`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorFile {
    /// Always [`SCHEMA`].
    pub schema: u64,
    /// Its vectors, in order.
    pub vectors: Vec<Vector>,
}

/// One vector: a policy, the requests sent to a server configured with it,
/// and the page request it stands for with each engine's verdict.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    /// Unique across all files; `[a-z0-9-]+`.
    pub id: String,
    /// What it checks, in one line.
    pub title: String,
    /// The link to the step it tests.
    pub spec: String,
    /// How much a failure matters.
    pub kind: Kind,
    /// The server's policy.
    pub policy: Policy,
    /// Sent in order, each on its own.
    pub requests: Vec<VectorRequest>,
    /// The page request the vector stands for.
    #[serde(default)]
    pub page: Option<Page>,
    /// Each engine's verdict on `page`, recorded from the real engines.
    #[serde(default)]
    pub browsers: Option<Browsers>,
    /// Anything a reader needs.
    #[serde(default)]
    pub note: Option<String>,
}

/// `required`, `security` or `optional`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A browser misbehaves, or users' data leaks, without it.
    Required,
    /// The best practices every CORS guide gives.
    Security,
    /// A feature some libraries lack.
    Optional,
}

impl Kind {
    /// The three, in the order reports list them.
    pub const ALL: [Kind; 3] = [Kind::Required, Kind::Security, Kind::Optional];

    /// `required`, `security` or `optional`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Required => "required",
            Kind::Security => "security",
            Kind::Optional => "optional",
        }
    }

    /// Whether a failure of this kind fails the run (exit 1).
    pub fn gates(self) -> bool {
        matches!(self, Kind::Required | Kind::Security)
    }
}

/// The policy in the neutral form every adapter maps onto its library.
/// Absent optional fields mean "not configured" (the library's default);
/// two policies are the same when every field is.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Exact origins, or `["*"]`.
    pub origins: Vec<String>,
    /// `https://*.example.com`: `*` is one or more DNS labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_patterns: Option<Vec<String>>,
    /// Method tokens (case-sensitive), or `["*"]`.
    pub methods: Vec<String>,
    /// Request header names, or `["*"]`.
    pub headers: Vec<String>,
    /// Response header names scripts may read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose_headers: Option<Vec<String>>,
    /// `Access-Control-Allow-Credentials: true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<bool>,
    /// `Access-Control-Max-Age`, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
    /// Private Network Access preflights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_network: Option<bool>,
    /// Refuse cross-origin writes from origins not allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_guard: Option<bool>,
}

/// A request sent to the server as it is, and what its answer must be.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorRequest {
    /// The method token, as sent.
    pub method: String,
    /// The path and query, starting with `/`.
    pub path: String,
    /// Header lines in order; a name may repeat.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// What the answer must be.
    pub expect: Expect,
}

/// What an answer must be. Every part is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Any of `2xx`..`5xx` or an exact code (`"403"`).
    #[serde(default)]
    pub status: Option<Vec<String>>,
    /// Header names that must be present.
    #[serde(default)]
    pub present: Vec<String>,
    /// Header names that must be absent.
    #[serde(default)]
    pub absent: Vec<String>,
    /// Header name → the one value (lines joined by `, `) it must have.
    #[serde(default)]
    pub equal: BTreeMap<String, String>,
    /// Header name → a value it must not have (lines joined by `, `);
    /// absent is fine.
    #[serde(default)]
    pub differs: BTreeMap<String, String>,
    /// Header name → members its comma-separated list must hold.
    #[serde(default)]
    pub contains: BTreeMap<String, Vec<String>>,
    /// Members `Vary` must hold (case-insensitive; `*` holds every one).
    #[serde(default)]
    pub vary: Vec<String>,
    /// Header name → a value under which `vary` is not required: an
    /// answer that is the same for every origin, such as
    /// `Access-Control-Allow-Origin: *`, needs no `Vary`.
    #[serde(default)]
    pub vary_unless: BTreeMap<String, String>,
}

/// The page request a vector stands for: a `fetch()` from `origin`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// The page's origin, or `null`.
    pub origin: String,
    /// The method as the script writes it.
    pub method: String,
    /// The path and query on the server.
    pub path: String,
    /// The author headers the script sets.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// fetch()'s credentials mode.
    #[serde(default)]
    pub credentials: PageCredentials,
}

/// `omit`, `same-origin` or `include`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageCredentials {
    /// Never send credentials.
    #[default]
    Omit,
    /// fetch()'s default: as `omit` for a cross-origin request.
    SameOrigin,
    /// Send them, and require `Access-Control-Allow-Credentials`.
    Include,
}

/// Each engine's verdict on the page request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Browsers {
    /// Chromium's.
    pub chromium: EngineVerdict,
    /// Firefox's.
    pub firefox: EngineVerdict,
    /// WebKit's.
    pub webkit: EngineVerdict,
}

impl Browsers {
    /// Each engine's verdict, in the order of `Engine::BROWSERS`.
    pub fn each(&self) -> [(Engine, &EngineVerdict); 3] {
        [
            (Engine::Chromium, &self.chromium),
            (Engine::Firefox, &self.firefox),
            (Engine::WebKit, &self.webkit),
        ]
    }
}

/// One engine's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineVerdict {
    /// Readable or blocked.
    pub verdict: Readable,
    /// When blocked: the `CorsError` name of the first failed check, or
    /// `network` for a request the browser never sends.
    #[serde(default)]
    pub reason: Option<String>,
}

/// `readable` or `blocked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Readable {
    /// The script reads the response.
    Readable,
    /// The browser blocks it.
    Blocked,
}

impl EngineVerdict {
    /// `readable`, or `blocked (REASON)`.
    pub fn describe(&self) -> String {
        match (&self.verdict, &self.reason) {
            (Readable::Readable, _) => "readable".to_owned(),
            (Readable::Blocked, Some(reason)) => format!("blocked ({reason})"),
            (Readable::Blocked, None) => "blocked".to_owned(),
        }
    }
}
