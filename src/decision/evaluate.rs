//! The public entry points of the decision: [`CorsPolicy::evaluate`] and
//! its siblings, each handing what it knows of the request to [`decide`].

use http::header::HeaderMap;
use http::{request, Method, Request};

use super::{
    decide, first_pass, AsyncVerdict, Decision, FirstPass, Head, Known, Message, RefusalsRead,
};
use crate::policy::CorsPolicy;

impl CorsPolicy {
    /// Decides what to do with a request, given its method and headers.
    ///
    /// Without the request's URI, a policy's
    /// [write-guard exemption](crate::CorsPolicyBuilder::exempt_from_write_guard)
    /// sees the path `/`, and an `Origin` is the server's own only by the
    /// `Host` header: use [`evaluate_request`](Self::evaluate_request) or
    /// [`evaluate_parts`](Self::evaluate_parts) for those.
    ///
    /// This is exactly what [`CorsLayer`](crate::CorsLayer) does before it
    /// answers a preflight or calls the inner service, so it is the way to
    /// unit-test an application's CORS settings without a server. It
    /// allocates nothing and reads each header at most once (with an
    /// [origin predicate](crate::CorsPolicyBuilder::allow_origin_predicate),
    /// it first copies the headers into a request head for the predicate;
    /// use [`evaluate_parts`](Self::evaluate_parts) to avoid that).
    ///
    /// An [async origin predicate](crate::CorsPolicyBuilder::allow_origin_predicate_async)
    /// cannot be awaited here: origins only it would allow are refused. Use
    /// [`evaluate_async`](Self::evaluate_async) for such a policy.
    pub fn evaluate<'a>(&'a self, method: &Method, headers: &'a HeaderMap) -> Decision<'a> {
        let known = Known::new(Head::Unknown, RefusalsRead::BY_CALLER);
        decide(&self.inner, Message { method, headers }, known)
    }

    /// [`evaluate`](Self::evaluate) for a request head.
    pub fn evaluate_parts<'a>(&'a self, parts: &'a request::Parts) -> Decision<'a> {
        let known = Known::new(Head::Parts(parts), RefusalsRead::BY_CALLER);
        decide(&self.inner, Message::of_parts(parts), known)
    }

    /// [`evaluate_parts`](Self::evaluate_parts), asking the
    /// [async origin predicate](crate::CorsPolicyBuilder::allow_origin_predicate_async)
    /// about an origin nothing else allows: exactly what the layer does,
    /// waiting at most the policy's
    /// [`async_lookup_timeout`](crate::CorsPolicyBuilder::async_lookup_timeout)
    /// for it ([`RefusalReason::OriginLookupTimedOut`](crate::RefusalReason::OriginLookupTimedOut)
    /// then).
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::{CorsPolicy, Decision};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let policy = CorsPolicy::builder()
    ///     .allow_origin_predicate_async(|origin, _| {
    ///         let known = origin.as_bytes() == b"https://acme.example.net";
    ///         async move { known }
    ///     })
    ///     .build()?;
    /// let (parts, ()) = Request::get("/")
    ///     .header("origin", "https://acme.example.net")
    ///     .body(())?
    ///     .into_parts();
    /// let Decision::ActualAllowed(headers) = policy.evaluate_async(&parts).await else {
    ///     panic!("the lookup allows it");
    /// };
    /// assert_eq!(headers.allow_origin().unwrap(), "https://acme.example.net");
    /// # Ok(()) }
    /// ```
    pub async fn evaluate_async<'a>(&'a self, parts: &'a request::Parts) -> Decision<'a> {
        let pending = match first_pass(&self.inner, parts, RefusalsRead::BY_CALLER) {
            FirstPass::Decided(decision) => return decision,
            FirstPass::Pending(pending) => pending,
        };
        let verdict = AsyncVerdict::from(pending.lookup.await);
        let known = Known::new(Head::Parts(parts), RefusalsRead::BY_CALLER).with_verdict(verdict);
        decide(&self.inner, Message::of_parts(parts), known)
    }

    /// [`evaluate`](Self::evaluate) for a whole request.
    ///
    /// ```
    /// use http::Request;
    /// use tower_cors::{CorsPolicy, RefusalReason};
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .allow_methods(["PATCH"])
    ///     .build()?;
    /// let preflight = Request::options("/api/items/1")
    ///     .header("origin", "https://app.example.com")
    ///     .header("access-control-request-method", "patch") // fetch() keeps it lower case
    ///     .body(())?;
    /// let decision = policy.evaluate_request(&preflight);
    /// let refusal = decision.refusal().expect("refused");
    /// assert_eq!(refusal.reason(), RefusalReason::MethodNotAllowed);
    /// assert!(refusal.hint().contains("\"PATCH\""));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate_request<'a, B>(&'a self, request: &'a Request<B>) -> Decision<'a> {
        let message = Message {
            method: request.method(),
            headers: request.headers(),
        };
        let known = Known::new(Head::Uri(request.uri()), RefusalsRead::BY_CALLER);
        decide(&self.inner, message, known)
    }
}
