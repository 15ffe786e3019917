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

use super::args::Plan;
use crate::transport::{Client, ResponseHead, TransportError};
use crate::url::origin_of;

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
    pub response: ResponseHead,
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
    entries: Vec<(Request<()>, Result<ResponseHead, TransportError>)>,
}

impl Sent {
    async fn send(
        &mut self,
        client: &Client,
        request: &Request<()>,
    ) -> Result<ResponseHead, TransportError> {
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
    let mut w = Walker {
        client,
        plan,
        engine,
        sent,
        exchanges: Vec::new(),
        cached: None,
        warnings: Vec::new(),
    };
    let mut request = plan.request.clone();
    let end = loop {
        if let Err(end) = w.preflight(&request).await {
            break end;
        }
        match w.actual(&request).await {
            Ok(next) => request = next,
            Err(end) => break end,
        }
    };
    Walk {
        engine,
        exchanges: w.exchanges,
        end,
        preflight_cached: w.cached,
    }
}

/// One walk under way: what it sent and what the engine said so far.
struct Walker<'a> {
    client: &'a Client,
    plan: &'a Plan,
    engine: Engine,
    sent: &'a mut Sent,
    exchanges: Vec<Exchange>,
    /// How long the engine caches the first preflight that passed.
    cached: Option<Duration>,
    /// The passed preflights' warnings, in order.
    warnings: Vec<Warning>,
}

impl Walker<'_> {
    /// Sends the preflight `request` needs, if any, and judges it; the
    /// error is the walk's end.
    async fn preflight(&mut self, request: &CorsRequest) -> Result<(), End> {
        let Some(preflight) = request.preflight::<()>() else {
            return Ok(());
        };
        let head = self
            .sent
            .send(self.client, &preflight)
            .await
            .map_err(End::Transport)?;
        let verdict = check_preflight(self.engine, request, head.status, &head.headers);
        self.exchanges.push(Exchange {
            step: Step::Preflight,
            request: preflight,
            response: head,
            state: request.clone(),
        });
        let approval = verdict.map_err(End::Blocked)?;
        self.cached = self.cached.or(Some(approval.lifetime()));
        self.warnings.extend_from_slice(approval.warnings());
        Ok(())
    }

    /// Sends the actual request and judges its answer: `Ok` is the next
    /// request, a redirect the browser follows; `Err` is how the walk ended
    /// (allowed included).
    async fn actual(&mut self, request: &CorsRequest) -> Result<CorsRequest, End> {
        let mut actual = request.actual::<()>();
        // Cookies are the browser's, for the site they belong to.
        if request.is_credentialed()
            && origin_of(&request.url().to_string())
                == origin_of(&self.plan.request.url().to_string())
        {
            for cookie in &self.plan.cookies {
                if let Ok(v) = HeaderValue::from_str(cookie) {
                    actual.headers_mut().append(COOKIE, v);
                }
            }
        }
        let head = self
            .sent
            .send(self.client, &actual)
            .await
            .map_err(End::Transport)?;
        let verdict = check_response(self.engine, request, head.status, &head.headers);
        let location = head
            .headers
            .get(LOCATION)
            .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
        let status = head.status;
        self.exchanges.push(Exchange {
            step: Step::Actual,
            request: actual,
            response: head,
            state: request.clone(),
        });
        let allowed = verdict.map_err(End::Blocked)?;
        match location {
            Some(location) if matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) => request
                .redirect(status, &location)
                .map_err(|e| End::NetworkError(e.to_string())),
            _ => {
                // The preflights' warnings, then the response's own.
                let mut warnings = std::mem::take(&mut self.warnings);
                for w in allowed.warnings() {
                    if !warnings.contains(w) {
                        warnings.push(*w);
                    }
                }
                Err(End::Allowed(allowed, warnings))
            }
        }
    }
}
