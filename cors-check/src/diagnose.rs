//! `cors-check URL --origin ORIGIN`: one request diagnosed the way a
//! browser would make it. The walk ([`walk`]) sends the preflight and the
//! request as the browser builds them and judges each answer by each
//! engine's rules; [`explain`] says why and the fix; the other checks add
//! findings (cache safety, the error probe, `--audit`, causes before CORS,
//! cookies); [`report`] gathers them and [`human`] and [`json`] render
//! them.

pub mod args;
mod audit;
mod cache_check;
mod causes;
mod cookies;
mod engines;
mod error_probe;
mod explain;
mod findings;
mod human;
mod json;
mod probe;
mod report;
pub mod walk;

pub use audit::tricks;

use args::Plan;

use crate::output::{json::to_text, style::Style, Done, Format};
use crate::progress::Progress;
use crate::transport::Client;

/// Runs the diagnosis and renders it; the error is a usage error.
pub async fn run(plan: Plan, format: Format) -> Result<Done, String> {
    let client = Client::resolving(plan.timeout, Progress::on_terminal(), plan.resolve.clone())?;
    let report = report::run(&client, plan).await;
    let text = match format {
        Format::Json => to_text(&json::report(&report)),
        Format::Human => human::render(&report, Style::for_stdout()),
    };
    Ok(Done {
        text,
        exit: report.exit_code(),
    })
}
