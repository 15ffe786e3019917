//! The engines a comparison test needs: found, or the test skipped with a
//! notice naming the package that provides them (and failed when `CI` is
//! set, where every engine must be installed).

use std::io::Write as _;
use std::path::PathBuf;

use tower_cors_test_drivers::{cdp, firefox, webkit};

/// A missing engine: fails under `CI`, else says the test is skipped and
/// which packages provide the engine.
pub fn skip(test: &str, engine: &str, packages: &str) {
    let message =
        format!("{engine} not found (apt-get install -y --no-install-recommends {packages})");
    assert!(std::env::var_os("CI").is_none(), "{message}");
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {message}");
}

/// Chromium's executable for `test`, or `None` once the test is skipped.
pub fn chromium(test: &str) -> Option<PathBuf> {
    let exe = cdp::find_chromium();
    if exe.is_none() {
        skip(test, "Chromium", "chromium");
    }
    exe
}

/// Firefox's executable for `test`, or `None` once the test is skipped.
pub fn firefox(test: &str) -> Option<PathBuf> {
    let exe = firefox::find();
    if exe.is_none() {
        skip(test, "Firefox", "firefox-esr");
    }
    exe
}

/// Whether WebKit's MiniBrowser and Xvfb are there for `test` (`false`
/// once the test is skipped).
pub fn webkit(test: &str) -> bool {
    let found = webkit::find_minibrowser().is_some() && webkit::find_xvfb().is_some();
    if !found {
        skip(test, "WebKit", "webkit2gtk-driver xvfb");
    }
    found
}
