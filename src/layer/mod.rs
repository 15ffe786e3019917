//! Tower plumbing: [`CorsLayer`], the [`Cors`] service and its
//! [`ResponseFuture`]. All decisions are made in [`crate::decision`]; this
//! module only applies them.

mod future;
mod lookup;
mod passthrough;

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use arc_swap::ArcSwap;
use http::{HeaderMap, Request, Response, StatusCode};
use tower_layer::Layer;
use tower_service::Service;

use crate::decision::{
    decide, first_pass, is_write, ActualHeaders, Decision, FirstPass, Head, Known, Message,
    PlainRefusal, RefusalsRead, SchemeAndAuthority,
};
use crate::diagnostics;
use crate::policy::{CorsPolicy, Inner};

pub use future::ResponseFuture;
pub use lookup::Held;

/// Behind the layer, a refusal is read only by a log that listens.
pub(crate) const LOG_READS: RefusalsRead = RefusalsRead::when(diagnostics::enabled);

/// A [`Layer`] that applies a [`CorsPolicy`] to a service.
///
/// Preflights (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
/// are answered by the layer and never reach the inner service (unless the
/// policy opts into [`preflight_passthrough`](crate::CorsPolicyBuilder::preflight_passthrough));
/// every other request is passed on and its response gets the policy's CORS
/// headers.
///
/// ```
/// use axum::{routing::get, Router};
/// use tower_cors::{CorsLayer, CorsPolicy};
///
/// let policy = CorsPolicy::builder()
///     .allow_origins(["https://myfrontend.com"])
///     .build()?;
/// let app: Router = Router::new()
///     .route("/api/data", get(|| async { "hello" }))
///     .layer(CorsLayer::new(policy));
/// # Ok::<(), tower_cors::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CorsLayer {
    policy: CorsPolicy,
}

impl CorsLayer {
    /// A layer enforcing `policy`.
    ///
    /// With the `tracing` feature, the policy's
    /// [warnings](CorsPolicy::warnings) are logged here, once, at `warn`.
    pub fn new(policy: CorsPolicy) -> Self {
        diagnostics::report_warnings(policy.warnings());
        Self { policy }
    }

    /// The policy this layer enforces.
    pub fn policy(&self) -> &CorsPolicy {
        &self.policy
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Cors::with_source(inner, PolicySource::Fixed(self.policy.clone()))
    }
}

/// Where a [`Cors`] service reads its policy.
#[derive(Clone)]
pub(crate) enum PolicySource {
    /// One policy for the service's lifetime.
    Fixed(CorsPolicy),
    /// The current policy of a [`ReloadableCorsLayer`](crate::ReloadableCorsLayer).
    Shared(Arc<ArcSwap<Inner>>),
}

/// The service made by [`CorsLayer`] (or
/// [`ReloadableCorsLayer`](crate::ReloadableCorsLayer)): applies a
/// [`CorsPolicy`] around `S`.
///
/// Cloning it clones `S` and one reference count.
#[derive(Clone)]
pub struct Cors<S> {
    inner: S,
    source: PolicySource,
}

impl PolicySource {
    /// The policy in force now.
    pub(crate) fn current(&self) -> CorsPolicy {
        match self {
            PolicySource::Fixed(p) => p.clone(),
            PolicySource::Shared(s) => CorsPolicy {
                inner: s.load_full(),
            },
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for Cors<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cors")
            .field("inner", &self.inner)
            .field("policy", &self.source.current())
            .finish()
    }
}

impl<S> Cors<S> {
    /// Wraps `inner` with `policy`, without a layer.
    ///
    /// With the `tracing` feature, the policy's
    /// [warnings](CorsPolicy::warnings) are logged here, once, at `warn`.
    pub fn new(inner: S, policy: CorsPolicy) -> Self {
        diagnostics::report_warnings(policy.warnings());
        Self::with_source(inner, PolicySource::Fixed(policy))
    }

    pub(crate) fn with_source(inner: S, source: PolicySource) -> Self {
        Self { inner, source }
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// `S: Clone`, as axum, hyper-util and tonic services are: with an
/// [async origin predicate](crate::CorsPolicyBuilder::allow_origin_predicate_async),
/// a write whose origin only the lookup could allow waits for it with the
/// ready service, and a clone serves the next request.
impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody, Held<S, ReqBody>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        match &self.source {
            PolicySource::Fixed(policy) => handle(&policy.inner, &mut self.inner, req),
            PolicySource::Shared(shared) => handle(&shared.load(), &mut self.inner, req),
        }
    }
}

/// Decides under one policy snapshot and applies the decision.
///
/// Always inlined into `call`, so that the request and the returned future
/// are moved in place (docs/performance.md, "Moving the request").
#[inline(always)]
fn handle<S, ReqBody, ResBody>(
    policy: &Arc<Inner>,
    inner: &mut S,
    req: Request<ReqBody>,
) -> ResponseFuture<S::Future, ResBody, Held<S, ReqBody>>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    ResBody: Default,
{
    if policy.needs_head {
        return handle_with_predicates(policy, inner, req);
    }
    // Of the target, only the write guard reads anything (and only of a
    // write): its scheme and authority, not a reference into the request
    // (docs/performance.md, "Moving the request").
    let mut known = Known::new(Head::Unknown, LOG_READS);
    if is_write(req.method()) && policy.guard_writes {
        known.head = Head::SchemeAndAuthority(SchemeAndAuthority::of(req.uri()));
    }
    let message = Message {
        method: req.method(),
        headers: req.headers(),
    };
    let action = apply(policy, decide(policy, message, known));
    ResponseFuture::start(action, inner, req)
}

/// [`handle`] for a policy with an origin predicate or a write-guard
/// exemption, which want the request head; kept apart so that the path
/// without them stays small.
#[inline(never)]
fn handle_with_predicates<S, ReqBody, ResBody>(
    policy: &Arc<Inner>,
    inner: &mut S,
    req: Request<ReqBody>,
) -> ResponseFuture<S::Future, ResBody, Held<S, ReqBody>>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    ResBody: Default,
{
    let (parts, body) = req.into_parts();
    match first_pass(policy, &parts, LOG_READS) {
        FirstPass::Decided(decision) => {
            let action = apply(policy, decision);
            ResponseFuture::start(action, inner, Request::from_parts(parts, body))
        }
        FirstPass::Pending(pending) => {
            ResponseFuture::lookup(Arc::clone(policy), pending, inner, (parts, body))
        }
    }
}

/// What the layer does with a request: answer it here, or forward it and
/// add headers to the inner service's response.
pub(crate) enum Action {
    /// The layer's own preflight answer.
    Answer(StatusCode, HeaderMap),
    /// The layer's plain `403` to a refused preflight, whose few headers
    /// go into the request's own (emptied) header map: no allocation.
    Refuse(PlainRefusal),
    /// The CORS headers of an actual (or non-CORS) request's response.
    Forward(ActualHeaders),
    /// A preflight passed through: the answer's headers, to merge into the
    /// inner service's response.
    ForwardPreflight(HeaderMap),
}

/// Reports the decision and turns it into what the layer does: a preflight
/// is answered with exactly the status and headers the decision carries (or,
/// passed through, those headers go onto the inner service's answer).
///
/// `#[inline]`: it sits on every request's path, and the caller (generic
/// over the service) is compiled in the user's crate.
#[inline]
pub(crate) fn apply(policy: &Inner, decision: Decision<'_>) -> Action {
    diagnostics::report(&decision);
    let (status, headers) = match decision {
        Decision::PreflightAllowed(answer) => (answer.status(), answer.headers()),
        Decision::PreflightRefused(answer) if !policy.settings.preflight_passthrough => {
            match answer.into_plain() {
                Ok(plain) => return Action::Refuse(plain),
                Err(answer) => (answer.status(), answer.headers()),
            }
        }
        Decision::PreflightRefused(answer) => (answer.status(), answer.headers()),
        // Never passed on, even with `preflight_passthrough`: it is no
        // preflight, and the point is that the service does not see it.
        Decision::WriteRefused(refused) => return Action::Refuse(refused.into_plain()),
        Decision::IsolationRefused(refused) => return Action::Refuse(refused.into_plain()),
        Decision::ActualAllowed(headers)
        | Decision::ActualRefused(_, headers)
        | Decision::Reported(_, headers)
        | Decision::NotCors(headers) => return Action::Forward(headers),
    };
    if policy.settings.preflight_passthrough {
        return Action::ForwardPreflight(headers);
    }
    Action::Answer(status, headers)
}

/// The layer's plain `403`, written into `headers` once emptied: a map the
/// layer already holds (the request's own), so that refusing allocates
/// nothing.
#[inline]
pub(crate) fn refuse<B>(plain: PlainRefusal, mut headers: HeaderMap, body: B) -> Response<B> {
    headers.clear();
    plain.write_to(&mut headers);
    answer(PlainRefusal::STATUS, headers, body)
}

/// The layer's own answer to a preflight.
#[inline]
pub(crate) fn answer<B>(status: StatusCode, headers: HeaderMap, body: B) -> Response<B> {
    let mut res = Response::new(body);
    *res.status_mut() = status;
    // `Response::new` gives an empty map made by `HeaderMap::new`, which
    // allocates nothing (its documented promise): forgetting it frees
    // nothing and skips the drop code an assignment would run.
    std::mem::forget(std::mem::replace(res.headers_mut(), headers));
    res
}
#[cfg(test)]
mod tests;
