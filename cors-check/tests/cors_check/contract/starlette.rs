//! Starlette's `CORSMiddleware` under uvicorn (from PyPI, installed by
//! `.ci/run` into the target folder): a CORS implementation not written
//! here, run as a child process on 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};

/// Where `.ci/run` installs Starlette and uvicorn: `contract-servers/python`
/// in the target folder (the one holding this test's `cors-check`), or
/// `CORS_CHECK_PYTHONPATH`.
pub fn python_path() -> PathBuf {
    if let Some(p) = std::env::var_os("CORS_CHECK_PYTHONPATH") {
        return PathBuf::from(p);
    }
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_cors-check"));
    // <target>/debug/cors-check
    let target = exe
        .parent()
        .and_then(|p| p.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    target.join("contract-servers").join("python")
}

/// Why Starlette cannot run here, if it cannot.
pub fn missing() -> Option<String> {
    let path = python_path();
    let ok = Command::new("python3")
        .args(["-c", "import starlette, uvicorn"])
        .env("PYTHONPATH", &path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (!ok).then(|| {
        format!(
            "Starlette and uvicorn are not installed in {} (.ci/run installs them: python3 -m pip install --target {} starlette uvicorn)",
            path.display(),
            path.display()
        )
    })
}

/// A running Starlette app; stopped when dropped.
pub struct Starlette {
    pub addr: SocketAddr,
    child: Child,
    /// Closed on drop: the app exits when its standard input closes.
    stdin: Option<ChildStdin>,
}

impl Starlette {
    /// Starts the app with these `CORSMiddleware` keyword arguments (JSON).
    pub fn start(options: &serde_json::Value) -> Starlette {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cors_check/contract/starlette_app.py"
        );
        let mut child = Command::new("python3")
            .arg(script)
            .arg(options.to_string())
            .env("PYTHONPATH", python_path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the app prints its port");
        let port: u16 = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the app printed {line:?}, not a port"));
        let stdin = child.stdin.take();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        // The app listens before it prints the port: connections queue
        // until uvicorn accepts them.
        Starlette { addr, child, stdin }
    }
}

impl Drop for Starlette {
    fn drop(&mut self) {
        drop(self.stdin.take());
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
    }
}
