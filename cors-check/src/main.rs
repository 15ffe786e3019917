//! `cors-check`: diagnoses a deployed API the way a browser would.
//!
//! It sends the preflight and the actual request exactly as Chromium
//! builds them (with `tower_cors::browser`, the crate's model of the
//! client side of Fetch), judges each answer by Chromium's rules, and says
//! the verdict, Chromium's console message and the fix; then it checks
//! cache safety (a second origin, no origin) and, with `--audit`, the
//! origins misconfigured servers let in. With `--policy`, it checks a
//! deployment against its intended policy instead (`contract`). See
//! docs/cors-check.md.

#![forbid(unsafe_code)]

mod args;
mod audit;
mod cache_check;
mod causes;
mod contract;
mod cookies;
mod diagnose;
mod engines;
mod error_probe;
mod findings;
mod human;
mod json;
mod probe;
mod progress;
mod report;
mod transport;
mod url;
mod walk;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

use crate::args::{Args, Plan};
use crate::progress::Progress;
use crate::transport::Client;

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    if contract::requested(&argv) {
        return contract::main(&argv);
    }
    let wants_json = argv.iter().any(|a| a == "--json");
    let args = match Args::try_parse_from(&argv) {
        Ok(args) => args,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => return usage_error(wants_json, &e.render().to_string(), true),
    };
    let plan = match Plan::from_args(&args) {
        Ok(plan) => plan,
        Err(message) => return usage_error(args.json, &message, false),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage_error(args.json, &format!("cannot start the runtime: {e}"), false),
    };
    let client =
        match Client::resolving(plan.timeout, Progress::on_terminal(), plan.resolve.clone()) {
            Ok(client) => client,
            Err(e) => return usage_error(args.json, &e, false),
        };
    let report = runtime.block_on(report::run(&client, plan));
    let text = if args.json {
        let mut text = serde_json::to_string_pretty(&json::report(&report))
            .unwrap_or_else(|e| format!("{{\"verdict\":\"error\",\"error\":\"{e}\"}}"));
        text.push('\n');
        text
    } else {
        human::render(&report, human::Style::for_stdout())
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not the check's failure.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    report.exit_code()
}

/// Prints a usage error (as JSON with `--json`) and gives exit status 2.
fn usage_error(json: bool, message: &str, from_clap: bool) -> ExitCode {
    if json {
        // clap's message up to its usage block, on one line.
        let text: Vec<&str> = message
            .lines()
            .map(str::trim)
            .take_while(|l| !l.starts_with("Usage:"))
            .filter(|l| !l.is_empty())
            .collect();
        let text = text.join(" ");
        println!("{}", json::usage_error(text.trim_start_matches("error: ")));
    } else if from_clap {
        eprint!("{message}");
    } else {
        eprintln!("cors-check: {message}");
    }
    ExitCode::from(2)
}
