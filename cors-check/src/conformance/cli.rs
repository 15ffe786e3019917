//! `cors-check conformance`'s options, part of the one command line
//! ([`crate::cli`]).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::vector::Kind;

/// `cors-check conformance`'s options (its description: [`crate::cli::Command`]).
#[derive(Debug, Clone, Args)]
pub struct ConformanceArgs {
    /// The adapter: a command (split on white space) run as `CMD
    /// <policy.json>` once per distinct policy (see conformance/README.md).
    #[arg(
        long,
        value_name = "CMD",
        required_unless_present = "url",
        conflicts_with = "url"
    )]
    pub adapter: Option<String>,

    /// One deployment instead of an adapter: the vectors whose policy is
    /// --policy's run against URL (the paths appended), the rest are
    /// unsupported.
    #[arg(long, value_name = "URL", requires = "policy")]
    pub url: Option<String>,

    /// With --url: the deployment's policy, in the suite's neutral JSON.
    #[arg(long, value_name = "FILE", requires = "url")]
    pub policy: Option<PathBuf>,

    /// The directory of vector files [default: conformance/vectors in the
    /// current directory or the nearest parent that has one].
    #[arg(long, value_name = "DIR")]
    pub vectors: Option<PathBuf>,

    /// Only the vectors whose id matches: `*` stands for any characters;
    /// without `*`, ids containing PATTERN (repeatable).
    #[arg(long, value_name = "PATTERN")]
    pub only: Vec<String>,

    /// Only the vectors of this kind (repeatable).
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: Vec<KindArg>,

    /// Also write the results in the cache-tests shape (`id -> pass |
    /// [fail, message] | unsupported`) to FILE.
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,

    /// Also write the results as JUnit XML to FILE (one test case per vector).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// The implementation's name, when the adapter does not answer `--about`.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// The implementation's version, when the adapter does not answer `--about`.
    #[arg(long = "version", value_name = "VERSION")]
    pub impl_version: Option<String>,

    /// How many adapters run at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub jobs: usize,

    /// Seconds an adapter may take to print `LISTENING <port>`.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub startup: f64,
}

/// `--kind`'s values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// A browser misbehaves, or users' data leaks, without it.
    Required,
    /// The best practices every CORS guide gives.
    Security,
    /// A feature some libraries lack.
    Optional,
}

impl KindArg {
    /// The vectors' kind.
    pub fn kind(self) -> Kind {
        match self {
            KindArg::Required => Kind::Required,
            KindArg::Security => Kind::Security,
            KindArg::Optional => Kind::Optional,
        }
    }
}

/// Whether `id` matches `pattern` (`*` any run of characters; without
/// `*`, `id` contains it).
pub fn id_matches(pattern: &str, id: &str) -> bool {
    if !pattern.contains('*') {
        return id.contains(pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !id.starts_with(first) || id.len() < first.len() + last.len() || !id.ends_with(last) {
        return false;
    }
    let mut rest = &id[first.len()..id.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}
