//! Firefox's Marionette protocol, just enough to create the WebDriver
//! session (with `webSocketUrl`, so that BiDi attaches to it) and to run
//! scripts in the chrome context, where `Services.console` gives every
//! console message with its exact key (`CORSMissingAllowOrigin2`) and
//! level, warnings included, which BiDi does not forward.
//!
//! Framing: each message is `<length>:<json>`. Commands are
//! `[0, id, name, params]`, replies `[1, id, error, result]`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde_json::{json, Value};

struct Conn {
    stream: TcpStream,
    next_id: u64,
}

/// One Marionette connection; commands run one at a time.
pub struct Marionette {
    conn: Mutex<Conn>,
}

fn read_message(stream: &mut TcpStream) -> Result<Value, String> {
    let mut len = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        stream
            .read_exact(&mut byte)
            .map_err(|e| format!("Marionette read: {e}"))?;
        if byte[0] == b':' {
            break;
        }
        len.push(byte[0]);
    }
    let len: usize = std::str::from_utf8(&len)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or("Marionette: bad frame length")?;
    let mut body = vec![0; len];
    stream
        .read_exact(&mut body)
        .map_err(|e| format!("Marionette read: {e}"))?;
    serde_json::from_slice(&body).map_err(|e| format!("Marionette: bad JSON: {e}"))
}

impl Marionette {
    /// Connects to 127.0.0.1:`port` and reads the server's greeting.
    pub fn connect(port: u16, timeout: Duration) -> Result<Self, String> {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let mut stream = TcpStream::connect_timeout(&addr, timeout)
            .map_err(|e| format!("connect to Marionette on {addr}: {e}"))?;
        stream
            .set_read_timeout(Some(timeout))
            .map_err(|e| e.to_string())?;
        let hello = read_message(&mut stream)?;
        if hello["marionetteProtocol"] != 3 {
            return Err(format!("unexpected Marionette greeting {hello}"));
        }
        Ok(Self {
            conn: Mutex::new(Conn { stream, next_id: 1 }),
        })
    }

    /// Runs command `name` and waits at most `timeout` for its result.
    pub fn command(&self, name: &str, params: Value, timeout: Duration) -> Result<Value, String> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let id = conn.next_id;
        conn.next_id += 1;
        let body = json!([0, id, name, params]).to_string();
        let stream = &mut conn.stream;
        stream
            .set_read_timeout(Some(timeout))
            .map_err(|e| e.to_string())?;
        stream
            .write_all(format!("{}:{body}", body.len()).as_bytes())
            .map_err(|e| format!("{name}: {e}"))?;
        loop {
            let reply = read_message(stream).map_err(|e| format!("{name}: {e}"))?;
            if reply[0] != 1 || reply[1] != id {
                continue;
            }
            if !reply[2].is_null() {
                return Err(format!("{name}: {}", reply[2]));
            }
            return Ok(reply[3].clone());
        }
    }

    /// Runs `script` (an async script: it calls its last argument with the
    /// result) in the chrome context's persistent sandbox `towercors`.
    pub fn chrome_async(
        &self,
        script: &str,
        args: Value,
        timeout: Duration,
    ) -> Result<Value, String> {
        let r = self.command(
            "WebDriver:ExecuteAsyncScript",
            json!({"script": script, "args": args, "sandbox": "towercors", "newSandbox": false}),
            timeout,
        )?;
        Ok(r["value"].clone())
    }
}
