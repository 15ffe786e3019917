//! `tower-cors-conformance-adapter <policy.json>` (or `--about`): the
//! conformance suite's adapter for tower-cors (see the library).

use std::process::ExitCode;

fn main() -> ExitCode {
    tower_cors_conformance_adapter::main(std::env::args_os().skip(1).collect())
}
