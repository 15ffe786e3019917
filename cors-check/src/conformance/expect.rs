//! A vector's request sent exactly as written (its header lines in order,
//! repeated names and odd bytes kept, through cors-check's transport) and
//! its answer held to `expect`: the status, headers present, absent or
//! equal, list members, `Vary` members.

use http::header::VARY;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request};

use super::vector::{Expect, VectorRequest};
use crate::answer::joined;
use crate::transport::{Client, FailureKind, ResponseHead};

/// Sends request number `n` (from 1) to the server at `base`
/// (`http://127.0.0.1:PORT`) and checks its answer: `Err` says what
/// differs.
pub async fn check(client: &Client, base: &str, n: usize, r: &VectorRequest) -> Result<(), String> {
    let what = format!("request {n} ({} {})", r.method, r.path);
    let request = build(base, r).map_err(|e| format!("{what}: {e}"))?;
    // A server may close a kept-alive connection after an answer without
    // saying so (`Connection: close`); like a browser, send once more on a
    // new connection before calling it no answer. A timeout or a name that
    // does not resolve would only fail again.
    let head = match client.send(&request).await {
        Ok(head) => head,
        Err(e) if matches!(e.kind, FailureKind::Http | FailureKind::Connect) => client
            .send(&request)
            .await
            .map_err(|e| format!("{what}: no answer: {e}"))?,
        Err(e) => return Err(format!("{what}: no answer: {e}")),
    };
    let problems = judge(&r.expect, &head);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what} answered {}: {}",
            head.status.as_u16(),
            problems.join("; ")
        ))
    }
}

/// The request as written: every header line in order, values as bytes.
fn build(base: &str, r: &VectorRequest) -> Result<Request<()>, String> {
    let mut request = Request::new(());
    *request.method_mut() = Method::from_bytes(r.method.as_bytes())
        .map_err(|_| format!("'{}' is not a method", r.method))?;
    *request.uri_mut() = format!("{base}{}", r.path)
        .parse()
        .map_err(|_| format!("'{}' is not a path", r.path))?;
    let headers = request.headers_mut();
    for (name, value) in &r.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("'{name}' is not a header name"))?;
        let value = HeaderValue::from_bytes(value.as_bytes())
            .map_err(|_| format!("the value of {name} cannot be sent"))?;
        headers.append(name, value);
    }
    Ok(request)
}

/// Every way the answer differs from `expect`, in words.
pub fn judge(expect: &Expect, head: &ResponseHead) -> Vec<String> {
    let h = &head.headers;
    let mut problems = Vec::new();
    if let Some(status) = &expect.status {
        let code = head.status.as_u16();
        if !status.iter().any(|s| status_matches(s, code)) {
            problems.push(format!(
                "the status is {code}, expected {}",
                status.join(" or ")
            ));
        }
    }
    for name in &expect.present {
        if !h.contains_key(name) {
            problems.push(format!("{name} is missing"));
        }
    }
    for name in &expect.absent {
        if let Some(value) = joined(h, name) {
            problems.push(format!(
                "{name} is present ('{}'), expected absent",
                shown(&value)
            ));
        }
    }
    for (name, want) in &expect.equal {
        match joined(h, name) {
            None => problems.push(format!("{name} is missing, expected '{want}'")),
            Some(got) if &got != want => {
                problems.push(format!("{name} is '{}', expected '{want}'", shown(&got)))
            }
            Some(_) => {}
        }
    }
    for (name, banned) in &expect.differs {
        if joined(h, name).as_ref() == Some(banned) {
            problems.push(format!(
                "{name} is '{}', which it must not be",
                shown(banned)
            ));
        }
    }
    for (name, members) in &expect.contains {
        problems.extend(missing_members(h, name, members));
    }
    let same_for_every_origin = expect
        .vary_unless
        .iter()
        .any(|(name, value)| joined(h, name).as_ref() == Some(value));
    if !expect.vary.is_empty() && !same_for_every_origin {
        problems.extend(missing_vary(h, &expect.vary));
    }
    problems
}

/// `2xx` (any of the class) or `403` (exactly).
fn status_matches(pattern: &str, code: u16) -> bool {
    match pattern.strip_suffix("xx") {
        Some(class) => class.parse::<u16>().is_ok_and(|c| code / 100 == c),
        None => pattern.parse::<u16>().is_ok_and(|c| c == code),
    }
}

/// A header value as a message shows it: whole up to 120 bytes, else its
/// start and its length (a hostile vector's 16 KiB echo stays readable).
fn shown(value: &str) -> String {
    const MAX: usize = 120;
    if value.len() <= MAX {
        return value.to_owned();
    }
    let mut end = MAX;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes)", &value[..end], value.len())
}

/// How a list header is read: whether members compare case-sensitively,
/// whether `*` holds every member, and what the message says it should do.
struct ListRule {
    exact: bool,
    star_holds_all: bool,
    verb: &'static str,
}

/// `wanted` members not in the comma-separated list `name` (shown in
/// messages as `shown_as`), in words.
fn missing_in_list(
    h: &HeaderMap,
    (name, shown_as): (&str, &str),
    wanted: &[String],
    rule: ListRule,
) -> Option<String> {
    let value = joined(h, name);
    let got: Vec<&str> = value.as_deref().map_or_else(Vec::new, |v| {
        v.split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .collect()
    });
    if rule.star_holds_all && got.contains(&"*") {
        return None;
    }
    let holds = |w: &str| {
        got.iter().any(|g| {
            if rule.exact {
                *g == w
            } else {
                g.eq_ignore_ascii_case(w)
            }
        })
    };
    let missing: Vec<&str> = wanted
        .iter()
        .map(String::as_str)
        .filter(|w| !holds(w))
        .collect();
    (!missing.is_empty()).then(|| {
        let missing = missing.join(", ");
        match &value {
            None => format!(
                "{shown_as} is missing, expected it to {} {missing}",
                rule.verb
            ),
            Some(v) => format!("{shown_as} is '{}', which lacks {missing}", shown(v)),
        }
    })
}

/// `members` not in the list: methods compare case-sensitively (as
/// browsers do), everything else (header names) case-insensitively.
fn missing_members(h: &HeaderMap, name: &str, wanted: &[String]) -> Option<String> {
    let exact = name.eq_ignore_ascii_case("access-control-allow-methods");
    let rule = ListRule {
        exact,
        star_holds_all: false,
        verb: "list",
    };
    missing_in_list(h, (name, name), wanted, rule)
}

/// `Vary` members missing (`*` holds them all).
fn missing_vary(h: &HeaderMap, wanted: &[String]) -> Option<String> {
    let rule = ListRule {
        exact: false,
        star_holds_all: true,
        verb: "hold",
    };
    missing_in_list(h, (VARY.as_str(), "Vary"), wanted, rule)
}
