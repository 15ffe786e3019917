use clap::Parser;

use super::*;
use crate::cli::{Cli, Mode};

/// The plan of a command line, through the one parser.
fn plan_of(argv: &[&str]) -> Result<Plan, String> {
    let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
    match cli.mode()? {
        Mode::Diagnose(plan) => Ok(*plan),
        Mode::Contract(_) => Err("the policy check, not a diagnosis".into()),
        Mode::Conformance(_) => Err("the conformance suite, not a diagnosis".into()),
    }
}

fn plan(extra: &[&str]) -> Result<Plan, String> {
    let mut argv = vec![
        "cors-check",
        "https://api.example/x",
        "--origin",
        "https://app.example",
    ];
    argv.extend_from_slice(extra);
    plan_of(&argv)
}

#[test]
fn cookies_go_only_with_credentials_and_forbidden_headers_are_named() {
    let p = plan(&["-H", "Cookie: s=1", "-H", "Host: evil", "-H", "X-A: 1"]).unwrap();
    assert!(p.cookies.is_empty());
    assert_eq!(p.dropped.len(), 2);
    assert!(p.dropped[0].starts_with("Cookie") && p.dropped[1].starts_with("Host"));
    assert_eq!(p.request.unsafe_header_names(), ["x-a"]);

    let p = plan(&["-H", "Cookie: s=1", "--credentials"]).unwrap();
    assert_eq!(p.cookies, ["s=1"]);
    assert!(p.dropped.is_empty() && p.credentialed());
}

#[test]
fn what_fetch_would_refuse_is_a_usage_error() {
    assert!(plan(&["-X", "TRACE"]).unwrap_err().contains("TypeError"));
    assert!(plan(&["-H", "no colon"])
        .unwrap_err()
        .contains("Name: value"));
    assert!(plan(&["--timeout", "0"]).unwrap_err().contains("--timeout"));
    let bad_origin = plan_of(&["c", "https://a.example/", "--origin", "https://b.example/"]);
    assert!(bad_origin.unwrap_err().contains("not an origin"));
}
