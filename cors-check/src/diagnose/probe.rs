//! Probes: the page's request sent again with another `Origin` (or none),
//! to see what the server does for other sites. A probe sends only what a
//! browser would send without being asked for anything: never cookies,
//! `Authorization` or any other header the script sets.
//!
//! - For `GET` and `HEAD` it is the bare request a page on that origin
//!   makes with `fetch(url)`: the method, `Accept: */*` and `Origin`. Any
//!   page can make it, so it reads and changes nothing a page could not.
//! - For other methods it is the preflight (an `OPTIONS` request), needed
//!   or not: it carries the header *names* only, and the CORS layer answers
//!   it without running a handler, so no request with side effects is
//!   repeated.

use http::header::ORIGIN;
use http::{HeaderValue, Method, Request};
use tower_cors::browser::{check_preflight, check_response, PageRequest};

use super::args::Plan;
use crate::answer::{allow_origin, allows_credentials, preflight_for, ENGINE};
use crate::transport::{Client, ResponseHead, TransportError};

/// What the probes of a plan send, and why that is safe, in words.
pub fn what_probes_send(plan: &Plan) -> &'static str {
    if sends_actual(plan) {
        "each probe is the bare request: the method, Accept: */* and Origin, with no cookie, no Authorization and no header the script sets; any page on that origin can send it with fetch(url), so it reads and changes nothing a page could not"
    } else {
        "each probe is the preflight (OPTIONS with Origin and Access-Control-Request-Method/-Headers, header names only, no cookie, no Authorization): the CORS layer answers it without running a handler, so nothing with side effects is repeated"
    }
}

/// What one probe sent and got.
#[derive(Debug, Clone)]
pub struct Probe {
    /// What it tests, in words ("an arbitrary origin", "as curl or a server-side client sends it").
    pub label: String,
    /// The `Origin` sent, if any.
    pub origin: Option<String>,
    /// The request sent.
    pub request: Request<()>,
    /// The answer, or why there was none.
    pub response: Result<ResponseHead, TransportError>,
    /// Whether the browser's check passes for this origin with the
    /// origin itself echoed (not `*`).
    pub accepted: bool,
}

impl Probe {
    /// Whether the answer says `Access-Control-Allow-Credentials: true`.
    pub fn allows_credentials(&self) -> bool {
        self.response
            .as_ref()
            .is_ok_and(|h| allows_credentials(&h.headers))
    }
}

/// Whether probes of this plan send the actual request (a safe method).
pub fn sends_actual(plan: &Plan) -> bool {
    matches!(*plan.request.method(), Method::GET | Method::HEAD)
}

/// Sends the plan's request with `origin` (`None`: without `Origin`) and
/// judges the answer for that origin.
pub async fn probe(client: &Client, plan: &Plan, label: &str, origin: Option<&str>) -> Probe {
    let page = &plan.page;
    // An origin that fetch() refuses cannot be probed as a page would; the
    // plan's origin stands in and the header is replaced below.
    let stand_in = origin.filter(|o| {
        PageRequest::new(*o, page.method(), page.url())
            .prepare()
            .is_ok()
    });
    let mut probe_page =
        PageRequest::new(stand_in.unwrap_or(page.origin()), page.method(), page.url())
            .credentials(page.credentials_mode());
    // The script's headers only shape a preflight probe, which carries their
    // names and no value; a GET or HEAD probe goes without them.
    if !sends_actual(plan) {
        for (name, value) in page.headers() {
            probe_page = probe_page.header(name, value);
        }
    }
    // The plan's request was accepted by fetch(), so this one is too.
    let state = probe_page
        .prepare()
        .unwrap_or_else(|_| plan.request.clone());
    let mut request = if sends_actual(plan) {
        state.actual::<()>()
    } else {
        preflight_for(&state)
    };
    match origin {
        Some(o) => {
            if let Ok(v) = HeaderValue::from_str(o) {
                request.headers_mut().insert(ORIGIN, v);
            }
        }
        None => {
            request.headers_mut().remove(ORIGIN);
        }
    }
    let response = client.send(&request).await;
    let accepted = match (&response, origin) {
        (Ok(head), Some(o)) if stand_in.is_some() => {
            let passes = if sends_actual(plan) {
                check_response(ENGINE, &state, head.status, &head.headers).is_ok()
            } else {
                check_preflight(ENGINE, &state, head.status, &head.headers).is_ok()
            };
            passes && allow_origin(&head.headers).as_deref() == Some(o)
        }
        _ => false,
    };
    Probe {
        label: label.to_owned(),
        origin: origin.map(str::to_owned),
        request,
        response,
        accepted,
    }
}
