use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Wake;

use super::*;

/// Blocks the test thread on a future, woken by its waker.
fn block_on<F: Future + Unpin>(mut future: F) -> F::Output {
    struct Flag(AtomicBool, std::thread::Thread);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
            self.1.unpark();
        }
    }
    let flag = Arc::new(Flag(AtomicBool::new(false), std::thread::current()));
    let waker = Waker::from(Arc::clone(&flag));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = Pin::new(&mut future).poll(&mut cx) {
            return out;
        }
        while !flag.0.swap(false, Ordering::SeqCst) {
            std::thread::park();
        }
    }
}

#[test]
fn an_answer_in_time_is_the_answer() {
    let yes: OriginLookup = Box::pin(async { true });
    let no: OriginLookup = Box::pin(async { false });
    let timeout = Duration::from_secs(5);
    assert_eq!(
        block_on(TimedLookup::new(yes, timeout)),
        LookupAnswer::Allowed
    );
    assert_eq!(
        block_on(TimedLookup::new(no, timeout)),
        LookupAnswer::Refused
    );
}

#[test]
fn a_lookup_that_never_answers_times_out_and_is_woken() {
    let never: OriginLookup = Box::pin(std::future::pending());
    let started = Instant::now();
    let answer = block_on(TimedLookup::new(never, Duration::from_millis(30)));
    assert_eq!(answer, LookupAnswer::TimedOut);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(30), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn deadlines_wake_in_order_whatever_the_order_they_were_set_in() {
    let slow: OriginLookup = Box::pin(std::future::pending());
    let fast: OriginLookup = Box::pin(std::future::pending());
    let slow =
        std::thread::spawn(move || block_on(TimedLookup::new(slow, Duration::from_millis(200))));
    let started = Instant::now();
    assert_eq!(
        block_on(TimedLookup::new(fast, Duration::from_millis(20))),
        LookupAnswer::TimedOut
    );
    assert!(started.elapsed() < Duration::from_millis(200));
    assert_eq!(slow.join().unwrap(), LookupAnswer::TimedOut);
}
