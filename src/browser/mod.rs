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
//! # The pieces
//!
//! - [`PageRequest`]: what a script asks (origin, method, URL, headers,
//!   [`Credentials`]); [`PageRequest::prepare`] does what `fetch()` does
//!   first and gives a [`CorsRequest`].
//! - [`CorsRequest`]: whether a preflight is needed, the exact preflight
//!   ([`CorsRequest::preflight`]) and actual request ([`CorsRequest::actual`]),
//!   and the request after a redirect ([`CorsRequest::redirect`]).
//! - [`check_preflight`] and [`check_response`]: the CORS-preflight check
//!   and the CORS check, giving a [`PreflightApproval`] or an [`Allowed`]
//!   (what script can read), or a [`Blocked`].
//! - [`Blocked`]: [`CorsError`] (Chromium's DevTools `corsError`), its
//!   `failedParameter`, [`Blocked::reason_in`] each [`Engine`], the console
//!   message and the fix.
//! - [`PreflightCache`] with a [`Clock`] ([`ManualClock`] for tests).
//! - [`Browser`]: all of it against a Tower service, giving an [`Outcome`].
//!
//! # What is not modelled
//!
//! Cookies (credentialed requests carry none), `no-cors` and navigation
//! requests, Private Network Access, `Sec-Fetch-*` and other headers the
//! engines add, the HTTP cache, and IDN hosts (give punycode).

mod cache;
mod check;
mod drive;
mod engine;
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
pub use redirect::{InvalidRedirect, MAX_REDIRECTS};
pub use request::{CorsRequest, Credentials, InvalidRequest, PageRequest};
pub use verdict::{Allowed, Blocked, CorsError, Verdict, Warning};
