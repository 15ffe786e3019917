//! The sans-IO core: what a policy makes of one request, as a value.
//!
//! [`CorsPolicy::evaluate`] reads a request's method and headers once and
//! returns a [`Decision`]. It does no I/O and allocates nothing; the layer
//! only applies the decision, so a test of `evaluate` is a test of the layer.

use std::fmt;

use http::header::{self, GetAll, HeaderMap, HeaderName, HeaderValue};
use http::{request, Method, Request, StatusCode};

use crate::error::ProblemKind;
use crate::origin::{config as origin_config, OriginRule};
use crate::policy::{
    CorsPolicy, Inner, Methods, Origins, ALLOW_PRIVATE_NETWORK, REQUEST_PRIVATE_NETWORK, STAR, TRUE,
};
use crate::request_headers::{is_token, HeadersCheck};
use crate::vary;

/// What a [`CorsPolicy`] makes of one request.
///
/// ```
/// use http::{HeaderMap, Method};
/// use tower_cors::{CorsPolicy, Decision};
///
/// let policy = CorsPolicy::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_methods(["PUT"])
///     .build()?;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("origin", "https://app.example.com".parse()?);
/// headers.insert("access-control-request-method", "PUT".parse()?);
///
/// match policy.evaluate(&Method::OPTIONS, &headers) {
///     Decision::PreflightAllowed(answer) => {
///         let h = answer.headers();
///         assert_eq!(h["access-control-allow-origin"], "https://app.example.com");
///         assert_eq!(h["access-control-allow-methods"], "PUT");
///     }
///     other => panic!("unexpected {other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub enum Decision<'a> {
    /// A preflight the policy allows: answer it with
    /// [`AllowedPreflight::status`] and [`AllowedPreflight::headers`].
    PreflightAllowed(AllowedPreflight<'a>),
    /// A preflight the policy refuses: answer `403 Forbidden` with no
    /// `Access-Control-Allow-*` headers.
    PreflightRefused(Refusal<'a>),
    /// A CORS request (it has an `Origin`) from an allowed origin: pass it
    /// on and add these headers to the response.
    ActualAllowed(ActualHeaders),
    /// A CORS request from an origin the policy does not allow: pass it on;
    /// the response gets no CORS headers, so the browser will not let the
    /// page read it.
    ActualRefused(Refusal<'a>, ActualHeaders),
    /// Not a CORS request (no `Origin`): pass it on.
    NotCors(ActualHeaders),
}

impl Decision<'_> {
    /// The refusal, for refused preflights and actual requests from
    /// disallowed origins.
    pub fn refusal(&self) -> Option<&Refusal<'_>> {
        match self {
            Decision::PreflightRefused(r) | Decision::ActualRefused(r, _) => Some(r),
            _ => None,
        }
    }

    /// Whether the request is a preflight, which the layer answers itself.
    pub fn is_preflight(&self) -> bool {
        matches!(
            self,
            Decision::PreflightAllowed(_) | Decision::PreflightRefused(_)
        )
    }
}

/// An allowed preflight, borrowing the request it answers.
pub struct AllowedPreflight<'a> {
    policy: &'a Inner,
    origin: &'a HeaderValue,
    method: &'a HeaderValue,
    request_headers: GetAll<'a, HeaderValue>,
    private_network: bool,
}

impl AllowedPreflight<'_> {
    /// The status to answer with: 204 unless the policy says otherwise.
    pub fn status(&self) -> StatusCode {
        self.policy.preflight_status
    }

    /// The headers to answer with. This is the map the layer sends; it is the
    /// only allocation an allowed preflight makes.
    pub fn headers(&self) -> HeaderMap {
        let p = self.policy;
        let mut h = p.preflight_headers.clone();
        if p.vary_origin {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, self.origin.clone());
        }
        if p.mirror_methods {
            h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, self.method.clone());
        }
        if p.mirror_headers {
            let mut lines = self.request_headers.iter();
            if let Some(first) = lines.next() {
                h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, first.clone());
                for line in lines {
                    h.append(header::ACCESS_CONTROL_ALLOW_HEADERS, line.clone());
                }
            }
        }
        if self.private_network {
            h.insert(ALLOW_PRIVATE_NETWORK.clone(), TRUE.clone());
        }
        h
    }

    /// Whether the answer grants Private Network Access
    /// (`Access-Control-Allow-Private-Network: true`).
    pub fn allows_private_network(&self) -> bool {
        self.private_network
    }
}

impl fmt::Debug for AllowedPreflight<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AllowedPreflight")
            .field("status", &self.status())
            .field("headers", &self.headers())
            .finish()
    }
}

/// The CORS headers for an actual (non-preflight) response, owned so that
/// they can wait for the inner service's response.
#[derive(Debug, Clone)]
pub struct ActualHeaders {
    allow_origin: Option<HeaderValue>,
    allow_credentials: bool,
    expose_headers: Option<HeaderValue>,
    vary_origin: bool,
    explanation: Option<HeaderValue>,
}

/// The development-only header that explains a refusal
/// ([`CorsPolicyBuilder::dangerously_explain_refusals`](crate::CorsPolicyBuilder::dangerously_explain_refusals)).
pub static EXPLANATION_HEADER: HeaderName = HeaderName::from_static("x-cors-refusal");

impl ActualHeaders {
    fn without_cors(policy: &Inner) -> Self {
        Self {
            allow_origin: None,
            allow_credentials: false,
            expose_headers: None,
            vary_origin: policy.vary_origin,
            explanation: None,
        }
    }

    /// The `Access-Control-Allow-Origin` that goes out, if any.
    pub fn allow_origin(&self) -> Option<&HeaderValue> {
        self.allow_origin.as_ref()
    }

    /// Writes the policy's CORS headers into a response's headers.
    ///
    /// Any `Access-Control-Allow-Origin`, `-Allow-Credentials` or
    /// `-Expose-Headers` the inner service set is replaced (or removed), so a
    /// response never carries two origins; `Origin` is merged into `Vary`
    /// when the answer depends on it, keeping the values already there.
    pub fn apply_to(self, headers: &mut HeaderMap) {
        match self.allow_origin {
            Some(origin) => {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                set_or_remove(
                    headers,
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    self.allow_credentials.then(|| TRUE.clone()),
                );
                set_or_remove(
                    headers,
                    header::ACCESS_CONTROL_EXPOSE_HEADERS,
                    self.expose_headers,
                );
            }
            None => {
                for name in [
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    header::ACCESS_CONTROL_EXPOSE_HEADERS,
                ] {
                    headers.remove(name);
                }
            }
        }
        if self.vary_origin {
            vary::add_origin(headers);
        }
        if let Some(explanation) = self.explanation {
            headers.insert(EXPLANATION_HEADER.clone(), explanation);
        }
    }
}

fn set_or_remove(headers: &mut HeaderMap, name: header::HeaderName, value: Option<HeaderValue>) {
    match value {
        Some(v) => {
            headers.insert(name, v);
        }
        None => {
            headers.remove(name);
        }
    }
}

/// Why a request was refused, borrowing the offending values from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal<'a> {
    reason: RefusalReason,
    origin: Option<&'a HeaderValue>,
    method: Option<&'a HeaderValue>,
    header: Option<&'a str>,
}

/// The classes of refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RefusalReason {
    /// The `Origin` is not one the policy allows.
    OriginNotAllowed,
    /// Several `Origin` lines, or one no browser would send.
    OriginMalformed,
    /// The requested method is not allowed (matching is case-sensitive).
    MethodNotAllowed,
    /// `Access-Control-Request-Method` is repeated or not a method token.
    MethodMalformed,
    /// A requested header name is not allowed.
    HeaderNotAllowed,
    /// `Access-Control-Request-Headers` has an element that is not a header name.
    HeadersMalformed,
    /// `Access-Control-Request-Headers` is longer than any list the policy allows.
    HeadersTooLarge,
    /// The request carries cookies, so the page sent it with
    /// `credentials: "include"`, but the policy does not allow credentials:
    /// the browser will not let the page read the response. The layer still
    /// answers as for any allowed origin; this is reported so that the
    /// mismatch can be diagnosed.
    CredentialsNotAllowed,
}

impl RefusalReason {
    /// A short, stable, machine-readable name, e.g. `"origin-not-allowed"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalReason::OriginNotAllowed => "origin-not-allowed",
            RefusalReason::OriginMalformed => "origin-malformed",
            RefusalReason::MethodNotAllowed => "method-not-allowed",
            RefusalReason::MethodMalformed => "method-malformed",
            RefusalReason::HeaderNotAllowed => "header-not-allowed",
            RefusalReason::HeadersMalformed => "headers-malformed",
            RefusalReason::HeadersTooLarge => "headers-too-large",
            RefusalReason::CredentialsNotAllowed => "credentials-not-allowed",
        }
    }
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'a> Refusal<'a> {
    pub(crate) fn new(reason: RefusalReason, origin: Option<&'a HeaderValue>) -> Self {
        Self {
            reason,
            origin,
            method: None,
            header: None,
        }
    }

    /// The class of refusal.
    pub fn reason(&self) -> RefusalReason {
        self.reason
    }

    /// The request's `Origin`, when there was exactly one.
    pub fn origin(&self) -> Option<&'a HeaderValue> {
        self.origin
    }

    /// The requested method, for method refusals.
    pub fn method(&self) -> Option<&'a HeaderValue> {
        self.method
    }

    /// The first header name that was not allowed, for header refusals.
    pub fn header(&self) -> Option<&'a str> {
        self.header
    }
}

impl fmt::Display for Refusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: Option<&HeaderValue>| v.map_or_else(|| "<none>".to_owned(), shown);
        let origin = show(self.origin);
        match self.reason {
            RefusalReason::OriginNotAllowed => {
                write!(f, "origin {origin:?} is not allowed")
            }
            RefusalReason::OriginMalformed => {
                write!(f, "the request's Origin is repeated or malformed")
            }
            RefusalReason::MethodNotAllowed => write!(
                f,
                "method {:?} is not allowed for origin {origin:?} (methods are case-sensitive)",
                show(self.method)
            ),
            RefusalReason::MethodMalformed => write!(
                f,
                "Access-Control-Request-Method from origin {origin:?} is repeated or not a method"
            ),
            RefusalReason::HeaderNotAllowed => write!(
                f,
                "request header {:?} is not allowed for origin {origin:?}",
                shown_bytes(self.header.unwrap_or_default().as_bytes())
            ),
            RefusalReason::HeadersMalformed => write!(
                f,
                "Access-Control-Request-Headers from origin {origin:?} has an element that is not a header name"
            ),
            RefusalReason::HeadersTooLarge => write!(
                f,
                "Access-Control-Request-Headers from origin {origin:?} is longer than any list the policy allows"
            ),
            RefusalReason::CredentialsNotAllowed => write!(
                f,
                "request from origin {origin:?} carries cookies (credentials: \"include\") but the policy does not allow credentials"
            ),
        }
    }
}

impl Refusal<'_> {
    /// What the policy (or the request) would need for this to pass, in
    /// words, e.g. `add "PATCH" to allow_methods`. Allocates; meant for logs
    /// and for [`dangerously_explain_refusals`](crate::CorsPolicyBuilder::dangerously_explain_refusals).
    pub fn hint(&self) -> String {
        let text = |v: Option<&HeaderValue>| v.map_or_else(String::new, shown);
        match self.reason {
            RefusalReason::OriginNotAllowed => {
                let raw = self.origin.map_or(&[][..], HeaderValue::as_bytes);
                // Say what to add only for an origin a browser could send:
                // the configured-origin checker says what is wrong otherwise.
                match std::str::from_utf8(raw).map(origin_config::parse_rule) {
                    Ok(Ok(OriginRule::Exact(origin))) => format!("add {origin:?} to allow_origins"),
                    Ok(Err(problems)) => match problems.first() {
                        Some(p) if p.kind() == ProblemKind::OriginOpaque => p.hint().to_owned(),
                        Some(p) => format!(
                            "no browser sends this Origin ({}): {}",
                            p.kind().summary(),
                            p.hint()
                        ),
                        None => String::new(),
                    },
                    _ => "no browser sends this Origin: it is not a serialised origin".to_owned(),
                }
            }
            RefusalReason::OriginMalformed => {
                "send exactly one Origin header, as browsers do".to_owned()
            }
            RefusalReason::MethodNotAllowed => {
                let method = text(self.method);
                let upper = method.to_ascii_uppercase();
                if upper != method {
                    format!(
                        "add {method:?} to allow_methods, or send {upper:?} from the page: \
                         methods are case-sensitive and browsers upper-case only DELETE, GET, \
                         HEAD, OPTIONS, POST and PUT"
                    )
                } else {
                    format!("add {method:?} to allow_methods")
                }
            }
            RefusalReason::MethodMalformed => {
                "Access-Control-Request-Method must be exactly one method token".to_owned()
            }
            RefusalReason::HeaderNotAllowed => {
                let name =
                    shown_bytes(self.header.unwrap_or_default().as_bytes()).to_ascii_lowercase();
                if name == "authorization" {
                    "add \"authorization\" to allow_headers: \"*\" never covers Authorization"
                        .to_owned()
                } else {
                    format!("add {name:?} to allow_headers")
                }
            }
            RefusalReason::HeadersMalformed => {
                "Access-Control-Request-Headers must be a comma-separated list of header names"
                    .to_owned()
            }
            RefusalReason::HeadersTooLarge => {
                "request fewer headers, or allow the ones requested: the list is longer than \
                 any the policy could allow"
                    .to_owned()
            }
            RefusalReason::CredentialsNotAllowed => {
                "call allow_credentials(true) (with exact https origins), or stop sending \
                 credentials from the page"
                    .to_owned()
            }
        }
    }

    /// The `x-cors-refusal` value: reason, details and fix, as visible ASCII.
    pub(crate) fn explanation(&self) -> HeaderValue {
        let text = format!("{}: {}; fix: {}", self.reason, self, self.hint());
        let clean: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        // Only visible ASCII and spaces are left, which is always a valid value.
        HeaderValue::from_str(&clean).unwrap_or_else(|_| HeaderValue::from_static("refused"))
    }
}

/// A request value for messages: lossy UTF-8, cut after 128 characters so
/// that a hostile header cannot blow up a log line or a response header.
fn shown(v: &HeaderValue) -> String {
    shown_bytes(v.as_bytes())
}

fn shown_bytes(bytes: &[u8]) -> String {
    const MAX: usize = 128;
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...({} bytes)", &text[..cut], bytes.len()),
        None => text.into_owned(),
    }
}

impl CorsPolicy {
    /// Decides what to do with a request, given its method and headers.
    ///
    /// This is exactly what [`CorsLayer`](crate::CorsLayer) does before it
    /// answers a preflight or calls the inner service, so it is the way to
    /// unit-test an application's CORS settings without a server. It
    /// allocates nothing and reads each header at most once (with an
    /// [origin predicate](crate::CorsPolicyBuilder::allow_origin_predicate),
    /// it first copies the headers into a request head for the predicate;
    /// use [`evaluate_parts`](Self::evaluate_parts) to avoid that).
    pub fn evaluate<'a>(&'a self, method: &Method, headers: &'a HeaderMap) -> Decision<'a> {
        decide(&self.inner, method, headers, None)
    }

    /// [`evaluate`](Self::evaluate) for a request head.
    pub fn evaluate_parts<'a>(&'a self, parts: &'a request::Parts) -> Decision<'a> {
        decide(&self.inner, &parts.method, &parts.headers, Some(parts))
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
        decide(&self.inner, request.method(), request.headers(), None)
    }
}

/// Whether the origin predicate allows `origin`, building a request head
/// for it when the caller has none.
fn predicate_allows(
    policy: &Inner,
    origin: &HeaderValue,
    method: &Method,
    headers: &HeaderMap,
    parts: Option<&request::Parts>,
) -> bool {
    let Some(predicate) = &policy.origin_predicate else {
        return false;
    };
    match parts {
        Some(parts) => predicate(origin, parts),
        None => {
            let mut head = Request::new(());
            *head.method_mut() = method.clone();
            *head.headers_mut() = headers.clone();
            let (parts, ()) = head.into_parts();
            predicate(origin, &parts)
        }
    }
}

/// The whole decision, shared by every entry point and by the layer.
pub(crate) fn decide<'a>(
    policy: &'a Inner,
    method: &Method,
    headers: &'a HeaderMap,
    parts: Option<&request::Parts>,
) -> Decision<'a> {
    let mut origins = headers.get_all(header::ORIGIN).iter();
    let Some(origin) = origins.next() else {
        return Decision::NotCors(ActualHeaders::without_cors(policy));
    };
    let preflight =
        method == Method::OPTIONS && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let refuse = |refusal: Refusal<'a>| {
        if preflight {
            Decision::PreflightRefused(refusal)
        } else {
            let mut headers = ActualHeaders::without_cors(policy);
            if policy.explain_refusals {
                headers.explanation = Some(refusal.explanation());
            }
            Decision::ActualRefused(refusal, headers)
        }
    };
    if origins.next().is_some() {
        return refuse(Refusal::new(RefusalReason::OriginMalformed, None));
    }
    let allow_origin = match &policy.origins {
        Origins::Any if !policy.credentials => STAR.clone(),
        Origins::List(m) if m.matches(origin.as_bytes()) => origin.clone(),
        _ if predicate_allows(policy, origin, method, headers, parts) => origin.clone(),
        _ => return refuse(Refusal::new(RefusalReason::OriginNotAllowed, Some(origin))),
    };
    if !preflight {
        // Cookies on a cross-origin request mean `credentials: "include"`,
        // which the browser will refuse without `-Allow-Credentials`.
        let explanation = (policy.explain_refusals
            && !policy.credentials
            && headers.contains_key(header::COOKIE))
        .then(|| Refusal::new(RefusalReason::CredentialsNotAllowed, Some(origin)).explanation());
        return Decision::ActualAllowed(ActualHeaders {
            allow_origin: Some(allow_origin),
            allow_credentials: policy.credentials,
            expose_headers: policy.expose_headers.clone(),
            vary_origin: policy.vary_origin,
            explanation,
        });
    }

    let mut methods = headers
        .get_all(header::ACCESS_CONTROL_REQUEST_METHOD)
        .iter();
    let method = match (methods.next(), methods.next()) {
        (Some(m), None) if is_token(m.as_bytes()) => m,
        (m, _) => {
            return Decision::PreflightRefused(Refusal {
                method: m,
                ..Refusal::new(RefusalReason::MethodMalformed, Some(origin))
            })
        }
    };
    if !method_allowed(&policy.methods, method.as_bytes()) {
        return Decision::PreflightRefused(Refusal {
            method: Some(method),
            ..Refusal::new(RefusalReason::MethodNotAllowed, Some(origin))
        });
    }

    let request_headers = headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
    let reason = match policy.headers.check(&request_headers) {
        HeadersCheck::Allowed => {
            let private_network = policy.private_network
                && headers
                    .get(&REQUEST_PRIVATE_NETWORK)
                    .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
            return Decision::PreflightAllowed(AllowedPreflight {
                policy,
                origin,
                method,
                request_headers,
                private_network,
            });
        }
        HeadersCheck::NotAllowed(name) => {
            return Decision::PreflightRefused(Refusal {
                header: Some(name),
                ..Refusal::new(RefusalReason::HeaderNotAllowed, Some(origin))
            })
        }
        HeadersCheck::Malformed => RefusalReason::HeadersMalformed,
        HeadersCheck::TooLarge => RefusalReason::HeadersTooLarge,
    };
    Decision::PreflightRefused(Refusal::new(reason, Some(origin)))
}

/// GET, HEAD and POST (CORS-safelisted methods) always pass; the others must
/// be listed, byte for byte.
fn method_allowed(methods: &Methods, method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
        || match methods {
            Methods::Any => true,
            Methods::List(list) => list.binary_search_by(|m| (**m).cmp(method)).is_ok(),
        }
}
