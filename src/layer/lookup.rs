//! Waiting for an async origin predicate: the request's head, kept for the
//! decision, the pending lookup, and the inner service's response held
//! until the verdict is known.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use http::{header, request, HeaderMap, Method, Response};

use super::{answer, apply, passthrough, Outcome};
use crate::decision::{decide, AsyncVerdict};
use crate::policy::{Inner, OriginLookup};

/// Whether a request head is a CORS preflight, as `decide` classifies it.
pub(super) fn is_preflight(parts: &request::Parts) -> bool {
    parts.method == Method::OPTIONS
        && parts
            .headers
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// One request waiting for the async origin predicate.
pub(super) struct Lookup<B> {
    policy: Arc<Inner>,
    method: Method,
    headers: HeaderMap,
    /// Behind a mutex only so that the response future stays `Sync` for any
    /// lookup; it is only ever reached through `&mut`, so never locked.
    pending: Mutex<OriginLookup>,
    verdict: Option<bool>,
    response: Option<Response<B>>,
    empty_body: fn() -> B,
}

impl<B> Lookup<B> {
    pub(super) fn new(
        policy: Arc<Inner>,
        pending: OriginLookup,
        method: Method,
        headers: HeaderMap,
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
            response: None,
            empty_body: B::default,
        }
    }

    /// Polls the lookup until it has answered.
    pub(super) fn poll_verdict(&mut self, cx: &mut Context<'_>) -> Poll<()> {
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

    pub(super) fn has_response(&self) -> bool {
        self.response.is_some()
    }

    /// Keeps the inner service's response until the verdict is known.
    pub(super) fn hold(&mut self, response: Response<B>) {
        self.response = Some(response);
    }

    /// Decides under the verdict and gives the response: the layer's own
    /// answer, or the held one with the decided headers. `None` when called
    /// again after giving it, or before the verdict.
    pub(super) fn finish(&mut self) -> Option<Response<B>> {
        let verdict = AsyncVerdict::from(self.verdict?);
        let decision = decide(&self.policy, &self.method, &self.headers, None, verdict);
        match apply(&self.policy, decision) {
            Outcome::Answer(status, headers) => {
                // Answered here: a held response (only possible if the
                // request changed class) is dropped.
                self.response = None;
                Some(answer(status, headers, (self.empty_body)()))
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
