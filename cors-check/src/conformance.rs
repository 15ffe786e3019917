//! `cors-check conformance`: the CORS conformance suite run against an
//! implementation.
//!
//! The vectors ([`vector`], read by [`load`] from `conformance/vectors/`)
//! each give a policy in a neutral form, requests with the answers they
//! must get, and a page request with the verdict each real engine gave it.
//! The runner ([`run`]) starts the implementation's adapter once per
//! distinct policy ([`adapter`]: `CMD <policy.json>` prints `LISTENING
//! <port>`), sends each request exactly as written and checks its answer
//! ([`expect`]), and walks the page request with the browser model for
//! Chromium, Firefox and WebKit ([`page`]), comparing each verdict with the
//! recorded one. The results are printed as a table ([`table`]), `--json`
//! ([`json`]), `--junit` ([`junit`]) and, with `--results`, in the
//! cache-tests shape. The schema: conformance/README.md.

mod adapter;
pub mod cli;
mod expect;
mod json;
mod junit;
mod load;
mod page;
mod report;
mod run;
mod table;
mod vector;

use std::path::PathBuf;
use std::time::Duration;

use cli::{id_matches, ConformanceArgs};
use report::{Implementation, Judged, Report};
use run::Target;
use vector::Policy;

use crate::output::{json::to_text, Done, Format};
use crate::progress::Progress;
use crate::transport::Client;

/// How long `serve --about` may take.
const ABOUT_WAIT: Duration = Duration::from_secs(10);

/// A conformance run, its command line checked and its vectors read.
#[derive(Debug)]
pub struct Conformance {
    suite: load::Suite,
    target: Target,
    args: ConformanceArgs,
    timeout: Duration,
}

impl Conformance {
    /// Reads the vectors and the target; the error is a usage error.
    pub fn new(args: &ConformanceArgs, timeout: Duration) -> Result<Self, String> {
        let dir = match &args.vectors {
            Some(dir) => dir.clone(),
            None => load::default_dir()?,
        };
        let suite = load::suite(&dir)?;
        let target = target(args)?;
        Ok(Self {
            suite,
            target,
            args: args.clone(),
            timeout,
        })
    }

    /// Runs the selected vectors, writes `--results` and `--junit`, and
    /// renders the report; the error is a usage error. Ctrl-C (or SIGTERM)
    /// stops every adapter and ends the run.
    pub async fn run(self, format: Format) -> Result<Done, String> {
        tokio::select! {
            done = self.execute(format) => done,
            why = interrupted() => Err(why),
        }
    }

    async fn execute(self, format: Format) -> Result<Done, String> {
        let client = Client::new(self.timeout, Progress::on_terminal())?;
        let selected: Vec<&(String, vector::Vector)> = self
            .suite
            .vectors
            .iter()
            .filter(|(_, v)| self.selects(v))
            .collect();
        if selected.is_empty() {
            return Err("no vector matches --only and --kind".into());
        }
        let vectors: Vec<&vector::Vector> = selected.iter().map(|(_, v)| v).collect();
        let implementation = self.implementation().await;
        let outcomes = run::run(&client, &self.target, &vectors, self.timeout).await;
        let report = Report {
            implementation,
            dir: self.suite.dir.display().to_string(),
            vectors: selected
                .iter()
                .zip(outcomes)
                .map(|((file, v), o)| Judged::new(file, v, o))
                .collect(),
        };
        write(self.args.results.as_ref(), "--results", || {
            to_text(&json::results(&report))
        })?;
        write(self.args.junit.as_ref(), "--junit", || {
            junit::render(&report)
        })?;
        let text = match format {
            Format::Json => to_text(&json::report(&report)),
            Format::Human => table::render(&report),
        };
        Ok(Done {
            text,
            exit: report.exit_code(),
        })
    }

    /// Whether `--only` and `--kind` select `v`.
    fn selects(&self, v: &vector::Vector) -> bool {
        let only = &self.args.only;
        let kinds = &self.args.kind;
        (only.is_empty() || only.iter().any(|p| id_matches(p, &v.id)))
            && (kinds.is_empty() || kinds.iter().any(|k| k.kind() == v.kind))
    }

    /// The implementation's name and version: `serve --about`, else the
    /// options.
    async fn implementation(&self) -> Implementation {
        let (about, adapter) = match &self.target {
            Target::Adapter { command, .. } => (
                adapter::about(command, ABOUT_WAIT).await,
                adapter_name(&command[0]),
            ),
            Target::Url { base, .. } => (None, base.clone()),
        };
        Implementation::new(
            about,
            self.args.name.as_deref(),
            self.args.impl_version.as_deref(),
            adapter,
        )
    }
}

/// The adapter or the deployment.
fn target(args: &ConformanceArgs) -> Result<Target, String> {
    if let Some(command) = &args.adapter {
        if args.jobs == 0 || args.jobs > 64 {
            return Err(format!(
                "--jobs must be between 1 and 64, not {}",
                args.jobs
            ));
        }
        if !(args.startup.is_finite() && args.startup > 0.0 && args.startup <= 3600.0) {
            return Err(format!(
                "--startup must be a number of seconds between 0 and 3600, not {}",
                args.startup
            ));
        }
        return Ok(Target::Adapter {
            command: adapter::split(command)?,
            startup: Duration::from_secs_f64(args.startup),
            jobs: args.jobs,
        });
    }
    let (Some(url), Some(path)) = (&args.url, &args.policy) else {
        return Err("give --adapter CMD, or --url URL with --policy FILE".into());
    };
    if tower_cors::browser::Url::parse(url).is_none() {
        return Err(format!("--url {url}: an http:// or https:// URL is needed"));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read --policy {}: {e}", path.display()))?;
    let policy: Policy = serde_json::from_str(&text).map_err(|e| {
        format!(
            "--policy {}: not a neutral policy (see conformance/README.md): {e}",
            path.display()
        )
    })?;
    Ok(Target::Url {
        base: url.trim_end_matches('/').to_owned(),
        policy,
    })
}

/// `conformance/adapters/NAME` for `.../NAME/serve`, else the command.
fn adapter_name(program: &str) -> String {
    let path = PathBuf::from(program);
    match (path.file_name(), path.parent()) {
        (Some(f), Some(dir)) if f == "serve" && !dir.as_os_str().is_empty() => {
            dir.display().to_string()
        }
        _ => program.to_owned(),
    }
}

/// Writes `--results` or `--junit` when asked.
fn write(
    path: Option<&PathBuf>,
    option: &str,
    text: impl FnOnce() -> String,
) -> Result<(), String> {
    match path {
        Some(path) => std::fs::write(path, text())
            .map_err(|e| format!("cannot write {option} {}: {e}", path.display())),
        None => Ok(()),
    }
}

/// Resolves on Ctrl-C or SIGTERM, with the message.
async fn interrupted() -> String {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let sigterm = async {
        match term.as_mut() {
            Some(t) => {
                t.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = sigterm => {}
    }
    "interrupted: every adapter was stopped".into()
}

#[cfg(test)]
mod tests;
