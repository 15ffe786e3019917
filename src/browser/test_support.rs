//! Helpers shared by the browser model's unit tests.

use http::{HeaderMap, HeaderValue, StatusCode};

use super::{
    check_preflight, check_response, Allowed, Blocked, CorsRequest, Credentials, Engine,
    PageRequest, PreflightApproval,
};

pub(crate) const APP: &str = "https://app.example";

pub(crate) fn request(
    method: &str,
    credentials: Credentials,
    headers: &[(&str, &str)],
) -> CorsRequest {
    let mut page = PageRequest::new(APP, method, "https://api.example/x").credentials(credentials);
    for (n, v) in headers {
        page = page.header(*n, *v);
    }
    page.prepare().unwrap()
}

pub(crate) fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (n, v) in pairs {
        map.append(
            http::HeaderName::from_bytes(n.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    map
}

pub(crate) fn preflight(
    engine: Engine,
    req: &CorsRequest,
    status: u16,
    pairs: &[(&str, &str)],
) -> Result<PreflightApproval, Blocked> {
    check_preflight(
        engine,
        req,
        StatusCode::from_u16(status).unwrap(),
        &headers(pairs),
    )
}

pub(crate) fn actual(
    engine: Engine,
    req: &CorsRequest,
    pairs: &[(&str, &str)],
) -> Result<Allowed, Blocked> {
    check_response(engine, req, StatusCode::OK, &headers(pairs))
}

/// The reason every engine reports, in `Engine::ALL` order.
pub(crate) fn reasons(blocked: &Blocked) -> Vec<Option<String>> {
    Engine::ALL.iter().map(|e| blocked.reason_in(*e)).collect()
}
