use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use http_body_util::Full;
use hyper::body::{Bytes, Frame};

use super::*;

/// A body that never ends: `frame` bytes a poll, as fast as it is read;
/// after `pending_after` frames (if given) it waits forever instead.
struct Endless {
    frame: usize,
    sent: usize,
    pending_after: Option<usize>,
}

impl Body for Endless {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.pending_after.is_some_and(|n| self.sent >= n) {
            return Poll::Pending;
        }
        self.sent += 1;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'x'; self.frame])))))
    }
}

/// A body that breaks after its first frame, as a connection reset does.
struct Broken(bool);

impl Body for Broken {
    type Data = Bytes;
    type Error = &'static str;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, &'static str>>> {
        if std::mem::replace(&mut self.0, true) {
            return Poll::Ready(Some(Err("connection reset")));
        }
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"{\"a\":")))))
    }
}

#[tokio::test]
async fn a_body_that_ends_within_the_bounds_is_read_to_its_end() {
    let body = Full::new(Bytes::from(vec![b'x'; DRAIN_BYTES]));
    assert_eq!(
        drain(body, DRAIN_BYTES, DRAIN_TIME).await,
        Ok(Drained::Ended)
    );
}

#[tokio::test]
async fn an_endless_body_is_read_no_further_than_the_limit() {
    let mut body = Endless {
        frame: 8 * 1024,
        sent: 0,
        pending_after: None,
    };
    assert_eq!(
        drain(&mut body, DRAIN_BYTES, DRAIN_TIME).await,
        Ok(Drained::Dropped)
    );
    // The frame that crosses the limit is the last one read.
    assert_eq!(body.sent, DRAIN_BYTES / (8 * 1024) + 1);
}

#[tokio::test]
async fn a_body_still_coming_after_the_wait_is_dropped() {
    let mut body = Endless {
        frame: 16,
        sent: 0,
        pending_after: Some(3),
    };
    let started = Instant::now();
    let wait = Duration::from_millis(50);
    assert_eq!(
        drain(&mut body, DRAIN_BYTES, wait).await,
        Ok(Drained::Dropped)
    );
    assert!(started.elapsed() < wait + Duration::from_secs(2));
    assert_eq!(body.sent, 3);
}

#[tokio::test]
async fn a_body_that_breaks_within_the_bounds_is_an_error() {
    assert_eq!(
        drain(Broken(false), DRAIN_BYTES, DRAIN_TIME).await,
        Err("connection reset")
    );
}
