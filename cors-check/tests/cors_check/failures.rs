//! A server that cannot be reached, or a command line that cannot run: exit
//! status 2 and the kind of error, not a verdict.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::cases::{cors_check, cors_check_json};
use crate::servers::Servers;

#[test]
fn failures_to_reach_the_server_are_exit_2_not_a_verdict() {
    let s = Servers::get();
    let origin = s.origin();
    // Nothing listens on a port just released.
    let closed = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port");
    // Accepts, never answers.
    let silent = TcpListener::bind("127.0.0.1:0").expect("a port");
    let silent_addr = silent.local_addr().expect("an address");
    let run = |url: String, extra: &[&str]| {
        let mut args = vec![url, "--origin".to_owned(), origin.clone()];
        args.extend(extra.iter().map(|a| a.to_string()));
        let (exit, r) = cors_check_json(&args);
        (
            exit,
            r["verdict"].as_str().map(str::to_owned),
            r["error_kind"].as_str().map(str::to_owned),
        )
    };
    let error = |kind: &str| (2, Some("error".to_owned()), Some(kind.to_owned()));
    assert_eq!(run(format!("http://{closed}/"), &[]), error("connect"));
    // TLS to a plain-HTTP server.
    assert_eq!(run(format!("https://{}/blank", s.web), &[]), error("tls"));
    let started = Instant::now();
    assert_eq!(
        run(format!("http://{silent_addr}/"), &["--timeout", "0.5"]),
        error("timeout")
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        run("http://cors-check-test.invalid/".into(), &[]),
        error("dns")
    );
    // Usage errors.
    assert_eq!(
        run(format!("http://{closed}/"), &["-X", "TRACE"]),
        error("usage")
    );
    let out = cors_check(&["http://127.0.0.1/".into()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--origin"));
    drop(silent);
}
