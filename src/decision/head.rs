//! [`Head`]: what the caller of the decision knows of a request beyond its
//! method and headers, and the request head the predicates and the
//! write-guard exemption are given.

use http::{request, Request, Uri};

use super::{Message, SchemeAndAuthority};

/// What the caller knows of the request beyond its method and headers.
#[derive(Clone, Copy)]
pub(crate) enum Head<'a> {
    /// Nothing.
    Unknown,
    /// Its target.
    Uri(&'a Uri),
    /// Its whole head, which the predicates and the exemption are given.
    Parts(&'a request::Parts),
    /// Only its target's scheme and authority: for a policy with no
    /// predicate and no exemption (which would be given a head with the
    /// path `/`), where the write guard is all that looks beyond the
    /// method and headers.
    SchemeAndAuthority(SchemeAndAuthority<'a>),
}

impl Head<'_> {
    /// The request's target, when known.
    pub(super) fn uri(&self) -> Option<&Uri> {
        match self {
            Head::Unknown | Head::SchemeAndAuthority(_) => None,
            Head::Uri(uri) => Some(uri),
            Head::Parts(parts) => Some(&parts.uri),
        }
    }

    /// What the write guard compares an `Origin` with.
    pub(super) fn scheme_and_authority(&self) -> SchemeAndAuthority<'_> {
        match self {
            Head::SchemeAndAuthority(target) => *target,
            _ => self.uri().map(SchemeAndAuthority::of).unwrap_or_default(),
        }
    }

    /// Asks `ask` about the request's head, building one when the caller
    /// has none (with the URI when known, else `/`).
    pub(super) fn with_parts<T>(
        &self,
        message: Message<'_, '_>,
        ask: impl FnOnce(&request::Parts) -> T,
    ) -> T {
        if let Head::Parts(parts) = self {
            return ask(parts);
        }
        let mut head = Request::new(());
        *head.method_mut() = message.method.clone();
        *head.headers_mut() = message.headers.clone();
        if let Some(uri) = self.uri() {
            *head.uri_mut() = uri.clone();
        }
        let (parts, ()) = head.into_parts();
        ask(&parts)
    }
}
