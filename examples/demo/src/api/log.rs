//! What the API received: the latest [`LOG_WINDOW`] requests, each with the
//! status it got, whether the API's own handler ran, what the handler
//! received, and why the CORS layer refused it, if it did. Every string is
//! clipped to [`CLIP`] characters, so the log's memory has a fixed bound
//! however large the requests.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// One request as the API saw it, outside the CORS layer.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Arrival number in this log (the handler's notes find it by it).
    pub id: u64,
    /// The method, exactly as sent (`patch` stays `patch`).
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// `Origin`, if any.
    pub origin: Option<String>,
    /// `Access-Control-Request-Method`, if any.
    pub acrm: Option<String>,
    /// `Access-Control-Request-Headers`, if any.
    pub acrh: Option<String>,
    /// `Sec-Fetch-Site`, if sent.
    pub site: Option<String>,
    /// `Sec-Fetch-Mode`.
    pub mode: Option<String>,
    /// `Sec-Fetch-Dest`.
    pub dest: Option<String>,
    /// The names of the cookies it carried (never their values).
    pub cookies: Vec<String>,
    /// The status it was answered with (`0` while it is being answered).
    pub status: u16,
    /// The `Access-Control-Allow-Origin` it was answered with.
    pub acao: Option<String>,
    /// Whether the API's own handler ran (the CORS layer answers a
    /// preflight, and a write the guard refuses, without it).
    pub handled: bool,
    /// What the handler received: a body, a socket's messages.
    pub received: Option<String>,
    /// What the CORS policy made of it, in one sentence.
    pub why: Option<String>,
}

impl Seen {
    /// Whether this was a CORS preflight.
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS" && self.origin.is_some() && self.acrm.is_some()
    }

    /// The value of query parameter `key`.
    pub fn query(&self, key: &str) -> Option<&str> {
        let (_, query) = self.uri.split_once('?')?;
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// How many requests a [`RequestLog`] keeps: the latest ones, enough for
/// several runs of the page (each sends fewer than 30).
pub const LOG_WINDOW: usize = 256;

/// The longest string a [`Seen`] keeps, in characters; longer ones are
/// cut and end with `…`.
pub const CLIP: usize = 200;

/// At most [`CLIP`] characters of `s`.
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(CLIP) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}

/// The latest [`LOG_WINDOW`] requests an API received, oldest first;
/// optionally echoed to stdout (every request, also those no longer kept).
#[derive(Clone, Default)]
pub struct RequestLog {
    seen: Arc<Mutex<VecDeque<Seen>>>,
    ids: Arc<AtomicU64>,
    echo: bool,
}

impl RequestLog {
    /// A log that also prints one line per request.
    pub fn printing() -> Self {
        Self {
            echo: true,
            ..Self::default()
        }
    }

    /// The requests still kept (at most [`LOG_WINDOW`]), oldest first.
    pub fn snapshot(&self) -> Vec<Seen> {
        self.kept().iter().cloned().collect()
    }

    /// Whether any kept request satisfies `test` (without copying the log).
    pub fn any(&self, test: impl Fn(&Seen) -> bool) -> bool {
        self.kept().iter().any(test)
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, VecDeque<Seen>> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `seen` (dropping the oldest entry when full) and returns its id.
    pub(crate) fn begin(&self, mut seen: Seen) -> u64 {
        seen.id = self.ids.fetch_add(1, Ordering::Relaxed);
        let id = seen.id;
        let mut kept = self.kept();
        if kept.len() == LOG_WINDOW {
            kept.pop_front();
        }
        kept.push_back(seen);
        id
    }

    /// Changes entry `id`, if it is still kept.
    pub(crate) fn update(&self, id: u64, change: impl FnOnce(&mut Seen)) {
        if let Some(seen) = self.kept().iter_mut().rev().find(|s| s.id == id) {
            change(seen);
        }
    }

    /// Prints entry `id` when the log echoes.
    pub(crate) fn print(&self, id: u64) {
        if !self.echo {
            return;
        }
        let Some(seen) = self.kept().iter().rev().find(|s| s.id == id).cloned() else {
            return;
        };
        let extra = match (&seen.acrm, &seen.acrh) {
            (Some(m), Some(h)) => format!(" (preflight for {m}, headers {h})"),
            (Some(m), None) => format!(" (preflight for {m})"),
            _ => String::new(),
        };
        let cors = if seen.acao.is_some() {
            ""
        } else {
            ", no CORS headers"
        };
        let handler = if seen.handled {
            ""
        } else {
            ", handler not run"
        };
        println!(
            "api: {} {} from {}{extra} -> {}{cors}{handler}",
            seen.method,
            seen.uri,
            seen.origin.as_deref().unwrap_or("(no Origin)"),
            seen.status,
        );
    }
}

/// A handle on one request's entry, for the handler to say it ran and
/// what it received (an extension of the request).
#[derive(Clone)]
pub struct Entry {
    pub(crate) log: RequestLog,
    pub(crate) id: u64,
}

impl Entry {
    /// The handler ran.
    pub fn ran(&self) {
        self.log.update(self.id, |s| s.handled = true);
    }

    /// The handler received `what` (appended, `; `-separated, clipped).
    pub fn received(&self, what: &str) {
        self.log.update(self.id, |s| {
            let all = match &s.received {
                Some(before) => format!("{before}; {what}"),
                None => what.to_owned(),
            };
            s.received = Some(clip(&all));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(uri: &str) -> Seen {
        Seen {
            id: 0,
            method: "GET".into(),
            uri: uri.into(),
            origin: None,
            acrm: None,
            acrh: None,
            site: None,
            mode: None,
            dest: None,
            cookies: Vec::new(),
            status: 0,
            acao: None,
            handled: false,
            received: None,
            why: None,
        }
    }

    /// A demo left running keeps the latest entries only, and a handler's
    /// note about a dropped entry changes nothing.
    #[test]
    fn the_log_keeps_its_window_and_notes_find_their_entry() {
        let log = RequestLog::default();
        let first = log.begin(seen("/first"));
        for i in 0..LOG_WINDOW {
            log.begin(seen(&format!("/{i}")));
        }
        let kept = log.snapshot();
        assert_eq!(kept.len(), LOG_WINDOW);
        assert_eq!(kept[0].uri, "/0", "the oldest went first");
        Entry {
            log: log.clone(),
            id: first,
        }
        .ran();
        assert!(log.snapshot().iter().all(|s| !s.handled));
        let last = kept[LOG_WINDOW - 1].id;
        let entry = Entry {
            log: log.clone(),
            id: last,
        };
        entry.ran();
        entry.received("one");
        entry.received(&"y".repeat(1000));
        let noted = log.snapshot().pop().expect("an entry");
        assert!(noted.handled);
        let received = noted.received.unwrap_or_default();
        assert!(received.starts_with("one; yyy") && received.chars().count() == CLIP + 1);
    }
}
