//! The browser's walk over the network, with the model's pieces: the
//! preflight if one is needed, then the actual request, following
//! redirects (with a new preflight where one is needed), each response
//! judged by Chromium's rules as it arrives.

use http::header::{COOKIE, LOCATION};
use http::{HeaderValue, Request};
use tower_cors::browser::{
    check_preflight, check_response, Allowed, Blocked, CorsRequest, Engine, Warning,
};

use crate::args::Plan;
use crate::transport::{Client, Head, TransportError};

/// The engine whose verdict the command gives.
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

/// Every exchange and how it ended.
#[derive(Debug, Clone)]
pub struct Walk {
    /// In the order sent.
    pub exchanges: Vec<Exchange>,
    /// The result.
    pub end: End,
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

/// Walks `plan`'s request as Chromium would.
pub async fn walk(client: &Client, plan: &Plan) -> Walk {
    let mut exchanges = Vec::new();
    let mut request = plan.request.clone();
    let mut warnings = Vec::new();
    let start_origin = origin_of(plan.request.url());
    loop {
        if let Some(preflight) = request.preflight::<()>() {
            let head = match client.send(&preflight).await {
                Ok(head) => head,
                Err(e) => return ended(exchanges, End::Transport(e)),
            };
            let verdict = check_preflight(ENGINE, &request, head.status, &head.headers);
            exchanges.push(Exchange {
                step: Step::Preflight,
                request: preflight,
                response: head,
                state: request.clone(),
            });
            match verdict {
                Ok(approval) => warnings.extend_from_slice(approval.warnings()),
                Err(blocked) => return ended(exchanges, End::Blocked(blocked)),
            }
        }
        let mut actual = request.actual::<()>();
        // Cookies are the browser's, for the site they belong to.
        if request.is_credentialed() && origin_of(request.url()) == start_origin {
            for cookie in &plan.cookies {
                if let Ok(v) = HeaderValue::from_str(cookie) {
                    actual.headers_mut().append(COOKIE, v);
                }
            }
        }
        let head = match client.send(&actual).await {
            Ok(head) => head,
            Err(e) => return ended(exchanges, End::Transport(e)),
        };
        let verdict = check_response(ENGINE, &request, head.status, &head.headers);
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
            Err(blocked) => return ended(exchanges, End::Blocked(blocked)),
        };
        match location {
            Some(location) if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) => {
                match request.redirect(status, &location) {
                    Ok(next) => request = next,
                    Err(e) => return ended(exchanges, End::NetworkError(e.to_string())),
                }
            }
            _ => {
                // The preflights' warnings, then the response's own.
                for w in allowed.warnings() {
                    if !warnings.contains(w) {
                        warnings.push(*w);
                    }
                }
                return ended(exchanges, End::Allowed(allowed, warnings));
            }
        }
    }
}

fn ended(exchanges: Vec<Exchange>, end: End) -> Walk {
    Walk { exchanges, end }
}

/// Scheme, host and port of a URL, for comparing sites.
pub fn origin_of(uri: &http::Uri) -> String {
    format!(
        "{}://{}",
        uri.scheme_str().unwrap_or_default(),
        uri.authority().map_or("", |a| a.as_str())
    )
}
