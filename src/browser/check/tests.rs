//! The CORS-preflight check and the CORS check, one file each.

mod preflight;
mod response;
