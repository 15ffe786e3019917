//! The conformance suite's adapter for actix-cors: reads a neutral policy,
//! builds `actix_cors::Cors` the way its README does (`Cors::default()` and
//! the builder methods), wraps an app that answers `ok`, and serves it.

#[path = "../../rust-common/policy.rs"]
mod policy;

use actix_cors::Cors;
use actix_service::IntoServiceFactory;
use actix_web::dev::{AppConfig, ServiceFactory};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use policy::{has_any, pattern_matches, unsupported, Policy};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: actix-cors-adapter <policy.json>");
        std::process::exit(2);
    };
    let policy = match Policy::read(&path) {
        Ok(policy) => policy,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = actix_web::rt::System::new().block_on(serve(policy)) {
        eprintln!("actix-cors adapter: {e}");
        std::process::exit(1);
    }
}

async fn serve(policy: Policy) -> std::io::Result<()> {
    // actix-cors reports a configuration it refuses when the app starts;
    // start one here first so that refusal is an answer, not a dead server.
    if let Err(e) = App::new()
        .wrap(cors(&policy))
        .default_service(web::to(app))
        .into_factory()
        .new_service(AppConfig::default())
        .await
    {
        unsupported(&format!("actix-cors refuses this configuration: {e:?}"));
    }
    let policy = std::sync::Arc::new(policy);
    let server = HttpServer::new({
        let policy = policy.clone();
        move || App::new().wrap(cors(&policy)).default_service(web::to(app))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))?;
    let port = server.addrs()[0].port();
    let running = server.run();
    println!("LISTENING {port}");
    running.await
}

/// The builder calls an actix-cors user writes for this policy. A list
/// holding `*` beside names is the library's "any": actix-cors mirrors the
/// requested methods and headers, which covers the names too.
fn cors(policy: &Policy) -> Cors {
    let mut cors = Cors::default();
    if has_any(&policy.origins) {
        cors = cors.allow_any_origin();
        // The README's way to answer `*` rather than echo the origin; the
        // library refuses it together with credentials.
        if !policy.credentials {
            cors = cors.send_wildcard();
        }
    } else {
        for origin in &policy.origins {
            cors = cors.allowed_origin(origin);
        }
    }
    if !policy.origin_patterns.is_empty() {
        let patterns = policy.origin_patterns.clone();
        cors = cors.allowed_origin_fn(move |origin, _head| {
            let origin = origin.to_str().unwrap_or_default();
            patterns.iter().any(|p| pattern_matches(p, origin))
        });
    }
    cors = if has_any(&policy.methods) {
        cors.allow_any_method()
    } else {
        cors.allowed_methods(policy.methods.iter().map(String::as_str))
    };
    if has_any(&policy.headers) {
        cors = cors.allow_any_header();
    } else if !policy.headers.is_empty() {
        cors = cors.allowed_headers(policy.headers.iter().map(String::as_str));
    }
    if has_any(&policy.expose_headers) {
        cors = cors.expose_any_header();
    } else if !policy.expose_headers.is_empty() {
        cors = cors.expose_headers(policy.expose_headers.iter().map(String::as_str));
    }
    if policy.credentials {
        cors = cors.supports_credentials();
    }
    if let Some(seconds) = policy.max_age {
        cors = cors.max_age(seconds as usize);
    }
    if policy.private_network {
        cors = cors.allow_private_network_access();
    }
    if policy.write_guard {
        // The library's one refusal of requests from origins not allowed.
        cors = cors.block_on_origin_mismatch(true);
    }
    cors
}

/// The app behind the layer: `ok` on every path and method, except the two
/// error paths the suite asks for.
async fn app(req: HttpRequest) -> HttpResponse {
    let mut response = match req.path() {
        "/status/404" => HttpResponse::NotFound(),
        "/status/500" => HttpResponse::InternalServerError(),
        _ => HttpResponse::Ok(),
    };
    response.content_type("text/plain").body("ok")
}
