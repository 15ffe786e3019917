//! The rows the page runs, and what a browser will make of each: the
//! prediction comes from the browser model (`tower_cors::browser`, the
//! Fetch standard's client side), which makes the row's request against the
//! API itself, in-process: whether a preflight is sent and with which
//! `Access-Control-Request-Headers`, whether the response is readable, and
//! which response headers script can read.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::header::ACCESS_CONTROL_REQUEST_HEADERS;
use axum::http::{Request, Response};
use tower_cors::browser::{Browser, Credentials, Engine, Exchange, PageRequest, Verdict};
use tower_cors::CorsPolicy;
use tower_service::Service;

use crate::api::{EXPOSED_HEADER, HIDDEN_HEADER};

/// One cross-origin call the page makes.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Short stable name, also sent as `?row=` so the server log can be matched.
    pub id: &'static str,
    /// What the row shows.
    pub title: &'static str,
    /// The method as the page writes it.
    pub method: &'static str,
    /// Request headers the page sets.
    pub headers: &'static [(&'static str, &'static str)],
    /// A JSON body.
    pub body: Option<&'static str>,
    /// `credentials: "include"`.
    pub credentials: bool,
    /// A response header the page then tries to read.
    pub read_header: Option<&'static str>,
}

/// The rows the page runs, in order.
pub const MATRIX: &[Row] = &[
    Row {
        id: "get",
        title: "Simple GET",
        method: "GET",
        headers: &[],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "post-json",
        title: "POST with a JSON body",
        method: "POST",
        headers: &[("Content-Type", "application/json")],
        body: Some(r#"{"hello":"world"}"#),
        credentials: false,
        read_header: None,
    },
    Row {
        id: "put-custom",
        title: "PUT with a custom header",
        method: "PUT",
        headers: &[("X-Requested-With", "tower-cors-demo")],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "delete",
        title: "DELETE",
        method: "DELETE",
        headers: &[],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "patch",
        title: "PATCH, upper case",
        method: "PATCH",
        headers: &[],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "patch-lower",
        title: "patch, lower case (fetch sends it as written)",
        method: "patch",
        headers: &[],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "credentials",
        title: "GET with credentials: \"include\"",
        method: "GET",
        headers: &[],
        body: None,
        credentials: true,
        read_header: None,
    },
    Row {
        id: "authorization",
        title: "GET with an Authorization header",
        method: "GET",
        headers: &[("Authorization", "Bearer demo-token")],
        body: None,
        credentials: false,
        read_header: None,
    },
    Row {
        id: "read-exposed",
        title: "Read an exposed response header",
        method: "GET",
        headers: &[],
        body: None,
        credentials: false,
        read_header: Some(EXPOSED_HEADER),
    },
    Row {
        id: "read-hidden",
        title: "Read a response header that is not exposed",
        method: "GET",
        headers: &[],
        body: None,
        credentials: false,
        read_header: Some(HIDDEN_HEADER),
    },
    Row {
        id: "bad-header",
        title: "A request header the policy does not allow",
        method: "GET",
        headers: &[("X-Custom-Header", "42")],
        body: None,
        credentials: false,
        read_header: None,
    },
];

/// What a browser will do with a row, given the policy and the page's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The page reads the response (and the header, if it asked for one).
    Ok,
    /// The page reads the response, but the header it asked for is `null`.
    Hidden,
    /// The browser blocks the response: `fetch` rejects with a TypeError.
    Blocked,
}

impl Outcome {
    /// The name the page and `/matrix.json` use.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Hidden => "hidden",
            Outcome::Blocked => "blocked",
        }
    }
}

impl Row {
    /// The request the page makes for this row, from a page at `origin`
    /// to `url`.
    pub fn request(&self, origin: &str, url: &str) -> PageRequest {
        let page = self
            .headers
            .iter()
            .fold(PageRequest::new(origin, self.method, url), |p, (n, v)| {
                p.header(*n, *v)
            });
        page.credentials(if self.credentials {
            Credentials::Include
        } else {
            Credentials::SameOrigin
        })
    }

    /// The `fetch` call the page makes, as a user would write it.
    pub fn as_js(&self) -> String {
        let mut opts = vec![format!("method: {:?}", self.method)];
        if !self.headers.is_empty() {
            let h: Vec<String> = self
                .headers
                .iter()
                .map(|(n, v)| format!("{n:?}: {v:?}"))
                .collect();
            opts.push(format!("headers: {{{}}}", h.join(", ")));
        }
        if let Some(body) = self.body {
            opts.push(format!("body: '{body}'"));
        }
        if self.credentials {
            opts.push("credentials: \"include\"".into());
        }
        let mut js = format!("fetch(api, {{{}}})", opts.join(", "));
        if let Some(h) = self.read_header {
            js.push_str(&format!(" then res.headers.get({h:?})"));
        }
        js
    }

    /// What a browser will make of this row when a page at `origin` calls
    /// `url`, served by `api` under `policy`: the browser model (the Fetch
    /// standard as written, with a fresh preflight cache) makes the request
    /// against `api` and checks each answer as a browser does. When a
    /// request is refused, `policy` says why (the server's side of it).
    pub async fn predict<S>(
        &self,
        api: &mut S,
        policy: &CorsPolicy,
        origin: &str,
        url: &str,
    ) -> Prediction
    where
        S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    {
        let page = self.request(origin, url);
        let preflight = page.prepare().is_ok_and(|r| r.needs_preflight());
        let outcome = match Browser::new(Engine::Standard).fetch(api, &page).await {
            Ok(o) => o,
            Err(e) => {
                return Prediction {
                    outcome: Outcome::Blocked,
                    preflight,
                    why: format!("fetch() fails before sending: {e}"),
                }
            }
        };
        // Why the policy refused a request, if it did.
        let refused = |exchange: &Exchange| {
            policy
                .evaluate_request(exchange.request())
                .refusal()
                .map(|r| format!(" (the policy refuses it: {r})"))
                .unwrap_or_default()
        };
        let mut steps = Vec::new();
        for exchange in outcome.exchanges() {
            let status = exchange.status().as_u16();
            if exchange.is_preflight() {
                let acrh = exchange
                    .request()
                    .headers()
                    .get(ACCESS_CONTROL_REQUEST_HEADERS)
                    .map(|v| format!(" with {}", String::from_utf8_lossy(v.as_bytes())))
                    .unwrap_or_default();
                steps.push(format!(
                    "preflight for {}{acrh}: answered {status}{}",
                    self.method,
                    refused(exchange)
                ));
            } else {
                if !preflight {
                    steps.push("no preflight (a simple request)".into());
                }
                steps.push(format!(
                    "{} answered {status}{}",
                    self.method,
                    refused(exchange)
                ));
            }
        }
        let outcome = match outcome.verdict() {
            Verdict::Blocked(blocked) => {
                steps.push(format!("the browser blocks it: {}", blocked.message()));
                Outcome::Blocked
            }
            Verdict::Allowed(allowed) => {
                steps.push("the response passes the CORS check".into());
                match self.read_header {
                    Some(name) if allowed.can_read(name) => {
                        steps.push(format!(
                            "{name} is readable (in Access-Control-Expose-Headers or safelisted)"
                        ));
                        Outcome::Ok
                    }
                    Some(name) => {
                        steps.push(format!(
                            "{name} is not in Access-Control-Expose-Headers, so it reads as null"
                        ));
                        Outcome::Hidden
                    }
                    None => Outcome::Ok,
                }
            }
        };
        Prediction {
            outcome,
            preflight,
            why: steps.join("; "),
        }
    }
}

/// What a browser will do with a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prediction {
    /// Readable, header hidden, or blocked.
    pub outcome: Outcome,
    /// Whether the browser sends a preflight first.
    pub preflight: bool,
    /// Why, step by step, in words (the browser's console message when blocked).
    pub why: String,
}

#[cfg(test)]
mod tests;
