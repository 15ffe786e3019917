//! Waiting for an async origin predicate: the request's head, kept for the
//! decision, the pending lookup, and the inner service's response held
//! until the verdict is known.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll};

use http::{header, request, Method, Request, Response};
use tower_service::Service;

use super::{answer, apply, passthrough, refuse, Action, LOG_READS};
use crate::decision::{decide, AsyncVerdict, Decision, Head, Known, Message};
use crate::policy::{Inner, TimedLookup};

/// Whether a request head is a CORS preflight, as `decide` classifies it.
pub(super) fn is_preflight(parts: &request::Parts) -> bool {
    parts.method == Method::OPTIONS
        && parts
            .headers
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// A request held by the layer until the async origin predicate has
/// answered (or its time is up): the inner service (ready to be called)
/// and the request. The [write guard](crate::CorsPolicyBuilder::guard_writes)
/// must not let the service see a write or a WebSocket handshake, nor
/// [isolation](crate::CorsPolicyBuilder::isolate_resources) another site's
/// load, before its origin is known to be allowed.
///
/// It only appears in the type of [`ResponseFuture`](crate::ResponseFuture).
pub struct Held<S, R> {
    service: S,
    request: Request<R>,
}

impl<S, R> Held<S, R> {
    /// Holds `request` for `service`, which has been driven ready.
    pub(super) fn new(service: S, request: Request<R>) -> Self {
        Self { service, request }
    }

    fn call(self) -> S::Future
    where
        S: Service<Request<R>>,
    {
        let Held {
            mut service,
            request,
        } = self;
        service.call(request)
    }
}

/// One request waiting for the async origin predicate.
pub(super) struct Lookup<F, B, H> {
    policy: Arc<Inner>,
    /// The request's head, for the decision.
    head: request::Parts,
    /// Behind a mutex only so that the response future stays `Sync` for any
    /// lookup; it is only ever reached through `&mut`, so never locked.
    pending: Mutex<TimedLookup>,
    verdict: Option<AsyncVerdict>,
    /// The inner service's future, for a request it answers; boxed so that
    /// this state needs no pinning of its own.
    inner: Option<Pin<Box<F>>>,
    /// A write that waits for the verdict before the service sees it.
    held: Option<H>,
    response: Option<Response<B>>,
    empty_body: fn() -> B,
}

impl<F, B, H> Lookup<F, B, H> {
    pub(super) fn new(
        policy: Arc<Inner>,
        pending: TimedLookup,
        head: request::Parts,
        inner: Option<Pin<Box<F>>>,
        held: Option<H>,
    ) -> Self
    where
        B: Default,
    {
        Self {
            policy,
            head,
            pending: Mutex::new(pending),
            verdict: None,
            inner,
            held,
            response: None,
            empty_body: B::default,
        }
    }
}

impl<F, B, S, R> Lookup<F, B, Held<S, R>>
where
    S: Service<Request<R>, Future = F>,
{
    /// Runs the lookup and the inner service's future (if any) together;
    /// the response is ready when both are. A held request goes to the
    /// service once the verdict is known, unless the guard or isolation
    /// refuses it.
    #[inline(never)]
    pub(super) fn poll<E>(&mut self, cx: &mut Context<'_>) -> Poll<Result<Response<B>, E>>
    where
        F: Future<Output = Result<Response<B>, E>>,
    {
        let verdict = self.poll_verdict(cx);
        if verdict.is_ready() {
            if let Some(held) = self.held.take() {
                let refused = matches!(
                    self.decide(),
                    Decision::WriteRefused(_) | Decision::IsolationRefused(_)
                );
                if !refused {
                    self.inner = Some(Box::pin(held.call()));
                }
            }
        }
        if let Some(future) = &mut self.inner {
            let res = ready!(future.as_mut().poll(cx))?;
            self.inner = None;
            self.response = Some(res);
        }
        ready!(verdict);
        match self.finish() {
            Some(res) => Poll::Ready(Ok(res)),
            // Polled after completion: stay pending rather than panic.
            None => Poll::Pending,
        }
    }
}

impl<F, B, H> Lookup<F, B, H> {
    /// The decision under the verdict (refused until it is known).
    fn decide(&self) -> Decision<'_> {
        let verdict = self.verdict.unwrap_or(AsyncVerdict::Refused);
        let known = Known::new(Head::Parts(&self.head), LOG_READS).with_verdict(verdict);
        decide(&self.policy, Message::of_parts(&self.head), known)
    }

    /// Polls the lookup until it has answered.
    fn poll_verdict(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.verdict.is_none() {
            let pending = self
                .pending
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            match Pin::new(pending).poll(cx) {
                Poll::Ready(answer) => self.verdict = Some(AsyncVerdict::from(answer)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(())
    }

    /// Decides under the verdict and gives the response: the layer's own
    /// answer, or the held one with the decided headers. `None` when called
    /// again after giving it.
    fn finish(&mut self) -> Option<Response<B>> {
        self.verdict?;
        let decision = self.decide();
        match apply(&self.policy, decision) {
            Action::Answer(status, headers) => {
                // Answered here: a held response (only possible if the
                // request changed class) is dropped.
                self.response = None;
                Some(answer(status, headers, (self.empty_body)()))
            }
            Action::Refuse(plain) => {
                self.response = None;
                let headers = std::mem::take(&mut self.head.headers);
                Some(refuse(plain, headers, (self.empty_body)()))
            }
            Action::Forward(headers) => {
                let mut res = self.response.take()?;
                headers.apply_to(res.headers_mut());
                Some(res)
            }
            Action::ForwardPreflight(headers) => {
                let mut res = self.response.take()?;
                passthrough::merge(headers, res.headers_mut());
                Some(res)
            }
        }
    }
}
