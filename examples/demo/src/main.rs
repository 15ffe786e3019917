//! See CORS work (and fail) in your own browser.
//!
//! ```text
//! cargo run -p example-demo
//! ```
//!
//! starts a front end on http://127.0.0.1:3000 serving one page, and an API
//! on http://127.0.0.1:3001 behind `CorsLayer`. Open the page: it runs a
//! matrix of cross-origin calls and shows each one green (readable) or red
//! (blocked), with what the policy should make of it and what the server
//! saw. http://localhost:3002 serves the same page from an origin the policy
//! does not allow. Below the matrix, each page sends the forged requests
//! any site's page can make without CORS's permission (a form post into an
//! iframe, a `no-cors` POST with credentials, a WebSocket) and shows what
//! the API's handler saw, what the page could observe, and why: the write
//! guard refuses them from the wrong origin before the handler runs.
//!
//! The servers are the library beside this file (`src/lib.rs`).
//!
//! The built-in policy allows the front end's own origin (and its
//! `localhost` spelling), with credentials, methods GET POST PUT PATCH
//! DELETE, headers content-type authorization x-requested-with, exposes
//! x-request-id and lets browsers cache preflights for 600 s.
//!
//! Options:
//!
//! - `--policy FILE.toml`: use the `[cors]` table of FILE (see
//!   `examples/demo/policy.toml`) instead of the built-in policy;
//! - `--web ADDR`, `--api ADDR`: where the front end and the API listen;
//! - `--wrong ADDR`: where the wrong-origin front end listens, `--wrong off`
//!   for none.
//!
//! `RUST_LOG` filters the log (default `info,tower_cors=debug`).

use std::net::SocketAddr;
use std::process::ExitCode;

use example_demo::api::RequestLog;
use example_demo::{policy, Addrs};

const USAGE: &str = "usage: cargo run -p example-demo -- [--policy FILE.toml] [--web ADDR] [--api ADDR] [--wrong ADDR|off]";

struct Args {
    policy: Option<String>,
    addrs: Addrs,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        policy: None,
        addrs: Addrs {
            web: SocketAddr::from(([127, 0, 0, 1], 3000)),
            api: SocketAddr::from(([127, 0, 0, 1], 3001)),
            wrong: Some(SocketAddr::from(([127, 0, 0, 1], 3002))),
        },
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let addr = || {
            value
                .parse::<SocketAddr>()
                .map_err(|e| format!("{flag} {value}: {e} (write it like 127.0.0.1:3000)"))
        };
        match flag.as_str() {
            "--policy" => args.policy = Some(value.clone()),
            "--web" => args.addrs.web = addr()?,
            "--api" => args.addrs.api = addr()?,
            "--wrong" if value == "off" => args.addrs.wrong = None,
            "--wrong" => args.addrs.wrong = Some(addr()?),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(args)
}

fn load_policy(path: &str) -> Result<tower_cors::CorsConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    policy::config_from_toml(&text).map_err(|e| format!("{path}: {e}"))
}

/// The URL a person types for a listener: `localhost` for loopback.
fn url(addr: SocketAddr, prefer_localhost: bool) -> String {
    if prefer_localhost && addr.ip().is_loopback() {
        format!("http://localhost:{}", addr.port())
    } else {
        format!("http://{addr}")
    }
}

/// Whether `policy` lets a page at `origin` read a simple GET.
fn allows(policy: &tower_cors::CorsPolicy, origin: &str) -> bool {
    let mut headers = http::HeaderMap::new();
    let Ok(value) = http::HeaderValue::from_str(origin) else {
        return false;
    };
    headers.insert(http::header::ORIGIN, value);
    matches!(
        policy.evaluate(&http::Method::GET, &headers),
        tower_cors::Decision::ActualAllowed(_)
    )
}

/// What the demo prints when it is up: where to go, and the policy.
fn print_banner(demo: &example_demo::Running, policy_path: Option<&str>) {
    println!("tower-cors demo");
    println!("  front end: http://{}", demo.web);
    println!("  API:       http://{}/api/data", demo.api);
    println!("policy ({}):", policy_path.unwrap_or("built-in"));
    for line in demo.policy.toml.lines() {
        println!("  {line}");
    }
    println!();
    println!("Open http://{} in your browser.", demo.web);
    if let Some(wrong) = demo.wrong {
        let wrong_url = url(wrong, true);
        if allows(&demo.policy.policy, &wrong_url) {
            println!("{wrong_url} serves the same page; this policy allows that origin too.");
        } else {
            println!(
                "Open {wrong_url} to see the same page from an origin the policy does not allow."
            );
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_cors=debug"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();

    let args = match parse_args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let config = match args.policy.as_deref().map(load_policy).transpose() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let demo = match example_demo::start(args.addrs, config, RequestLog::printing(), stop_rx).await
    {
        Ok(d) => d,
        Err(e) => {
            eprintln!("the demo could not start:\n{e}");
            return ExitCode::FAILURE;
        }
    };

    print_banner(&demo, args.policy.as_deref());
    println!("Press Ctrl-C to stop.\n");

    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("cannot wait for Ctrl-C: {e}");
    }
    let _ = stop_tx.send(true);
    for task in demo.tasks {
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("server error: {e}"),
            Err(e) => eprintln!("server task failed: {e}"),
        }
    }
    ExitCode::SUCCESS
}
