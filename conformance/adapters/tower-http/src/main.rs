//! The conformance suite's adapter for tower-http: reads a neutral policy,
//! builds `tower_http::cors::CorsLayer` the way its documentation does
//! (`CorsLayer::new()` and its setters; `CsrfLayer` for the write guard),
//! puts it in front of an axum app that answers `ok`, and serves it.

#[path = "../../rust-common/policy.rs"]
mod policy;

use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::Router;
use policy::{has_any, is_any, pattern_matches, unsupported, Policy};
use std::time::Duration;
use tower_http::cors::{
    AllowHeaders, AllowMethods, AllowOrigin, AllowPrivateNetwork, Any, CorsLayer, ExposeHeaders,
};
use tower_http::csrf::CsrfLayer;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: tower-http-adapter <policy.json>");
        std::process::exit(2);
    };
    let policy = Policy::read(&path).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let app = app(&policy);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap_or_else(|e| {
            eprintln!("tokio: {e}");
            std::process::exit(1);
        });
    if let Err(e) = runtime.block_on(serve(app)) {
        eprintln!("tower-http adapter: {e}");
        std::process::exit(1);
    }
}

async fn serve(app: Router) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    println!("LISTENING {}", listener.local_addr()?.port());
    axum::serve(listener, app).await
}

/// The app behind the layers: `ok` on every path and method, except the two
/// error paths the suite asks for.
async fn respond(uri: Uri) -> (StatusCode, &'static str) {
    match uri.path() {
        "/status/404" => (StatusCode::NOT_FOUND, "ok"),
        "/status/500" => (StatusCode::INTERNAL_SERVER_ERROR, "ok"),
        _ => (StatusCode::OK, "ok"),
    }
}

/// The router with the write guard (when asked) inside the CORS layer, so
/// that its refusals carry CORS headers too.
fn app(policy: &Policy) -> Router {
    let mut router = Router::new().fallback(respond);
    if policy.write_guard && !has_any(&policy.origins) {
        router = router.layer(csrf(policy));
    }
    let cors = cors(policy);
    // tower-http refuses some combinations by panicking when the layer is
    // applied; that refusal is the library's answer to this policy.
    let checked = cors.clone();
    std::panic::set_hook(Box::new(|_| {}));
    let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let _ = tower::Layer::layer(&checked, tower::service_fn(|()| async { Ok::<(), ()>(()) }));
    }));
    if let Err(panic) = applied {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        unsupported(&format!("tower-http refuses this configuration: {message}"));
    }
    let _ = std::panic::take_hook();
    router.layer(cors)
}

/// The setters a tower-http user calls for this policy. `["*"]` is `Any`
/// (or, with credentials, the mirror); `*` listed beside names is sent as
/// one of the list's values (`*,authorization`), which is what Fetch reads
/// as "any, and these too".
fn cors(policy: &Policy) -> CorsLayer {
    let mut cors = CorsLayer::new().allow_origin(allow_origin(policy));
    cors = cors.allow_methods(if !is_any(&policy.methods) {
        AllowMethods::list(policy.methods.iter().map(|m| {
            Method::from_bytes(m.as_bytes()).unwrap_or_else(|_| unsupported("invalid method"))
        }))
    } else if policy.credentials {
        // The documented alternative to `Any` with credentials (the
        // library's own `very_permissive()` uses it).
        AllowMethods::mirror_request()
    } else {
        AllowMethods::any()
    });
    cors = cors.allow_headers(if !is_any(&policy.headers) {
        AllowHeaders::list(names(&policy.headers))
    } else if policy.credentials {
        AllowHeaders::mirror_request()
    } else {
        AllowHeaders::any()
    });
    cors = cors.expose_headers(if is_any(&policy.expose_headers) {
        ExposeHeaders::any()
    } else {
        ExposeHeaders::list(names(&policy.expose_headers))
    });
    if policy.credentials {
        cors = cors.allow_credentials(true);
    }
    if let Some(seconds) = policy.max_age {
        cors = cors.max_age(Duration::from_secs(seconds));
    }
    if policy.private_network {
        cors = cors.allow_private_network(AllowPrivateNetwork::yes());
    }
    cors
}

/// Exact origins as a list; with patterns, a predicate over both.
fn allow_origin(policy: &Policy) -> AllowOrigin {
    if has_any(&policy.origins) {
        return AllowOrigin::from(Any);
    }
    let exact: Vec<HeaderValue> = policy
        .origins
        .iter()
        .map(|o| HeaderValue::from_str(o).unwrap_or_else(|_| unsupported("invalid origin")))
        .collect();
    if policy.origin_patterns.is_empty() {
        return AllowOrigin::list(exact);
    }
    let patterns = policy.origin_patterns.clone();
    AllowOrigin::predicate(move |origin, _parts| {
        exact.contains(origin)
            || origin
                .to_str()
                .is_ok_and(|o| patterns.iter().any(|p| pattern_matches(p, o)))
    })
}

/// The write guard: tower-http's CSRF layer trusting the policy's origins.
fn csrf(policy: &Policy) -> CsrfLayer {
    if !policy.origin_patterns.is_empty() {
        unsupported("tower-http's CsrfLayer trusts exact origins only, not patterns");
    }
    policy
        .origins
        .iter()
        .fold(CsrfLayer::new(), |layer, origin| {
            layer
                .add_trusted_origin(origin)
                .unwrap_or_else(|e| unsupported(&format!("CsrfLayer refuses {origin:?}: {e}")))
        })
}

fn names(list: &[String]) -> Vec<HeaderName> {
    list.iter()
        .map(|h| {
            HeaderName::from_bytes(h.as_bytes())
                .unwrap_or_else(|_| unsupported("invalid header name"))
        })
        .collect()
}
