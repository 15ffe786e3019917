//! `/ws`: a WebSocket that echoes, what a page opens with
//! `new WebSocket("ws://…/ws")`. Browsers apply no CORS to WebSockets, so
//! only the write guard keeps another site's page from opening it as the
//! user. Its memory is bounded: at most [`MAX_SOCKETS`] open at once
//! (others get `503`), messages of at most [`MAX_MESSAGE`] bytes, at most
//! [`MAX_ECHOES`] echoes per socket, and a socket idle for [`IDLE`] is
//! closed.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{clip, Entry};

/// Sockets open at once.
pub const MAX_SOCKETS: usize = 16;
/// The largest message read, in bytes.
pub const MAX_MESSAGE: usize = 1024;
/// Messages echoed per socket before the server closes it.
pub const MAX_ECHOES: usize = 4;
/// How long a socket may stay silent before the server closes it.
pub const IDLE: Duration = Duration::from_secs(10);

/// The permits for open sockets.
#[derive(Clone)]
pub struct Sockets(Arc<Semaphore>);

impl Sockets {
    /// Room for [`MAX_SOCKETS`].
    pub fn new() -> Self {
        Self(Arc::new(Semaphore::new(MAX_SOCKETS)))
    }
}

impl Default for Sockets {
    fn default() -> Self {
        Self::new()
    }
}

/// The handshake: the handler ran (the layer let it through); upgrade if
/// there is room.
pub async fn upgrade(
    State(sockets): State<Sockets>,
    entry: Option<Extension<Entry>>,
    ws: WebSocketUpgrade,
) -> Response {
    let Ok(permit) = sockets.0.try_acquire_owned() else {
        let busy = format!("{MAX_SOCKETS} sockets are open: try again later");
        return (StatusCode::SERVICE_UNAVAILABLE, busy).into_response();
    };
    let entry = entry.map(|Extension(e)| e);
    ws.max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| echo(socket, entry, permit))
}

/// Echoes text messages (`echo: <text>`), noting each in the request's
/// log entry, until the client closes, [`MAX_ECHOES`] are done, or [`IDLE`]
/// passes.
async fn echo(mut socket: WebSocket, entry: Option<Entry>, _permit: OwnedSemaphorePermit) {
    for _ in 0..MAX_ECHOES {
        let text = match tokio::time::timeout(IDLE, socket.recv()).await {
            Ok(Some(Ok(Message::Text(text)))) => text,
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            _ => break,
        };
        if let Some(entry) = &entry {
            entry.received(&format!("message {:?}", clip(text.as_str())));
        }
        let reply = Message::Text(format!("echo: {}", text.as_str()).into());
        if socket.send(reply).await.is_err() {
            return;
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}
