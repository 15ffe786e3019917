//! Waiting for an async origin predicate: the request's head, kept for the
//! decision, the pending lookup, and the inner service's response held
//! until the verdict is known.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{ready, Context, Poll};

use http::{header, request, HeaderMap, Method, Response};

use super::{answer, apply, passthrough, refuse, Outcome};
use crate::decision::{decide, AsyncVerdict};
use crate::diagnostics;
use crate::policy::{Inner, OriginLookup};

/// Whether a request head is a CORS preflight, as `decide` classifies it.
pub(super) fn is_preflight(parts: &request::Parts) -> bool {
    parts.method == Method::OPTIONS
        && parts
            .headers
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// One request waiting for the async origin predicate.
pub(super) struct Lookup<F, B> {
    policy: Arc<Inner>,
    method: Method,
    headers: HeaderMap,
    /// Behind a mutex only so that the response future stays `Sync` for any
    /// lookup; it is only ever reached through `&mut`, so never locked.
    pending: Mutex<OriginLookup>,
    verdict: Option<bool>,
    /// The inner service's future, for a request it answers; boxed so that
    /// this state needs no pinning of its own.
    inner: Option<Pin<Box<F>>>,
    response: Option<Response<B>>,
    empty_body: fn() -> B,
}

impl<F, B> Lookup<F, B> {
    pub(super) fn new(
        policy: Arc<Inner>,
        pending: OriginLookup,
        method: Method,
        headers: HeaderMap,
        inner: Option<Pin<Box<F>>>,
    ) -> Self
    where
        B: Default,
    {
        Self {
            policy,
            method,
            headers,
            pending: Mutex::new(pending),
            verdict: None,
            inner,
            response: None,
            empty_body: B::default,
        }
    }

    /// Runs the lookup and the inner service's future (if any) together;
    /// the response is ready when both are.
    #[inline(never)]
    pub(super) fn poll<E>(&mut self, cx: &mut Context<'_>) -> Poll<Result<Response<B>, E>>
    where
        F: Future<Output = Result<Response<B>, E>>,
    {
        let verdict = self.poll_verdict(cx);
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

    /// Polls the lookup until it has answered.
    fn poll_verdict(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.verdict.is_none() {
            let pending = self
                .pending
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner);
            match pending.as_mut().poll(cx) {
                Poll::Ready(allowed) => self.verdict = Some(allowed),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(())
    }

    /// Decides under the verdict and gives the response: the layer's own
    /// answer, or the held one with the decided headers. `None` when called
    /// again after giving it.
    fn finish(&mut self) -> Option<Response<B>> {
        let verdict = AsyncVerdict::from(self.verdict?);
        let decision = decide(
            &self.policy,
            &self.method,
            &self.headers,
            None,
            verdict,
            diagnostics::enabled,
        );
        match apply(&self.policy, decision) {
            Outcome::Answer(status, headers) => {
                // Answered here: a held response (only possible if the
                // request changed class) is dropped.
                self.response = None;
                Some(answer(status, headers, (self.empty_body)()))
            }
            Outcome::Refuse(plain) => {
                self.response = None;
                let headers = std::mem::take(&mut self.headers);
                Some(refuse(plain, headers, (self.empty_body)()))
            }
            Outcome::Forward(headers) => {
                let mut res = self.response.take()?;
                headers.apply_to(res.headers_mut());
                Some(res)
            }
            Outcome::ForwardPreflight(headers) => {
                let mut res = self.response.take()?;
                passthrough::merge(headers, res.headers_mut());
                Some(res)
            }
        }
    }
}
