//! Presets: the methods and headers a protocol needs, added on top of the
//! user's own settings.
//!
//! A preset only adds to the builder's lists; it never sets origins (except
//! the development preset, whose whole point is "any origin") and never
//! turns on credentials, so `build` still checks the result like any other
//! policy: `*` with credentials stays an error, and nothing is mirrored.

use super::builder::CorsPolicyBuilder;

/// Request headers every gRPC-web client may send: the framing's content
/// type, the protocol marker, the client's user agent (browsers forbid
/// setting `User-Agent`) and the deadline.
const GRPC_WEB_REQUEST_HEADERS: [&str; 4] =
    ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout"];

/// Response headers a gRPC-web client must read: the status and its
/// details arrive as headers on a trailers-only answer (every error, with
/// tonic), and JavaScript sees none of them unless they are exposed.
const GRPC_WEB_EXPOSED_HEADERS: [&str; 3] =
    ["grpc-status", "grpc-message", "grpc-status-details-bin"];

/// Request headers of the Connect protocol, besides gRPC-web's.
const CONNECT_REQUEST_HEADERS: [&str; 2] = ["connect-protocol-version", "connect-timeout-ms"];

impl CorsPolicyBuilder {
    /// Adds what [gRPC-web](https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md)
    /// clients (grpc-web, `@improbable-eng/grpc-web`, connect-es's gRPC-web
    /// transport) need, on top of your own origins and settings:
    ///
    /// - method `POST`;
    /// - request headers `content-type`, `x-grpc-web`, `x-user-agent`,
    ///   `grpc-timeout`;
    /// - exposed headers `grpc-status`, `grpc-message`,
    ///   `grpc-status-details-bin`.
    ///
    /// Without the exposed headers a browser hides the status of every
    /// trailers-only answer (tonic sends every error that way), and clients
    /// report *"Response closed without grpc-status"*.
    ///
    /// Origins are still yours to list, and credentials yours to allow. Add
    /// your own metadata on top: custom request metadata with
    /// [`allow_headers`](Self::allow_headers) (`authorization` included, if
    /// you send it), response metadata your page reads with
    /// [`expose_headers`](Self::expose_headers).
    ///
    /// ```
    /// use tower_cors::CorsPolicy;
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .grpc_web()
    ///     .allow_headers(["authorization", "x-tenant-id"])
    ///     .expose_headers(["x-request-id"])
    ///     .allow_credentials(true)
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn grpc_web(self) -> Self {
        self.allow_methods(["POST"])
            .allow_headers(GRPC_WEB_REQUEST_HEADERS)
            .expose_headers(GRPC_WEB_EXPOSED_HEADERS)
    }

    /// Adds what [Connect](https://connectrpc.com/docs/protocol) clients
    /// need, for both protocols a Connect server usually speaks, Connect
    /// and gRPC-web, on top of your own origins and settings: everything
    /// [`grpc_web`](Self::grpc_web) adds, and
    ///
    /// - method `GET`, for Connect's side-effect-free unary calls (a `GET`
    ///   that sets no header needs no preflight at all; this lists it for the
    ///   ones that set `connect-timeout-ms` or your own headers);
    /// - request headers `connect-protocol-version` and `connect-timeout-ms`.
    ///
    /// A Connect unary answer carries its status as the HTTP status and its
    /// error in the body, and its `content-type` is always readable, so it
    /// needs nothing exposed beyond gRPC-web's names. Its trailers arrive as
    /// headers prefixed with `trailer-`: expose the ones your page reads,
    /// e.g. `expose_headers(["trailer-x-cost"])` for a trailer `x-cost`.
    ///
    /// ```
    /// use tower_cors::CorsPolicy;
    ///
    /// let policy = CorsPolicy::builder()
    ///     .allow_origins(["https://app.example.com"])
    ///     .connect_rpc()
    ///     .expose_headers(["trailer-x-cost"])
    ///     .build()?;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn connect_rpc(self) -> Self {
        self.grpc_web()
            .allow_methods(["GET"])
            .allow_headers(CONNECT_REQUEST_HEADERS)
    }

    /// **Development only.** Any origin, any method, any request header but
    /// `Authorization`, every response header readable: `*` everywhere, and
    /// no credentials. The equivalent of tower-http's
    /// `CorsLayer::permissive()`, for a local front end whose port keeps
    /// changing.
    ///
    /// It is not safe in production merely because it has no credentials:
    /// any page on the web, opened by anyone who can reach this server (on
    /// your laptop, your office network, behind your VPN), can call it and
    /// read the answers. List your front ends' origins instead.
    ///
    /// It combines with settings that keep it permissive (`max_age`,
    /// `allow_headers(["authorization"])`); listing origins beside it, or
    /// allowing credentials, makes [`build`](Self::build) fail, as `*`
    /// always does.
    ///
    /// ```
    /// use tower_cors::{CorsPolicy, ProblemKind};
    ///
    /// let dev = CorsPolicy::builder().permissive_for_development().build()?;
    /// assert_eq!(dev.origins(), ["*"]);
    ///
    /// let err = CorsPolicy::builder()
    ///     .permissive_for_development()
    ///     .allow_credentials(true)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.has(ProblemKind::WildcardOriginWithCredentials));
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    pub fn permissive_for_development(self) -> Self {
        self.allow_origins(["*"])
            .allow_methods(["*"])
            .allow_headers(["*"])
            .expose_headers(["*"])
    }
}

#[cfg(test)]
mod tests;
