//! The little of the [URL Standard](https://url.spec.whatwg.org/) that
//! origins need: parsing and serialising a host ([`host`], with its
//! [`punycode`] check of `xn--` labels) and serialising an origin
//! ([`origin`]).
//!
//! Both sides use it, so that they agree to the byte on what a browser
//! sends: the server side reads configured origins with it (`origin/`), and
//! the browser model serialises the origin of the URLs it fetches with it
//! (`browser/`). It depends on neither.

pub(crate) mod host;
pub(crate) mod origin;
mod punycode;
