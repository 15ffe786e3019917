//! From the walk to words: why the request was blocked when the cause is
//! not the CORS policy itself (an auth layer, the router, a server error,
//! a redirect), the fix (tower-cors's own when its `x-cors-refusal` header
//! says it, otherwise generic plus how to say it with tower-cors), and
//! where the standard or another engine differs from Chromium.

use http::header::{LOCATION, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue};
use tower_cors::browser::{check_preflight, Blocked, CorsError, Engine, Warning};
use tower_cors::{Explanation, EXPLANATION_HEADER};

use super::args::Plan;
use super::findings::{code, Finding, Severity, Told};
use super::walk::{End, Exchange, Step, Walk};
use crate::answer::allow_origin;

/// What the walk means.
#[derive(Debug, Clone, Default)]
pub struct Diagnosis {
    /// Why, in plain words, when it is more than the console says.
    pub why: Option<String>,
    /// What to change, or `None` when allowed.
    pub fix: Option<String>,
    /// Findings from the walk itself.
    pub findings: Vec<Finding>,
    /// Where the standard or Firefox/WebKit differ from Chromium.
    pub engines: Vec<String>,
}

/// Where the CORS layer goes, for axum and plain Tower: a code block whose
/// lines keep their own indentation (the output indents the block as a
/// whole).
const LAYERING: &str = concat!(
    "// axum: the layer added last is the outermost. CorsLayer must be outside\n",
    "// authentication and wrap the whole router (Router::layer, not route_layer),\n",
    "// so it answers preflights before anything can refuse them.\n",
    "let app = Router::new()\n",
    "    .route(\"/api/data\", get(handler).put(handler))\n",
    "    .layer(auth_layer)                           // inner\n",
    "    .layer(tower_cors::CorsLayer::new(policy));  // outer\n",
    "// tower: ServiceBuilder lists layers outermost first.\n",
    "let svc = ServiceBuilder::new()\n",
    "    .layer(tower_cors::CorsLayer::new(policy))\n",
    "    .layer(auth_layer)\n",
    "    .service(api);",
);

/// Diagnoses a finished walk.
pub fn diagnose(plan: &Plan, walk: &Walk) -> Diagnosis {
    let mut d = Diagnosis::default();
    for name in &plan.dropped {
        d.findings.push(Finding::new(
            code::HEADER_NOT_SENT,
            Severity::Info,
            format!("-H {name}: not sent"),
        ));
    }
    if walk
        .exchanges
        .iter()
        .any(|e| e.response.headers.contains_key(&EXPLANATION_HEADER))
    {
        d.findings.push(Finding::new(
            code::EXPLAINS_REFUSALS,
            Severity::Low,
            format!("The server is tower-cors with dangerously_explain_refusals on: its {EXPLANATION_HEADER} header tells anyone what the policy allows. Development only: turn it off in production."),
        ));
    }
    match &walk.end {
        End::Allowed(_, warnings) => allowed(walk, warnings, &mut d),
        End::Blocked(blocked) => {
            if let Some(last) = walk.last() {
                self::blocked(plan, last, blocked, &mut d);
            }
            d.engines = other_engines(plan, blocked);
        }
        End::NetworkError(why) => {
            d.why = Some(format!(
                "The browser cannot follow the redirect ({why}): fetch() fails with a network error, not a CORS error."
            ));
            d.fix = Some("Redirect to an absolute http(s) URL without credentials, or have the page call the final URL.".into());
        }
        End::Transport(_) => {}
    }
    d
}

fn allowed(walk: &Walk, warnings: &[Warning], d: &mut Diagnosis) {
    for w in warnings {
        match w {
            Warning::AuthorizationCoveredByWildcard => d.findings.push(Finding::new(
                code::AUTHORIZATION_COVERED_BY_WILDCARD,
                Severity::Low,
                format!(
                    "{} (Chromium reports the deprecation issue AuthorizationCoveredByWildcard.)",
                    w.message()
                ),
            )),
            _ => d
                .findings
                .push(Finding::new("deprecation", Severity::Low, w.message())),
        }
    }
    // The standard judges the same preflights.
    for e in walk.exchanges.iter().filter(|e| e.step == Step::Preflight) {
        if let Err(strict) = check_preflight(
            Engine::Standard,
            &e.state,
            e.response.status,
            &e.response.headers,
        ) {
            d.engines.push(format!(
                "The Fetch standard blocks this ({}): Chromium, Firefox and WebKit still allow it, but a browser that follows the standard will not.",
                strict.code()
            ));
        }
    }
    if let Some(last) = walk.last() {
        if last.response.status.is_server_error() {
            d.why = Some(format!(
                "The page can read the response, but the server answered {}.",
                last.response.status
            ));
        }
    }
}

fn blocked(plan: &Plan, last: &Exchange, blocked: &Blocked, d: &mut Diagnosis) {
    let status = last.response.status;
    let headers = &last.response.headers;
    let has_cors = allow_origin(headers).is_some();
    let what = match last.step {
        Step::Preflight => "preflight",
        Step::Actual => "response",
    };
    let authenticates =
        matches!(status.as_u16(), 401 | 403) && headers.contains_key(WWW_AUTHENTICATE);
    if !has_cors
        && (preflight_answered_by_app(last, authenticates, d) || server_failed(last, what, d))
    {
        return;
    }
    if !has_cors && authenticates {
        d.why = Some(format!(
            "The {what} was refused by authentication ({status} with WWW-Authenticate) before the CORS layer decorated it: the page sees a CORS error, not the {status}."
        ));
    }
    if blocked.code() == CorsError::PreflightDisallowedRedirect {
        d.why = Some(format!(
            "The preflight was redirected ({status} to {}): browsers never follow a preflight's redirect.",
            text(headers, LOCATION.as_str())
        ));
    }
    if let Some(explained) = headers.get(&EXPLANATION_HEADER) {
        explained_by_tower_cors(explained, blocked, d);
        return;
    }
    let mut fix = blocked.fix().to_owned();
    if let Some(hint) = tower_cors_hint(plan, blocked) {
        fix.push_str("\nWith tower-cors: ");
        fix.push_str(&hint);
    }
    d.fix = Some(fix);
}

/// An authentication layer or the router answered the preflight (a 401 or
/// 403 with `WWW-Authenticate`, a 404 or 405, without CORS headers): the
/// CORS layer never saw it. Says so and returns whether it did.
fn preflight_answered_by_app(last: &Exchange, authenticates: bool, d: &mut Diagnosis) -> bool {
    let status = last.response.status;
    let routed = matches!(status.as_u16(), 404 | 405);
    if last.step != Step::Preflight || !(authenticates || routed) {
        return false;
    }
    let who = if authenticates {
        format!(
            "an authentication layer answered it ({status} with WWW-Authenticate: {}): preflights never carry credentials, so auth must never see them",
            text(&last.response.headers, WWW_AUTHENTICATE.as_str())
        )
    } else {
        format!(
            "the router answered it ({status}): no route takes OPTIONS here, so the CORS layer never saw the preflight (with axum, a CorsLayer on one handler or route only, or added with route_layer, does this)"
        )
    };
    let message = format!("The preflight did not reach the CORS layer: {who}.");
    d.findings.push(
        Finding::new(
            code::PREFLIGHT_ANSWERED_BY_APP,
            Severity::Medium,
            message.clone(),
        )
        .told(Told::AsWhy),
    );
    d.why = Some(message);
    d.fix = Some(format!(
        "Put the CORS layer outside authentication and routing, so that it answers preflights itself:\n{LAYERING}"
    ));
    true
}

/// A server error without CORS headers: the page sees a CORS error instead.
/// Says so and returns whether it was one.
fn server_failed(last: &Exchange, what: &str, d: &mut Diagnosis) -> bool {
    let status = last.response.status;
    if !status.is_server_error() {
        return false;
    }
    let message = format!(
        "The server failed ({status}) and its error {what} has no CORS headers: the page sees this CORS error instead of the server's error, and script cannot read it."
    );
    d.findings.push(
        Finding::new(
            code::ERROR_WITHOUT_CORS_HEADERS,
            Severity::Medium,
            message.clone(),
        )
        .told(Told::AsWhy),
    );
    d.why = Some(message);
    d.fix = Some(format!(
        "Fix the server error (its cause is in the server's log), and let error responses pass through the CORS layer too: put it outermost, outside error handlers and panic catchers, so every response gets CORS headers.\n{LAYERING}"
    ));
    true
}

/// tower-cors said why it refused, in its `x-cors-refusal` header: its
/// reason and its own fix.
fn explained_by_tower_cors(explained: &HeaderValue, blocked: &Blocked, d: &mut Diagnosis) {
    let (reason, fix) = match Explanation::parse(explained) {
        Some(e) => (format!("{}: {}", e.code(), e.detail()), e.fix().to_owned()),
        // Not the shape tower-cors writes: shown as it came.
        None => (
            String::from_utf8_lossy(explained.as_bytes()).into_owned(),
            blocked.fix().to_owned(),
        ),
    };
    d.why = Some(format!(
        "tower-cors refused it: {reason} (from its {EXPLANATION_HEADER} header)."
    ));
    d.fix = Some(format!(
        "{fix} (tower-cors's own advice, from {EXPLANATION_HEADER})."
    ));
}

/// How to say the fix with tower-cors: a policy that allows exactly this
/// request, or what tower-cors does about it.
fn tower_cors_hint(plan: &Plan, blocked: &Blocked) -> Option<String> {
    use CorsError as E;
    let request = &plan.request;
    let policy = || {
        let mut s = format!(
            "CorsPolicy::builder().allow_origins([\"{}\"])",
            request.page_origin()
        );
        let method = request.method().as_str();
        if !matches!(method, "GET" | "HEAD" | "POST") {
            s.push_str(&format!(".allow_methods([\"{method}\"])"));
        }
        let names = request.unsafe_header_names();
        if !names.is_empty() {
            let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            s.push_str(&format!(".allow_headers([{}])", list.join(", ")));
        }
        if request.is_credentialed() {
            s.push_str(".allow_credentials(true)");
        }
        s.push_str(".build()?, in a CorsLayer that wraps the whole app, outside authentication");
        let upper = method.to_ascii_uppercase();
        if upper != method {
            s.push_str(&format!(
                " (or write \"{upper}\" in the page: methods are case-sensitive and fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT)"
            ));
        }
        s
    };
    Some(match blocked.code() {
        E::MultipleAllowOriginValues | E::PreflightMultipleAllowOriginValues => {
            "CorsLayer sends exactly one Access-Control-Allow-Origin; remove the other place that adds CORS headers (a proxy, a second layer).".to_owned()
        }
        E::PreflightDisallowedRedirect => {
            "CorsLayer answers preflights itself before routing, so a trailing-slash redirect of the app never sees them; a proxy's redirect (http to https, another host) must be fixed in the proxy or in the page's URL.".to_owned()
        }
        _ => policy(),
    })
}

/// What the engines not asked (and the standard) report instead.
fn other_engines(plan: &Plan, blocked: &Blocked) -> Vec<String> {
    let chromium = blocked.code().as_str();
    let mut out = Vec::new();
    for engine in Engine::BROWSERS {
        if plan.engines.contains(&engine) || engine == blocked.engine() {
            continue;
        }
        if let Some(reason) = blocked.reason_in(engine) {
            out.push(format!("{} reports: {reason}", engine.label()));
        }
    }
    if let Some(standard) = blocked.reason_in(Engine::Standard) {
        if standard != chromium {
            out.push(format!(
                "The Fetch standard's first failed check: {standard}"
            ));
        }
    }
    out
}

/// A header's value as text, or `(none)`.
fn text(headers: &HeaderMap, name: &str) -> String {
    headers.get(name).map_or_else(
        || "(none)".to_owned(),
        |v| String::from_utf8_lossy(v.as_bytes()).into_owned(),
    )
}
