//! A WebSocket handshake sent only to see whether the server upgrades: on
//! `101 Switching Protocols` the socket is closed at once (a close frame,
//! then the connection shut down), so that no message is ever exchanged
//! (RFC 6455, [section 5.5.1](https://www.rfc-editor.org/rfc/rfc6455#section-5.5.1)).
//! HTTP/1.1 only: send it with a [`Client::http1_only`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncWriteExt;

use super::{body, Client, ResponseHead, TransportError};

/// What a handshake got.
#[derive(Debug, Clone)]
pub struct Handshake {
    /// The answer's head.
    pub head: ResponseHead,
    /// When the server upgraded (`101`): how the socket was closed, or why
    /// closing it failed (the connection is dropped either way).
    pub closed: Option<Result<(), String>>,
}

impl Client {
    /// Sends a WebSocket handshake (`request`, as built by the caller) and
    /// waits for its answer within `--timeout`; if the server upgrades,
    /// sends a close frame and shuts the connection down at once.
    pub async fn handshake(&self, request: &Request<()>) -> Result<Handshake, TransportError> {
        let label = format!("WebSocket handshake {}", request.uri());
        let started = tokio::time::Instant::now();
        let mut response = self
            .head_within(request, &label, "no answer to the")
            .await?;
        let upgraded = response.status() == StatusCode::SWITCHING_PROTOCOLS;
        let closed = if upgraded {
            Some(close(&mut response, self.timeout).await)
        } else {
            None
        };
        let (parts, incoming) = response.into_parts();
        if !upgraded {
            // Errors in a refusal's body change nothing about the refusal.
            let _ = body::drain(incoming, body::DRAIN_BYTES, self.drain_time(started)).await;
        }
        Ok(Handshake {
            head: ResponseHead::of(parts),
            closed,
        })
    }
}

/// Takes the upgraded connection, writes a close frame (status 1000,
/// normal closure) and shuts it down, within `wait`.
async fn close(response: &mut Response<Incoming>, wait: Duration) -> Result<(), String> {
    let closing = async {
        let upgraded = hyper::upgrade::on(response)
            .await
            .map_err(|e| format!("taking the upgraded connection: {e}"))?;
        let mut io = TokioIo::new(upgraded);
        io.write_all(&close_frame(mask_key()))
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::WriteZero => {
                    "the server closed the connection first".to_owned()
                }
                _ => format!("writing the close frame: {e}"),
            })?;
        io.flush()
            .await
            .map_err(|e| format!("sending the close frame: {e}"))?;
        io.shutdown()
            .await
            .map_err(|e| format!("shutting the connection down: {e}"))
    };
    tokio::time::timeout(wait, closing)
        .await
        .unwrap_or_else(|_| Err(format!("closing took longer than {wait:?}")))
}

/// A client's close frame: `FIN` and opcode 8, masked (a client must mask
/// every frame), a two-byte payload holding status 1000.
pub fn close_frame(mask: [u8; 4]) -> [u8; 8] {
    let status = 1000u16.to_be_bytes();
    [
        0x88,
        0x80 | 2,
        mask[0],
        mask[1],
        mask[2],
        mask[3],
        status[0] ^ mask[0],
        status[1] ^ mask[1],
    ]
}

/// A masking key that differs from one frame to the next (RFC 6455 asks
/// for an unpredictable one; this frame carries nothing to hide).
fn mask_key() -> [u8; 4] {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0x5a5a_5a5a, |d| d.subsec_nanos() ^ (d.as_secs() as u32))
        .to_be_bytes()
}
