//! A model of what a browser does with CORS: the client side of the Fetch
//! standard, as pure functions, plus a [`Browser`] that drives any Tower
//! service the way a page's `fetch()` would.
//!
//! Use it to test that your front end can call your API, whichever CORS
//! layer serves it (this crate's, tower-http's, your own), without a
//! browser: the model gives the verdict, the reason Chromium, Firefox and
//! WebKit would each report, the console message and the fix.
//!
//! # Test that your front end can call your API
//!
//! ```
//! use std::convert::Infallible;
//! use http::{Method, Request, Response};
//! use tower::ServiceBuilder;
//! use tower_cors::browser::{Browser, Credentials, Engine, PageRequest};
//! use tower_cors::{CorsLayer, CorsPolicy};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = CorsPolicy::builder()
//!     .allow_origins(["https://app.example.com"])
//!     .allow_methods([Method::GET, Method::PUT])
//!     .allow_headers(["content-type"])
//!     .allow_credentials(true)
//!     .build()?;
//! let mut api = ServiceBuilder::new()
//!     .layer(CorsLayer::new(policy))
//!     .service_fn(|_: Request<String>| async {
//!         Ok::<_, Infallible>(Response::new(String::from("{\"ok\":true}")))
//!     });
//!
//! let mut browser = Browser::new(Engine::Chromium);
//! let page = PageRequest::new("https://app.example.com", "PUT", "https://api.example.com/items/1")
//!     .header("Content-Type", "application/json")
//!     .credentials(Credentials::Include);
//!
//! let outcome = browser.fetch(&mut api, &page).await?;
//! assert!(outcome.is_allowed());
//! assert_eq!(outcome.preflights(), 1);
//! assert_eq!(outcome.response().unwrap().body(), "{\"ok\":true}");
//!
//! // The preflight is cached (5 s without Access-Control-Max-Age).
//! let again = browser.fetch(&mut api, &page).await?;
//! assert_eq!(again.preflights(), 0);
//!
//! // A header the policy does not allow: blocked, and why.
//! let page = page.header("X-Trace", "1");
//! let outcome = browser.fetch(&mut api, &page).await?;
//! let blocked = outcome.blocked().unwrap();
//! assert_eq!(blocked.code().as_str(), "PreflightMissingAllowOriginHeader");
//! assert_eq!(blocked.reason_in(Engine::Firefox).as_deref(), Some("CORSMissingAllowOrigin"));
//! println!("{}\nfix: {}", blocked.message(), blocked.fix());
//! # Ok(()) }
//! ```
//!
//! # Test what a page can make your API do without CORS
//!
//! CORS decides what a page may *read*, not what it may *send*. A form post,
//! a `no-cors` fetch and a simple `POST` reach any server without asking;
//! the browser only hides the answer. The model tells the two apart.
//!
//! ```
//! use std::convert::Infallible;
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use std::sync::Arc;
//! use http::{Request, Response};
//! use tower_cors::browser::{Browser, Enctype, Engine, PageRequest};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let transfers = Arc::new(AtomicUsize::new(0));
//! let counted = transfers.clone();
//! let mut bank = tower::service_fn(move |req: Request<String>| {
//!     counted.fetch_add(1, Ordering::SeqCst);
//!     // What a real browser sends with a form from another site.
//!     assert_eq!(req.headers()["sec-fetch-site"], "cross-site");
//!     assert_eq!(req.headers()["sec-fetch-mode"], "navigate");
//!     assert_eq!(req.headers()["origin"], "https://evil.example");
//!     async { Ok::<_, Infallible>(Response::new(String::from("done"))) }
//! });
//!
//! let mut browser = Browser::new(Engine::Firefox);
//! let form = PageRequest::form_post("https://evil.example", "https://bank.example/transfer", Enctype::UrlEncoded);
//! let outcome = browser.fetch(&mut bank, &form).await?;
//! assert!(outcome.was_sent() && !outcome.is_readable());
//! assert_eq!(outcome.document().unwrap().body(), "done"); // the user sees it
//! assert_eq!(transfers.load(Ordering::SeqCst), 1); // and the transfer ran
//! # Ok(()) }
//! ```
//!
//! # The pieces
//!
//! - [`PageRequest`]: what a page asks: a `fetch()` (origin, method, URL,
//!   headers, [`Credentials`], [`Mode`]) or a form
//!   ([`PageRequest::form_post`] with an [`Enctype`],
//!   [`PageRequest::form_get`]), of a [`RequestKind`];
//!   [`PageRequest::prepare`] does what the browser does first and gives a
//!   [`CorsRequest`].
//! - [`CorsRequest`]: whether a preflight is needed, the exact preflight
//!   ([`CorsRequest::preflight`]) and actual request ([`CorsRequest::actual`]),
//!   and the request after a redirect ([`CorsRequest::redirect`]), with
//!   the `Origin` and Fetch Metadata (`Sec-Fetch-*`, [`Site`]) a browser
//!   sends.
//! - [`check_preflight`] and [`check_response`]: the CORS-preflight check
//!   and the CORS check, giving a [`PreflightApproval`] or an [`Allowed`]
//!   (what script can read), or a [`Blocked`].
//! - [`Blocked`]: [`CorsError`] (Chromium's DevTools `corsError`), its
//!   `failedParameter`, [`Blocked::reason_in`] each [`Engine`], the console
//!   message and the fix.
//! - [`PreflightCache`] with a [`Clock`] ([`ManualClock`] for tests).
//! - [`Url`]: an `http(s)` URL as a browser reads it (the URL Standard's
//!   host parser, the origin it sends, resolving a `Location`), and
//!   [`varies_on_origin`]: whether a shared cache keeps a response per
//!   `Origin`.
//! - [`Browser`]: all of it against a Tower service, giving an [`Outcome`]:
//!   whether the request reached the service, and whether the page can read
//!   the answer.
//!
//! # What is not modelled
//!
//! - Cookies: credentialed requests and forms carry none, so neither
//!   `SameSite` nor third-party cookie blocking is modelled.
//! - Same-site needs the Public Suffix List, which the model does not
//!   carry: hosts are same-site when equal, or when the caller declares
//!   the page's registrable domain ([`PageRequest::registrable_domain`]).
//! - Navigations other than a form submitted in the page's own window
//!   (links, `window.open`, forms targeting a frame, the address bar's
//!   `Sec-Fetch-Site: none`), `fetch()`'s `same-origin` mode, WebSockets,
//!   request bodies.
//! - Mixed content blocking, Private Network Access, the HTTP cache, and
//!   the headers engines add besides `Origin` and `Sec-Fetch-*`
//!   (`User-Agent`, `Referer`, client hints).
//! - IDN hosts (give punycode).

mod cache;
mod check;
mod console;
mod drive;
mod engine;
mod kind;
mod metadata;
mod reasons;
mod redirect;
mod request;
#[cfg(test)]
mod test_support;
mod url;
mod verdict;

pub use cache::{Clock, ManualClock, PreflightCache, SystemClock};
pub use check::{check_preflight, check_response, PreflightApproval};
pub use drive::{Browser, Exchange, ExchangeKind, FetchError, Outcome};
pub use engine::Engine;
pub use kind::{Enctype, Mode, RequestKind};
pub use metadata::Site;
pub use redirect::{InvalidRedirect, MAX_REDIRECTS};
pub use request::{CorsRequest, Credentials, InvalidRequest, PageRequest};
pub use url::Url;
pub use verdict::{Allowed, Blocked, CorsError, Verdict, Warning};

pub use crate::fetch::varies_on_origin;
