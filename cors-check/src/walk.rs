//! The browser's walk over the network, with the model's pieces: the
//! preflight if one is needed, then the actual request, following
//! redirects (with a new preflight where one is needed), each response
//! judged by one engine's rules as it arrives. The walks of several engines
//! share one [`Sent`] record, so a request they all make goes out once.

use http::header::{COOKIE, LOCATION};
use std::time::Duration;

use http::{HeaderValue, Request};
use tower_cors::browser::{
    check_preflight, check_response, Allowed, Blocked, CorsRequest, Engine, Warning,
};

use crate::args::Plan;
use crate::transport::{Client, Head, TransportError};
use crate::url::origin_of;

/// The engine of the probes (every engine gives them the same verdict),
/// and the default of `--engine`.
pub const ENGINE: Engine = Engine::Chromium;

/// Which request of the walk an exchange was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The `OPTIONS` preflight.
    Preflight,
    /// The actual request, or one of its redirects.
    Actual,
}

/// One request sent and the head of its response, with the request's
/// state as the browser held it (for judging the response again).
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Preflight or actual.
    pub step: Step,
    /// The request as sent (before the client's own `Host`/`User-Agent`).
    pub request: Request<()>,
    /// The answer.
    pub response: Head,
    /// The browser's request state when it sent this.
    pub state: CorsRequest,
}

/// How the walk ended.
#[derive(Debug, Clone)]
pub enum End {
    /// The page gets the response; the engine warned about these.
    Allowed(Allowed, Vec<Warning>),
    /// The browser blocks it.
    Blocked(Blocked),
    /// A network error that is not CORS (a redirect the browser cannot
    /// follow): the fetch fails with a TypeError, no CORS message.
    NetworkError(String),
    /// No response: the check could not run.
    Transport(TransportError),
}

/// Every exchange and how it ended, for one engine.
#[derive(Debug, Clone)]
pub struct Walk {
    /// Whose rules judged it.
    pub engine: Engine,
    /// In the order sent.
    pub exchanges: Vec<Exchange>,
    /// The result.
    pub end: End,
    /// How long the engine caches the first preflight that passed.
    pub preflight_cached: Option<Duration>,
}

/// The requests sent so far, with their answers: a walk that needs the
/// same request again (same method, URL and headers) takes its answer.
#[derive(Debug, Default)]
pub struct Sent {
    entries: Vec<(Request<()>, Result<Head, TransportError>)>,
}

impl Sent {
    async fn send(
        &mut self,
        client: &Client,
        request: &Request<()>,
    ) -> Result<Head, TransportError> {
        let same = |r: &Request<()>| {
            r.method() == request.method()
                && r.uri() == request.uri()
                && r.headers() == request.headers()
        };
        if let Some((_, answer)) = self.entries.iter().find(|(r, _)| same(r)) {
            return answer.clone();
        }
        let answer = client.send(request).await;
        self.entries.push((request.clone(), answer.clone()));
        answer
    }
}

impl Walk {
    /// The first exchange of this step, if one was sent.
    pub fn first(&self, step: Step) -> Option<&Exchange> {
        self.exchanges.iter().find(|e| e.step == step)
    }

    /// The last exchange sent.
    pub fn last(&self) -> Option<&Exchange> {
        self.exchanges.last()
    }
}

/// Walks `plan`'s request as `engine` would.
pub async fn walk(client: &Client, plan: &Plan, engine: Engine, sent: &mut Sent) -> Walk {
    let ended = |exchanges, end, preflight_cached| Walk {
        engine,
        exchanges,
        end,
        preflight_cached,
    };
    let mut cached = None;
    let mut exchanges = Vec::new();
    let mut request = plan.request.clone();
    let mut warnings = Vec::new();
    let start_origin = origin_of(&plan.request.url().to_string());
    loop {
        if let Some(preflight) = request.preflight::<()>() {
            let head = match sent.send(client, &preflight).await {
                Ok(head) => head,
                Err(e) => return ended(exchanges, End::Transport(e), cached),
            };
            let verdict = check_preflight(engine, &request, head.status, &head.headers);
            exchanges.push(Exchange {
                step: Step::Preflight,
                request: preflight,
                response: head,
                state: request.clone(),
            });
            match verdict {
                Ok(approval) => {
                    cached = cached.or(Some(approval.lifetime()));
                    warnings.extend_from_slice(approval.warnings());
                }
                Err(blocked) => return ended(exchanges, End::Blocked(blocked), cached),
            }
        }
        let mut actual = request.actual::<()>();
        // Cookies are the browser's, for the site they belong to.
        if request.is_credentialed() && origin_of(&request.url().to_string()) == start_origin {
            for cookie in &plan.cookies {
                if let Ok(v) = HeaderValue::from_str(cookie) {
                    actual.headers_mut().append(COOKIE, v);
                }
            }
        }
        let head = match sent.send(client, &actual).await {
            Ok(head) => head,
            Err(e) => return ended(exchanges, End::Transport(e), cached),
        };
        let verdict = check_response(engine, &request, head.status, &head.headers);
        let location = head
            .headers
            .get(LOCATION)
            .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
        let status = head.status;
        exchanges.push(Exchange {
            step: Step::Actual,
            request: actual,
            response: head,
            state: request.clone(),
        });
        let allowed = match verdict {
            Ok(allowed) => allowed,
            Err(blocked) => return ended(exchanges, End::Blocked(blocked), cached),
        };
        match location {
            Some(location) if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) => {
                match request.redirect(status, &location) {
                    Ok(next) => request = next,
                    Err(e) => return ended(exchanges, End::NetworkError(e.to_string()), cached),
                }
            }
            _ => {
                // The preflights' warnings, then the response's own.
                for w in allowed.warnings() {
                    if !warnings.contains(w) {
                        warnings.push(*w);
                    }
                }
                return ended(exchanges, End::Allowed(allowed, warnings), cached);
            }
        }
    }
}
