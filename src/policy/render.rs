//! Rendering a checked policy: every response header value and the
//! preflight header map are built here, once, so that answering a request
//! only clones them.

use std::sync::Arc;

use http::header::{self, HeaderMap, HeaderValue};

use super::builder::CorsPolicyBuilder;
use super::settings::Settings;
use super::validate::Checked;
use super::{CorsPolicy, Inner, Methods, Origins, PolicyWarning, STAR, TRUE};
use crate::request_headers::AllowedHeaders;

/// The compiled policy for checked settings (and the builder's predicates).
pub(super) fn render(
    checked: Checked,
    b: CorsPolicyBuilder,
    warnings: Vec<PolicyWarning>,
) -> CorsPolicy {
    let Checked {
        settings,
        origins,
        methods,
        headers,
    } = checked;
    // With credentials, browsers read `*` literally
    // (https://fetch.spec.whatwg.org/#cors-preflight-fetch, step 7.5-7.8),
    // so a `*` list is answered by echoing what the preflight asks for.
    let mirror_methods = settings.allow_credentials && matches!(methods, Methods::Any);
    let mirror_headers = settings.allow_credentials && headers.any();
    // A fixed `*` answer does not depend on the origin; any other does
    // (https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches).
    let vary_origin = !matches!(origins, Origins::Any);
    let preflight_vary = preflight_vary(vary_origin, settings.allow_private_network);
    let preflight_headers = preflight_headers(
        &settings,
        &methods,
        &headers,
        mirror_headers,
        &preflight_vary,
    );
    let expose_headers = (!settings.expose_headers.is_empty())
        .then(|| joined(settings.expose_headers.iter().map(String::as_str)));
    let needs_head = b.origin_predicate.is_some()
        || b.async_origin_predicate.is_some()
        || b.write_exemption.is_some();
    CorsPolicy {
        inner: Arc::new(Inner {
            origins,
            guard_writes: settings.guards_writes(),
            needs_head,
            origin_predicate: b.origin_predicate,
            async_origin_predicate: b.async_origin_predicate,
            write_exemption: b.write_exemption,
            methods,
            headers,
            preflight_status: settings.preflight_status(),
            mirror_methods,
            mirror_headers,
            vary_origin,
            preflight_headers,
            preflight_vary,
            expose_headers,
            settings,
            warnings: warnings.into_boxed_slice(),
        }),
    }
}

/// The headers of every allowed preflight answer
/// (https://fetch.spec.whatwg.org/#http-responses): the origin as a
/// placeholder to fill in, then credentials, methods, headers, max age and
/// `Vary`.
fn preflight_headers(
    settings: &Settings,
    methods: &Methods,
    headers: &AllowedHeaders,
    mirror_headers: bool,
    vary: &HeaderValue,
) -> HeaderMap {
    let mut pre = HeaderMap::with_capacity(8);
    // A placeholder when the origin is echoed: filled in per request
    // without growing the map. It must stay the first entry.
    pre.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, STAR.clone());
    if settings.allow_credentials {
        pre.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE.clone());
    }
    if let Some(value) = allow_methods(settings, methods) {
        pre.insert(header::ACCESS_CONTROL_ALLOW_METHODS, value);
    }
    if let Some(value) = allow_headers(headers, mirror_headers) {
        pre.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
    }
    if let Some(age) = settings.max_age {
        pre.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from(age.as_secs()),
        );
    }
    pre.insert(header::VARY, vary.clone());
    pre
}

/// `Access-Control-Allow-Methods`: `*` (a placeholder when mirrored with
/// credentials), the listed methods, or nothing when only safelisted
/// methods are allowed.
fn allow_methods(settings: &Settings, methods: &Methods) -> Option<HeaderValue> {
    match methods {
        Methods::Any => Some(STAR.clone()),
        Methods::List(list) if !list.is_empty() => {
            Some(joined(settings.allow_methods.iter().map(String::as_str)))
        }
        Methods::List(_) => None,
    }
}

/// `Access-Control-Allow-Headers`: `*` and `authorization` when both are
/// allowed (`*` never covers `Authorization`), `*`, the listed names, or
/// nothing; none when mirrored, since the answer is the request's own list.
fn allow_headers(headers: &AllowedHeaders, mirror: bool) -> Option<HeaderValue> {
    let named = headers.names().next().is_some();
    match (mirror, headers.any(), named) {
        (true, ..) => None,
        (false, true, true) => Some(HeaderValue::from_static("*,authorization")),
        (false, true, false) => Some(STAR.clone()),
        (false, false, true) => Some(joined(headers.names())),
        (false, false, false) => None,
    }
}

/// `Vary` for preflight answers, allowed or refused: the request headers
/// the answer depends on.
fn preflight_vary(vary_origin: bool, private_network: bool) -> HeaderValue {
    HeaderValue::from_static(match (vary_origin, private_network) {
        (true, false) => "origin, access-control-request-method, access-control-request-headers",
        (false, false) => "access-control-request-method, access-control-request-headers",
        (true, true) => {
            "origin, access-control-request-method, access-control-request-headers, \
                 access-control-request-private-network"
        }
        (false, true) => {
            "access-control-request-method, access-control-request-headers, \
                 access-control-request-private-network"
        }
    })
}

/// Joins tokens with `,` into a header value.
fn joined<'a>(items: impl Iterator<Item = &'a str>) -> HeaderValue {
    let text = items.collect::<Vec<_>>().join(",");
    // Every item was checked to be an HTTP token (visible ASCII without
    // separators), so the joined text is a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests;
