//! The server and the exact checker of the hostile load run
//! (`tools/load-hostile.sh`).
//!
//! ```text
//! cargo run --release -p tower-cors-tools --bin hostile_load_server -- serve [PORT] [SECONDS]
//! cargo run --release -p tower-cors-tools --bin hostile_load_server -- check PORT [ROUNDS]
//! ```
//!
//! - `serve`: an axum app behind tower-cors on 127.0.0.1:`PORT` (3190 unless
//!   given), one route `/api` (GET and PUT answer `ok`). It stops by itself
//!   after `SECONDS` (300 unless given), or on Ctrl-C.
//! - `check`: sends every request kind of the load mix `ROUNDS` times (200
//!   unless given) over raw TCP and checks each answer exactly: status,
//!   every CORS header line (so a repeated `Access-Control-Allow-Origin`
//!   would be caught) and `Vary`. Exits with status 1 on any wrong answer.
//!
//! The request kinds are the same as in `tools/load-hostile.lua`.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower_cors::{CorsLayer, CorsPolicy};

const ALLOWED: &str = "https://app.example.com";

fn policy() -> CorsPolicy {
    CorsPolicy::builder()
        .allow_origins([ALLOWED, "https://*.example.com"])
        .allow_methods(["PUT"])
        .allow_headers(["content-type", "x-a"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .expect("valid policy")
}

/// What a request of one kind must get back.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// 204 with ACAO = the origin, ACAC true, ACAM PUT.
    PreflightAllowed,
    /// 403 with no `Access-Control-Allow-*`.
    PreflightRefused,
    /// 200 `ok` with ACAO = the origin and ACAC true.
    ActualAllowed,
    /// 200 `ok` with no CORS headers and `Vary: origin`.
    ActualRefused,
}

/// The request mix: (name, extra header lines after the request line, expected).
fn kinds() -> Vec<(&'static str, String, Expect)> {
    let pre = |origin: &str, rest: &str| {
        format!(
            "OPTIONS /api HTTP/1.1\r\nOrigin: {origin}\r\nAccess-Control-Request-Method: PUT\r\n{rest}"
        )
    };
    let get = |rest: &str| format!("GET /api HTTP/1.1\r\n{rest}");
    let long_origin = format!("https://{}.example.com", "a".repeat(4096));
    let many_names: Vec<String> = (0..40).map(|i| format!("x-h{i}")).collect();
    vec![
        (
            "preflight allowed",
            pre(
                "https://app.example.com",
                "Access-Control-Request-Headers: content-type,x-a\r\n",
            ),
            Expect::PreflightAllowed,
        ),
        (
            "preflight refused origin",
            pre("https://evil.example.net", ""),
            Expect::PreflightRefused,
        ),
        (
            "actual allowed",
            get(&format!("Origin: {ALLOWED}\r\n")),
            Expect::ActualAllowed,
        ),
        (
            "actual refused origin",
            get("Origin: https://app.example.com.evil.net\r\n"),
            Expect::ActualRefused,
        ),
        (
            "hostile preflight: 4 KiB origin",
            pre(&long_origin, ""),
            Expect::PreflightRefused,
        ),
        (
            "hostile preflight: 40 ACRH names",
            pre(
                "https://a.example.com",
                &format!(
                    "Access-Control-Request-Headers: {}\r\n",
                    many_names.join(",")
                ),
            ),
            Expect::PreflightRefused,
        ),
        (
            "hostile preflight: ACRM with spaces",
            "OPTIONS /api HTTP/1.1\r\nOrigin: https://app.example.com\r\n\
             Access-Control-Request-Method: PUT PATCH\r\n"
                .to_owned(),
            Expect::PreflightRefused,
        ),
        (
            "hostile actual: 10 Origin lines",
            get(&format!("Origin: {ALLOWED}\r\n").repeat(10)),
            Expect::ActualRefused,
        ),
    ]
}

async fn serve(port: u16, seconds: u64) -> std::io::Result<()> {
    let app = Router::new()
        .route("/api", get(|| async { "ok" }).put(|| async { "ok" }))
        .layer(CorsLayer::new(policy()));
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on {addr} pid {}", std::process::id());
    let stop = async move {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(seconds)) => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await
}

/// One request on its own connection; returns (status, header lines, body).
async fn exchange(
    addr: SocketAddr,
    head: &str,
) -> Result<(u16, Vec<(String, String)>, Vec<u8>), String> {
    let io = async {
        let mut s = TcpStream::connect(addr).await?;
        s.write_all(format!("{head}Host: load\r\nConnection: close\r\n\r\n").as_bytes())
            .await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        Ok::<_, std::io::Error>(buf)
    };
    let buf = tokio::time::timeout(Duration::from_secs(10), io)
        .await
        .map_err(|_| "timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no response head")?;
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or("no status")?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok((status, headers, buf[end + 4..].to_vec()))
}

/// Every reason the answer is wrong for what was expected.
fn judge(
    expect: Expect,
    origin: Option<&str>,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> Vec<String> {
    let all = |name: &str| -> Vec<&str> {
        headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let mut wrong = Vec::new();
    let mut want = |ok: bool, what: &str| {
        if !ok {
            wrong.push(what.to_owned());
        }
    };
    let acao = all("access-control-allow-origin");
    let acac = all("access-control-allow-credentials");
    let any_cors = headers
        .iter()
        .any(|(n, _)| n.starts_with("access-control-allow-"));
    let vary_origin = all("vary")
        .iter()
        .any(|v| v.to_ascii_lowercase().contains("origin"));
    match expect {
        Expect::PreflightAllowed => {
            want(status == 204, "status 204");
            want(acao == [origin.unwrap_or_default()], "ACAO = origin, once");
            want(acac == ["true"], "ACAC true, once");
            want(all("access-control-allow-methods") == ["PUT"], "ACAM PUT");
            want(
                all("access-control-allow-headers") == ["content-type,x-a"],
                "ACAH",
            );
        }
        Expect::PreflightRefused => {
            want(status == 403, "status 403");
            want(!any_cors, "no Access-Control-Allow-*");
        }
        Expect::ActualAllowed => {
            want(status == 200 && body == b"ok", "200 ok");
            want(acao == [origin.unwrap_or_default()], "ACAO = origin, once");
            want(acac == ["true"], "ACAC true, once");
            want(vary_origin, "Vary: origin");
        }
        Expect::ActualRefused => {
            want(status == 200 && body == b"ok", "200 ok");
            want(!any_cors, "no Access-Control-Allow-*");
            want(vary_origin, "Vary: origin");
        }
    }
    wrong
}

async fn check(port: u16, rounds: usize) -> usize {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut wrong = 0;
    let mut checked = 0;
    for _ in 0..rounds {
        for (name, head, expect) in kinds() {
            let origin = head
                .split("\r\n")
                .find_map(|l| l.strip_prefix("Origin: "))
                .map(str::to_owned);
            checked += 1;
            match exchange(addr, &head).await {
                Ok((status, headers, body)) => {
                    let problems = judge(expect, origin.as_deref(), status, &headers, &body);
                    if !problems.is_empty() {
                        wrong += 1;
                        if wrong <= 10 {
                            eprintln!("WRONG {name}: {problems:?} (status {status}, {headers:?})");
                        }
                    }
                }
                Err(e) => {
                    wrong += 1;
                    eprintln!("ERROR {name}: {e}");
                }
            }
        }
    }
    println!(
        "checked {checked} requests ({} kinds x {rounds}), wrong {wrong}",
        kinds().len()
    );
    wrong
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| -> u64 {
        args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default)
    };
    let port = u16::try_from(arg(1, 3190)).unwrap_or(3190);
    match args.first().map(String::as_str) {
        Some("serve") => match serve(port, arg(2, 300)).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("serve: {e}");
                ExitCode::FAILURE
            }
        },
        Some("check") => {
            let rounds = usize::try_from(arg(2, 200)).unwrap_or(200);
            if check(port, rounds).await == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        _ => {
            eprintln!("usage: hostile_load_server serve [PORT] [SECONDS] | check PORT [ROUNDS]");
            ExitCode::FAILURE
        }
    }
}
