//! Tower plumbing: [`CorsLayer`], the [`Cors`] service and its
//! [`ResponseFuture`]. All decisions are made in [`crate::decision`]; this
//! module only applies them.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use arc_swap::ArcSwap;
use http::{Request, Response};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::decision::{decide, ActualHeaders, Decision};
use crate::diagnostics;
use crate::policy::{CorsPolicy, Inner};

/// A [`Layer`] that applies a [`CorsPolicy`] to a service.
///
/// Preflights (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
/// are answered by the layer and never reach the inner service; every other
/// request is passed on and its response gets the policy's CORS headers.
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
    pub fn new(policy: CorsPolicy) -> Self {
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
        Cors::new(inner, self.policy.clone())
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
    pub fn new(inner: S, policy: CorsPolicy) -> Self {
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

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Cors<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody>;

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

/// What the layer does with a request: answer it here, or forward it and
/// add these headers to the inner service's response.
enum Outcome<B> {
    Answer(Response<B>),
    Forward(ActualHeaders),
}

/// Decides under one policy snapshot and applies the decision.
fn handle<S, ReqBody, ResBody>(
    policy: &Inner,
    inner: &mut S,
    req: Request<ReqBody>,
) -> ResponseFuture<S::Future, ResBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    let (outcome, req) = if policy.origin_predicate.is_some() {
        // The predicate wants the request head.
        let (parts, body) = req.into_parts();
        let outcome = apply(decide(policy, &parts.method, &parts.headers, Some(&parts)));
        (outcome, Request::from_parts(parts, body))
    } else {
        (
            apply(decide(policy, req.method(), req.headers(), None)),
            req,
        )
    };
    match outcome {
        Outcome::Answer(response) => ResponseFuture {
            kind: Kind::Ready {
                response: Some(response),
            },
        },
        Outcome::Forward(headers) => ResponseFuture {
            kind: Kind::Inner {
                future: inner.call(req),
                headers: Some(headers),
            },
        },
    }
}

/// Reports the decision and turns it into what the layer does: a preflight
/// is answered with exactly the status and headers the decision carries.
fn apply<B: Default>(decision: Decision<'_>) -> Outcome<B> {
    diagnostics::report(&decision);
    let (status, headers) = match decision {
        Decision::PreflightAllowed(answer) => (answer.status(), answer.headers()),
        Decision::PreflightRefused(answer) => (answer.status(), answer.headers()),
        Decision::ActualAllowed(headers)
        | Decision::ActualRefused(_, headers)
        | Decision::NotCors(headers) => return Outcome::Forward(headers),
    };
    let mut res = Response::new(B::default());
    *res.status_mut() = status;
    *res.headers_mut() = headers;
    Outcome::Answer(res)
}

pin_project! {
    /// The response future of [`Cors`]: either the layer's own preflight
    /// answer, or the inner service's response with CORS headers added.
    pub struct ResponseFuture<F, B> {
        #[pin]
        kind: Kind<F, B>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F, B> {
        Ready { response: Option<Response<B>> },
        Inner { #[pin] future: F, headers: Option<ActualHeaders> },
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().kind.project() {
            KindProj::Ready { response } => match response.take() {
                Some(res) => Poll::Ready(Ok(res)),
                // Polled after completion: a contract violation by the caller;
                // stay pending rather than panic.
                None => Poll::Pending,
            },
            KindProj::Inner { future, headers } => {
                let mut res = ready!(future.poll(cx))?;
                if let Some(h) = headers.take() {
                    h.apply_to(res.headers_mut());
                }
                Poll::Ready(Ok(res))
            }
        }
    }
}

impl<F, B> std::fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
