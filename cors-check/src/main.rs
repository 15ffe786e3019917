//! `cors-check`: checks a deployed API's CORS the way a browser would.
//!
//! One command line ([`cli`]), one mode per folder: [`diagnose`] sends one
//! request exactly as Chromium builds it (with `tower_cors::browser`, the
//! crate's model of the client side of Fetch), judges each answer by each
//! engine's rules, and says the verdict, the console message and the fix;
//! [`contract`] (`--policy`) checks a deployment against its intended
//! policy; [`conformance`] (`cors-check conformance`) runs the CORS
//! conformance suite against an implementation's adapter. They print
//! through [`output`] (human text, JSON, JUnit). See docs/cors-check.md.

#![forbid(unsafe_code)]

mod answer;
mod cli;
mod conformance;
mod contract;
mod diagnose;
mod output;
mod progress;
mod transport;
mod url;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

use crate::cli::{Cli, Mode};
use crate::output::{usage_error, Format, UsageFrom};

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&argv) {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // clap could not say whether `--json` was meant: its spelling decides.
            let format = Format::from_flag(argv.iter().any(|a| a == "--json"));
            return usage_error(format, &e.render().to_string(), UsageFrom::Clap);
        }
    };
    let format = cli.format();
    let usage = |message: &str| usage_error(format, message, UsageFrom::Tool);
    let mode = match cli.mode() {
        Ok(mode) => mode,
        Err(message) => return usage(&message),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage(&format!("cannot start the runtime: {e}")),
    };
    let done = runtime.block_on(async {
        match mode {
            Mode::Diagnose(plan) => diagnose::run(*plan, format).await,
            Mode::Contract(check) => check.run(format).await,
            Mode::Conformance(run) => run.run(format).await,
        }
    });
    match done {
        Ok(done) => done.emit(),
        Err(message) => usage(&message),
    }
}
