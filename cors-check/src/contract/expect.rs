//! What the policy says a browser must be able to do, and must not: the
//! requests to try, from which origins, derived from the `[cors]` settings.
//! Whether each is allowed is not decided here but by tower-cors itself
//! answering it with the policy ([`super::judge::Oracle`]), so patterns,
//! `*` and credentials mean exactly what they mean to the library.

use tower_cors::CorsConfig;

use crate::diagnose::tricks;
use crate::url;

/// What an expectation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Whether an origin is let in.
    Origin,
    /// Whether a method is allowed (by its preflight).
    Method,
    /// Whether a request header is allowed (by its preflight).
    Header,
    /// Whether a credentialed request is allowed.
    Credentials,
    /// Whether an error response (a path that does not exist) is readable.
    ErrorResponse,
    /// A request named with `--send`, sent for real.
    Sent,
}

impl Kind {
    /// The name used in JSON and JUnit.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Origin => "origin",
            Kind::Method => "method",
            Kind::Header => "header",
            Kind::Credentials => "credentials",
            Kind::ErrorResponse => "error-response",
            Kind::Sent => "sent",
        }
    }
}

/// How a request is tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// As the browser does it: the preflight if one is needed, then the
    /// request itself (GET, HEAD, or a request named with `--send`).
    Sent,
    /// Only the preflight the browser would send first, so that a request
    /// with side effects is never made.
    PreflightOnly,
}

/// One request to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// What it is about.
    pub kind: Kind,
    /// The URL it goes to.
    pub url: String,
    /// The page's origin.
    pub origin: String,
    /// Why this origin: `listed`, `matches https://*.example.com`, a near miss...
    pub why: String,
    /// The method as the page's `fetch()` writes it.
    pub method: String,
    /// Headers the page's script sets.
    pub headers: Vec<(String, String)>,
    /// `credentials: "include"`.
    pub credentials: bool,
    /// Sent, or preflight only.
    pub how: How,
}

impl Ask {
    /// The request in a few words: `PUT (preflight)`, `GET + content-type (preflight)`.
    pub fn describe(&self, base_url: &str) -> String {
        let mut s = self.method.clone();
        if self.url != base_url {
            s.push(' ');
            s.push_str(&url::path_and_query(&self.url));
        }
        for (name, _) in &self.headers {
            s.push_str(" + ");
            s.push_str(name);
        }
        // Every request is credentialed under a policy with credentials
        // (the table's heading says so); only the odd one out is marked.
        if self.kind == Kind::Credentials {
            s.push_str(", credentials");
        }
        if self.how == How::PreflightOnly {
            s.push_str(" (preflight)");
        }
        s
    }
}

/// An origin to try and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tried {
    /// The serialized origin.
    pub origin: String,
    /// Why it is tried.
    pub why: String,
}

/// The subdomain label put in for `*.` in a pattern.
const SAMPLE_LABEL: &str = "cors-check-probe";
/// The port put in for `:*` in a pattern.
const SAMPLE_PORT: &str = "49152";

/// An origin a pattern allows: `https://*.example.com` gives
/// `https://cors-check-probe.example.com`, `http://localhost:*` gives
/// `http://localhost:49152`. (A valid pattern has `*.` only as the host's
/// first label.)
pub fn sample(pattern: &str) -> String {
    let s = pattern.replacen("*.", &format!("{SAMPLE_LABEL}."), 1);
    with_sample_port(&s)
}

/// The domain a subdomain pattern names, which it does not match itself:
/// `https://*.example.com` gives `https://example.com`.
fn apex(pattern: &str) -> Option<String> {
    pattern
        .contains("*.")
        .then(|| with_sample_port(&pattern.replacen("*.", "", 1)))
}

fn with_sample_port(origin: &str) -> String {
    match origin.strip_suffix(":*") {
        Some(base) => format!("{base}:{SAMPLE_PORT}"),
        None => origin.to_owned(),
    }
}

/// The origin no policy lists: the made-up origin, with the scheme of
/// the policy's first origin.
pub fn unlisted(config: &CorsConfig) -> String {
    let first = config.allow_origins.first().map(|o| sample(o));
    url::made_up_origin(first.as_deref().unwrap_or_default())
}

/// The origins the policy lets in: each listed one, a sample of each
/// pattern, and for `*` an origin nobody lists.
pub fn allowed_origins(config: &CorsConfig) -> Vec<Tried> {
    let mut out: Vec<Tried> = Vec::new();
    for o in &config.allow_origins {
        let tried = if o == "*" {
            Tried {
                origin: unlisted(config),
                why: "any origin (*)".into(),
            }
        } else if o.contains('*') {
            Tried {
                origin: sample(o),
                why: format!("matches {o}"),
            }
        } else {
            Tried {
                origin: o.clone(),
                why: "listed".into(),
            }
        };
        if !out.iter().any(|t| t.origin == tried.origin) {
            out.push(tried);
        }
    }
    out
}

/// The origins the policy does not list: one nobody lists, the domain of
/// each subdomain pattern, and the audit's near misses of every allowed
/// origin and of those domains (`null`, prefix and suffix tricks, an
/// unescaped dot, `http:` for `https:`, an arbitrary subdomain). Whether each must be blocked is the
/// policy's answer: a pattern's arbitrary subdomain is let in.
pub fn other_origins(config: &CorsConfig, allowed: &[Tried]) -> Vec<Tried> {
    let mut out = vec![Tried {
        origin: unlisted(config),
        why: "not listed".into(),
    }];
    let mut near: Vec<String> = allowed.iter().map(|t| t.origin.clone()).collect();
    for pattern in &config.allow_origins {
        if let Some(apex) = apex(pattern) {
            out.push(Tried {
                origin: apex.clone(),
                why: format!("the domain of {pattern}, not below it"),
            });
            near.push(apex);
        }
    }
    for origin in &near {
        for trick in tricks(origin) {
            out.push(Tried {
                why: format!("near miss of {origin}: {}", trick.label),
                origin: trick.origin,
            });
        }
    }
    let mut seen: Vec<String> = allowed.iter().map(|t| t.origin.clone()).collect();
    out.retain(|t| {
        let fresh = !seen.contains(&t.origin);
        if fresh {
            seen.push(t.origin.clone());
        }
        fresh
    });
    out
}

/// A value the page could set for a header of this name that makes the
/// browser ask for it in a preflight (`Content-Type: text/plain` would not).
fn header_value(name: &str) -> &'static str {
    if name.eq_ignore_ascii_case("content-type") {
        "application/json"
    } else {
        "cors-check"
    }
}

/// The methods the browser never needs listed.
fn safelisted_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

/// Every request to try against `url`.
pub fn asks(config: &CorsConfig, url: &str) -> Vec<Ask> {
    let allowed = allowed_origins(config);
    let asker = Asker {
        url,
        credentials: config.allow_credentials,
    };
    let methods = tried_methods(config);
    let headers = tried_headers(config);
    let mut out = Vec::new();
    for t in &allowed {
        out.extend(asker.allowed(t, &methods, &headers));
    }
    if let Some(first) = allowed.first() {
        out.extend(asker.unlisted(config, first));
    }
    // Origins the policy does not list: the plain request, and the first
    // preflighted method or header, since servers often answer preflights
    // more loosely than requests.
    let preflighted = methods
        .iter()
        .find(|m| !safelisted_method(m))
        .map(|m| (m.to_string(), None))
        .or_else(|| {
            headers
                .first()
                .map(|h| ("GET".to_owned(), Some(h.to_string())))
        });
    for t in &other_origins(config, &allowed) {
        out.extend(asker.stranger(t, preflighted.as_ref()));
    }
    if let Some(first) = allowed.first() {
        let mut ask = asker.ask(Kind::ErrorResponse, first, "GET", How::Sent);
        ask.url = missing_path(url);
        ask.why = format!("{}; a path that does not exist", first.why);
        out.push(ask);
    }
    out
}

/// The methods tried from each allowed origin: each listed one but GET (a
/// sample for `*`).
fn tried_methods(config: &CorsConfig) -> Vec<&str> {
    let mut methods: Vec<&str> = Vec::new();
    for m in &config.allow_methods {
        let m = if m == "*" { "PATCH" } else { m.as_str() };
        if m != "GET" && !methods.contains(&m) {
            methods.push(m);
        }
    }
    methods
}

/// The request headers tried from each allowed origin: each listed one (a
/// sample for `*`).
fn tried_headers(config: &CorsConfig) -> Vec<&str> {
    let mut headers: Vec<&str> = Vec::new();
    for h in &config.allow_headers {
        let h = if h == "*" {
            "x-cors-check-any"
        } else {
            h.as_str()
        };
        if !headers.iter().any(|x| x.eq_ignore_ascii_case(h)) {
            headers.push(h);
        }
    }
    headers
}

/// Builds the requests to one URL.
struct Asker<'a> {
    url: &'a str,
    /// Whether the policy allows credentials: then every request is
    /// credentialed, as the page's would be.
    credentials: bool,
}

impl Asker<'_> {
    /// A request from `t`'s origin.
    fn ask(&self, kind: Kind, t: &Tried, method: &str, how: How) -> Ask {
        Ask {
            kind,
            url: self.url.to_owned(),
            origin: t.origin.clone(),
            why: t.why.clone(),
            method: method.to_owned(),
            headers: Vec::new(),
            credentials: self.credentials,
            how,
        }
    }

    /// What an allowed origin must be able to do: a GET, each method (HEAD
    /// sent, the others preflighted) and each header.
    fn allowed(&self, t: &Tried, methods: &[&str], headers: &[&str]) -> Vec<Ask> {
        let mut out = vec![self.ask(Kind::Origin, t, "GET", How::Sent)];
        for m in methods {
            let how = if *m == "HEAD" {
                How::Sent
            } else {
                How::PreflightOnly
            };
            out.push(self.ask(Kind::Method, t, m, how));
        }
        for h in headers {
            let mut ask = self.ask(Kind::Header, t, "GET", How::PreflightOnly);
            ask.headers
                .push(((*h).to_owned(), header_value(h).to_owned()));
            out.push(ask);
        }
        out
    }

    /// What the first allowed origin must not be able to do: a method and
    /// a header the policy does not list, credentials it does not allow.
    fn unlisted(&self, config: &CorsConfig, first: &Tried) -> Vec<Ask> {
        let mut out = Vec::new();
        if !config.allow_methods.iter().any(|m| m == "*") {
            let listed = |m: &str| config.allow_methods.iter().any(|x| x == m);
            if let Some(m) = ["DELETE", "PUT", "PATCH"].into_iter().find(|m| !listed(m)) {
                let mut ask = self.ask(Kind::Method, first, m, How::PreflightOnly);
                ask.why = format!("{}; {m} is not in allow_methods", first.why);
                out.push(ask);
            }
        }
        if !config.allow_headers.iter().any(|h| h == "*") {
            let mut ask = self.ask(Kind::Header, first, "GET", How::PreflightOnly);
            ask.headers
                .push(("x-cors-check-unlisted".into(), "cors-check".into()));
            ask.why = format!("{}; the header is not in allow_headers", first.why);
            out.push(ask);
        }
        if !self.credentials {
            let mut ask = self.ask(Kind::Credentials, first, "GET", How::Sent);
            ask.credentials = true;
            ask.why = format!("{}; allow_credentials is false", first.why);
            out.push(ask);
        }
        out
    }

    /// An origin the policy does not list: its GET, and the `preflighted`
    /// method (and header) if there is one.
    fn stranger(&self, t: &Tried, preflighted: Option<&(String, Option<String>)>) -> Vec<Ask> {
        let mut out = vec![self.ask(Kind::Origin, t, "GET", How::Sent)];
        if let Some((method, header)) = preflighted {
            let mut ask = self.ask(Kind::Origin, t, method, How::PreflightOnly);
            if let Some(h) = header {
                ask.headers.push((h.clone(), header_value(h).to_owned()));
            }
            out.push(ask);
        }
        out
    }
}

/// A path that cannot exist beside `url`'s: its last segment replaced,
/// without the query (`url` itself when it is not a URL).
pub fn missing_path(url: &str) -> String {
    url::resolve(url, "cors-check-no-such-path").unwrap_or_else(|| url.to_owned())
}
