//! [`ResponseFuture`]: the layer's own answer, or the inner service's
//! response with the decided headers added, without boxing. Only a policy
//! with an async origin predicate ever gets the boxed lookup state.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use http::{request, HeaderMap, Request, Response};
use pin_project_lite::pin_project;
use tower_service::Service;

use super::lookup::{Held, Lookup};
use super::{answer, passthrough, refuse, Action};
use crate::decision::{ActualHeaders, PendingLookup};
use crate::policy::Inner;

pin_project! {
    /// The response future of [`Cors`](crate::Cors): either the layer's own
    /// preflight answer, or the inner service's response with CORS headers
    /// added.
    ///
    /// `H` is a write the layer holds while an
    /// [async origin predicate](crate::CorsPolicyBuilder::allow_origin_predicate_async)
    /// decides whether its origin may write: [`Held`](crate::Held).
    pub struct ResponseFuture<F, B, H> {
        #[pin]
        kind: Kind<F, B, H>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F, B, H> {
        Ready { response: Option<Response<B>> },
        Inner { #[pin] future: F, headers: Option<ActualHeaders> },
        /// What only opt-in settings need, boxed so that the two states
        /// above stay as they are for every other policy.
        Slow { state: Box<Slow<F, B, H>> },
    }
}

/// The states of opt-in settings.
// Always behind the `Box` of `Kind::Slow`: the variants' sizes cost nothing.
#[allow(clippy::large_enum_variant)]
enum Slow<F, B, H> {
    /// A preflight passed through to the inner service, and the layer's
    /// headers to merge into its answer.
    Preflight {
        future: Pin<Box<F>>,
        headers: Option<HeaderMap>,
    },
    /// A request waiting for the async origin predicate (and, unless the
    /// layer answers it, running in the inner service meanwhile).
    Lookup(Lookup<F, B, H>),
}

impl<F, B, E, S, R> Slow<F, B, Held<S, R>>
where
    F: Future<Output = Result<Response<B>, E>>,
    S: Service<Request<R>, Future = F>,
{
    #[inline(never)]
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<Response<B>, E>> {
        match self {
            Slow::Preflight { future, headers } => {
                let mut res = ready!(future.as_mut().poll(cx))?;
                if let Some(h) = headers.take() {
                    passthrough::merge(h, res.headers_mut());
                }
                Poll::Ready(Ok(res))
            }
            Slow::Lookup(lookup) => lookup.poll(cx),
        }
    }
}

impl<F, B, H> ResponseFuture<F, B, H> {
    /// Takes the action: the answer, or the inner service called with
    /// `req` and what to add to its response.
    ///
    /// Always inlined, so that the action, the request and the future are
    /// moved in place (docs/performance.md, "Moving the request").
    #[inline(always)]
    pub(super) fn start<S, R>(action: Action, inner: &mut S, req: Request<R>) -> Self
    where
        S: Service<Request<R>, Future = F>,
        B: Default,
    {
        let kind = match action {
            Action::Answer(status, headers) => Kind::Ready {
                response: Some(answer(status, headers, B::default())),
            },
            Action::Refuse(plain) => {
                // The request is not passed on: its header map carries the
                // answer (no allocation, and no map freed here).
                let mut req = req;
                let headers = std::mem::take(req.headers_mut());
                drop(req);
                Kind::Ready {
                    response: Some(refuse(plain, headers, B::default())),
                }
            }
            Action::Forward(headers) => Kind::Inner {
                future: inner.call(req),
                headers: Some(headers),
            },
            Action::ForwardPreflight(headers) => Kind::Slow {
                state: Box::new(Slow::Preflight {
                    future: Box::pin(inner.call(req)),
                    headers: Some(headers),
                }),
            },
        };
        Self { kind }
    }
}

impl<F, B, S, R> ResponseFuture<F, B, Held<S, R>>
where
    S: Service<Request<R>, Future = F> + Clone,
{
    /// Waits for the pending lookup before deciding. A preflight the layer
    /// answers itself only waits; a write the guard refuses unless the
    /// lookup allows its origin (held) waits, with the ready service,
    /// before the service sees it; any other request goes to the inner
    /// service now, with a copy of its head kept for the decision.
    pub(super) fn lookup(
        policy: Arc<Inner>,
        PendingLookup { lookup, hold }: PendingLookup,
        inner: &mut S,
        (parts, body): (request::Parts, R),
    ) -> Self
    where
        B: Default,
    {
        let answered_here =
            !policy.settings.preflight_passthrough && super::lookup::is_preflight(&parts);
        let state = if answered_here {
            Lookup::new(policy, lookup, parts, None, None)
        } else if hold {
            // The service in `inner` was driven ready: it goes with the
            // request, and a clone takes its place for the next call.
            let clone = inner.clone();
            let ready = std::mem::replace(inner, clone);
            let head = parts.clone();
            let held = Held::new(ready, Request::from_parts(parts, body));
            Lookup::new(policy, lookup, head, None, Some(held))
        } else {
            let head = parts.clone();
            let future = inner.call(Request::from_parts(parts, body));
            Lookup::new(policy, lookup, head, Some(Box::pin(future)), None)
        };
        Self {
            kind: Kind::Slow {
                state: Box::new(Slow::Lookup(state)),
            },
        }
    }
}

impl<F, B, E, S, R> Future for ResponseFuture<F, B, Held<S, R>>
where
    F: Future<Output = Result<Response<B>, E>>,
    S: Service<Request<R>, Future = F>,
{
    type Output = Result<Response<B>, E>;

    #[inline]
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
            KindProj::Slow { state } => state.poll(cx),
        }
    }
}

impl<F, B, H> fmt::Debug for ResponseFuture<F, B, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
