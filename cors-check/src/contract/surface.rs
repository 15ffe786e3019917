//! Beyond CORS: what the policy's write guard, resource isolation and
//! `Timing-Allow-Origin` make of requests no CORS check governs, tried
//! against the deployment and against tower-cors with the policy.
//!
//! - The forged write ([`build`]): from each origin tried, a form `POST`
//!   and a `no-cors` `text/plain` `POST`, as a page on that origin sends
//!   them, to each `--send 'POST PATH'` (writes are sent only where the
//!   user names them).
//! - A WebSocket handshake from each origin tried, to each `--websocket`
//!   path; one the server accepts is closed at once.
//! - With `isolate_resources`: another site's `<script>` and `<img>` of
//!   each URL, and a link followed to it.
//! - With `timing_allow_origin`: `Timing-Allow-Origin` on the answers to
//!   the origins' `GET`s ([`timing`]).
//!
//! Each probe is a row ([`try_probe`]); [`lines`] sums them up in one line
//! per setting: conforms, does not, or not checked and why.

mod build;
mod lines;
mod probe;
mod timing;

pub use build::{parse_socket, probes, Probe, Targets};
pub use lines::{lines, Conformance, Line};
pub use probe::{blank, try_probe};
pub use timing::{blank as timing_blank, timing_row};

/// What a probe tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeKind {
    /// A cross-origin write sent without a preflight (form, `no-cors`).
    Write,
    /// A WebSocket handshake.
    WebSocket,
    /// A load of the URL by another site's page (or a link to it).
    Isolation,
}

impl ProbeKind {
    /// The row's kind in the report (`write`, `websocket`, `isolation`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeKind::Write => "write",
            ProbeKind::WebSocket => "websocket",
            ProbeKind::Isolation => "isolation",
        }
    }
}

/// The request a probe sent, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeRequest {
    /// Its method.
    pub method: String,
    /// Its URL.
    pub url: String,
    /// The names of its headers, in order.
    pub headers: Vec<String>,
    /// `request`, `handshake`, or `not sent` when the probe does not apply.
    pub sent: &'static str,
}

/// What a deployment answers when the guard or isolation refuses.
pub const REFUSED: u16 = 403;

#[cfg(test)]
mod tests;
