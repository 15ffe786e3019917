//! The CORS-preflight cache (<https://fetch.spec.whatwg.org/#cors-preflight-cache>)
//! and the clock it reads, which tests can drive by hand.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::check::PreflightApproval;
use super::engine::Engine;
use super::request::CorsRequest;
use crate::fetch;

/// Where the browser model reads the time.
pub trait Clock: Send + Sync + 'static {
    /// Now.
    fn now(&self) -> Instant;
}

/// The real time.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when told to, for testing the preflight cache
/// without sleeping. Clones share the same time.
///
/// ```
/// use std::time::Duration;
/// use tower_cors::browser::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// let t0 = clock.now();
/// clock.advance(Duration::from_secs(6));
/// assert_eq!(clock.now() - t0, Duration::from_secs(6));
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    start: Instant,
    elapsed: Arc<Mutex<Duration>>,
}

impl ManualClock {
    /// A clock standing at the time it was made.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            elapsed: Arc::new(Mutex::new(Duration::ZERO)),
        }
    }

    /// Moves the clock (and its clones) forward.
    pub fn advance(&self, by: Duration) {
        let mut elapsed = self.elapsed.lock().unwrap_or_else(PoisonError::into_inner);
        *elapsed += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What a cache entry allows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// A method, as the server listed it (case-sensitive).
    Method(String),
    /// A header name, lower case.
    Header(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    origin: String,
    url: String,
    credentials: bool,
    item: Item,
    /// `None`: later than any `Instant` can say (an uncapped huge max-age).
    expires: Option<Instant>,
}

/// The CORS-preflight cache: entries keyed by the request's `Origin`
/// value, URL and whether it is credentialed, each allowing one method or
/// one header name until it expires.
///
/// Engines differ in two ways the cache follows: Chromium and WebKit keep
/// one result per key (a new preflight replaces it), the standard and
/// Firefox merge entries; Firefox never serves a credentialed entry to an
/// uncredentialed request, the others do.
///
/// ```
/// use std::time::{Duration, Instant};
/// use http::{HeaderMap, HeaderValue, StatusCode};
/// use tower_cors::browser::{check_preflight, Engine, PageRequest, PreflightCache};
///
/// let request = PageRequest::new("https://app.example", "PUT", "https://api.example/x").prepare()?;
/// let mut headers = HeaderMap::new();
/// headers.insert("access-control-allow-origin", HeaderValue::from_static("https://app.example"));
/// headers.insert("access-control-allow-methods", HeaderValue::from_static("PUT"));
/// let approval = check_preflight(Engine::Chromium, &request, StatusCode::NO_CONTENT, &headers).unwrap();
///
/// let mut cache = PreflightCache::new();
/// let t0 = Instant::now();
/// cache.store(Engine::Chromium, &request, &approval, t0);
/// assert!(cache.covers(Engine::Chromium, &request, t0 + Duration::from_secs(4)));
/// // No Access-Control-Max-Age: 5 seconds.
/// assert!(!cache.covers(Engine::Chromium, &request, t0 + Duration::from_secs(5)));
/// # Ok::<(), tower_cors::browser::InvalidRequest>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct PreflightCache {
    entries: Vec<Entry>,
}

impl PreflightCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records what a successful preflight for `request` allows, from `now`
    /// for the approval's lifetime (nothing when it is zero).
    pub fn store(
        &mut self,
        engine: Engine,
        request: &CorsRequest,
        approval: &PreflightApproval,
        now: Instant,
    ) {
        let credentials = request.is_credentialed();
        let (origin, url) = (request.origin(), request.url().to_string());
        if matches!(engine, Engine::Chromium | Engine::WebKit) {
            self.entries
                .retain(|e| !(e.origin == origin && e.url == url && e.credentials == credentials));
        }
        if approval.lifetime().is_zero() {
            return;
        }
        let expires = now.checked_add(approval.lifetime());
        let items = approval
            .methods()
            .iter()
            .map(|m| Item::Method(m.clone()))
            .chain(approval.headers().iter().map(|h| Item::Header(h.clone())));
        for item in items {
            let existing = self.entries.iter_mut().find(|e| {
                e.origin == origin && e.url == url && e.credentials == credentials && e.item == item
            });
            match existing {
                Some(entry) => entry.expires = expires,
                None => self.entries.push(Entry {
                    origin: origin.to_owned(),
                    url: url.clone(),
                    credentials,
                    item,
                    expires,
                }),
            }
        }
    }

    /// Whether live entries allow `request`'s method and every CORS-unsafe
    /// header name, so that no preflight is sent.
    pub fn covers(&self, engine: Engine, request: &CorsRequest, now: Instant) -> bool {
        let credentialed = request.is_credentialed();
        let url = request.url().to_string();
        let live: Vec<&Item> = self
            .entries
            .iter()
            .filter(|e| {
                e.origin == request.origin()
                    && e.url == url
                    && e.expires.map_or(true, |t| now < t)
                    && if engine == Engine::Firefox {
                        e.credentials == credentialed
                    } else {
                        e.credentials || !credentialed
                    }
            })
            .map(|e| &e.item)
            .collect();
        let method = request.method().as_str();
        let method_ok = fetch::is_cors_safelisted_method(method.as_bytes())
            || live.iter().any(|i| match i {
                Item::Method(m) => m == method || (m == "*" && !credentialed),
                Item::Header(_) => false,
            });
        method_ok
            && request.unsafe_header_names().iter().all(|name| {
                live.iter().any(|i| match i {
                    Item::Header(h) => {
                        h.eq_ignore_ascii_case(name)
                            || (h == "*"
                                && !credentialed
                                && (engine.wildcard_covers_authorization()
                                    || !fetch::is_cors_non_wildcard_request_header_name(
                                        name.as_bytes(),
                                    )))
                    }
                    Item::Method(_) => false,
                })
            })
    }

    /// Removes every entry for `request`'s origin and URL, as the standard
    /// does when a CORS check fails.
    pub fn clear_for(&mut self, request: &CorsRequest) {
        let url = request.url().to_string();
        self.entries
            .retain(|e| !(e.origin == request.origin() && e.url == url));
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// How many entries (live or expired) the cache holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests;
