//! A real tonic service, gRPC health checking (`tonic-health`), called from a
//! browser over gRPC-web through `tonic-web`, with tower-cors in front.
//!
//! ```text
//! cargo run -p example-tonic     # page on http://127.0.0.1:3000, gRPC-web on :50051
//! ```
//!
//! Open the page: it calls `grpc.health.v1.Health/Check` twice with
//! `fetch` and gRPC-web framing, and shows the `grpc-status` of each answer:
//! `0` (OK, read from the trailer frame in the body) for the whole server,
//! and `5` (NOT_FOUND, read from the response headers: tonic answers every
//! error "trailers-only") for a service it does not know.
//!
//! The order matters: the CORS layer goes first (outermost), so it answers
//! preflights before `GrpcWebLayer` sees them, and adds the CORS headers to
//! every gRPC-web answer, errors included. `.grpc_web()` adds the method,
//! request headers and exposed headers gRPC-web needs to your own origins;
//! without `grpc-status` exposed, the browser hides the status of every
//! error and clients report "Response closed without grpc-status".

use std::future::Future;

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;
use tonic_health::ServingStatus;
use tonic_web::GrpcWebLayer;
use tower_cors::{ConfigError, CorsLayer, CorsPolicy};

/// A service name the health service reports as serving.
pub const KNOWN_SERVICE: &str = "tower_cors.example.Greeter";

/// The policy: the front end's origin, plus what gRPC-web needs. Add your
/// own metadata on top (`.allow_headers(["authorization"])`,
/// `.expose_headers(["x-request-id"])`).
pub fn policy(front_end: &str) -> Result<CorsPolicy, ConfigError> {
    CorsPolicy::builder()
        .allow_origins([front_end])
        .grpc_web()
        .build()
}

/// Serves the health service over gRPC-web (and plain gRPC) on `listener`,
/// behind `policy`, until `shutdown` completes.
pub async fn serve_grpc(
    listener: TcpListener,
    policy: CorsPolicy,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    let (reporter, health) = tonic_health::server::health_reporter();
    reporter
        .set_service_status(KNOWN_SERVICE, ServingStatus::Serving)
        .await;
    Server::builder()
        // Browsers speak HTTP/1.1 to a plain-http server.
        .accept_http1(true)
        .layer(CorsLayer::new(policy))
        .layer(GrpcWebLayer::new())
        .add_service(health)
        .serve_with_incoming_shutdown(TcpIncoming::from(listener), shutdown)
        .await
}

/// The page's script: `grpcWebCheck(base, service)` makes one gRPC-web
/// unary call to `Health/Check` with `fetch` and resolves to what a
/// gRPC-web client would make of it.
pub const GRPC_WEB_CHECK_JS: &str = r#"
async function grpcWebCheck(base, service) {
  // HealthCheckRequest { string service = 1; }: field 1, wire type 2, then
  // the length (one byte: names here are shorter than 128 bytes).
  const name = new TextEncoder().encode(service);
  const message = name.length ? Uint8Array.of(0x0a, name.length, ...name) : new Uint8Array(0);
  // gRPC-web frame: flag 0 (data), big-endian length, message.
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  let res;
  try {
    res = await fetch(base + "/grpc.health.v1.Health/Check", {
      method: "POST",
      headers: {
        "content-type": "application/grpc-web+proto",
        "x-grpc-web": "1",
        "x-user-agent": "grpc-web-javascript/0.1",
        "grpc-timeout": "5S",
      },
      body: frame,
    });
  } catch (e) {
    return { ok: false, error: String(e) };
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const out = {
    ok: true,
    httpStatus: res.status,
    headerStatus: res.headers.get("grpc-status"),
    headerMessage: res.headers.get("grpc-message"),
    trailerStatus: null,
    servingStatus: null,
  };
  for (let i = 0; i + 5 <= bytes.length; ) {
    const flag = bytes[i];
    const len = new DataView(bytes.buffer, bytes.byteOffset + i + 1, 4).getUint32(0);
    const data = bytes.subarray(i + 5, i + 5 + len);
    if (flag & 0x80) {
      // Trailer frame: HTTP/1-style header lines.
      const m = /^grpc-status:\s*(\d+)/im.exec(new TextDecoder().decode(data));
      out.trailerStatus = m ? m[1] : null;
    } else {
      // HealthCheckResponse { ServingStatus status = 1; }, a varint; the
      // default UNKNOWN (0) is not on the wire.
      out.servingStatus = data.length >= 2 && data[0] === 0x08 ? data[1] : 0;
    }
    i += 5 + len;
  }
  // Where a gRPC-web client looks: the headers of a trailers-only answer,
  // else the trailer frame. Neither: "Response closed without grpc-status".
  out.grpcStatus = out.headerStatus ?? out.trailerStatus;
  return out;
}
"#;

/// The front end: `/` calls the gRPC-web server at `grpc_base` and shows the
/// results; `/blank` is an empty page on the same origin, for tests.
pub fn front_end(grpc_base: &str) -> Router {
    let page = format!(
        r#"<!doctype html>
<meta charset="utf-8">
<title>tower-cors + tonic-web</title>
<h1>gRPC-web through tower-cors</h1>
<p>Calls <code>grpc.health.v1.Health/Check</code> on <code>{grpc_base}</code>.</p>
<pre id="out">calling...</pre>
<script>{GRPC_WEB_CHECK_JS}
(async () => {{
  const lines = [];
  for (const service of ["", "{KNOWN_SERVICE}", "no.such.Service"]) {{
    const r = await grpcWebCheck({base}, service);
    lines.push(JSON.stringify(service || "(server)") + ": " + JSON.stringify(r));
  }}
  document.getElementById("out").textContent = lines.join("\n");
}})();
</script>
"#,
        base = serde_json::to_string(grpc_base).unwrap_or_default(),
    );
    Router::new()
        .route("/", get(move || async move { Html(page.clone()) }))
        .route(
            "/blank",
            get(|| async { Html("<!doctype html><title>blank</title>") }),
        )
}
