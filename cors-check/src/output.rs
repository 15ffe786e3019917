//! What every mode's output shares: the human text's styles, the JSON
//! objects' common parts, JUnit XML, the headers as shown, and the writing
//! of the result and of usage errors.

pub mod headers;
pub mod json;
pub mod junit;
pub mod style;

use std::io::Write;
use std::process::ExitCode;

/// How the result is printed: `--json` or the human text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The text for a person (colour on a terminal).
    Human,
    /// One JSON object (fields in docs/cors-check.md).
    Json,
}

impl Format {
    /// `--json` or not.
    pub fn from_flag(json: bool) -> Self {
        if json {
            Format::Json
        } else {
            Format::Human
        }
    }
}

/// A finished run: what to print and the exit status.
#[derive(Debug)]
pub struct Done {
    /// The whole standard output.
    pub text: String,
    /// 0, 1 or 2, as the mode defines them.
    pub exit: u8,
}

impl Done {
    /// Prints the text and gives the exit status.
    pub fn emit(self) -> ExitCode {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not the check's failure.
        let _ = stdout
            .write_all(self.text.as_bytes())
            .and_then(|()| stdout.flush());
        ExitCode::from(self.exit)
    }
}

/// Where a usage error's message comes from: clap's own (already ending
/// in its usage block) or the tool's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageFrom {
    /// clap's rendered error.
    Clap,
    /// One sentence of the tool's.
    Tool,
}

/// Prints a usage error (as JSON with `--json`) and gives exit status 2.
pub fn usage_error(format: Format, message: &str, from: UsageFrom) -> ExitCode {
    match (format, from) {
        (Format::Json, _) => {
            // clap's message up to its usage block, on one line.
            let text: Vec<&str> = message
                .lines()
                .map(str::trim)
                .take_while(|l| !l.starts_with("Usage:"))
                .filter(|l| !l.is_empty())
                .collect();
            let text = text.join(" ");
            let error = json::UsageError::new(text.trim_start_matches("error: "));
            print!("{}", json::to_text(&error));
        }
        (Format::Human, UsageFrom::Clap) => eprint!("{message}"),
        (Format::Human, UsageFrom::Tool) => eprintln!("cors-check: {message}"),
    }
    ExitCode::from(2)
}
