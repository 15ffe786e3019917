//! [`Refusal`]: why a request was refused, with its code, message and fix,
//! all read from one table.

use std::fmt;

use http::HeaderValue;

use crate::error::ProblemKind;
use crate::origin::{parse_rule, OriginRule};

/// Why a request was refused, borrowing the offending values from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal<'a> {
    pub(super) reason: RefusalReason,
    pub(super) origin: Option<&'a HeaderValue>,
    pub(super) method: Option<&'a HeaderValue>,
    pub(super) header: Option<&'a str>,
    pub(super) site: Option<&'a HeaderValue>,
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
    /// A request with an unsafe method (not `GET`, `HEAD` or `OPTIONS`)
    /// from an origin the policy does not allow, refused before it reached
    /// the service by the
    /// [write guard](crate::CorsPolicyBuilder::guard_writes): what a form
    /// `POST` or a `no-cors` `fetch()` from another site looks like.
    CrossOriginWrite,
    /// A WebSocket handshake (`GET` with `Upgrade: websocket`, or HTTP/2's
    /// extended `CONNECT`) from an origin the policy does not allow,
    /// refused before it reached the service by the
    /// [write guard](crate::CorsPolicyBuilder::guard_writes): what
    /// `new WebSocket(url)` on another site looks like.
    CrossOriginWebSocket,
    /// A request from another site that the policy does not allow and that
    /// is not a navigation, refused before it reached the service by
    /// [resource isolation](crate::CorsPolicyBuilder::isolate_resources):
    /// what `<script src>`, `<img src>` or a `no-cors` `fetch()` on another
    /// site looks like.
    CrossSiteResource,
    /// The [async origin lookup](crate::CorsPolicyBuilder::allow_origin_predicate_async)
    /// did not answer within
    /// [`async_lookup_timeout`](crate::CorsPolicyBuilder::async_lookup_timeout),
    /// so the origin was refused as if it had said no.
    OriginLookupTimedOut,
}

/// Everything said about one class of refusal.
struct Entry {
    reason: RefusalReason,
    /// The stable, machine-readable name.
    code: &'static str,
    /// What was refused, with the offending values.
    message: fn(&Refusal<'_>, &mut fmt::Formatter<'_>) -> fmt::Result,
    /// What would make it pass.
    hint: fn(&Refusal<'_>) -> String,
}

/// One entry per [`RefusalReason`], in declaration order (a test checks it).
static TABLE: [Entry; 12] = [
    Entry {
        reason: RefusalReason::OriginNotAllowed,
        code: "origin-not-allowed",
        message: |r, f| write!(f, "origin {:?} is not allowed", r.origin_text()),
        hint: origin_hint,
    },
    Entry {
        reason: RefusalReason::OriginMalformed,
        code: "origin-malformed",
        message: |_, f| f.write_str("the request's Origin is repeated or malformed"),
        hint: |_| "send exactly one Origin header, as browsers do".to_owned(),
    },
    Entry {
        reason: RefusalReason::MethodNotAllowed,
        code: "method-not-allowed",
        message: |r, f| {
            write!(
                f,
                "method {:?} is not allowed for origin {:?} (methods are case-sensitive)",
                r.method.map_or_else(|| "<none>".to_owned(), shown),
                r.origin_text()
            )
        },
        hint: method_hint,
    },
    Entry {
        reason: RefusalReason::MethodMalformed,
        code: "method-malformed",
        message: |r, f| {
            write!(
                f,
                "Access-Control-Request-Method from origin {:?} is repeated or not a method",
                r.origin_text()
            )
        },
        hint: |_| "Access-Control-Request-Method must be exactly one method token".to_owned(),
    },
    Entry {
        reason: RefusalReason::HeaderNotAllowed,
        code: "header-not-allowed",
        message: |r, f| {
            write!(
                f,
                "request header {:?} is not allowed for origin {:?}",
                shown_bytes(r.header.unwrap_or_default().as_bytes()),
                r.origin_text()
            )
        },
        hint: |r| {
            let name = shown_bytes(r.header.unwrap_or_default().as_bytes()).to_ascii_lowercase();
            if name == "authorization" {
                "add \"authorization\" to allow_headers: \"*\" never covers Authorization"
                    .to_owned()
            } else {
                format!("add {name:?} to allow_headers")
            }
        },
    },
    Entry {
        reason: RefusalReason::HeadersMalformed,
        code: "headers-malformed",
        message: |r, f| {
            write!(
                f,
                "Access-Control-Request-Headers from origin {:?} has an element that is not a \
                 header name",
                r.origin_text()
            )
        },
        hint: |_| {
            "Access-Control-Request-Headers must be a comma-separated list of header names"
                .to_owned()
        },
    },
    Entry {
        reason: RefusalReason::HeadersTooLarge,
        code: "headers-too-large",
        message: |r, f| {
            write!(
                f,
                "Access-Control-Request-Headers from origin {:?} is longer than any list the \
                 policy allows",
                r.origin_text()
            )
        },
        hint: |_| {
            "request fewer headers, or allow the ones requested: the list is longer than any \
             the policy could allow"
                .to_owned()
        },
    },
    Entry {
        reason: RefusalReason::CredentialsNotAllowed,
        code: "credentials-not-allowed",
        message: |r, f| {
            write!(
                f,
                "request from origin {:?} carries cookies (credentials: \"include\") but the \
                 policy does not allow credentials",
                r.origin_text()
            )
        },
        hint: |_| {
            "call allow_credentials(true) (with exact https origins), or stop sending \
             credentials from the page"
                .to_owned()
        },
    },
    Entry {
        reason: RefusalReason::CrossOriginWrite,
        code: "cross-origin-write",
        message: write_message,
        hint: write_hint,
    },
    Entry {
        reason: RefusalReason::CrossOriginWebSocket,
        code: "cross-origin-websocket",
        message: websocket_message,
        hint: websocket_hint,
    },
    Entry {
        reason: RefusalReason::CrossSiteResource,
        code: "cross-site-resource",
        message: resource_message,
        hint: resource_hint,
    },
    Entry {
        reason: RefusalReason::OriginLookupTimedOut,
        code: "origin-lookup-timed-out",
        message: |r, f| {
            write!(
                f,
                "the async origin lookup for origin {:?} did not answer in time, so the origin \
                 was refused",
                r.origin_text()
            )
        },
        hint: |_| {
            "make the lookup answer faster (cache its answers, negative ones too), or raise \
             async_lookup_timeout"
                .to_owned()
        },
    },
];

impl RefusalReason {
    fn entry(self) -> &'static Entry {
        let entry = &TABLE[self as usize];
        debug_assert_eq!(entry.reason, self, "TABLE is in declaration order");
        entry
    }

    /// A short, stable, machine-readable name, e.g. `"origin-not-allowed"`.
    pub fn as_str(self) -> &'static str {
        self.entry().code
    }

    /// The reason whose [`as_str`](Self::as_str) is `code`, e.g. from an
    /// [`Explanation`](crate::Explanation); `None` for any other text.
    pub fn from_code(code: &str) -> Option<Self> {
        TABLE.iter().find(|e| e.code == code).map(|e| e.reason)
    }

    /// Every reason, in declaration order.
    #[cfg(test)]
    pub(super) fn every() -> impl Iterator<Item = Self> {
        TABLE.iter().map(|e| e.reason)
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
            site: None,
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

    /// The request's `Sec-Fetch-Site`, for write-guard and isolation
    /// refusals of requests that had one.
    pub fn fetch_site(&self) -> Option<&'a HeaderValue> {
        self.site
    }

    /// What the policy (or the request) would need for this to pass, in
    /// words, e.g. `add "PATCH" to allow_methods`. Allocates; meant for logs
    /// and for [`dangerously_explain_refusals`](crate::CorsPolicyBuilder::dangerously_explain_refusals).
    pub fn hint(&self) -> String {
        (self.reason.entry().hint)(self)
    }

    fn origin_text(&self) -> String {
        self.origin.map_or_else(|| "<none>".to_owned(), shown)
    }
}

impl fmt::Display for Refusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.reason.entry().message)(self, f)
    }
}

/// Says what to add only for an origin a browser could send: otherwise the
/// configured-origin parser says what is wrong with it.
fn origin_hint(r: &Refusal<'_>) -> String {
    let raw = r.origin.map_or(&[][..], HeaderValue::as_bytes);
    match std::str::from_utf8(raw).map(parse_rule) {
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

fn write_message(r: &Refusal<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match (r.origin, r.site) {
        (Some(_), Some(site)) => write!(
            f,
            "a write from origin {:?} (Sec-Fetch-Site: {}) was refused before it reached the \
             service: the policy does not allow that origin",
            r.origin_text(),
            shown(site)
        ),
        (Some(_), None) => write!(
            f,
            "a write from origin {:?} (without Sec-Fetch-Site) was refused before it reached \
             the service: the policy does not allow that origin and it is not the server's own",
            r.origin_text()
        ),
        (None, Some(site)) => write!(
            f,
            "a write without a single Origin (Sec-Fetch-Site: {}) was refused before it \
             reached the service",
            shown(site)
        ),
        (None, None) => f.write_str(
            "a write with a repeated or malformed Origin was refused before it reached the \
             service",
        ),
    }
}

fn write_hint(r: &Refusal<'_>) -> String {
    let exempt = "if this endpoint takes cross-site POSTs by design (an OAuth form_post \
                  callback, a SAML POST binding, a payment provider's return), exempt it with \
                  exempt_from_write_guard";
    let own = if r.site.is_none() && r.origin.is_some() {
        "; if this is the server's own origin behind a proxy that rewrites Host, list it in \
         server_origins (or pass the Host header through)"
    } else {
        ""
    };
    match r.origin {
        Some(origin) => format!(
            "if pages on {:?} may write, add it to allow_origins; {exempt}{own}",
            shown(origin)
        ),
        None => format!("browsers send exactly one Origin on a write; {exempt}"),
    }
}

fn websocket_message(r: &Refusal<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match r.site {
        Some(site) => write!(
            f,
            "a WebSocket handshake from origin {:?} (Sec-Fetch-Site: {}) was refused before it \
             reached the service: the policy does not allow that origin",
            r.origin_text(),
            shown(site)
        ),
        None => write!(
            f,
            "a WebSocket handshake from origin {:?} (without Sec-Fetch-Site) was refused before \
             it reached the service: the policy does not allow that origin and it is not the \
             server's own",
            r.origin_text()
        ),
    }
}

fn websocket_hint(r: &Refusal<'_>) -> String {
    let own = if r.site.is_none() {
        "; if this is the server's own origin behind a proxy that rewrites Host, list it in \
         server_origins"
    } else {
        ""
    };
    format!(
        "if pages on {:?} may open this socket, add it to allow_origins; browsers apply no \
         CORS to WebSockets, so the guard is what keeps other sites' pages from opening one \
         as your users{own}",
        r.origin_text()
    )
}

fn resource_message(r: &Refusal<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let site = r.site.map_or_else(|| "<none>".to_owned(), shown);
    match r.origin {
        Some(_) => write!(
            f,
            "a request from origin {:?} (Sec-Fetch-Site: {site}) was refused before it reached \
             the service by resource isolation: the policy does not allow that origin and it \
             is not a navigation",
            r.origin_text()
        ),
        None => write!(
            f,
            "a load from another site without a single Origin (Sec-Fetch-Site: {site}; a \
             <script>, <img>, <link>, <object> or no-cors fetch) was refused before it reached \
             the service by resource isolation"
        ),
    }
}

fn resource_hint(r: &Refusal<'_>) -> String {
    let exempt = "if other sites may load this resource by design (a public image or widget), \
                  exempt it with exempt_from_write_guard or serve it from another service";
    match r.origin {
        Some(origin) => format!(
            "if pages on {:?} may load it, add it to allow_origins; {exempt}",
            shown(origin)
        ),
        None => exempt.to_owned(),
    }
}

fn method_hint(r: &Refusal<'_>) -> String {
    let method = r.method.map_or_else(String::new, shown);
    let upper = method.to_ascii_uppercase();
    if upper != method {
        format!(
            "add {method:?} to allow_methods, or send {upper:?} from the page: methods are \
             case-sensitive and browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT"
        )
    } else {
        format!("add {method:?} to allow_methods")
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

#[cfg(test)]
mod tests;
