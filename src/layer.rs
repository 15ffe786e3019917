//! Tower plumbing: [`CorsLayer`], the [`Cors`] service and its
//! [`ResponseFuture`]. All decisions are made in [`crate::decision`]; this
//! module only applies them.

use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use http::header::{HeaderMap, VARY};
use http::{Request, Response, StatusCode};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::decision::{ActualHeaders, Decision};
use crate::policy::CorsPolicy;

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
        Cors {
            inner,
            policy: self.policy.clone(),
        }
    }
}

/// The service made by [`CorsLayer`]: applies a [`CorsPolicy`] around `S`.
#[derive(Debug, Clone)]
pub struct Cors<S> {
    inner: S,
    policy: CorsPolicy,
}

impl<S> Cors<S> {
    /// Wraps `inner` with `policy`, without a layer.
    pub fn new(inner: S, policy: CorsPolicy) -> Self {
        Self { inner, policy }
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
        let headers = match self.policy.evaluate(req.method(), req.headers()) {
            Decision::PreflightAllowed(answer) => {
                let mut res = Response::new(ResBody::default());
                *res.status_mut() = answer.status();
                *res.headers_mut() = answer.headers();
                return ResponseFuture::ready(res);
            }
            Decision::PreflightRefused(_) => {
                let mut res = Response::new(ResBody::default());
                *res.status_mut() = StatusCode::FORBIDDEN;
                let mut headers = HeaderMap::with_capacity(1);
                headers.insert(VARY, self.policy.inner.preflight_vary.clone());
                *res.headers_mut() = headers;
                return ResponseFuture::ready(res);
            }
            Decision::ActualAllowed(headers)
            | Decision::ActualRefused(_, headers)
            | Decision::NotCors(headers) => headers,
        };
        ResponseFuture {
            kind: Kind::Inner {
                future: self.inner.call(req),
                headers: Some(headers),
            },
        }
    }
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

impl<F, B> ResponseFuture<F, B> {
    fn ready(response: Response<B>) -> Self {
        Self {
            kind: Kind::Ready {
                response: Some(response),
            },
        }
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
