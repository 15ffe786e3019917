//! The command line of the policy check: `cors-check --policy FILE URL...`
//! (or `--policy-env PREFIX`), parsed on its own so that the single-request
//! options stay as they are.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Checks a deployment against the CORS policy it is meant to have: every
/// origin, method and request header the policy allows must be allowed by
/// the browser (Chromium's rules), every origin it does not list (and the
/// near misses misconfigured servers let in) must be blocked, answers that
/// depend on `Origin` must say `Vary: Origin`, and error responses must
/// carry CORS headers.
///
/// Methods other than GET and HEAD are checked by their preflight only,
/// unless named with --send. No cookies or credentials are ever sent.
///
/// Exit status: 0 the deployment does what the policy says; 1 it allows
/// more or less; 2 the check could not run (usage, policy, DNS, connection,
/// TLS or timeout).
#[derive(Debug, Parser)]
#[command(
    name = "cors-check",
    version,
    after_help = EXAMPLES,
    override_usage = "cors-check --policy FILE URL... [OPTIONS]\n       cors-check --policy-env PREFIX URL... [OPTIONS]"
)]
pub struct ContractArgs {
    /// The URLs to check (http or https), each an API endpoint the pages call.
    #[arg(required = true, value_name = "URL")]
    pub urls: Vec<String>,

    /// The policy as a TOML file: its `[cors]` table (the one the app
    /// reads into tower_cors::CorsConfig), or a file holding only that
    /// table's keys.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "policy_env",
        required_unless_present = "policy_env"
    )]
    pub policy: Option<PathBuf>,

    /// The policy from the environment: PREFIX_ALLOW_ORIGINS,
    /// PREFIX_ALLOW_METHODS, ... as tower_cors::CorsConfig::from_env reads
    /// them.
    #[arg(long, value_name = "PREFIX")]
    pub policy_env: Option<String>,

    /// Also send this request for real, from the policy's first origin:
    /// 'METHOD PATH' (PATH on the first URL's server) or 'METHOD URL'
    /// (repeatable). Sent without a body, after its preflight passes.
    #[arg(long = "send", value_name = "'METHOD PATH'")]
    pub send: Vec<String>,

    /// Print one JSON object instead of the table (fields in docs/cors-check.md).
    #[arg(long)]
    pub json: bool,

    /// Also write the result as JUnit XML to FILE (one test case per
    /// expectation), for CI.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Seconds to wait for each response.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub timeout: f64,
}

const EXAMPLES: &str = "\
Examples:
  cors-check --policy config/app.toml https://api.example.com/items https://api.example.com/users
  CORS_ALLOW_ORIGINS=https://app.example.com cors-check --policy-env CORS https://api.example.com/items
  cors-check --policy cors.toml https://api.example.com/items --send 'POST /items' --junit cors.xml";

/// Where the policy comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A TOML file.
    File(PathBuf),
    /// `{prefix}_*` environment variables.
    Env(String),
}

impl ContractArgs {
    /// The policy's source.
    pub fn source(&self) -> Source {
        match (&self.policy, &self.policy_env) {
            (Some(path), _) => Source::File(path.clone()),
            (None, Some(prefix)) => Source::Env(prefix.clone()),
            // clap requires one of the two.
            (None, None) => Source::Env(String::new()),
        }
    }

    /// The per-request timeout, checked.
    pub fn timeout(&self) -> Result<Duration, String> {
        if self.timeout.is_finite() && self.timeout > 0.0 && self.timeout <= 3600.0 {
            Ok(Duration::from_secs_f64(self.timeout))
        } else {
            Err(format!(
                "--timeout must be a number of seconds between 0 and 3600, not {}",
                self.timeout
            ))
        }
    }
}

/// Whether the command line asks for the policy check (`--policy` or
/// `--policy-env`, in either of clap's spellings).
pub fn requested(argv: &[OsString]) -> bool {
    argv.iter().skip(1).any(|a| {
        let a = a.to_string_lossy();
        ["--policy", "--policy-env"]
            .iter()
            .any(|flag| a == *flag || a.starts_with(&format!("{flag}=")))
    })
}
