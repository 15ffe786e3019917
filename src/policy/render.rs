//! Rendering a checked policy: every response header value and the
//! preflight header map are built here, once, so that answering a request
//! only clones them.

use std::sync::Arc;
use std::time::Duration;

use http::header::{self, HeaderMap, HeaderValue};

use super::builder::CorsPolicyBuilder;
use super::validate::Checked;
use super::{CorsPolicy, Inner, Methods, Origins, Summary, STAR, TRUE};

/// The compiled policy for checked settings.
pub(super) fn render(b: CorsPolicyBuilder, checked: Checked) -> CorsPolicy {
    let Checked {
        origins,
        origin_list,
        methods,
        method_list,
        headers,
        expose,
    } = checked;
    let credentials = b.credentials;
    let any_origin = matches!(origins, Origins::Any);
    let mirror_methods = credentials && matches!(methods, Methods::Any);
    let mirror_headers = credentials && headers.any();
    let vary_origin = !any_origin;

    let mut pre = HeaderMap::with_capacity(8);
    // A placeholder when the origin is echoed: filled in per request
    // without growing the map.
    pre.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, STAR.clone());
    if credentials {
        pre.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE.clone());
    }
    match (&methods, mirror_methods) {
        (_, true) => {
            pre.insert(header::ACCESS_CONTROL_ALLOW_METHODS, STAR.clone());
        }
        (Methods::Any, false) => {
            pre.insert(header::ACCESS_CONTROL_ALLOW_METHODS, STAR.clone());
        }
        (Methods::List(list), false) if !list.is_empty() => {
            pre.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                joined(method_list.iter().map(String::as_str)),
            );
        }
        _ => {}
    }
    if !mirror_headers {
        if headers.any() {
            let value = if headers.names().next().is_some() {
                HeaderValue::from_static("*,authorization")
            } else {
                STAR.clone()
            };
            pre.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
        } else if headers.names().next().is_some() {
            pre.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                joined(headers.names()),
            );
        }
    }
    if let Some(age) = b.max_age {
        pre.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from(age.as_secs()),
        );
    }
    let preflight_vary = HeaderValue::from_static(match (vary_origin, b.private_network) {
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
    });
    pre.insert(header::VARY, preflight_vary.clone());

    let expose_headers = (!expose.is_empty()).then(|| joined(expose.iter().map(String::as_str)));
    let mut header_list: Vec<String> = headers.names().map(str::to_owned).collect();
    if headers.any() {
        header_list.insert(0, "*".to_owned());
    }
    let summary = Summary {
        origins: origin_list,
        methods: method_list,
        headers: header_list,
        expose_headers: expose,
        credentials,
        max_age: b.max_age.map(|a| Duration::from_secs(a.as_secs())),
        preflight_status: b.preflight_status.as_u16(),
        origin_predicate: b.origin_predicate.is_some(),
        private_network: b.private_network,
        explain_refusals: b.explain_refusals,
    };
    CorsPolicy {
        inner: Arc::new(Inner {
            origins,
            methods,
            headers,
            credentials,
            preflight_status: b.preflight_status,
            mirror_methods,
            mirror_headers,
            vary_origin,
            preflight_headers: pre,
            preflight_vary,
            expose_headers,
            origin_predicate: b.origin_predicate,
            private_network: b.private_network,
            explain_refusals: b.explain_refusals,
            summary,
        }),
    }
}

/// Joins tokens with `,` into a header value.
fn joined<'a>(items: impl Iterator<Item = &'a str>) -> HeaderValue {
    let text = items.collect::<Vec<_>>().join(",");
    // Every item was checked to be an HTTP token (visible ASCII without
    // separators), so the joined text is a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::CorsPolicy;

    #[test]
    fn preflight_headers_are_prerendered() {
        let p = CorsPolicy::builder()
            .allow_origins(["https://a.com"])
            .allow_methods(["PUT", "PATCH", "PUT"])
            .allow_headers(["X-B", "x-a", "x-b"])
            .allow_credentials(true)
            .max_age(Duration::from_millis(600_900))
            .build()
            .unwrap();
        let h = &p.inner.preflight_headers;
        assert_eq!(h["access-control-allow-methods"], "PUT,PATCH");
        assert_eq!(h["access-control-allow-headers"], "x-a,x-b");
        assert_eq!(h["access-control-allow-credentials"], "true");
        assert_eq!(h["access-control-max-age"], "600");
        assert!(p.inner.vary_origin);
    }
}
