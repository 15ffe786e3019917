//! The requests `cors-check` is run with, against which server, and what
//! it must say: verdict, Chromium's code, the findings, the exit status.

use std::net::SocketAddr;
use std::process::{Command, Output};

use serde_json::Value;

use crate::servers::Servers;

/// One check.
pub struct Case {
    /// Also the `?case=` tag of the URL.
    pub name: &'static str,
    pub server: fn(&Servers) -> SocketAddr,
    /// The page is on the origin no server allows.
    pub stranger: bool,
    pub method: &'static str,
    pub headers: &'static [(&'static str, &'static str)],
    pub credentials: bool,
    /// Appended to the query.
    pub query: &'static str,
    pub audit: bool,
    pub verdict: &'static str,
    pub code: Option<&'static str>,
    /// Exactly these finding codes, in any order.
    pub findings: &'static [&'static str],
    pub exit: i32,
}

const BASE: Case = Case {
    name: "",
    server: |s| s.demo,
    stranger: false,
    method: "GET",
    headers: &[],
    credentials: false,
    query: "",
    audit: false,
    verdict: "allowed",
    code: None,
    findings: &[],
    exit: 0,
};

const PREFLIGHT_NO_ACAO: Option<&str> = Some("PreflightMissingAllowOriginHeader");

/// Every case.
pub const CASES: &[Case] = &[
    // The demo (tower-cors, built-in policy): a correct server, no findings,
    // even under --audit.
    Case {
        name: "demo-get",
        audit: true,
        ..BASE
    },
    Case {
        name: "demo-put-custom",
        method: "PUT",
        headers: &[("X-Requested-With", "cors-check")],
        ..BASE
    },
    Case {
        name: "demo-credentials",
        credentials: true,
        audit: true,
        ..BASE
    },
    Case {
        name: "demo-patch-lower",
        method: "patch",
        verdict: "blocked",
        code: PREFLIGHT_NO_ACAO,
        exit: 1,
        ..BASE
    },
    Case {
        name: "demo-bad-header",
        headers: &[("X-Custom-Header", "42")],
        verdict: "blocked",
        code: PREFLIGHT_NO_ACAO,
        exit: 1,
        ..BASE
    },
    Case {
        name: "demo-stranger",
        stranger: true,
        verdict: "blocked",
        code: Some("MissingAllowOriginHeader"),
        exit: 1,
        ..BASE
    },
    // tower-http's CorsLayer.
    Case {
        name: "permissive-put-json",
        server: |s| s.permissive,
        method: "PUT",
        headers: &[("Content-Type", "application/json")],
        audit: true,
        ..BASE
    },
    Case {
        name: "permissive-authorization",
        server: |s| s.permissive,
        headers: &[("Authorization", "Bearer t")],
        findings: &["authorization-covered-by-wildcard"],
        ..BASE
    },
    Case {
        name: "listed-get",
        server: |s| s.listed,
        audit: true,
        ..BASE
    },
    Case {
        name: "listed-stranger",
        server: |s| s.listed,
        stranger: true,
        verdict: "blocked",
        code: Some("MissingAllowOriginHeader"),
        exit: 1,
        ..BASE
    },
    Case {
        name: "listed-delete",
        server: |s| s.listed,
        method: "DELETE",
        verdict: "blocked",
        code: Some("MethodDisallowedByPreflightResponse"),
        exit: 1,
        ..BASE
    },
    // Misconfigured servers.
    Case {
        name: "reflect-credentials",
        server: |s| s.reflect,
        credentials: true,
        audit: true,
        findings: &["reflects-any-origin"],
        exit: 1,
        ..BASE
    },
    Case {
        name: "no-vary",
        server: |s| s.no_vary,
        findings: &["missing-vary-origin"],
        exit: 1,
        ..BASE
    },
    Case {
        name: "auth-first",
        server: |s| s.auth_first,
        headers: &[("Authorization", "Bearer t")],
        verdict: "blocked",
        code: PREFLIGHT_NO_ACAO,
        findings: &["preflight-answered-by-app"],
        exit: 1,
        ..BASE
    },
    Case {
        name: "handler-layer",
        server: |s| s.handler_layer,
        method: "PUT",
        verdict: "blocked",
        code: PREFLIGHT_NO_ACAO,
        findings: &["preflight-answered-by-app"],
        exit: 1,
        ..BASE
    },
    Case {
        name: "redirect-preflight",
        server: |s| s.redirect,
        method: "PUT",
        verdict: "blocked",
        code: Some("PreflightDisallowedRedirect"),
        exit: 1,
        ..BASE
    },
    Case {
        name: "redirect-hop",
        server: |s| s.redirect,
        method: "PUT",
        query: "&hop=1",
        // The redirecting server's own 404 has no CORS headers.
        findings: &["error-without-cors-headers"],
        exit: 1,
        ..BASE
    },
    // The route is readable, its errors are not: found by the error probe.
    Case {
        name: "route-layer-404",
        server: |s| s.route_layer,
        findings: &["error-without-cors-headers"],
        exit: 1,
        ..BASE
    },
    Case {
        name: "success-only",
        server: |s| s.success_only,
        findings: &["error-without-cors-headers"],
        exit: 1,
        ..BASE
    },
    Case {
        name: "failing",
        server: |s| s.failing,
        verdict: "blocked",
        code: Some("MissingAllowOriginHeader"),
        findings: &["error-without-cors-headers"],
        exit: 1,
        ..BASE
    },
    Case {
        name: "explained-refusal",
        server: |s| s.explaining,
        method: "patch",
        verdict: "blocked",
        // Explain mode answers the allowed origin without the refused
        // method, so the browser names the method.
        code: Some("MethodDisallowedByPreflightResponse"),
        findings: &["explains-refusals"],
        exit: 1,
        ..BASE
    },
];

impl Case {
    /// The page's origin.
    pub fn origin(&self, s: &Servers) -> String {
        if self.stranger {
            format!("http://{}", s.stranger)
        } else {
            s.origin()
        }
    }

    /// The URL the page calls.
    pub fn url(&self, s: &Servers) -> String {
        format!(
            "{}{}",
            Servers::url((self.server)(s), self.name),
            self.query
        )
    }

    /// The command line.
    pub fn args(&self, s: &Servers) -> Vec<String> {
        let mut args = vec![
            self.url(s),
            "--origin".into(),
            self.origin(s),
            "--method".into(),
            self.method.into(),
        ];
        for (n, v) in self.headers {
            args.push("-H".into());
            args.push(format!("{n}: {v}"));
        }
        if self.credentials {
            args.push("--credentials".into());
        }
        if self.audit {
            args.push("--audit".into());
        }
        args
    }
}

/// Runs the installed-by-cargo binary.
pub fn cors_check(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cors-check"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("cors-check runs")
}

/// Runs it with `--json`: the exit status and the object.
pub fn cors_check_json(args: &[String]) -> (i32, Value) {
    let mut args = args.to_vec();
    args.push("--json".into());
    let out = cors_check(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    let value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), value)
}
