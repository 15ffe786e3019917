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

use super::lookup::Lookup;
use super::{answer, passthrough, refuse, Outcome};
use crate::decision::ActualHeaders;
use crate::policy::{Inner, OriginLookup};

pin_project! {
    /// The response future of [`Cors`](crate::Cors): either the layer's own
    /// preflight answer, or the inner service's response with CORS headers
    /// added.
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
        /// What only opt-in settings need, boxed so that the two states
        /// above stay as they are for every other policy.
        Slow { state: Box<Slow<F, B>> },
    }
}

/// The states of opt-in settings.
enum Slow<F, B> {
    /// A preflight passed through to the inner service, and the layer's
    /// headers to merge into its answer.
    Preflight {
        future: Pin<Box<F>>,
        headers: Option<HeaderMap>,
    },
    /// A request waiting for the async origin predicate (and, unless the
    /// layer answers it, running in the inner service meanwhile).
    Lookup(Lookup<F, B>),
}

impl<F, B, E> Slow<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
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

impl<F, B> ResponseFuture<F, B> {
    /// Applies an outcome: the answer, or the inner service called with
    /// `req` and what to add to its response.
    ///
    /// Always inlined: as a call, its large arguments (the outcome, the
    /// request) and result would be copied on every request.
    #[inline(always)]
    pub(super) fn start<S, R>(outcome: Outcome, inner: &mut S, req: Request<R>) -> Self
    where
        S: Service<Request<R>, Future = F>,
        B: Default,
    {
        let kind = match outcome {
            Outcome::Answer(status, headers) => Kind::Ready {
                response: Some(answer(status, headers, B::default())),
            },
            Outcome::Refuse(plain) => {
                // The request is not passed on: its header map carries the
                // answer (no allocation, and no map freed here).
                let mut req = req;
                let headers = std::mem::take(req.headers_mut());
                drop(req);
                Kind::Ready {
                    response: Some(refuse(plain, headers, B::default())),
                }
            }
            Outcome::Forward(headers) => Kind::Inner {
                future: inner.call(req),
                headers: Some(headers),
            },
            Outcome::ForwardPreflight(headers) => Kind::Slow {
                state: Box::new(Slow::Preflight {
                    future: Box::pin(inner.call(req)),
                    headers: Some(headers),
                }),
            },
        };
        Self { kind }
    }

    /// Waits for `lookup` before deciding. A preflight the layer answers
    /// itself only waits; any other request goes to the inner service now,
    /// with a copy of its head kept for the decision.
    pub(super) fn lookup<S, R>(
        policy: Arc<Inner>,
        lookup: OriginLookup,
        inner: &mut S,
        parts: request::Parts,
        body: R,
    ) -> Self
    where
        S: Service<Request<R>, Future = F>,
        B: Default,
    {
        let answered_here =
            !policy.settings.preflight_passthrough && super::lookup::is_preflight(&parts);
        let state = if answered_here {
            Lookup::new(policy, lookup, parts.method, parts.headers, None)
        } else {
            let (method, headers) = (parts.method.clone(), parts.headers.clone());
            let future = inner.call(Request::from_parts(parts, body));
            Lookup::new(policy, lookup, method, headers, Some(Box::pin(future)))
        };
        Self {
            kind: Kind::Slow {
                state: Box::new(Slow::Lookup(state)),
            },
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
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

impl<F, B> fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
