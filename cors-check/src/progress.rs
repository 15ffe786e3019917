//! The progress line: when a server takes more than a second to answer,
//! one line on stderr says what is awaited and for how long, rewritten in
//! place and erased once the answer arrives. Only on a terminal.

use std::future::Future;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How long an answer may take before the line appears.
const QUIET: Duration = Duration::from_secs(1);
/// How often the line is rewritten.
const TICK: Duration = Duration::from_millis(250);

/// Whether (and so how) to show progress.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    enabled: bool,
}

impl Progress {
    /// Shows progress when stderr is a terminal.
    pub fn on_terminal() -> Self {
        Self {
            enabled: std::io::stderr().is_terminal(),
        }
    }

    /// Awaits `future`, keeping the progress line up to date meanwhile.
    pub async fn while_waiting<F: Future>(&self, label: &str, future: F) -> F::Output {
        if !self.enabled {
            return future.await;
        }
        let start = Instant::now();
        let mut shown = false;
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + QUIET, TICK);
        tokio::pin!(future);
        let output = loop {
            tokio::select! {
                output = &mut future => break output,
                _ = ticks.tick() => {
                    let line = line(label, start.elapsed());
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[2K{line}");
                    let _ = err.flush();
                    shown = true;
                }
            }
        };
        if shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
        output
    }
}

/// The text of the line after `elapsed`.
fn line(label: &str, elapsed: Duration) -> String {
    let label: String = if label.chars().count() > 60 {
        label.chars().take(59).chain(['…']).collect()
    } else {
        label.to_owned()
    };
    format!(
        "waiting for {label} … {:.0} s",
        elapsed.as_secs_f64().floor()
    )
}

#[cfg(test)]
mod tests;
