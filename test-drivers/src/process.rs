//! A browser process for a test: started in its own process group with a
//! fresh profile directory, its output read line by line (the drivers wait
//! for the line that announces the debugging endpoint, instead of polling
//! for a file), and on drop the whole group killed and the profile removed,
//! also when a test panics.
//!
//! The group also dies with the test process, however that ends (Ctrl-C, a
//! harness that exits without unwinding): the group's leader is a small
//! `sh` that starts the browser and then waits on a pipe from this process;
//! the pipe closes when this process is gone, and the `sh` kills its group.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Lines {
    lines: Mutex<(Vec<String>, bool)>,
    changed: Condvar,
}

/// A running browser process (and everything it started).
pub struct Process {
    /// The group's leader: the `sh` guarding the browser.
    child: Child,
    /// Its end of the pipe the guard waits on; closing it kills the group.
    _lifeline: Option<ChildStdin>,
    /// The profile directory, removed on drop.
    pub profile: PathBuf,
    stderr: Arc<Lines>,
    name: String,
}

/// A fresh, empty directory under the system temp directory.
pub fn fresh_dir(prefix: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!(
        "tower-cors-{prefix}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

impl Process {
    /// Starts `exe args` with the profile directory `profile` (already
    /// created; removed on drop even when starting fails).
    pub fn spawn(exe: &Path, args: &[String], profile: PathBuf) -> Result<Self, String> {
        let name = exe
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // `sh -c SCRIPT sh EXE ARGS...`: start the browser (it keeps the
        // output pipes), let go of them, wait for the lifeline to close,
        // then kill the whole group.
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(r#""$@" </dev/null & exec >/dev/null 2>&1; read -r _; kill -9 0"#)
            .arg("sh")
            .arg(exe)
            .args(args)
            .env("MOZ_CRASHREPORTER_DISABLE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so that every helper process it starts
            // can be killed with it.
            .process_group(0);
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&profile);
                return Err(format!("cannot start {}: {e}", exe.display()));
            }
        };
        let lifeline = child.stdin.take();
        let stderr = Arc::new(Lines::default());
        let pipes: [Option<Box<dyn std::io::Read + Send>>; 2] = [
            child.stdout.take().map(|p| Box::new(p) as _),
            child.stderr.take().map(|p| Box::new(p) as _),
        ];
        for pipe in pipes.into_iter().flatten() {
            let sink = Arc::clone(&stderr);
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    sink.lines
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                        .push(line);
                    sink.changed.notify_all();
                }
                // Both pipes close when the browser exits.
                sink.lines.lock().unwrap_or_else(PoisonError::into_inner).1 = true;
                sink.changed.notify_all();
            });
        }
        Ok(Self {
            child,
            _lifeline: lifeline,
            profile,
            stderr,
            name,
        })
    }

    /// Waits at most `timeout` for a line of output (stdout or stderr) for
    /// which `find` gives a value.
    pub fn wait_line<T>(
        &mut self,
        timeout: Duration,
        mut find: impl FnMut(&str) -> Option<T>,
    ) -> Result<T, String> {
        let deadline = Instant::now() + timeout;
        let mut seen = 0;
        let mut state = self
            .stderr
            .lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            for line in &state.0[seen..] {
                if let Some(found) = find(line) {
                    return Ok(found);
                }
            }
            seen = state.0.len();
            if state.1 {
                drop(state);
                return Err(format!(
                    "{} exited before it was ready:\n{}",
                    self.name,
                    self.log_tail()
                ));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                drop(state);
                return Err(format!(
                    "{} was not ready within {timeout:?}:\n{}",
                    self.name,
                    self.log_tail()
                ));
            }
            state = self
                .stderr
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// The last lines the browser wrote (for failure messages).
    pub fn log_tail(&self) -> String {
        let state = self
            .stderr
            .lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let lines: Vec<&String> = state
            .0
            .iter()
            .filter(|l| !l.contains("dbus") && !l.contains("unexpected operator"))
            .collect();
        lines[lines.len().saturating_sub(15)..]
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Kills the process group `leader` leads (it and every process it
/// started: a browser's content processes, crash handlers) and reaps the
/// leader.
pub fn kill_group(leader: &mut Child) {
    // The group has its leader's pid as its id.
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", leader.id())])
        .stderr(Stdio::null())
        .status();
    let _ = leader.kill();
    let _ = leader.wait();
}

impl Drop for Process {
    fn drop(&mut self) {
        kill_group(&mut self.child);
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
