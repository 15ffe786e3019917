//! Everything the cases run against: the demo's servers (front end, API,
//! wrong-origin front end, and a second demo with the sample policy file)
//! and a runtime to start more APIs on.

use std::net::SocketAddr;

use tower_cors::CorsConfig;

use crate::forward::{self, Role};
use crate::servers::{Runtime, Server};
use example_demo::api::RequestLog;
use example_demo::policy::config_from_toml;
use example_demo::{Addrs, Running};

/// Names that are not loopback, which every engine is told lead to
/// 127.0.0.1: pages and APIs on plain http that are not potentially
/// trustworthy (as `http://intranet.example` is), unlike `127.0.0.1` and
/// `localhost`. Chromium maps them with `--host-resolver-rules`, Firefox
/// with `network.dns.localDomains`; WebKit has no such setting and sends
/// them through the suite's HTTP proxy ([`Env::proxy`]). `.test` is
/// reserved for testing (RFC 6761), so no real host has these names; the
/// two names are different sites.
pub const PLAIN_NAMES: [&str; 2] = ["app.test", "other.test"];

/// The servers of one suite run.
pub struct Env {
    pub servers: Runtime,
    /// The HTTP proxy WebKit reaches [`PLAIN_NAMES`] through.
    pub proxy: u16,
    /// The demo's front end (its `/blank` is the page most cases run from).
    pub web: u16,
    /// The demo's wrong-origin front end.
    pub wrong: u16,
    /// The demo's API.
    pub demo: DemoApi,
    /// A second demo, with `examples/demo/policy.toml`.
    pub sample_web: u16,
    pub sample: DemoApi,
}

/// One of the demo's APIs: where it is, what it received, its policy.
#[derive(Clone)]
pub struct DemoApi {
    /// `http://127.0.0.1:PORT`, as the demo page calls it.
    pub base: String,
    pub log: RequestLog,
    pub policy: tower_cors::CorsPolicy,
}

impl DemoApi {
    fn of(running: &Running) -> Self {
        Self {
            base: format!("http://{}", running.api),
            log: running.log.clone(),
            policy: running.policy.policy.clone(),
        }
    }
}

impl Env {
    /// Starts the demo servers on port 0.
    pub fn start(servers: Runtime) -> Result<Self, String> {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        let demo = servers.rt.block_on(example_demo::start(
            Addrs {
                web: loopback,
                api: loopback,
                wrong: Some(loopback),
            },
            None,
            RequestLog::default(),
            servers.stop.clone(),
        ))?;
        let sample_config = config_from_toml(include_str!("../../examples/demo/policy.toml"))
            .map_err(|e| format!("examples/demo/policy.toml: {e}"))?;
        let sample = servers.rt.block_on(example_demo::start(
            Addrs {
                web: loopback,
                api: loopback,
                wrong: None,
            },
            Some(sample_config),
            RequestLog::default(),
            servers.stop.clone(),
        ))?;
        Ok(Self {
            proxy: forward::start(Role::Proxy)?,
            web: demo.web.port(),
            wrong: demo
                .wrong
                .map(|w| w.port())
                .ok_or("no wrong-origin listener")?,
            demo: DemoApi::of(&demo),
            sample_web: sample.web.port(),
            sample: DemoApi::of(&sample),
            servers,
        })
    }

    /// The front end's origin, spelled with `host`.
    pub fn origin(&self, host: &str) -> String {
        format!("http://{host}:{}", self.web)
    }

    /// The blank page on the front end, spelled with `host`.
    pub fn blank(&self, host: &str) -> String {
        format!("{}/blank", self.origin(host))
    }

    /// A policy allowing `origins`, everything else default.
    pub fn config(&self, origins: &[&str]) -> CorsConfig {
        CorsConfig {
            allow_origins: origins.iter().map(|s| s.to_string()).collect(),
            ..CorsConfig::default()
        }
    }

    /// Starts a tower-cors API with `config` (its `/api/login` sets `cookie`).
    pub fn api(&self, config: CorsConfig, cookie: &str) -> Result<Server, String> {
        self.servers.policy_api(config, cookie)
    }
}
