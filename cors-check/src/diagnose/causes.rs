//! Failures no `Access-Control-*` header can fix, named before the CORS
//! walk, per engine, with the fix: mixed content (an `https:` page calling
//! an `http:` URL) and Local Network Access (a page reaching a more private
//! address than its own, judged by the address the tool connected to).
//! Cookies that will not be sent are [`super::cookies`]'s.

use std::net::{IpAddr, SocketAddr};

use tower_cors::browser::{Engine, Url};

use super::findings::{code, Finding, Severity};
use crate::transport::Resolve;
use crate::url::{bare_host, over_https};

/// What an engine does because of a cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The request fails before any CORS check.
    Blocks,
    /// It goes through only if the user allows it (a permission prompt).
    Asks,
    /// Nothing today (said why).
    Allows,
}

impl Effect {
    /// `blocks`, `asks` or `allows`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Effect::Blocks => "blocks",
            Effect::Asks => "asks",
            Effect::Allows => "allows",
        }
    }
}

/// One non-CORS cause, each engine's effect and the fix.
#[derive(Debug, Clone)]
pub struct Cause {
    /// A stable code (also the finding's).
    pub code: &'static str,
    /// What it is, in one sentence.
    pub summary: String,
    /// Each engine asked, what it does and why.
    pub engines: Vec<(Engine, Effect, String)>,
    /// What to change.
    pub fix: String,
    /// Chromium's DevTools `corsError` when this cause fails the request
    /// there: when Chromium blocks it, or, for a permission prompt, when
    /// the user denies it. `None` when Chromium reports no `corsError`
    /// (mixed content has a `blockedReason` instead).
    pub devtools_code: Option<&'static str>,
}

impl Cause {
    /// The DevTools code of the request in `engine` when this cause blocks
    /// it there (`None` when it does not, or has no code): it comes before
    /// any CORS error, since the request fails before CORS is checked.
    pub fn blocking_code(&self, engine: Engine) -> Option<&'static str> {
        self.blocks(engine).then_some(self.devtools_code).flatten()
    }

    /// Whether it blocks the request in `engine`.
    pub fn blocks(&self, engine: Engine) -> bool {
        self.engines
            .iter()
            .any(|(e, effect, _)| *e == engine && *effect == Effect::Blocks)
    }

    /// The finding it gives: medium when an engine blocks or asks, else none.
    pub fn finding(&self) -> Option<Finding> {
        let worst = self
            .engines
            .iter()
            .filter(|(_, effect, _)| *effect != Effect::Allows)
            .map(|(e, effect, _)| format!("{} {}", e.label(), effect.as_str()))
            .collect::<Vec<_>>();
        if worst.is_empty() {
            return None;
        }
        Some(Finding::new(
            self.code,
            Severity::Medium,
            format!("{} ({}). {}", self.summary, worst.join(", "), self.fix),
        ))
    }
}

/// Whether a host is loopback by name or address (`localhost`,
/// `*.localhost`, 127.0.0.0/8, `::1`): "potentially trustworthy".
pub fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|ip| space(ip) == Space::Loopback)
}

/// Mixed content: an `https:` page calling an `http:` URL. Every engine
/// blocks it before any request is sent, except that Chromium and Firefox
/// exempt loopback (`localhost`, 127.0.0.1, "potentially trustworthy")
/// and WebKit does not (WebKitGTK 2.50's MiniBrowser blocks
/// `http://127.0.0.1` and `http://localhost` from an https page).
pub fn mixed_content(page_origin: &str, url: &str, engines: &[Engine]) -> Option<Cause> {
    let api = Url::parse(url)?;
    if Url::parse(page_origin)?.scheme() != "https" || api.scheme() != "http" {
        return None;
    }
    let loopback = is_loopback_host(bare_host(&api));
    let effects: Vec<(Engine, Effect, String)> = engines
        .iter()
        .map(|e| match (e, loopback) {
            (_, false) => (
                *e,
                Effect::Blocks,
                "blocks it: an https: page may fetch only https: URLs (loopback, localhost and 127.0.0.1, excepted)".to_owned(),
            ),
            (Engine::WebKit, true) => (
                *e,
                Effect::Blocks,
                format!("blocks it: an https: page may fetch only https: URLs, loopback (localhost, 127.0.0.1) included, and fetch() rejects with \"{}\"", e.fetch_error()),
            ),
            (_, true) => (
                *e,
                Effect::Allows,
                "allows it: loopback (localhost, 127.0.0.1) is potentially trustworthy, so an http: URL there is not mixed content".to_owned(),
            ),
        })
        .collect();
    if !effects
        .iter()
        .any(|(_, effect, _)| *effect == Effect::Blocks)
    {
        return None;
    }
    let https = over_https(&api).map_or_else(String::new, |u| u.to_string());
    let summary = if loopback {
        format!(
            "Mixed content in WebKit (Safari): the page is https: and the URL is http: on loopback; Chromium and Firefox exempt loopback, WebKit does not and blocks the request before sending it, so no CORS header is read and fetch() rejects with \"{}\" (page {page_origin}, URL {url})",
            Engine::WebKit.fetch_error()
        )
    } else {
        format!(
            "Mixed content: the page is https: and the URL is http:, so the browser blocks the request before sending it; no CORS header is read, and the console says \"Mixed Content: The page at '{page_origin}/…' was loaded over HTTPS, but requested an insecure resource '{url}'. This request has been blocked; the content must be served over HTTPS.\" (Chromium's wording; in DevTools the request's blocked reason is mixed-content, with no CORS error, and the Issues panel has a Mixed Content issue)"
        )
    };
    let fix = if loopback {
        format!(
            "Serve the local API over https (a certificate Safari trusts) and call {https}; or, for development, serve the page over http too."
        )
    } else {
        format!(
            "Serve the API over https and call {https}; or, for development, serve the page over http too, or call the API on localhost (Chromium and Firefox; not WebKit)."
        )
    };
    Some(Cause {
        code: code::MIXED_CONTENT,
        summary,
        engines: effects,
        fix,
        devtools_code: None,
    })
}

/// Address spaces, least private first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Space {
    /// The internet.
    Public,
    /// A private network: RFC 1918, link-local, CGNAT, unique-local IPv6.
    Local,
    /// This machine.
    Loopback,
}

impl Space {
    fn name(self) -> &'static str {
        match self {
            Space::Public => "public",
            Space::Local => "local (private network)",
            Space::Loopback => "loopback",
        }
    }

    /// Chromium's name for it, in its console messages.
    fn chromium_name(self) -> &'static str {
        match self {
            Space::Public => "public",
            Space::Local => "local",
            Space::Loopback => "loopback",
        }
    }

    /// The name of Chromium's permission (and site setting) for reaching it.
    fn chromium_permission(self) -> &'static str {
        match self {
            Space::Loopback => "Loopback network",
            _ => "Local network",
        }
    }
}

/// The address space of an IP address.
pub fn space(ip: IpAddr) -> Space {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            if v4.is_loopback() {
                Space::Loopback
            } else if v4.is_private()
                || v4.is_link_local()
                || (a == 100 && (64..128).contains(&b))
                || v4.is_unspecified()
            {
                Space::Local
            } else {
                Space::Public
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Space::Loopback
            } else if (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6.is_unspecified()
            {
                Space::Local
            } else {
                Space::Public
            }
        }
    }
}

/// The page's address space from its origin: an IP literal's own, the
/// address `--resolve` gives its host and port, `localhost` loopback, a
/// `.local` name local, any other name assumed public (said so).
fn page_space(page_origin: &str, resolve: &[Resolve]) -> Option<(Space, &'static str)> {
    let page = Url::parse(page_origin)?;
    if let Some(ip) = page.ip() {
        return Some((space(ip), ""));
    }
    let host = bare_host(&page);
    if let Some(ip) = Resolve::find(resolve, host, page.port_or_default()) {
        return Some((space(ip), " (its address, from --resolve)"));
    }
    if is_loopback_host(host) {
        return Some((Space::Loopback, ""));
    }
    if host.ends_with(".local") {
        return Some((Space::Local, " (a .local name)"));
    }
    Some((Space::Public, " (assumed from its domain name)"))
}

/// Local Network Access: the page reaching a more private address space
/// than its own, from the address the tool connected to (and the page's
/// own, where `--resolve` gives it).
pub fn local_network_access(
    page_origin: &str,
    resolve: &[Resolve],
    remote: SocketAddr,
    engines: &[Engine],
) -> Option<Cause> {
    let (page, assumed) = page_space(page_origin, resolve)?;
    let target = space(remote.ip());
    if target <= page {
        return None;
    }
    let page_url = Url::parse(page_origin)?;
    let secure = page_url.scheme() == "https" || is_loopback_host(bare_host(&page_url));
    let (space_name, permission) = (target.chromium_name(), target.chromium_permission());
    let per_engine = engines
        .iter()
        .map(|e| match e {
            Engine::Chromium if secure => (
                *e,
                Effect::Asks,
                format!("asks the user first (Chromium 142+: the \"{permission}\" permission prompt), and fetch() waits for the answer; nothing is sent before it. If the user blocks it (headless Chromium, with no one to ask, denies it at once), fetch() fails with a TypeError and the console blames CORS: \"... has been blocked by CORS policy: Permission was denied for this request to access the `{space_name}` address space.\" (DevTools code LocalNetworkAccessPermissionDenied); if the user allows it, the CORS check below decides"),
            ),
            Engine::Chromium => (
                *e,
                Effect::Blocks,
                format!("blocks it (Chromium 142+): a non-secure (http:) page may not reach a more private address at all; no prompt is shown, the permission cannot be granted, nothing is sent, and the console blames CORS: \"... has been blocked by CORS policy: The request client is not a secure context and the resource is in more-private address space `{space_name}`.\" (DevTools code InsecureLocalNetwork)"),
            ),
            Engine::Firefox => (
                *e,
                Effect::Asks,
                "is rolling out the same permission prompt (Local Network Access); where it is on, the request waits for the user's answer".to_owned(),
            ),
            _ => (
                *e,
                Effect::Allows,
                "allows it today: Local Network Access is behind a flag in WebKit".to_owned(),
            ),
        })
        .collect();
    Some(Cause {
        code: code::LOCAL_NETWORK_ACCESS,
        summary: format!(
            "Local Network Access: the page's origin is in the {} address space{assumed}, and the API answered from {} ({}), which is more private",
            page.name(),
            remote.ip(),
            target.name()
        ),
        engines: per_engine,
        devtools_code: Some(if secure {
            "LocalNetworkAccessPermissionDenied"
        } else {
            "InsecureLocalNetwork"
        }),
        fix: "No response header can allow this: Access-Control-Allow-Private-Network (the Private Network Access preflight) no longer helps, since Chromium replaced it with the permission prompt, and the server cannot grant the permission. What helps: serve the API from a public address (a public host name and IP) when public pages call it; or serve the page from the same address space (the page on localhost or the private network too, as in development); serve the page over https so the user can at least be asked; managed browsers can allow the page's origin by enterprise policy (LocalNetworkAccessAllowedForUrls).".to_owned(),
    })
}

#[cfg(test)]
mod tests;
