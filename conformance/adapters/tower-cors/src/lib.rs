//! The conformance suite's adapter for tower-cors (the protocol:
//! conformance/README.md). It reads a neutral policy, configures
//! [`CorsPolicy`]'s builder as a user would (origins and patterns in
//! `allow_origins`, then methods, headers, exposed headers, credentials,
//! max-age, private network, write guard), puts [`CorsLayer`] in front of
//! the suite's app, prints `LISTENING <port>` and serves until killed. A
//! policy the builder refuses (`*` with credentials, say) is `UNSUPPORTED`
//! with the builder's message, exit 3.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use axum::http::{StatusCode, Uri};
use axum::Router;
use serde::Deserialize;
use tower_cors::{CorsLayer, CorsPolicy};

/// The neutral policy (conformance/README.md); absent fields are left to
/// tower-cors's defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Neutral {
    /// Exact origins, or `["*"]`.
    pub origins: Vec<String>,
    /// `https://*.example.com` patterns.
    #[serde(default)]
    pub origin_patterns: Vec<String>,
    /// Methods, or `["*"]`.
    pub methods: Vec<String>,
    /// Request headers, or `["*"]`.
    pub headers: Vec<String>,
    /// Exposed response headers.
    #[serde(default)]
    pub expose_headers: Vec<String>,
    /// Credentials.
    #[serde(default)]
    pub credentials: Option<bool>,
    /// `Access-Control-Max-Age` in seconds.
    #[serde(default)]
    pub max_age: Option<u64>,
    /// Private Network Access preflights.
    #[serde(default)]
    pub private_network: Option<bool>,
    /// The write guard (tower-cors's default: on for a policy that lists origins).
    #[serde(default)]
    pub write_guard: Option<bool>,
}

/// The policy as a tower-cors user writes it; `Err` is the builder's
/// message (the policy is unsupported).
pub fn policy(n: &Neutral) -> Result<CorsPolicy, String> {
    let mut b = CorsPolicy::builder()
        .allow_origins(&n.origins)
        .allow_origins(&n.origin_patterns)
        .allow_methods(&n.methods)
        .allow_headers(&n.headers)
        .expose_headers(&n.expose_headers);
    if let Some(credentials) = n.credentials {
        b = b.allow_credentials(credentials);
    }
    if let Some(secs) = n.max_age {
        b = b.max_age(Duration::from_secs(secs));
    }
    if let Some(pna) = n.private_network {
        b = b.allow_private_network(pna);
    }
    if let Some(guard) = n.write_guard {
        b = b.guard_writes(guard);
    }
    b.build().map_err(|e| {
        e.to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The suite's app behind the layer: `200 ok` (text/plain) on every method
/// and path, `/status/404` and `/status/500` their status.
pub fn app(policy: CorsPolicy) -> Router {
    Router::new()
        .fallback(|uri: Uri| async move {
            let status = match uri.path() {
                "/status/404" => StatusCode::NOT_FOUND,
                "/status/500" => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::OK,
            };
            (status, "ok")
        })
        .layer(CorsLayer::new(policy))
}

/// `--about`'s line: tower-cors's version is the one in the repository's
/// manifest this adapter is built with.
pub fn about() -> String {
    let manifest = include_str!("../../../../Cargo.toml");
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or("unknown");
    format!("{{\"name\": \"tower-cors\", \"version\": \"{version}\", \"language\": \"Rust\"}}")
}

/// The command: `--about`, or `<policy.json>` served until killed.
pub fn main(args: Vec<OsString>) -> ExitCode {
    match args.as_slice() {
        [flag] if flag == "--about" => {
            println!("{}", about());
            ExitCode::SUCCESS
        }
        [path] => serve(path),
        _ => {
            eprintln!("usage: tower-cors-conformance-adapter <policy.json> | --about");
            ExitCode::from(2)
        }
    }
}

fn serve(path: &OsString) -> ExitCode {
    let neutral: Neutral = match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(n) => n,
        Err(e) => {
            eprintln!("cannot read the policy {}: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    let policy = match policy(&neutral) {
        Ok(p) => p,
        Err(why) => {
            println!("UNSUPPORTED {why}");
            return ExitCode::from(3);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on 127.0.0.1: {e}");
                return ExitCode::from(2);
            }
        };
        let port = listener.local_addr().map_or(0, |a| a.port());
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "LISTENING {port}").and_then(|()| out.flush());
        drop(out);
        match axum::serve(listener, app(policy)).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("serving failed: {e}");
                ExitCode::from(2)
            }
        }
    })
}
