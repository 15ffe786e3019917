//! Errors without CORS headers, found before a user hits them: one bare
//! `GET` with the page's origin to a path under the API's base that cannot
//! exist. When the route is readable and that error is not, every failure
//! of the API (a 404, a 401, a 500) reaches the page as a CORS error, and
//! script cannot read its status or body.

use http::Uri;
use tower_cors::browser::{check_response, PageRequest};

use super::args::Plan;
use super::findings::{code, Finding, Severity};
use super::probe::Probe;
use super::walk::{End, Walk};
use crate::answer::ENGINE;
use crate::transport::Client;

/// The last path segment of the probe: no API has it.
pub const MISSING: &str = "cors-check-no-such-resource";

/// What the probe is, in words.
const LABEL: &str = "a path that cannot exist, for the error's CORS headers";

/// The probe's URL: the called URL's directory (its path up to the last
/// `/`) with [`MISSING`] in place of the last segment, without the query.
pub fn missing_url(url: &Uri) -> Option<Uri> {
    crate::url::resolve(&url.to_string(), MISSING)?.parse().ok()
}

/// Sends the probe for a cross-origin request; `None` when not sent.
pub async fn run(client: &Client, plan: &Plan) -> Option<(Probe, bool)> {
    if !plan.request.is_cross_origin() {
        return None;
    }
    let url = missing_url(plan.request.initial_url())?;
    // A bare GET, as `fetch(url)` sends it; judged with the page's
    // credentials mode, but sent without cookies.
    let state = PageRequest::new(plan.page.origin(), "GET", url.to_string())
        .credentials(plan.page.credentials_mode())
        .prepare()
        .ok()?;
    let request = state.actual::<()>();
    let response = client.send(&request).await;
    let passes = response
        .as_ref()
        .is_ok_and(|h| check_response(ENGINE, &state, h.status, &h.headers).is_ok());
    let probe = Probe {
        label: LABEL.to_owned(),
        origin: Some(plan.page.origin().to_owned()),
        request,
        response,
        accepted: false,
    };
    Some((probe, passes))
}

/// How to make error responses carry CORS headers, for the common servers.
pub const FIX: &str = concat!(
    "Let every response pass through the CORS layer, errors included, with the layer outermost:\n",
    "nginx: add_header ... only decorates 2xx and 3xx answers; add `always` to each CORS add_header line\n",
    "  (add_header Access-Control-Allow-Origin $cors_origin always;), and repeat them in any location that has its own add_header.\n",
    "Starlette / FastAPI: CORSMiddleware runs inside ServerErrorMiddleware, so an unhandled exception's 500 has no CORS headers;\n",
    "  wrap the whole app instead (app = CORSMiddleware(app, allow_origins=[...])), or turn your exceptions into responses with exception handlers.\n",
    "Express: app.use(cors(...)) before every router, and before the 404 and error handlers.\n",
    "Flask-CORS: CORS(app, resources={r\"/api/*\": ...}) with a pattern that covers the whole API, not only the routes that exist.\n",
    "Django: django-cors-headers' CorsMiddleware as high as possible in MIDDLEWARE (before CommonMiddleware).\n",
    "axum / tower: CorsLayer with Router::layer after the routes and the fallback (not route_layer, not on one handler),\n",
    "  outside authentication and error handling; tower-cors decorates every response its service returns.",
);

/// `error-without-cors-headers` when the route is readable and the error is not.
pub fn findings(walk: &Walk, probe: Option<&(Probe, bool)>) -> Vec<Finding> {
    let Some((probe, passes)) = probe else {
        return Vec::new();
    };
    let Ok(head) = &probe.response else {
        return Vec::new();
    };
    let route_readable = matches!(walk.end, End::Allowed(..));
    if !route_readable
        || *passes
        || !(head.status.is_client_error() || head.status.is_server_error())
    {
        return Vec::new();
    }
    let path = probe
        .request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str());
    vec![Finding::new(
        code::ERROR_WITHOUT_CORS_HEADERS,
        Severity::Medium,
        format!(
            "The route answers the page with CORS headers, but an error does not: GET {path} with the page's origin got {} that the browser's CORS check refuses. When this API fails (a 404, a 401, a 500), the page sees a CORS error instead of the status, and script cannot read the error. {FIX}",
            head.status
        ),
    )]
}

#[cfg(test)]
mod tests;
