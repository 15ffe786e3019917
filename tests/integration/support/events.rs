//! Capturing the `tracing` events a test causes, for every test of this
//! binary that reads them (`tracing_events`, `warnings`): one mechanism, so
//! that no test's subscriber changes what another one sees.
//!
//! Why one global subscriber, and why it comes up the way it does. The
//! tests run in parallel threads of one process, and `tracing` caches in
//! each call site (process-wide) whether any subscriber wants it, and in
//! one process-wide maximum level whether any call site is worth looking at.
//! A call site's interest is worked out once, by the first thread that
//! reaches it: while only one subscriber is registered, from that thread's
//! own default subscriber, so a thread with none caches "never" for every
//! thread, until the next subscriber is registered. That is why a scoped
//! subscriber (`set_default`) per test loses events: another test thread
//! that reaches the library's call sites first turns them off while the
//! test runs. Installing a global subscriber does not close this by itself:
//! registering it raises the maximum level (and works out the interests
//! again) *before* it becomes every thread's default, and a test thread
//! that reaches a call site in between (a test sending requests in a loop
//! does, within microseconds) still finds no subscriber and caches "never"
//! for the rest of the process.
//!
//! So there is one global subscriber and no scoped one, it asks for no level
//! at all until every thread sees it, and only then does it raise the level
//! and rebuild the cached interests: from then on, whichever thread reaches
//! a call site first finds it. It is interested in every call site
//! (`Interest::sometimes`, asked again at each event) and hands each event to
//! the capture of the thread it happens on, if any. `#[tokio::test]` runs its
//! future on the test's own thread, and so does the layer's `call`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};

/// One event: its level, target and fields (the message under `message`).
#[derive(Debug, Clone)]
pub struct Captured {
    pub level: Level,
    pub target: String,
    pub fields: BTreeMap<String, String>,
}

thread_local! {
    static CAPTURED: RefCell<Option<Vec<Captured>>> = const { RefCell::new(None) };
}

/// Whether the global subscriber is every thread's default yet.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Records the events emitted on this thread until dropped.
pub struct Capture;

impl Capture {
    /// Starts recording this thread's events (installing the global
    /// subscriber the first time).
    pub fn start() -> Capture {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(PerThread))
                .expect("no other global subscriber in this test binary");
            // Now every thread sees it: let the level rise, and work out
            // again any interest cached so far.
            INSTALLED.store(true, Ordering::SeqCst);
            tracing::callsite::rebuild_interest_cache();
        });
        CAPTURED.with(|c| *c.borrow_mut() = Some(Vec::new()));
        Capture
    }

    /// The events recorded so far, in order.
    pub fn events(&self) -> Vec<Captured> {
        CAPTURED.with(|c| c.borrow().clone().unwrap_or_default())
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        CAPTURED.with(|c| *c.borrow_mut() = None);
    }
}

/// The global layer: enabled only on threads with a [`Capture`].
struct PerThread;

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for PerThread {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Asked again for every event, so the thread decides.
        Interest::sometimes()
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        // Nothing until installed (see the module's comment), then anything.
        if INSTALLED.load(Ordering::SeqCst) {
            None
        } else {
            Some(LevelFilter::OFF)
        }
    }

    fn enabled(&self, _: &Metadata<'_>, _: Context<'_, S>) -> bool {
        CAPTURED.with(|c| c.borrow().is_some())
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        CAPTURED.with(|c| {
            if let Some(events) = c.borrow_mut().as_mut() {
                events.push(Captured {
                    level: *event.metadata().level(),
                    target: event.metadata().target().to_owned(),
                    fields,
                });
            }
        });
    }
}
