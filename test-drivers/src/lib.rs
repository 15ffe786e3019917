//! The real browsers tower-cors's browser suites run, driven from Rust with
//! no WebDriver binary in between: each engine is started in its own
//! process group with a fresh profile and spoken to over its own protocol.
//!
//! - [`devtools`]: headless Chromium over the DevTools protocol, every page
//!   in its own browser context; [`cdp`]: a tab's network log on top of it
//!   (which requests a page made, their status and `corsError`).
//! - [`firefox`]: headless Firefox ESR over WebDriver BiDi, its console
//!   (with each message's key) over [`marionette`].
//! - [`webkit`]: WebKitGTK's MiniBrowser on a private Xvfb display, over
//!   WebKit's remote inspector protocol.
//! - [`process`]: the guard Chromium and Firefox run under (its whole
//!   process group dies with the guard, or with the test process), the
//!   group kill and the fresh directory WebKit's processes use too;
//!   [`wire`]: the JSON-over-WebSocket connection DevTools, BiDi and the
//!   inspector share.
//!
//! Each `find` function says where an engine is installed (an environment
//! variable such as `CHROMIUM`, `FIREFOX`, `MINIBROWSER`, `XVFB`, else the
//! usual names on `PATH`); the suites skip an engine that is missing, or
//! fail when `CI` is set.
//!
//! Linux only: the process guard uses process groups.

pub mod cdp;
pub mod devtools;
pub mod firefox;
pub mod marionette;
pub mod process;
pub mod webkit;
pub mod wire;
