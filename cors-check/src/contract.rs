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

mod check;
mod cli;
mod expect;
mod json;
mod judge;
mod junit;
mod policy;
mod table;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::Parser;

pub use cli::requested;

use crate::progress::Progress;
use crate::transport::Client;

/// Runs the policy check with this command line.
pub fn main(argv: &[OsString]) -> ExitCode {
    let wants_json = argv.iter().any(|a| a == "--json");
    let args = match cli::ContractArgs::try_parse_from(argv) {
        Ok(args) => args,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => return crate::usage_error(wants_json, &e.render().to_string(), true),
    };
    let usage = |message: &str| crate::usage_error(args.json, message, false);
    let timeout = match args.timeout() {
        Ok(t) => t,
        Err(e) => return usage(&e),
    };
    for url in &args.urls {
        if tower_cors::browser::Url::parse(url).is_none() {
            return usage(&format!("{url}: an http:// or https:// URL is needed"));
        }
    }
    let mut sends = Vec::new();
    for text in &args.send {
        match check::parse_send(text, &args.urls[0]) {
            Ok(s) => sends.push(s),
            Err(e) => return usage(&e),
        }
    }
    let intended = match policy::load(&args.source()) {
        Ok(p) => p,
        Err(e) => return usage(&e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage(&format!("cannot start the runtime: {e}")),
    };
    let client = match Client::new(timeout, Progress::on_terminal()) {
        Ok(client) => client,
        Err(e) => return usage(&e),
    };
    let report = runtime.block_on(check::run(&client, intended, args.urls.clone(), &sends));
    if let Some(path) = &args.junit {
        if let Err(e) = std::fs::write(path, junit::render(&report)) {
            return usage(&format!("cannot write --junit {}: {e}", path.display()));
        }
    }
    let text = if args.json {
        let mut text = serde_json::to_string_pretty(&json::report(&report))
            .unwrap_or_else(|e| format!("{{\"verdict\":\"error\",\"error\":\"{e}\"}}"));
        text.push('\n');
        text
    } else {
        table::render(&report)
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not the check's failure.
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    ExitCode::from(report.exit_code())
}

#[cfg(test)]
mod tests;
