//! One expectation tried against a server: the browser's requests built by
//! the model, each answer judged by Chromium's rules. The same judging runs
//! against the deployment (over HTTP) and against tower-cors answering with
//! the intended policy (in process, no I/O): the latter is what the
//! deployment must match.

use http::header::{ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS};
use http::{HeaderMap, Request, StatusCode, Version};
use tower_cors::browser::{check_preflight, check_response, CorsRequest};
use tower_cors::{CorsPolicy, Decision};

use super::expect::How;
use crate::answer::{allow_origin, allows_credentials, preflight_for, ENGINE};
use crate::transport::{Client, ResponseHead, TransportError};

/// Something that answers requests.
pub trait Server {
    /// The answer's head, or why there was none.
    async fn answer(&self, request: &Request<()>) -> Result<ResponseHead, TransportError>;
}

impl Server for Client {
    async fn answer(&self, request: &Request<()>) -> Result<ResponseHead, TransportError> {
        self.send(request).await
    }
}

/// tower-cors answering with the intended policy, as `CorsLayer` would
/// (its `evaluate_request`, which knows the request's target for the
/// write guard): a preflight gets the policy's own answer, a write or a
/// load the guard or isolation refuses its `403`, any other request a
/// `200` from the application with the policy's headers.
pub struct Oracle<'a>(pub &'a CorsPolicy);

impl Server for Oracle<'_> {
    async fn answer(&self, request: &Request<()>) -> Result<ResponseHead, TransportError> {
        let (status, headers) = match self.0.evaluate_request(request) {
            Decision::PreflightAllowed(a) => (a.status(), a.headers()),
            Decision::PreflightRefused(r) => (r.status(), r.headers()),
            Decision::WriteRefused(w) => (w.status(), w.headers()),
            Decision::IsolationRefused(r) => (r.status(), r.headers()),
            Decision::ActualAllowed(h)
            | Decision::ActualRefused(_, h)
            | Decision::Reported(_, h)
            | Decision::NotCors(h) => {
                let mut headers = HeaderMap::new();
                h.apply_to(&mut headers);
                (StatusCode::OK, headers)
            }
        };
        Ok(ResponseHead {
            status,
            headers,
            version: Version::HTTP_11,
            remote: None,
        })
    }
}

/// What the browser made of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// The page gets the response (or, preflight only, may send the request).
    Allowed,
    /// The browser blocks it: Chromium's code and console message.
    Blocked {
        /// DevTools' `corsError`.
        code: String,
        /// The console message.
        message: String,
    },
    /// No answer: the check could not be made.
    NoAnswer(String),
}

impl Judgement {
    /// `allowed`, `blocked` or `error`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Judgement::Allowed => "allowed",
            Judgement::Blocked { .. } => "blocked",
            Judgement::NoAnswer(_) => "error",
        }
    }
}

/// The verdict, with the last exchange it stands on.
#[derive(Debug, Clone)]
pub struct Judged {
    /// What the browser made of it.
    pub judgement: Judgement,
    /// The last request sent and its answer, if any.
    pub last: Option<(Request<()>, ResponseHead)>,
}

impl Judged {
    /// The status of the last answer.
    pub fn status(&self) -> Option<u16> {
        self.last.as_ref().map(|(_, h)| h.status.as_u16())
    }

    /// What the last answer allowed, for saying why a request that should
    /// be blocked was not: its `Access-Control-Allow-*` values.
    pub fn answer_summary(&self) -> String {
        let Some((request, head)) = &self.last else {
            return String::new();
        };
        let h = &head.headers;
        let mut parts = vec![match allow_origin(h) {
            Some(v) => format!("Access-Control-Allow-Origin: {v}"),
            None => "no Access-Control-Allow-Origin".to_owned(),
        }];
        if allows_credentials(h) {
            parts.push("Access-Control-Allow-Credentials: true".into());
        }
        if request.method() == http::Method::OPTIONS {
            for name in [ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_HEADERS] {
                if let Some(v) = h.get(&name) {
                    parts.push(format!("{name}: {}", String::from_utf8_lossy(v.as_bytes())));
                }
            }
        }
        format!(
            "{} {} answered {}: {}",
            request.method(),
            crate::url::path_and_query(&request.uri().to_string()),
            head.status.as_u16(),
            parts.join(", ")
        )
    }
}

/// Tries `request` against `server` as the browser would, or only its
/// preflight.
pub async fn judge(server: &impl Server, request: &CorsRequest, how: How) -> Judged {
    let preflight = match how {
        How::PreflightOnly => Some(preflight_for(request)),
        How::Sent => request.preflight::<()>(),
    };
    if let Some(preflight) = preflight {
        let head = match server.answer(&preflight).await {
            Ok(head) => head,
            Err(e) => return no_answer(e),
        };
        let verdict = check_preflight(ENGINE, request, head.status, &head.headers);
        let last = Some((preflight, head));
        if let Err(blocked) = verdict {
            return Judged {
                judgement: blocked_judgement(&blocked),
                last,
            };
        }
        if how == How::PreflightOnly {
            return Judged {
                judgement: Judgement::Allowed,
                last,
            };
        }
    }
    let actual = request.actual::<()>();
    let head = match server.answer(&actual).await {
        Ok(head) => head,
        Err(e) => return no_answer(e),
    };
    let verdict = match check_response(ENGINE, request, head.status, &head.headers) {
        Ok(_) => Judgement::Allowed,
        Err(blocked) => blocked_judgement(&blocked),
    };
    Judged {
        judgement: verdict,
        last: Some((actual, head)),
    }
}

fn blocked_judgement(b: &tower_cors::browser::Blocked) -> Judgement {
    Judgement::Blocked {
        code: b.code().as_str().to_owned(),
        message: b.message(),
    }
}

fn no_answer(e: TransportError) -> Judged {
    Judged {
        judgement: Judgement::NoAnswer(e.to_string()),
        last: None,
    }
}
