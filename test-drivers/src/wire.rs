//! A JSON-message WebSocket connection, as both the DevTools protocol
//! (Chromium) and WebDriver BiDi (Firefox) use it: commands carry an `id`,
//! their replies carry the same `id`, everything else is an event.
//!
//! One I/O thread owns the socket; callers send through a channel and wait
//! on a condition variable that every received message wakes, so no caller
//! ever sleeps. Every wait is bounded.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::Message;

#[derive(Default)]
struct State {
    replies: HashMap<u64, Value>,
    /// Every event, in arrival order, by the key the protocol gives it
    /// (its session or browsing context).
    events: HashMap<String, Vec<Value>>,
    /// Why the connection ended, once it has.
    closed: Option<String>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One connection. Dropping it closes the socket and ends the I/O thread.
pub struct Wire {
    outgoing: Option<mpsc::Sender<String>>,
    shared: Arc<Shared>,
    next_id: AtomicU64,
    stop: Arc<AtomicBool>,
    io: Option<JoinHandle<()>>,
}

impl Wire {
    /// Connects to `ws://127.0.0.1:{port}{path}`. `key` files each event
    /// under the session or context it belongs to.
    pub fn connect(
        port: u16,
        path: &str,
        timeout: Duration,
        key: fn(&Value) -> String,
    ) -> Result<Self, String> {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let stream = TcpStream::connect_timeout(&addr, timeout)
            .map_err(|e| format!("connect to {addr}: {e}"))?;
        stream
            .set_read_timeout(Some(timeout))
            .and_then(|()| stream.set_write_timeout(Some(timeout)))
            .map_err(|e| e.to_string())?;
        let url = format!("ws://127.0.0.1:{port}{path}");
        let (mut ws, _) = tungstenite::client(url.as_str(), stream)
            .map_err(|e| format!("WebSocket handshake with {url}: {e}"))?;
        // Short reads from now on, so the I/O thread can also send.
        ws.get_mut()
            .set_read_timeout(Some(Duration::from_millis(5)))
            .map_err(|e| e.to_string())?;
        let (tx, rx) = mpsc::channel::<String>();
        let shared = Arc::new(Shared::default());
        let stop = Arc::new(AtomicBool::new(false));
        let io = {
            let shared = Arc::clone(&shared);
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("ws-io".into())
                .spawn(move || io_loop(ws, rx, &shared, &stop, key))
                .map_err(|e| e.to_string())?
        };
        Ok(Self {
            outgoing: Some(tx),
            shared,
            next_id: AtomicU64::new(1),
            stop,
            io: Some(io),
        })
    }

    /// Closes the connection and waits for the I/O thread.
    pub fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.outgoing = None;
        if let Some(io) = self.io.take() {
            let _ = io.join();
        }
    }

    /// Sends `msg` with a fresh `id` and waits at most `timeout` for the
    /// message that answers it (returned whole: the caller knows the
    /// protocol's error shape).
    pub fn request(&self, mut msg: Value, timeout: Duration) -> Result<Value, String> {
        let what = msg["method"].as_str().unwrap_or("command").to_owned();
        let Some(tx) = &self.outgoing else {
            return Err(format!("{what}: not connected"));
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        msg["id"] = Value::from(id);
        tx.send(msg.to_string())
            .map_err(|_| format!("{what}: the connection is gone"))?;
        self.wait(timeout, |state| state.replies.remove(&id))
            .map_err(|e| format!("{what}: {e}"))
    }

    /// The number of events under `key` so far (a position for the waits).
    pub fn mark(&self, key: &str) -> usize {
        self.shared.lock().events.get(key).map_or(0, Vec::len)
    }

    /// Waits at most `timeout` until `check` finds what it needs among the
    /// events under `key` received since position `since`. `check` runs
    /// again whenever such an event arrives.
    pub fn wait_events<T>(
        &self,
        key: &str,
        since: usize,
        timeout: Duration,
        mut check: impl FnMut(&[Value]) -> Option<T>,
    ) -> Result<T, String> {
        let mut checked = None;
        self.wait(timeout, |state| {
            let events = state.events.get(key).map_or(&[][..], Vec::as_slice);
            if checked == Some(events.len()) {
                return None;
            }
            checked = Some(events.len());
            check(events.get(since..).unwrap_or_default())
        })
    }

    /// A copy of the events under `key`.
    pub fn events(&self, key: &str) -> Vec<Value> {
        self.shared
            .lock()
            .events
            .get(key)
            .cloned()
            .unwrap_or_default()
    }

    fn wait<T>(
        &self,
        timeout: Duration,
        mut check: impl FnMut(&mut State) -> Option<T>,
    ) -> Result<T, String> {
        let deadline = Instant::now() + timeout;
        let mut state = self.shared.lock();
        loop {
            if let Some(found) = check(&mut state) {
                return Ok(found);
            }
            if let Some(why) = &state.closed {
                return Err(format!("connection closed: {why}"));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("nothing within {timeout:?}"));
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

impl Drop for Wire {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn io_loop(
    mut ws: tungstenite::WebSocket<TcpStream>,
    rx: mpsc::Receiver<String>,
    shared: &Shared,
    stop: &AtomicBool,
    key: fn(&Value) -> String,
) {
    let close = |why: String| {
        shared.lock().closed.get_or_insert(why);
        shared.changed.notify_all();
    };
    loop {
        if stop.load(Ordering::SeqCst) {
            let _ = ws.close(None);
            let _ = ws.flush();
            close("closed by the test".into());
            return;
        }
        loop {
            match rx.try_recv() {
                Ok(text) => {
                    if let Err(e) = ws.send(Message::text(text)) {
                        close(format!("send: {e}"));
                        return;
                    }
                }
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => {
                    close("the client went away".into());
                    return;
                }
            }
        }
        match ws.read() {
            Ok(Message::Text(text)) => {
                let Ok(msg) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                let mut state = shared.lock();
                match msg.get("id").and_then(Value::as_u64) {
                    Some(id) => {
                        state.replies.insert(id, msg);
                    }
                    None => state.events.entry(key(&msg)).or_default().push(msg),
                }
                drop(state);
                shared.changed.notify_all();
            }
            Ok(Message::Close(_)) => {
                close("the browser closed the connection".into());
                return;
            }
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => {
                close(format!("read: {e}"));
                return;
            }
        }
    }
}
