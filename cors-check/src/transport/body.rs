//! A response's body, which the tool never needs: every verdict is the
//! head's. What a server sends after the head is read and dropped only so
//! that the connection can carry the next request, and only as far as a
//! bound in bytes and in time; past either, the body is dropped unread,
//! which closes the connection (HTTP/1.1) or resets the stream (HTTP/2).
//! Nothing of it is kept, so memory stays bounded whatever a server sends:
//! an endless body, a slow one, a huge one.

use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::{Body, Buf};

/// The most of a body read, frame by frame and dropped, before the rest is
/// left unread: an API's answer fits many times over.
pub const DRAIN_BYTES: usize = 64 * 1024;

/// The longest the end of a body is waited for once the head is in (or
/// what is left of `--timeout`, when less): a body still coming after it
/// (an event stream, a trickle) is dropped.
pub const DRAIN_TIME: Duration = Duration::from_secs(1);

/// How a body was left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drained {
    /// It ended within the bounds: the connection can be used again.
    Ended,
    /// It went on past [`DRAIN_BYTES`] or past the time allowed: the rest
    /// is not read.
    Dropped,
}

/// Reads `body` to its end and drops every frame, unless it is longer than
/// `limit` bytes or still going after `wait`. An error within what is read
/// (a connection that breaks mid-body) is returned.
pub async fn drain<B>(mut body: B, limit: usize, wait: Duration) -> Result<Drained, B::Error>
where
    B: Body + Unpin,
{
    let reading = async {
        let mut read = 0usize;
        while let Some(frame) = body.frame().await {
            if let Some(data) = frame?.data_ref() {
                read = read.saturating_add(data.remaining());
            }
            if read > limit {
                return Ok(Drained::Dropped);
            }
        }
        Ok(Drained::Ended)
    };
    tokio::time::timeout(wait, reading)
        .await
        .unwrap_or(Ok(Drained::Dropped))
}

#[cfg(test)]
mod tests;
