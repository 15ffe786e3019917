//! The policy check's options (`cors-check --policy FILE URL...` or
//! `--policy-env PREFIX`), part of the one command line ([`crate::cli`]).

use std::path::PathBuf;

use clap::Args;

/// Check a deployment against its policy: every origin, method and request
/// header the policy allows must be allowed by the browser (Chromium's
/// rules), every origin it does not list (and the near misses
/// misconfigured servers let in) must be blocked, answers that depend on
/// `Origin` must say `Vary: Origin`, and error responses must carry CORS
/// headers. Beyond CORS: forged writes (with --send 'POST PATH'),
/// WebSocket handshakes (with --websocket), other sites' loads
/// (isolate_resources) and Timing-Allow-Origin, as the policy says.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Check a deployment against its policy (several URLs)")]
pub struct ContractArgs {
    /// The policy as a TOML file: its `[cors]` table (the one the app
    /// reads into tower_cors::CorsConfig), or a file holding only that
    /// table's keys.
    #[arg(long, value_name = "FILE", group = "policy_source")]
    pub policy: Option<PathBuf>,

    /// The policy from the environment: PREFIX_ALLOW_ORIGINS,
    /// PREFIX_ALLOW_METHODS, ... as tower_cors::CorsConfig::from_env reads
    /// them.
    #[arg(long, value_name = "PREFIX", group = "policy_source")]
    pub policy_env: Option<String>,

    /// Also send this request for real, from the policy's first origin:
    /// 'METHOD PATH' (PATH on the first URL's server) or 'METHOD URL'
    /// (repeatable). Sent without a body, after its preflight passes. A
    /// POST also gets the forged write from each origin tried (a form post
    /// and a no-cors text/plain post): refused (403) from origins the
    /// policy does not allow when it guards writes.
    #[arg(
        long = "send",
        value_name = "'METHOD PATH'",
        requires = "policy_source"
    )]
    pub send: Vec<String>,

    /// Also try a WebSocket handshake from each origin tried: PATH on the
    /// first URL's server, or a ws:// or wss:// URL (repeatable). Expected
    /// refused (403) from origins the policy does not allow; a socket the
    /// server opens is closed at once. Without it, no handshake is sent.
    #[arg(long, value_name = "PATH", requires = "policy_source")]
    pub websocket: Vec<String>,

    /// Also write the result as JUnit XML to FILE (one test case per
    /// expectation), for CI.
    #[arg(long, value_name = "FILE", requires = "policy_source")]
    pub junit: Option<PathBuf>,
}

/// Where the policy comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A TOML file.
    File(PathBuf),
    /// `{prefix}_*` environment variables.
    Env(String),
}

impl ContractArgs {
    /// The policy's source, when the command line asks for the policy
    /// check.
    pub fn source(&self) -> Option<Source> {
        match (&self.policy, &self.policy_env) {
            (Some(path), _) => Some(Source::File(path.clone())),
            (None, Some(prefix)) => Some(Source::Env(prefix.clone())),
            (None, None) => None,
        }
    }
}
