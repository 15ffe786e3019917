//! Cookies that will not be sent on a `--credentials` request: whether the
//! page and the API are the same site (scheme and registrable domain, from
//! the Public Suffix List), and for each `Set-Cookie` line of the API
//! (given with `--set-cookie`, or read from its responses) whether each
//! engine sends that cookie with this request: `SameSite` and its default,
//! `Secure`, third-party cookie blocking, partitioning. A request that
//! passes CORS but arrives without its cookie is "CORS works but I'm
//! logged out".

use tower_cors::browser::{Engine, Url};

use super::causes::is_loopback_host;
use super::findings::{code, Finding, Severity};
use crate::url::{bare_host, origin};

/// A `Set-Cookie` line's parts that decide whether it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// The line as given.
    pub line: String,
    /// The cookie's name.
    pub name: String,
    /// `Domain`, lower case, without a leading dot.
    pub domain: Option<String>,
    /// `Path`.
    pub path: Option<String>,
    /// `Secure`.
    pub secure: bool,
    /// `SameSite`, lower case, if given.
    pub same_site: Option<String>,
    /// `Partitioned` (CHIPS).
    pub partitioned: bool,
    /// `Max-Age` of zero or less: the line deletes the cookie.
    pub deletes: bool,
}

impl SetCookie {
    /// Parses a `Set-Cookie` value; `None` without `name=`.
    pub fn parse(line: &str) -> Option<Self> {
        let mut parts = line.split(';');
        let (name, _) = parts.next()?.split_once('=')?;
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let mut cookie = SetCookie {
            line: line.trim().to_owned(),
            name: name.to_owned(),
            domain: None,
            path: None,
            secure: false,
            same_site: None,
            partitioned: false,
            deletes: false,
        };
        for attribute in parts {
            let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
            let value = value.trim();
            match key.trim().to_ascii_lowercase().as_str() {
                "domain" if !value.is_empty() => {
                    cookie.domain = Some(value.trim_start_matches('.').to_ascii_lowercase());
                }
                "path" if value.starts_with('/') => cookie.path = Some(value.to_owned()),
                "secure" => cookie.secure = true,
                "samesite" => cookie.same_site = Some(value.to_ascii_lowercase()),
                "partitioned" => cookie.partitioned = true,
                "max-age" => cookie.deletes = value.parse::<i64>().is_ok_and(|n| n <= 0),
                _ => {}
            }
        }
        Some(cookie)
    }
}

/// The request's side of the question.
#[derive(Debug, Clone)]
pub struct Context {
    /// Whether the page and the API are the same site (schemeful).
    pub same_site: bool,
    /// The page's site and the API's, for the words.
    pub sites: (String, String),
    /// The API's host, lower case.
    pub host: String,
    /// The request's path.
    pub path: String,
    /// Whether the API's URL is https.
    pub https: bool,
    /// Whether the API's host is loopback (`localhost`, 127.0.0.0/8, `::1`):
    /// a secure context for cookies in Chromium and Firefox, not in WebKit.
    pub loopback: bool,
}

/// A URL's site, schemeful: its scheme and registrable domain (Public
/// Suffix List), or its host itself (an IP address, `localhost`, a name
/// the list does not know), e.g. `https://example.com`.
fn site(url: &Url) -> String {
    let host = url.host();
    let domain = match url.ip() {
        Some(_) => host,
        None => psl::domain_str(host).unwrap_or(host),
    };
    // A registrable domain of a host the parser took is one too.
    origin(url.scheme(), domain, None).unwrap_or_default()
}

impl Context {
    /// The context of a request from `page_origin` to `url`.
    pub fn new(page_origin: &str, url: &str) -> Option<Self> {
        let api = Url::parse(url)?;
        let (page_site, api_site) = (site(&Url::parse(page_origin)?), site(&api));
        let host = bare_host(&api);
        Some(Self {
            same_site: page_site == api_site,
            https: api.scheme() == "https",
            loopback: is_loopback_host(host),
            sites: (page_site, api_site),
            host: host.to_owned(),
            path: api.path().to_owned(),
        })
    }
}

/// Whether `host` domain-matches `domain`.
fn domain_matches(host: &str, domain: &str) -> bool {
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// Whether `path` path-matches `cookie_path`.
fn path_matches(path: &str, cookie_path: &str) -> bool {
    path == cookie_path
        || (path.starts_with(cookie_path)
            && (cookie_path.ends_with('/') || path[cookie_path.len()..].starts_with('/')))
}

/// What an engine does with one cookie on this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Sent.
    Sent,
    /// Sent only when a condition holds (said).
    SentIf(String),
    /// Not sent (why).
    NotSent(String),
}

/// Whether `engine` sends `cookie` (set by the API, on a response to this
/// page's credentialed requests) with this request.
pub fn fate(engine: Engine, cookie: &SetCookie, cx: &Context) -> Fate {
    if let Some(refused) = refused(engine, cookie, cx) {
        return refused;
    }
    if cx.same_site {
        return Fate::Sent;
    }
    cross_site(engine, cookie)
}

/// Why `engine` neither stores nor sends `cookie` on this request whatever
/// the sites: deleted, a `Domain` or `Path` that does not cover it, `Secure`
/// over plain http, attributes that need `Secure`.
fn refused(engine: Engine, cookie: &SetCookie, cx: &Context) -> Option<Fate> {
    if cookie.deletes {
        return Some(Fate::NotSent("its Max-Age deletes it".into()));
    }
    if let Some(domain) = &cookie.domain {
        if !domain_matches(&cx.host, domain) {
            return Some(Fate::NotSent(format!(
                "its Domain={domain} does not cover {}, so the browser rejects it",
                cx.host
            )));
        }
    }
    if cookie.secure && !cx.https {
        if !cx.loopback {
            return Some(Fate::NotSent(
                "it is Secure and the API is plain http: (not loopback): it is neither stored nor sent"
                    .into(),
            ));
        }
        if engine == Engine::WebKit {
            return Some(Fate::NotSent(
                "it is Secure and the API is plain http:, which WebKit does not count as secure even on loopback: it is neither stored nor sent (serve the API over https, or drop Secure in development)"
                    .into(),
            ));
        }
    }
    if let Some(path) = &cookie.path {
        if !path_matches(&cx.path, path) {
            return Some(Fate::NotSent(format!(
                "its Path={path} does not cover {}",
                cx.path
            )));
        }
    }
    if cookie.partitioned && !cookie.secure && engine != Engine::WebKit {
        return Some(Fate::NotSent(format!(
            "Partitioned needs Secure: {} rejects it",
            engine.label()
        )));
    }
    if cookie.same_site.as_deref() == Some("none") && !cookie.secure && engine != Engine::WebKit {
        return Some(Fate::NotSent(
            "SameSite=None without Secure is rejected".into(),
        ));
    }
    None
}

/// Whether `engine` sends `cookie` on a cross-site request: `SameSite`,
/// its default, third-party cookie blocking and partitioning.
fn cross_site(engine: Engine, cookie: &SetCookie) -> Fate {
    let same_site = cookie.same_site.as_deref();
    match same_site {
        Some("strict") | Some("lax") => {
            return Fate::NotSent(format!(
                "SameSite={} keeps it off cross-site requests such as this fetch()",
                if same_site == Some("strict") {
                    "Strict"
                } else {
                    "Lax"
                }
            ))
        }
        _ => {}
    }
    match engine {
        Engine::Chromium if same_site.is_none() => Fate::NotSent(
            "without SameSite, Chromium treats it as SameSite=Lax, which keeps it off cross-site requests".into(),
        ),
        Engine::Chromium if cookie.partitioned => Fate::SentIf(
            "it is Partitioned (CHIPS): kept per top-level site, so it is sent only if the API set it on a response to this page's own requests (a cookie set while the user was on the API's site is not sent); blocking third-party cookies does not block it".into(),
        ),
        Engine::Chromium => Fate::SentIf(
            "sent as a third-party cookie unless the user blocks third-party cookies (Incognito does by default) or a policy does".into(),
        ),
        Engine::Firefox => Fate::SentIf(
            "a third-party cookie: Total Cookie Protection (Standard and Strict mode) partitions it by the page's site, so it is sent only if the API set it on a response to this page's own requests (a cookie set while the user was on the API's site is not sent), and the 'All cross-site cookies' setting blocks it".into(),
        ),
        _ => Fate::NotSent(
            "Safari blocks third-party cookies: a cross-site fetch() carries none, whatever its attributes (WebKitGTK browsers such as Epiphany only refuse to store them: they send one the API set while the user was on the API's own site, unless it is SameSite=Lax or Strict)".into(),
        ),
    }
}

/// Each cookie's fate per engine, as words and findings.
#[derive(Debug, Clone, Default)]
pub struct CookieCheck {
    /// Same site or not, in words.
    pub context: Option<String>,
    /// Each cookie line, and each engine's fate.
    pub cookies: Vec<(SetCookie, Vec<(Engine, Fate)>)>,
    /// Lines that did not parse.
    pub unreadable: Vec<String>,
}

/// Runs the cookie check for a credentialed request.
pub fn check(page_origin: &str, url: &str, lines: &[String], engines: &[Engine]) -> CookieCheck {
    let Some(cx) = Context::new(page_origin, url) else {
        return CookieCheck::default();
    };
    let (page_site, api_site) = &cx.sites;
    let context = if cx.same_site {
        format!("The page ({page_site}) and the API ({api_site}) are the same site: cookies are first-party, whatever their SameSite.")
    } else {
        format!("The page ({page_site}) and the API ({api_site}) are different sites: the API's cookies are third-party cookies on this request. Chromium sends only SameSite=None; Secure ones, unless third-party cookies are blocked (Partitioned ones even then, if set within this page's site); Firefox sends those it accepted on responses to this page's own requests (partitioned), without SameSite too; Safari sends none.")
    };
    let mut out = CookieCheck {
        context: Some(context),
        ..CookieCheck::default()
    };
    for line in lines {
        match SetCookie::parse(line) {
            Some(c) => {
                let fates = engines.iter().map(|e| (*e, fate(*e, &c, &cx))).collect();
                out.cookies.push((c, fates));
            }
            None => out.unreadable.push(line.clone()),
        }
    }
    out
}

/// `cookie-not-sent` for each cookie some engine will not send.
pub fn findings(check: &CookieCheck) -> Vec<Finding> {
    let mut out = Vec::new();
    for (cookie, fates) in &check.cookies {
        let not: Vec<String> = fates
            .iter()
            .filter_map(|(e, f)| match f {
                Fate::NotSent(why) => Some(format!("{}: {why}", e.label())),
                _ => None,
            })
            .collect();
        if !not.is_empty() {
            out.push(Finding::new(
                code::COOKIE_NOT_SENT,
                Severity::Medium,
                format!(
                    "The cookie {} will not be sent with this request, so the server sees the user logged out even though CORS passes. {}. Fix: serve the page and the API from the same site (app.example.com and api.example.com: CORS still applies between them, cookies are first-party); otherwise the cookie needs SameSite=None; Secure over https (Partitioned too for Firefox's and Chromium's partitioned storage), and Safari still sends none: use a token in Authorization instead.",
                    cookie.name,
                    not.join("; ")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
