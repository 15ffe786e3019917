//! [`OriginRule`]: one configured origin or pattern, in the form a browser
//! sends, and what it implies for a policy with credentials.

use std::net::Ipv4Addr;

use super::syntax;

/// A configured origin, checked and in the form a browser sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OriginRule {
    /// Exactly this serialised origin.
    Exact(String),
    /// `scheme://host` with any port (or none): written `scheme://host:*`.
    AnyPort {
        /// `scheme://host`, the part of the request origin before its port.
        site: String,
    },
    /// `scheme://*.suffix[:port]`: one or more labels under `suffix`.
    Subdomains {
        scheme: String,
        suffix: String,
        port: PortRule,
    },
}

/// The ports a subdomain pattern accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortRule {
    /// Exactly this port; `None` is the scheme's default (no port written).
    Exact(Option<u16>),
    /// Any port, or none.
    Any,
}

impl OriginRule {
    /// The scheme and host this rule allows (the host without its `*.`).
    pub(crate) fn scheme_and_host(&self) -> (&str, &str) {
        let site = match self {
            OriginRule::Subdomains { scheme, suffix, .. } => return (scheme, suffix),
            OriginRule::Exact(site) | OriginRule::AnyPort { site } => site,
        };
        // Checked rules always have `scheme://host`; `split` cuts next to
        // ASCII bytes only, so the byte ranges are character boundaries.
        match syntax::split(site.as_bytes()) {
            Some(parts) => {
                let host_start = parts.host_end - parts.host.len();
                (
                    &site[..parts.scheme.len()],
                    &site[host_start..parts.host_end],
                )
            }
            None => ("", site),
        }
    }

    /// Whether pages of this origin can be tampered with on the network:
    /// plain `http:` or `ws:` to a host that is not this machine. Script
    /// injected into such a page reads whatever the page may read, so such
    /// origins must not get credentialed access.
    pub(crate) fn is_insecure(&self) -> bool {
        let (scheme, host) = self.scheme_and_host();
        matches!(scheme, "http" | "ws") && !is_loopback_host(host)
    }

    /// For a `*.` pattern over a public suffix (`*.com`, `*.github.io`), the
    /// suffix: the sites under it belong to unrelated owners.
    pub(crate) fn public_suffix(&self) -> Option<&str> {
        match self {
            OriginRule::Subdomains { suffix, .. } if is_public_suffix(suffix) => Some(suffix),
            _ => None,
        }
    }
}

/// Whether a host names this machine: `localhost`, `*.localhost` (with or
/// without a trailing dot, which names the same host), `127.0.0.0/8` or
/// `[::1]`. Browsers treat these as potentially trustworthy even over
/// `http:` (Secure Contexts, "potentially trustworthy origin").
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether `host` is itself on the Public Suffix List (`com`, `co.uk`,
/// `github.io`), so that `*.host` spans sites of unrelated owners.
fn is_public_suffix(host: &str) -> bool {
    psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known() && s.as_bytes() == host.as_bytes())
}

#[cfg(test)]
mod tests;
