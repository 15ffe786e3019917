//! WebKitGTK's MiniBrowser (Safari's engine) driven over WebKit's remote
//! inspector protocol, on a private Xvfb display.
//!
//! [`WebKit::launch`] starts `Xvfb -displayfd` and reads `MiniBrowser
//! --version` ([`WebKit::version`], "WebKitGTK 2.50.6"). [`WebKit::open_page`]
//! starts one MiniBrowser per [`Page`]: `--private` (ephemeral session),
//! `WEBKIT_INSPECTOR_HTTP_SERVER=127.0.0.1:<free port>`, and connects a
//! [`Wire`] to the `/socket/<conn>/<target>/WebPage` listed
//! there. Commands travel in `Target.sendMessageToTarget`, answers and
//! events come back in `Target.dispatchMessageFromTarget`. A navigation to another site gets a
//! new web process and target: targets start paused and get the Page,
//! Network, Console and Runtime domains before they are resumed. A page
//! offers `goto`, `eval` (awaits promises), `wait_for` (re-checks on every
//! inspector message: no sleeping), `security_messages`, `requests`,
//! `loading_failures`, `screenshot_png`, `memory_kib`, `log_tail`.
//!
//! What WebKit reports: a CORS refusal's reason is an English sentence in a
//! console message with source "security" (no URL, no request id) and, the
//! same sentence, in `Network.loadingFailed.errorText` (with the URL).
//! Preflights never appear in the Network domain: ask the server.
//! The viewport is 1024 x 768: MiniBrowser's default window, full screen
//! (no toolbar); without a window manager it cannot be resized.
//!
//! Isolation: each page is its own MiniBrowser with its own network process
//! and ephemeral session: cookies, HTTP and preflight caches start empty and
//! are shared with no other page; pages may run concurrently (`Page` is
//! `Send + Sync`). Within a page
//! the preflight cache survives `goto` (keyed by origin and URL; reused even
//! for `cache: "no-store"`). Every wait is bounded; dropping a `Page` kills
//! its processes, dropping `WebKit` kills Xvfb, also when a test panics.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::{fresh_dir, kill_group};

mod minibrowser;
mod page;

use minibrowser::MiniBrowser;
pub use page::{ConsoleMessage, NetRequest, Page};

/// Where MiniBrowser is: `$MINIBROWSER`, else WebKitGTK's library directory
/// (`/usr/lib/<triplet>/webkit2gtk-4.1/`, also 4.0 and 6.0), else `PATH`.
pub fn find_minibrowser() -> Option<PathBuf> {
    let apis = ["webkit2gtk-4.1", "webkit2gtk-4.0", "webkitgtk-6.0"];
    let libs = ["x86_64-linux-gnu", "aarch64-linux-gnu"]
        .iter()
        .flat_map(|t| apis.map(|a| PathBuf::from(format!("/usr/lib/{t}/{a}/MiniBrowser"))));
    match std::env::var_os("MINIBROWSER") {
        Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
        None => libs.chain(on_path("MiniBrowser")).find(|p| p.is_file()),
    }
}

/// Where Xvfb is: `$XVFB`, else `Xvfb` on `PATH`.
pub fn find_xvfb() -> Option<PathBuf> {
    let exe = std::env::var_os("XVFB").map(PathBuf::from);
    exe.or_else(|| on_path("Xvfb")).filter(|p| p.is_file())
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A private X display, and the MiniBrowser that pages are started from.
pub struct WebKit {
    xvfb: Child,
    display: String,
    exe: PathBuf,
    version: String,
    dir: PathBuf,
}

impl WebKit {
    /// Starts Xvfb and checks that MiniBrowser runs on it, within `timeout`.
    pub fn launch(timeout: Duration) -> Result<Self, String> {
        let exe = find_minibrowser().ok_or("MiniBrowser not found (set MINIBROWSER)")?;
        let xvfb_exe = find_xvfb().ok_or("Xvfb not found (set XVFB)")?;
        let dir = fresh_dir("webkit")?;
        let log = std::fs::File::create(dir.join("xvfb.log")).map_err(|e| e.to_string())?;
        // `-displayfd 1`: Xvfb picks a free display and writes its number
        // to stdout (a file here) once it accepts connections.
        let number = dir.join("display");
        let out = std::fs::File::create(&number).map_err(|e| e.to_string())?;
        let xvfb = Command::new(&xvfb_exe)
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg("1280x1024x24")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", xvfb_exe.display()))?;
        let mut webkit = WebKit {
            xvfb,
            display: String::new(),
            exe,
            version: String::new(),
            dir,
        };
        let deadline = Instant::now() + timeout;
        while !webkit.display.ends_with('\n') {
            if Instant::now() > deadline || webkit.xvfb.try_wait().is_ok_and(|s| s.is_some()) {
                let log = std::fs::read_to_string(webkit.dir.join("xvfb.log"));
                return Err(format!(
                    "Xvfb gave no display:\n{}",
                    log.unwrap_or_default()
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
            webkit.display = std::fs::read_to_string(&number).unwrap_or_default();
        }
        webkit.display = format!(":{}", webkit.display.trim());
        let out = webkit
            .minibrowser()
            .arg("--version")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("{} --version: {e}", webkit.exe.display()))?;
        webkit.version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !out.status.success() || webkit.version.is_empty() {
            let why = String::from_utf8_lossy(&out.stderr);
            return Err(format!("MiniBrowser --version: {why}"));
        }
        Ok(webkit)
    }

    /// The engine's version as `MiniBrowser --version` prints it
    /// ("WebKitGTK 2.50.6").
    pub fn version(&self) -> &str {
        &self.version
    }

    /// A MiniBrowser command for this display, quiet about accessibility.
    fn minibrowser(&self) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.env("DISPLAY", &self.display)
            .env("GDK_BACKEND", "x11")
            .env("NO_AT_BRIDGE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null());
        cmd
    }

    /// Starts a new MiniBrowser (its own ephemeral session), connects its
    /// inspector and loads `url`, within `timeout`.
    pub fn open_page(&self, url: &str, timeout: Duration) -> Result<Page<'_>, String> {
        self.open_page_with(url, &[], timeout)
    }

    /// [`WebKit::open_page`] with more MiniBrowser options, e.g.
    /// `--ignore-tls-errors` (accepts any certificate, such as a
    /// self-signed one made for a test).
    pub fn open_page_with(
        &self,
        url: &str,
        options: &[&str],
        timeout: Duration,
    ) -> Result<Page<'_>, String> {
        let deadline = Instant::now() + timeout;
        let left = || deadline.saturating_duration_since(Instant::now());
        // A port that was free a moment ago; MiniBrowser binds it itself.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let log = self.dir.join(format!("minibrowser-{port}.log"));
        let file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let child = self
            .minibrowser()
            .env("WEBKIT_INSPECTOR_HTTP_SERVER", format!("127.0.0.1:{port}"))
            .args(["--private", "--full-screen"])
            .args(options)
            .arg("about:blank")
            .stderr(file)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.exe.display()))?;
        // From here on, `Drop` kills it whatever happens.
        let mut process = MiniBrowser { child, log };
        let socket = loop {
            if let Some(path) = target_socket(port) {
                break path;
            }
            if left().is_zero() || process.child.try_wait().is_ok_and(|s| s.is_some()) {
                let log = process.log_tail();
                return Err(format!(
                    "MiniBrowser listed no inspector target on {port}:\n{log}"
                ));
            }
            std::thread::sleep(Duration::from_millis(25));
        };
        let page = Page::connect(port, &socket, process, left())?;
        page.goto(url, left())?;
        Ok(page)
    }
}

impl Drop for WebKit {
    fn drop(&mut self) {
        kill_group(&mut self.xvfb);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The first `/socket/<conn>/<target>/WebPage` in the inspector's HTML
/// target list on `port`, once it answers and lists one.
fn target_socket(port: u16) -> Option<String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    s.write_all(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    let start = body.find("/socket/")?;
    let end = start + body[start..].find('\'')?;
    Some(body[start..end].to_owned())
}
