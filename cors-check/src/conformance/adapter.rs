//! The adapter protocol, the runner's side: `CMD <policy.json>` started
//! in a process group of its own, `LISTENING <port>` awaited on its
//! standard output (or `UNSUPPORTED <why>`), and the whole group ended
//! (SIGTERM, then SIGKILL to the command) when the [`Adapter`] is dropped:
//! at the end of its vectors, on an error, or on Ctrl-C.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::task::JoinHandle;

/// How much of an adapter's standard error is kept for messages.
const STDERR_KEPT: usize = 2000;

/// A running adapter; dropping it ends it.
#[derive(Debug)]
pub struct Adapter {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
}

/// What starting an adapter gave.
#[derive(Debug)]
pub enum Started {
    /// It serves the policy.
    Listening(Adapter),
    /// The library cannot express the policy: the reason it gave.
    Unsupported(String),
    /// It did not start: why, with the end of its standard error.
    Failed(String),
}

impl Drop for Adapter {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// SIGTERM to the child's process group (a `serve` script and what it
/// started), then SIGKILL to the child itself. The shell's own `kill`
/// sends the signal: every system has `sh`, not every one `/bin/kill`.
fn stop(child: &mut Child) {
    if let Some(pid) = child.id() {
        let _ = std::process::Command::new("sh")
            .args(["-c", &format!("kill -TERM -{pid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.start_kill();
}

/// The command line `--adapter` gives, split on white space.
pub fn split(command: &str) -> Result<Vec<String>, String> {
    let words: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
    if words.is_empty() {
        return Err("--adapter needs a command, e.g. conformance/adapters/tower-cors/serve".into());
    }
    Ok(words)
}

/// Starts `command` on `policy` and waits up to `wait` for its first line.
pub async fn start(command: &[String], policy: &Path, wait: Duration) -> Started {
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..])
        .arg(policy)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => return Started::Failed(format!("cannot run {}: {e}", command[0])),
    };
    let stderr = Arc::new(Mutex::new(String::new()));
    let reading = child
        .stderr
        .take()
        .map(|err| tokio::spawn(keep_tail(err, stderr.clone())));
    let Some(out) = child.stdout.take() else {
        stop(&mut child);
        return Started::Failed("its standard output could not be read".into());
    };
    let mut lines = BufReader::new(out).lines();
    let first = tokio::time::timeout(wait, first_line(&mut lines)).await;
    let why = match first {
        Ok(Some(line)) => match line
            .strip_prefix("LISTENING ")
            .map(|p| p.trim().parse::<u16>())
        {
            Some(Ok(port)) => {
                // Keep reading what it prints, so that it never blocks on a full pipe.
                tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
                return Started::Listening(Adapter { child, port });
            }
            Some(Err(_)) => format!("'{line}': LISTENING needs a port"),
            None => {
                stop(&mut child);
                return Started::Unsupported(
                    line.trim_start_matches("UNSUPPORTED").trim().to_owned(),
                );
            }
        },
        Ok(None) => {
            let status = child
                .wait()
                .await
                .map(|s| s.to_string())
                .unwrap_or_default();
            format!("it ended ({status}) without printing LISTENING <port>")
        }
        Err(_) => format!("no LISTENING <port> line within {wait:?}"),
    };
    stop(&mut child);
    let said = said(reading, &stderr).await;
    Started::Failed(if said.is_empty() {
        why
    } else {
        format!("{why}; it said: {said}")
    })
}

/// The first `LISTENING` or `UNSUPPORTED` line, or `None` at the end.
async fn first_line(lines: &mut Lines<BufReader<ChildStdout>>) -> Option<String> {
    while let Ok(Some(line)) = lines.next_line().await {
        let line = line.trim().to_owned();
        if line.starts_with("LISTENING ") || line.starts_with("UNSUPPORTED") {
            return Some(line);
        }
    }
    None
}

/// What an adapter that ended said: the rest of its standard error, once
/// read (at most a second).
async fn said(reading: Option<JoinHandle<()>>, stderr: &Mutex<String>) -> String {
    if let Some(reading) = reading {
        let _ = tokio::time::timeout(Duration::from_secs(1), reading).await;
    }
    stderr
        .lock()
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// Keeps the last [`STDERR_KEPT`] bytes of `from`.
async fn keep_tail(mut from: impl AsyncRead + Unpin, into: Arc<Mutex<String>>) {
    let mut buf = [0u8; 1024];
    while let Ok(n) = from.read(&mut buf).await {
        if n == 0 {
            break;
        }
        if let Ok(mut kept) = into.lock() {
            kept.push_str(&String::from_utf8_lossy(&buf[..n]));
            if kept.len() > STDERR_KEPT {
                let cut = kept.len() - STDERR_KEPT;
                let cut = (cut..kept.len())
                    .find(|i| kept.is_char_boundary(*i))
                    .unwrap_or(cut);
                kept.drain(..cut);
            }
        }
    }
}

/// What `serve --about` says of the implementation.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct About {
    /// The library's name, e.g. `express+cors`.
    pub name: String,
    /// The version installed.
    pub version: String,
    /// Its language.
    #[serde(default)]
    pub language: Option<String>,
}

/// `CMD --about`, when the adapter answers it within `wait`.
pub async fn about(command: &[String], wait: Duration) -> Option<About> {
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..])
        .arg("--about")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(wait, cmd.output()).await.ok()?.ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|l| serde_json::from_str(l.trim()).ok())
}
