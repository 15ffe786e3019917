//! The [ASCII serialisation of an origin](https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin):
//! `scheme "://" host [ ":" port ]`, the port left out when it is the
//! scheme's default. This is the `Origin` value a browser sends for a page.

/// The port a scheme implies when none is written (URL Standard,
/// [special scheme](https://url.spec.whatwg.org/#special-scheme)).
#[inline]
pub(crate) fn default_port(scheme: &[u8]) -> Option<u16> {
    match scheme {
        b"http" | b"ws" => Some(80),
        b"https" | b"wss" => Some(443),
        b"ftp" => Some(21),
        _ => None,
    }
}

/// Serialises an origin from parts already in the form browsers send: a
/// lower-case `scheme` and a `host` as [`super::host::serialize`] gives it. The
/// port is written unless it is the scheme's default.
pub(crate) fn serialize(scheme: &str, host: &str, port: Option<u16>) -> String {
    match port.filter(|&p| Some(p) != default_port(scheme.as_bytes())) {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    }
}

#[cfg(test)]
mod tests;
