//! `cors-check --policy cors.toml URL...`: a deployment checked against
//! the policy it is meant to have, before it goes live.
//!
//! The expectations come from the policy ([`expect`]): each allowed origin
//! (a sample of each pattern) with each allowed method and request header
//! must be let in; an origin nobody lists and the audit's near misses must
//! not; a credentialed request must not when the policy has no
//! credentials; an error response must be readable; answers that depend on
//! `Origin` must vary on it. Whether each request must be allowed is what
//! tower-cors itself answers with the policy, judged by the browser model
//! ([`judge`]), so the deployment, in any language, is held to exactly what
//! the library would do. Methods other than GET and HEAD are tried by their
//! preflight only, unless named with `--send`.
//!
//! Beyond CORS ([`surface`]): the forged writes to each `--send 'POST
//! PATH'`, the WebSocket handshakes to each `--websocket` path, other
//! sites' loads under `isolate_resources` and `Timing-Allow-Origin`, each
//! held to what the same policy refuses, with one line per setting saying
//! whether the deployment conforms.

mod check;
pub mod cli;
mod expect;
mod json;
mod judge;
mod junit;
mod policy;
mod surface;
mod table;

use std::path::PathBuf;
use std::time::Duration;

use check::{Clients, Send};
use cli::{ContractArgs, Source};
use policy::Intended;
use surface::Targets;

use crate::output::{json::to_text, Done, Format};
use crate::progress::Progress;
use crate::transport::Client;

/// A policy check, its command line validated and its policy read.
#[derive(Debug)]
pub struct Check {
    urls: Vec<String>,
    sends: Vec<Send>,
    targets: Targets,
    intended: Intended,
    junit: Option<PathBuf>,
    timeout: Duration,
}

impl Check {
    /// Checks the URLs and `--send`, and reads the policy; the error is a
    /// usage error.
    pub fn new(
        urls: &[String],
        source: Source,
        args: &ContractArgs,
        timeout: Duration,
    ) -> Result<Self, String> {
        for url in urls {
            if tower_cors::browser::Url::parse(url).is_none() {
                return Err(format!("{url}: an http:// or https:// URL is needed"));
            }
        }
        let sends = args
            .send
            .iter()
            .map(|text| check::parse_send(text, &urls[0]))
            .collect::<Result<Vec<_>, _>>()?;
        let targets = Targets {
            writes: sends
                .iter()
                .filter(|s| s.method.eq_ignore_ascii_case("POST"))
                .map(|s| s.url.clone())
                .collect(),
            sockets: args
                .websocket
                .iter()
                .map(|text| surface::parse_socket(text, &urls[0]))
                .collect::<Result<Vec<_>, _>>()?,
        };
        Ok(Self {
            urls: urls.to_vec(),
            sends,
            targets,
            intended: policy::load(&source)?,
            junit: args.junit.clone(),
            timeout,
        })
    }

    /// Runs every expectation, writes `--junit`, and renders the result;
    /// the error is a usage error.
    pub async fn run(self, format: Format) -> Result<Done, String> {
        let progress = Progress::on_terminal();
        let clients = Clients {
            http: Client::new(self.timeout, progress)?,
            sockets: match self.targets.sockets.is_empty() {
                true => None,
                false => Some(Client::http1_only(self.timeout, progress)?),
            },
        };
        let report = check::run(
            &clients,
            self.intended,
            self.urls,
            &self.sends,
            &self.targets,
        )
        .await;
        if let Some(path) = &self.junit {
            std::fs::write(path, junit::render(&report))
                .map_err(|e| format!("cannot write --junit {}: {e}", path.display()))?;
        }
        let text = match format {
            Format::Json => to_text(&json::report(&report)),
            Format::Human => table::render(&report),
        };
        Ok(Done {
            text,
            exit: report.exit_code(),
        })
    }
}

#[cfg(test)]
mod tests;
