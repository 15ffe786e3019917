//! Reading one configured origin (`https://a.com`, `https://*.a.com`,
//! `http://localhost:*`) and saying exactly what is wrong with it.
//!
//! [`parse_rule`] runs the steps in order: the text as a whole, the scheme,
//! the port, the host, and last the spelling of the parts that are fine but
//! written differently from what a browser sends. Steps that leave a usable
//! value let the later ones run, so that one hint can show the origin with
//! every correction applied.

use super::rule::{OriginRule, PortRule};
use super::syntax::{self, MAX_ORIGIN_LEN};
use crate::error::{Problem, ProblemKind};
use crate::setting::SettingName;
use crate::url::host::{self, Sent};
use crate::url::origin;

const SETTING: SettingName = SettingName::AllowOrigins;

/// The problems with one configured origin.
type Problems = Vec<Problem>;

fn problem(raw: &str, kind: ProblemKind, hint: impl Into<String>) -> Problem {
    Problem::new(kind, SETTING, Some(raw), hint)
}

/// Parses one configured origin. On failure, returns every problem with it
/// that can be told apart, each with a hint built from the corrected form.
pub(crate) fn parse_rule(raw: &str) -> Result<OriginRule, Problems> {
    check_text(raw)?;
    let (scheme, after_scheme) = parse_scheme(raw)?;
    let parts = Authority::split(after_scheme);
    let port = parse_port(raw, &scheme, parts.port)?;
    let host = parse_host(raw, parts.host, &scheme, &port)?;
    let fixed = Fixed {
        scheme: &scheme.lower,
        host: &host,
        port: &port,
    };
    check_spelling(raw, &scheme, &parts, &host, &port, &fixed)?;
    Ok(match (host.wildcard, port.rule) {
        (true, rule) => OriginRule::Subdomains {
            scheme: scheme.lower,
            suffix: host.bare,
            port: rule,
        },
        (false, PortRule::Any) => OriginRule::AnyPort {
            site: origin::serialize(&scheme.lower, &host.bare, None),
        },
        (false, PortRule::Exact(port)) => {
            OriginRule::Exact(origin::serialize(&scheme.lower, &host.bare, port))
        }
    })
}

/// Step 1: the text as a whole, before it is split.
fn check_text(raw: &str) -> Result<(), Problems> {
    let fail = |kind, hint: &str| Err(vec![problem(raw, kind, hint)]);
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return fail(
            ProblemKind::EmptyValue,
            "remove it, or write an origin like `https://example.com`",
        );
    }
    if trimmed != raw {
        return fail(
            ProblemKind::OriginBadHost,
            &format!("remove the surrounding whitespace: `{trimmed}`"),
        );
    }
    if raw.eq_ignore_ascii_case("null") {
        return fail(
            ProblemKind::OriginOpaque,
            "`null` is sent by sandboxed iframes, `file:` and `data:` documents and after \
             cross-origin redirects, so any site can make a request look like it; never allow it",
        );
    }
    if !raw.is_ascii() {
        return fail(
            ProblemKind::OriginNotAscii,
            "browsers send international domain names in punycode; write the host in its \
             `xn--` form (e.g. `https://xn--bcher-kva.de` for bücher.de)",
        );
    }
    if raw.len() > MAX_ORIGIN_LEN {
        return fail(
            ProblemKind::OriginTooLong,
            &format!("origins longer than {MAX_ORIGIN_LEN} bytes are never matched"),
        );
    }
    Ok(())
}

/// A scheme as written and as browsers send it.
struct Scheme<'a> {
    raw: &'a str,
    lower: String,
}

/// Step 2: the scheme, up to `://`. Returns it and what follows `://`.
fn parse_scheme(raw: &str) -> Result<(Scheme<'_>, &str), Problems> {
    let Some(end) = raw.find("://") else {
        let guess = if raw.starts_with("localhost") || raw.starts_with("127.") {
            "http"
        } else {
            "https"
        };
        let host = raw.split('/').next().unwrap_or(raw);
        return Err(vec![problem(
            raw,
            ProblemKind::OriginMissingScheme,
            format!("an origin starts with its scheme; write it as `{guess}://{host}`"),
        )]);
    };
    let scheme = Scheme {
        raw: &raw[..end],
        lower: raw[..end].to_ascii_lowercase(),
    };
    if !syntax::is_scheme(scheme.lower.as_bytes()) {
        return Err(vec![problem(
            raw,
            ProblemKind::OriginMissingScheme,
            format!(
                "`{}` is not a URL scheme; write it as `https://host`",
                scheme.raw
            ),
        )]);
    }
    if matches!(
        scheme.lower.as_str(),
        "file" | "data" | "blob" | "about" | "javascript"
    ) {
        return Err(vec![problem(
            raw,
            ProblemKind::OriginOpaque,
            format!(
                "`{}:` documents send `Origin: null`, which any site can produce; serve the \
                 page over http(s) and allow that origin",
                scheme.lower
            ),
        )]);
    }
    Ok((scheme, &raw[end + 3..]))
}

/// The parts of what follows `scheme://`, as written.
struct Authority<'a> {
    userinfo: Option<&'a str>,
    host: &'a str,
    port: Option<&'a str>,
    /// A path, query or fragment, with its leading `/`, `?` or `#`.
    path: &'a str,
}

impl<'a> Authority<'a> {
    fn split(after_scheme: &'a str) -> Self {
        let len = after_scheme
            .find(['/', '?', '#'])
            .unwrap_or(after_scheme.len());
        let (authority, path) = after_scheme.split_at(len);
        let (userinfo, host_port) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let (host, port) = syntax::split_host_port(host_port.as_bytes());
        // `split_host_port` cuts only next to the ASCII bytes `]` and `:`, so
        // both parts are on character boundaries of `host_port`.
        Self {
            userinfo,
            host: &host_port[..host.len()],
            port: port.map(|p| &host_port[host_port.len() - p.len()..]),
            path,
        }
    }
}

/// A checked port.
struct Port {
    rule: PortRule,
    /// The scheme's default port was written out (and is dropped).
    wrote_default: bool,
}

/// Step 3: the port, which needs the scheme for its default.
fn parse_port(raw: &str, scheme: &Scheme<'_>, port: Option<&str>) -> Result<Port, Problems> {
    let default = origin::default_port(scheme.lower.as_bytes());
    let (rule, wrote_default) = match port {
        None => (PortRule::Exact(None), false),
        Some("*") => (PortRule::Any, false),
        Some(digits) => match syntax::parse_port(digits.as_bytes()) {
            Some(p) if Some(p) == default => (PortRule::Exact(None), true),
            Some(p) => (PortRule::Exact(Some(p)), false),
            None => {
                let hint = match syntax::parse_port(digits.trim_start_matches('0').as_bytes()) {
                    Some(p) => format!("write the port as `{p}`"),
                    None => "a port is a number from 1 to 65535, or `*` for any port".into(),
                };
                return Err(vec![problem(raw, ProblemKind::OriginBadPort, hint)]);
            }
        },
    };
    Ok(Port {
        rule,
        wrote_default,
    })
}

/// A checked host.
struct Host {
    /// Written with a leading `*.`.
    wildcard: bool,
    /// The host without `*.`, lower case.
    bare: String,
    /// The host had upper-case letters.
    had_upper_case: bool,
}

/// Step 4: the host: a pattern's `*.`, then the host as the URL Standard's
/// host parser reads it. The scheme and port are known by now, so a hint
/// can show the whole corrected origin.
fn parse_host(
    raw: &str,
    written: &str,
    scheme: &Scheme<'_>,
    port: &Port,
) -> Result<Host, Problems> {
    let fail = |kind, hint: String| Err(vec![problem(raw, kind, hint)]);
    let (wildcard, bare) = match written.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, written),
    };
    if bare.contains('*') || written == "*" {
        return fail(
            ProblemKind::OriginBadWildcard,
            "`*` may only be a whole leftmost label (`https://*.example.com`, one or more \
             subdomains) or the whole port (`http://localhost:*`); to allow every origin, \
             write `*` alone"
                .into(),
        );
    }
    let sent = match host::serialize(bare) {
        Ok(sent) => sent,
        Err(e) => return fail(ProblemKind::OriginBadHost, e.explain(bare)),
    };
    if wildcard && matches!(sent, Sent::Ip(_)) {
        return fail(
            ProblemKind::OriginBadWildcard,
            "an IP address has no subdomains; list the exact origin".into(),
        );
    }
    if wildcard && sent.as_str().trim_end_matches('.').len() + 2 > host::MAX_HOST_LEN {
        return fail(
            ProblemKind::OriginTooLong,
            format!(
                "no subdomain of `{}` fits in a DNS name ({} bytes at most), so the pattern \
                 can never match; list the exact origin",
                sent.as_str(),
                host::MAX_HOST_LEN
            ),
        );
    }
    let lower = bare.to_ascii_lowercase();
    let host = Host {
        wildcard,
        had_upper_case: lower != bare,
        bare: sent.as_str().to_owned(),
    };
    if host.bare == lower {
        return Ok(host);
    }
    // A valid host written another way (`127.1`, `[0::1]`, `1.2.3.4.`):
    // say what browsers send.
    let fixed = Fixed {
        scheme: &scheme.lower,
        host: &host,
        port,
    };
    fail(
        ProblemKind::OriginBadHost,
        format!(
            "browsers send this host as `{}`; write it as `{fixed}`",
            host.bare
        ),
    )
}

/// The origin with every correction applied, as the hints show it.
struct Fixed<'a> {
    scheme: &'a str,
    host: &'a Host,
    port: &'a Port,
}

impl std::fmt::Display for Fixed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let star = if self.host.wildcard { "*." } else { "" };
        write!(f, "{}://{star}{}", self.scheme, self.host.bare)?;
        match self.port.rule {
            PortRule::Exact(None) => Ok(()),
            PortRule::Exact(Some(p)) => write!(f, ":{p}"),
            PortRule::Any => f.write_str(":*"),
        }
    }
}

/// Step 5: parts that are valid but not written as a browser sends them.
/// Every problem's hint shows the fully corrected origin.
fn check_spelling(
    raw: &str,
    scheme: &Scheme<'_>,
    parts: &Authority<'_>,
    host: &Host,
    port: &Port,
    fixed: &Fixed<'_>,
) -> Result<(), Problems> {
    let write_as = format!("write it as `{fixed}`");
    let mut out = Vec::new();
    if parts.userinfo.is_some() {
        out.push(problem(
            raw,
            ProblemKind::OriginHasUserinfo,
            format!("browsers never send user info in `Origin`; {write_as}"),
        ));
    }
    if !parts.path.is_empty() {
        out.push(problem(
            raw,
            ProblemKind::OriginHasPath,
            format!("an origin has no path, query or trailing slash; {write_as}"),
        ));
    }
    if scheme.raw != scheme.lower || host.had_upper_case {
        out.push(problem(
            raw,
            ProblemKind::OriginNotLowercase,
            format!("browsers send origins in lower case; {write_as}"),
        ));
    }
    if port.wrote_default {
        out.push(problem(
            raw,
            ProblemKind::OriginHasDefaultPort,
            format!("browsers never write the default port; {write_as}"),
        ));
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

#[cfg(test)]
mod tests;
