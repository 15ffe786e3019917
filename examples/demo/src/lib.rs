//! The demo's servers, as a library: the program (`src/main.rs`, `cargo run
//! -p example-demo`) runs them on fixed ports; the browser suite
//! (`tests/browser`) and the cors-check comparison build the same servers
//! on port 0 and drive real browsers against them.
//!
//! - [`api`]: the API, `/api/data`, the forged requests' targets
//!   (`/api/transfer`, the `/ws` socket) and `/api/login` behind
//!   [`tower_cors::CorsLayer`], and the log of what it received and
//!   whether its handler ran;
//! - [`policy`]: the API's policy, built in or read from a TOML file;
//! - [`page`]: the front end, the page (the matrix, then the forged
//!   requests) and the JSON it reads;
//! - [`matrix`]: the rows the page runs, each predicted by the browser
//!   model (`tower_cors::browser`).
//!
//! [`start`] puts them together.

pub mod api;
pub mod matrix;
pub mod page;
pub mod policy;

use std::net::SocketAddr;

use axum::Router;
use tower_cors::CorsConfig;

use crate::api::{api_router, RequestLog};
use crate::page::{web_router, Site};
use crate::policy::{builtin_config, Policy};

/// Serves `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Where the demo listens. Port 0 picks a free port.
#[derive(Debug, Clone, Copy)]
pub struct Addrs {
    /// The front end (the page).
    pub web: SocketAddr,
    /// The API.
    pub api: SocketAddr,
    /// A second front end on an origin the policy does not allow, if any.
    pub wrong: Option<SocketAddr>,
}

/// The running demo.
pub struct Running {
    /// The front end's address.
    pub web: SocketAddr,
    /// The API's address.
    pub api: SocketAddr,
    /// The "wrong origin" front end's address.
    pub wrong: Option<SocketAddr>,
    /// The policy in force.
    pub policy: Policy,
    /// What the API received.
    pub log: RequestLog,
    /// The server tasks; they end when the shutdown signal is sent.
    pub tasks: Vec<tokio::task::JoinHandle<std::io::Result<()>>>,
}

async fn bind(addr: SocketAddr, what: &str) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr} for the {what}: {e}"))
}

/// Binds every listener, builds the policy (`config`, or the built-in one
/// for the front end's actual address) and spawns the servers on the
/// current Tokio runtime. They stop when `shutdown` turns `true` or its
/// sender is dropped.
pub async fn start(
    addrs: Addrs,
    config: Option<CorsConfig>,
    log: RequestLog,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> Result<Running, String> {
    let web_listener = bind(addrs.web, "front end").await?;
    let api_listener = bind(addrs.api, "API").await?;
    let wrong_listener = match addrs.wrong {
        Some(a) => Some(bind(a, "wrong-origin front end").await?),
        None => None,
    };
    let local = |l: &tokio::net::TcpListener| l.local_addr().map_err(|e| e.to_string());
    let web = local(&web_listener)?;
    let api = local(&api_listener)?;
    let wrong = wrong_listener.as_ref().map(local).transpose()?;
    let policy = Policy::new(config.unwrap_or_else(|| builtin_config(web)))?;
    let site = Site {
        api_base: format!("http://{api}"),
        policy: policy.clone(),
        log: log.clone(),
    };
    let stop = move || {
        let mut rx = shutdown.clone();
        async move {
            let _ = rx.wait_for(|stop| *stop).await;
        }
    };
    let mut tasks = vec![
        tokio::spawn(serve(web_listener, web_router(site.clone()), stop())),
        tokio::spawn(serve(
            api_listener,
            api_router(policy.policy.clone(), log.clone()),
            stop(),
        )),
    ];
    if let Some(l) = wrong_listener {
        tasks.push(tokio::spawn(serve(l, web_router(site), stop())));
    }
    Ok(Running {
        web,
        api,
        wrong,
        policy,
        log,
        tasks,
    })
}
