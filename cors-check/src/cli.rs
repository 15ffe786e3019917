//! The one command line: the options every mode shares, each mode's own
//! (a struct in the mode's folder, flattened here), and which mode a
//! command line asks for.

use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::conformance::{cli::ConformanceArgs, Conformance};
use crate::contract::{self, cli::ContractArgs};
use crate::diagnose::args::{DiagnoseArgs, Plan};
use crate::output::Format;

/// Checks a deployed API's CORS the way a browser (Chromium) would.
///
/// With --origin, diagnoses one request: sends the preflight and the
/// request exactly as the browser builds them, runs the browser's CORS
/// checks on the answers, and says the verdict, Chromium's console message
/// and the fix. Exit status: 0 allowed with no medium or high finding; 1
/// blocked, or a medium or high finding; 2 the check could not run (usage,
/// DNS, connection, TLS or timeout).
///
/// With --policy or --policy-env, checks a deployment against the CORS
/// policy it is meant to have; methods other than GET and HEAD are checked
/// by their preflight only, unless named with --send, and no cookies or
/// credentials are ever sent. Exit status: 0 the deployment does what the
/// policy says; 1 it allows more or less; 2 the check could not run
/// (usage, policy, DNS, connection, TLS or timeout).
///
/// `cors-check conformance` runs the CORS conformance suite against an
/// implementation (`cors-check conformance --help`).
#[derive(Debug, Parser)]
#[command(
    name = "cors-check",
    version,
    after_help = EXAMPLES,
    override_usage = "cors-check URL --origin ORIGIN [OPTIONS]\n       cors-check --policy FILE URL... [OPTIONS]\n       cors-check --policy-env PREFIX URL... [OPTIONS]\n       cors-check conformance --adapter CMD [OPTIONS]",
    subcommand_negates_reqs = true,
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// The URL the page calls (http or https); with --policy, each API
    /// endpoint the pages call.
    #[arg(required = true, value_name = "URL")]
    pub urls: Vec<String>,

    /// Print one JSON object (fields in docs/cors-check.md).
    #[arg(long, global = true)]
    pub json: bool,

    /// Seconds to wait for each response.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, global = true)]
    pub timeout: f64,

    #[command(flatten)]
    pub diagnose: DiagnoseArgs,

    #[command(flatten)]
    pub contract: ContractArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The modes that are subcommands: their options are their own.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the CORS conformance suite (conformance/vectors) against an
    /// implementation's adapter, or against one deployment.
    ///
    /// Each vector's requests are sent to a server configured with the
    /// vector's policy (one adapter per policy: `CMD <policy.json>`) and
    /// their answers checked; the page request the vector stands for is
    /// judged by the browser model for Chromium, Firefox and WebKit and
    /// compared with the verdicts recorded from the real engines. Exit
    /// status: 0 every required and security vector passes or is
    /// unsupported; 1 one fails; 2 the suite could not run (usage, vector
    /// files, Ctrl-C). The schema: conformance/README.md.
    Conformance(ConformanceArgs),
}

const EXAMPLES: &str = "\
Examples:
  cors-check https://api.example.com/items --origin https://app.example.com
  cors-check https://api.example.com/items/1 --origin https://app.example.com \\
      -X PUT -H 'Content-Type: application/json' -H 'Authorization: Bearer t' --credentials
  cors-check https://api.example.com/items --origin https://app.example.com --audit --json

A deployment checked against its intended policy:
  cors-check --policy config/app.toml https://api.example.com/items https://api.example.com/users
  CORS_ALLOW_ORIGINS=https://app.example.com cors-check --policy-env CORS https://api.example.com/items
  cors-check --policy cors.toml https://api.example.com/items --send 'POST /items' --junit cors.xml";

/// What the command line asks for, validated: one mode and its input.
#[derive(Debug)]
pub enum Mode {
    /// One request diagnosed (`URL --origin ORIGIN`).
    Diagnose(Box<Plan>),
    /// A deployment checked against its policy (`--policy`, `--policy-env`).
    Contract(Box<contract::Check>),
    /// The conformance suite (`conformance --adapter CMD`).
    Conformance(Box<Conformance>),
}

impl Cli {
    /// `--json` or the human text.
    pub fn format(&self) -> Format {
        Format::from_flag(self.json)
    }

    /// The mode asked for, with its input checked; the error is a usage
    /// error.
    pub fn mode(&self) -> Result<Mode, String> {
        let timeout = timeout(self.timeout)?;
        if let Some(Command::Conformance(args)) = &self.command {
            return Conformance::new(args, timeout).map(|run| Mode::Conformance(Box::new(run)));
        }
        if let Some(source) = self.contract.source() {
            return contract::Check::new(&self.urls, source, &self.contract, timeout)
                .map(|check| Mode::Contract(Box::new(check)));
        }
        let [url] = self.urls.as_slice() else {
            return Err(format!(
                "one URL is diagnosed at a time, not {} (several URLs are checked with --policy)",
                self.urls.len()
            ));
        };
        Plan::from_args(url, timeout, &self.diagnose).map(|plan| Mode::Diagnose(Box::new(plan)))
    }
}

/// `--timeout`, checked.
fn timeout(secs: f64) -> Result<Duration, String> {
    if secs.is_finite() && secs > 0.0 && secs <= 3600.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(format!(
            "--timeout must be a number of seconds between 0 and 3600, not {secs}"
        ))
    }
}

#[cfg(test)]
mod tests;
