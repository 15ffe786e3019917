//! The checks a browser runs on responses: the CORS check
//! (<https://fetch.spec.whatwg.org/#cors-check>) on every cross-origin
//! response, the CORS-preflight check
//! (<https://fetch.spec.whatwg.org/#cors-preflight-fetch>, step 7), and which
//! response headers script may then read
//! (<https://fetch.spec.whatwg.org/#concept-filtered-response-cors>).

use std::time::Duration;

use http::header::{
    ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, LOCATION,
};
use http::{HeaderMap, HeaderName, StatusCode, Uri};

use super::engine::Engine;
use super::kind::RequestKind;
use super::request::CorsRequest;
use super::url::split_scheme;
use super::verdict::{Allowed, Blocked, BlockedExchange, Check, CorsError, Failure, Warning};
use crate::fetch;

/// What a successful preflight allows, for the preflight cache.
///
/// ```
/// use http::{HeaderMap, HeaderValue, StatusCode};
/// use std::time::Duration;
/// use tower_cors::browser::{check_preflight, Engine, PageRequest};
///
/// let request = PageRequest::new("https://app.example", "PUT", "https://api.example/x").prepare()?;
/// let mut headers = HeaderMap::new();
/// headers.insert("access-control-allow-origin", HeaderValue::from_static("https://app.example"));
/// headers.insert("access-control-allow-methods", HeaderValue::from_static("PUT, ,DELETE"));
/// headers.insert("access-control-max-age", HeaderValue::from_static("600"));
/// let approval = check_preflight(Engine::WebKit, &request, StatusCode::NO_CONTENT, &headers).unwrap();
/// assert_eq!(approval.methods(), ["PUT", "DELETE"]);
/// assert_eq!(approval.lifetime(), Duration::from_secs(600));
/// # Ok::<(), tower_cors::browser::InvalidRequest>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightApproval {
    pub(crate) methods: Vec<String>,
    pub(crate) headers: Vec<String>,
    pub(crate) lifetime: Duration,
    pub(crate) warnings: Vec<Warning>,
}

impl PreflightApproval {
    /// The methods of `Access-Control-Allow-Methods`, as sent (case kept).
    pub fn methods(&self) -> &[String] {
        &self.methods
    }

    /// The names of `Access-Control-Allow-Headers`, lower case.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// How long the engine caches it; zero for not at all.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// Warnings the engine gave.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
}

/// Runs the CORS-preflight check on a preflight response, as `engine` does:
/// a redirect fails, the CORS check (ACAO, and ACAC when credentialed) and
/// an ok status must pass, ACAM and ACAH must parse as token lists, and they
/// must allow the method and every CORS-unsafe header name.
///
/// The result is checked against `request`'s credentials mode (the actual
/// request's, as the standard says), not the preflight's.
pub fn check_preflight(
    engine: Engine,
    request: &CorsRequest,
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<PreflightApproval, Blocked> {
    let mut failures = Vec::new();
    if is_redirect(status) && headers.contains_key(LOCATION) {
        failures.push(Failure::new(
            Check::Redirect,
            CorsError::PreflightDisallowedRedirect,
            "",
        ));
    }
    if let Some(mut failure) = access_failure(request, headers) {
        failure.code = failure.code.on_preflight();
        failures.push(failure);
    }
    if !status.is_success() {
        failures.push(Failure::new(
            Check::Status,
            CorsError::PreflightInvalidStatus,
            "",
        ));
    }
    let mut warnings = Vec::new();
    let methods = token_list(headers, &ACCESS_CONTROL_ALLOW_METHODS);
    failures.extend(method_failure(request, &methods));
    let names = token_list(headers, &ACCESS_CONTROL_ALLOW_HEADERS);
    match &names {
        Err(value) => failures.push(list_failure(
            Check::AllowHeaders,
            CorsError::InvalidAllowHeadersPreflightResponse,
            value,
        )),
        Ok(names) => {
            if let Some(failure) = header_failure(engine, request, names, &mut warnings) {
                failures.push(failure);
            }
        }
    }
    if failures
        .iter()
        .any(|f| !f.standard_only || engine == Engine::Standard)
    {
        return Err(blocked(engine, request, status, headers, failures, None));
    }
    let max_age = joined(headers, &ACCESS_CONTROL_MAX_AGE, ", ");
    Ok(PreflightApproval {
        methods: methods.unwrap_or_default(),
        headers: names
            .unwrap_or_default()
            .into_iter()
            .map(|n| n.to_ascii_lowercase())
            .collect(),
        lifetime: engine.preflight_cache_lifetime(max_age.as_deref()),
        warnings,
    })
}

/// The method check of the CORS-preflight fetch
/// (<https://fetch.spec.whatwg.org/#cors-preflight-fetch>, steps 7.1, 7.3 and 7.5):
/// `Access-Control-Allow-Methods` must parse, and list the request's method
/// (or `*` without credentials) unless it is CORS-safelisted.
fn method_failure(request: &CorsRequest, methods: &Result<Vec<String>, String>) -> Option<Failure> {
    let methods = match methods {
        Err(value) => {
            return Some(list_failure(
                Check::AllowMethods,
                CorsError::InvalidAllowMethodsPreflightResponse,
                value,
            ))
        }
        Ok(methods) => methods,
    };
    let method = request.method().as_str();
    let allowed = methods.iter().any(|m| m == method)
        || fetch::is_cors_safelisted_method(method.as_bytes())
        || (!request.is_credentialed() && methods.iter().any(|m| m == "*"));
    (!allowed).then(|| {
        Failure::new(
            Check::Method,
            CorsError::MethodDisallowedByPreflightResponse,
            method,
        )
    })
}

/// Runs the CORS check on a response to the actual request (a redirect
/// included) and, when it passes, says which headers script can read: the
/// CORS-safelisted response headers and those of
/// `Access-Control-Expose-Headers` (all with `*`, unless credentialed),
/// never `Set-Cookie`. A same-origin response is not checked; script reads
/// every header but `Set-Cookie`.
///
/// Only `cors` requests are checked. A `no-cors` response from another
/// origin is opaque and a form's response becomes the new document: both
/// pass, and script reads nothing of them ([`Allowed::is_readable`] is
/// `false`).
///
/// ```
/// use http::{HeaderMap, HeaderValue, StatusCode};
/// use tower_cors::browser::{check_response, Engine, PageRequest};
///
/// let request = PageRequest::new("https://app.example", "GET", "https://api.example/x").prepare()?;
/// let mut headers = HeaderMap::new();
/// headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
/// headers.insert("access-control-expose-headers", HeaderValue::from_static("x-total"));
/// headers.insert("x-total", HeaderValue::from_static("3"));
/// headers.insert("x-secret", HeaderValue::from_static("s"));
/// headers.insert("content-type", HeaderValue::from_static("text/plain"));
/// let allowed = check_response(Engine::Standard, &request, StatusCode::OK, &headers).unwrap();
/// assert!(allowed.can_read("x-total") && allowed.can_read("content-type"));
/// assert!(!allowed.can_read("x-secret"));
/// # Ok::<(), tower_cors::browser::InvalidRequest>(())
/// ```
pub fn check_response(
    engine: Engine,
    request: &CorsRequest,
    status: StatusCode,
    headers: &HeaderMap,
) -> Result<Allowed, Blocked> {
    let mut readable: Vec<HeaderName> = Vec::new();
    let mut add = |name: &HeaderName| {
        if !readable.contains(name) {
            readable.push(name.clone());
        }
    };
    let opaque = request.kind() == RequestKind::NoCors && request.is_cross_origin();
    if opaque || request.kind().is_navigation() {
        return Ok(Allowed {
            readable,
            warnings: Vec::new(),
            hidden: true,
        });
    }
    if !request.is_cross_origin() {
        headers
            .keys()
            .filter(|n| !fetch::is_forbidden_response_header_name(n.as_str().as_bytes()))
            .for_each(&mut add);
        return Ok(Allowed {
            readable,
            warnings: Vec::new(),
            hidden: false,
        });
    }
    if let Some(failure) = access_failure(request, headers) {
        let target = redirect_target(request, status, headers);
        return Err(blocked(
            engine,
            request,
            status,
            headers,
            vec![failure],
            target,
        ));
    }
    // An invalid list exposes nothing beyond the safelist.
    let exposed = token_list(headers, &ACCESS_CONTROL_EXPOSE_HEADERS).unwrap_or_default();
    let all = !request.is_credentialed() && exposed.iter().any(|n| n == "*");
    for name in headers.keys() {
        let bytes = name.as_str().as_bytes();
        let listed = all
            || exposed
                .iter()
                .any(|n| n.as_bytes().eq_ignore_ascii_case(bytes));
        if fetch::is_cors_safelisted_response_header_name(bytes)
            || (listed && !fetch::is_forbidden_response_header_name(bytes))
        {
            add(name);
        }
    }
    Ok(Allowed {
        readable,
        warnings: Vec::new(),
        hidden: false,
    })
}

/// The blocked verdict on a response, with what each engine's report of it
/// needs: whether the response was a redirect and, for a refused redirect
/// of the actual request, where it led.
fn blocked(
    engine: Engine,
    request: &CorsRequest,
    status: StatusCode,
    headers: &HeaderMap,
    failures: Vec<Failure>,
    redirect_target: Option<Uri>,
) -> Blocked {
    Blocked {
        engine,
        failures,
        exchange: Box::new(BlockedExchange {
            page_origin: request.page_origin().to_owned(),
            origin: request.origin().to_owned(),
            url: request.url().clone(),
            initial_url: request.initial_url().clone(),
            status: status.as_u16(),
            redirected: status.is_redirection() && headers.contains_key(LOCATION),
            redirect_target,
        }),
    }
}

/// Where a redirect of the actual request leads, when the response is one
/// the browser would follow.
fn redirect_target(request: &CorsRequest, status: StatusCode, headers: &HeaderMap) -> Option<Uri> {
    let location = headers.get(LOCATION)?.to_str().ok()?;
    let next = request.redirect(status, location).ok()?;
    Some(next.url().clone())
}

/// Whether a status is one fetch follows (with a `Location`).
pub(crate) fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// The CORS check (ACAO, then ACAC when credentialed), with Chromium's code
/// for the way it fails.
fn access_failure(request: &CorsRequest, headers: &HeaderMap) -> Option<Failure> {
    let fail = |code, parameter: &str| Some(Failure::new(Check::Access, code, parameter));
    let Some(allow_origin) = joined(headers, &ACCESS_CONTROL_ALLOW_ORIGIN, ", ") else {
        return fail(CorsError::MissingAllowOriginHeader, "");
    };
    let credentialed = request.is_credentialed();
    if allow_origin == "*" {
        if !credentialed {
            return None;
        }
        return fail(CorsError::WildcardOriginNotAllowed, "");
    }
    if allow_origin != request.origin() {
        let code = if allow_origin.contains([' ', ',']) {
            CorsError::MultipleAllowOriginValues
        } else if allow_origin != "null"
            // Chromium's `GURL` takes it for a URL when a scheme has
            // something after it: then it is a mismatch.
            && !split_scheme(&allow_origin).is_some_and(|(_, rest)| !rest.is_empty())
        {
            CorsError::InvalidAllowOriginValue
        } else {
            CorsError::AllowOriginMismatch
        };
        return fail(code, &allow_origin);
    }
    if credentialed {
        let allow_credentials = joined(headers, &ACCESS_CONTROL_ALLOW_CREDENTIALS, ", ");
        if allow_credentials.as_deref() != Some("true") {
            return fail(
                CorsError::InvalidAllowCredentials,
                allow_credentials.as_deref().unwrap_or_default(),
            );
        }
    }
    None
}

/// The header-name check, and the `Authorization` warning where the engine
/// lets `*` cover it.
fn header_failure(
    engine: Engine,
    request: &CorsRequest,
    allowed: &[String],
    warnings: &mut Vec<Warning>,
) -> Option<Failure> {
    let credentialed = request.is_credentialed();
    let listed = |name: &str| allowed.iter().any(|a| a.eq_ignore_ascii_case(name));
    let wildcard = !credentialed && listed("*");
    let passes = |name: &str| {
        listed(name)
            || (wildcard && !fetch::is_cors_non_wildcard_request_header_name(name.as_bytes()))
    };
    let unsafe_names = request.unsafe_header_names();
    // Chromium and Firefox report the first name in sorted order; WebKit
    // the first as the page wrote it.
    let first = unsafe_names.iter().find(|n| !passes(n))?;
    let written = request
        .headers
        .iter()
        .find(|h| unsafe_names.iter().any(|n| n == h.name.as_str()) && !passes(h.name.as_str()))
        .map_or_else(|| first.clone(), |h| h.written.clone());
    let mut failure = Failure::new(
        Check::Header,
        CorsError::HeaderDisallowedByPreflightResponse,
        first,
    );
    failure.webkit_parameter = written;
    if wildcard && fetch::is_cors_non_wildcard_request_header_name(first.as_bytes()) {
        // With `*`, only Authorization can fail: the engines let it pass.
        if engine.wildcard_covers_authorization() {
            let warning = Warning::AuthorizationCoveredByWildcard;
            if warning.name_in(engine).is_some() {
                warnings.push(warning);
            }
        }
        failure.standard_only = true;
    }
    Some(failure)
}

fn list_failure(check: Check, code: CorsError, value: &str) -> Failure {
    let mut failure = Failure::new(check, code, "");
    failure.webkit_parameter = value.to_owned();
    failure
}

/// Every line of a header, trimmed and joined with `separator`; `None` when absent.
fn joined(headers: &HeaderMap, name: &HeaderName, separator: &str) -> Option<String> {
    let lines: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .trim_matches([' ', '\t'])
                .to_owned()
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join(separator))
}

/// "Extracting header list values" for a `#token` list: all lines merged,
/// empty elements skipped; `Err` (with the value, joined with `, `) when
/// any element is not a token.
fn token_list(headers: &HeaderMap, name: &HeaderName) -> Result<Vec<String>, String> {
    let Some(value) = joined(headers, name, ", ") else {
        return Ok(Vec::new());
    };
    let mut items = Vec::new();
    for element in value.split(',') {
        let element = element.trim_matches([' ', '\t']);
        if element.is_empty() {
            continue;
        }
        if !fetch::is_token(element.as_bytes()) {
            return Err(value);
        }
        items.push(element.to_owned());
    }
    Ok(items)
}

#[cfg(test)]
mod tests;
