//! The human output: the exchanges, the verdict, the console message, the
//! fix and the probes' lines.

use crate::case;
use crate::cases::cors_check;
use crate::servers::Servers;

#[test]
fn the_human_output_shows_exchanges_verdict_console_message_and_fix() {
    let s = Servers::get();
    let out = cors_check(&case("auth-first").args(s));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    for needle in [
        "Preflight",
        "> OPTIONS http://",
        "access-control-request-headers: authorization",
        "401 Unauthorized",
        "www-authenticate: Bearer",
        "BLOCKED:",
        "Chromium's code: PreflightMissingAllowOriginHeader",
        "Console: Access to fetch at ",
        "Why: The preflight did not reach the CORS layer: an authentication layer answered it",
        "Fix: Put the CORS layer outside authentication",
        "Firefox reports: CORSMissingAllowOrigin",
        "[medium] preflight-answered-by-app",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    assert!(!text.contains('\x1b'), "no colour off a terminal");
    // The fix's code block keeps its own indentation: every line of it
    // indented the same, the chained calls deeper than the `let`.
    for block in [
        "\n    // axum: the layer added last is the outermost. CorsLayer must be outside\n    // authentication",
        "\n    let app = Router::new()\n        .route(\"/api/data\", get(handler).put(handler))\n        .layer(auth_layer)",
        "\n    let svc = ServiceBuilder::new()\n        .layer(tower_cors::CorsLayer::new(policy))",
    ] {
        assert!(text.contains(block), "no {block:?} in:\n{text}");
    }
    // Each probe names the request it sent (method, path, the Origin it
    // carried), then its answer: not an origin that reads like a URL called.
    let out = cors_check(&case("no-vary").args(s));
    let text = String::from_utf8_lossy(&out.stdout);
    let probe = "  > GET /api/data?case=no-vary with Origin: http://cors-check-probe.example (a made-up origin)\n  < 200, no Access-Control-Allow-Origin, no Vary: Origin\n";
    assert!(text.contains(probe), "no {probe:?} in:\n{text}");
    let none = "  > GET /api/data?case=no-vary without Origin (as curl or a server-side client sends it)\n  < 200, no Access-Control-Allow-Origin, no Vary: Origin\n";
    assert!(text.contains(none), "no {none:?} in:\n{text}");
    assert!(
        !text.contains(&format!("> GET {} (", s.origin())),
        "a probe line reads as a request to the page:\n{text}"
    );
}
