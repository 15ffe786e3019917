//! [`TimedLookup`]: an async origin lookup bounded in time, without
//! assuming a runtime: one timer thread, started the first time a lookup
//! waits, wakes each lookup whose deadline has passed.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use super::predicate::OriginLookup;

/// What an async origin lookup said, or that it said nothing in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LookupAnswer {
    /// The lookup allowed the origin.
    Allowed,
    /// The lookup refused the origin.
    Refused,
    /// The lookup had not answered when its time was up.
    TimedOut,
}

/// A user's lookup with its deadline.
pub(crate) struct TimedLookup {
    lookup: OriginLookup,
    deadline: Instant,
    /// The waker the timer holds for this lookup, to register again only
    /// when the task changes.
    registered: Option<Waker>,
}

impl TimedLookup {
    /// `lookup`, given `timeout` from now.
    pub(crate) fn new(lookup: OriginLookup, timeout: Duration) -> Self {
        // An `Instant` that far ahead cannot be represented: a day is as
        // good as never for a request.
        let deadline = Instant::now()
            .checked_add(timeout)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(24 * 60 * 60));
        Self {
            lookup,
            deadline,
            registered: None,
        }
    }
}

impl Future for TimedLookup {
    type Output = LookupAnswer;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LookupAnswer> {
        if let Poll::Ready(allowed) = self.lookup.as_mut().poll(cx) {
            return Poll::Ready(if allowed {
                LookupAnswer::Allowed
            } else {
                LookupAnswer::Refused
            });
        }
        if Instant::now() >= self.deadline {
            return Poll::Ready(LookupAnswer::TimedOut);
        }
        let known = self
            .registered
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()));
        if !known {
            timer().wake_at(self.deadline, cx.waker().clone());
            self.registered = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// One deadline waiting in the timer.
struct Entry {
    at: Instant,
    /// Orders entries with the same deadline.
    seq: u64,
    waker: Waker,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// The deadlines, earliest first, and the condition the thread waits on.
#[derive(Default)]
struct Timer {
    queue: Mutex<(BinaryHeap<Reverse<Entry>>, u64)>,
    changed: Condvar,
}

/// The one timer, its thread started on first use.
fn timer() -> &'static Timer {
    static TIMER: OnceLock<Timer> = OnceLock::new();
    static STARTED: OnceLock<()> = OnceLock::new();
    let timer = TIMER.get_or_init(Timer::default);
    STARTED.get_or_init(|| {
        // Without the thread (the system refused one), a lookup still
        // times out when it is next polled for any other reason.
        let _ = std::thread::Builder::new()
            .name("tower-cors-lookup-timer".to_owned())
            .spawn(move || timer.run());
    });
    timer
}

impl Timer {
    fn wake_at(&self, at: Instant, waker: Waker) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let (heap, seq) = &mut *queue;
        *seq = seq.wrapping_add(1);
        heap.push(Reverse(Entry {
            at,
            seq: *seq,
            waker,
        }));
        drop(queue);
        self.changed.notify_one();
    }

    /// Wakes each entry once its deadline has passed, forever.
    fn run(&self) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let now = Instant::now();
            let wait = match queue.0.peek() {
                None => None,
                Some(Reverse(first)) if first.at <= now => {
                    if let Some(Reverse(due)) = queue.0.pop() {
                        drop(queue);
                        due.waker.wake();
                        queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
                    }
                    continue;
                }
                Some(Reverse(first)) => Some(first.at - now),
            };
            queue = match wait {
                None => self
                    .changed
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner),
                Some(wait) => {
                    self.changed
                        .wait_timeout(queue, wait)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
            };
        }
    }
}

#[cfg(test)]
mod tests;
