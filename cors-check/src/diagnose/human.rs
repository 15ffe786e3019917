//! The default output: each exchange with its CORS-relevant headers, then
//! the verdict in plain words, Chromium's console message, the fix, the
//! findings and the probes. Colour only on a terminal.

use std::fmt::Write as _;

use http::{HeaderMap, Request};
use tower_cors::browser::{varies_on_origin, Allowed, Blocked, Engine, Warning};

use super::causes::Effect;
use super::cookies::Fate;
use super::engines;
use super::findings::{Finding, Severity, Told};
use super::probe::{what_probes_send, Probe};
use super::report::Report;
use super::walk::{End, Exchange, Step, Walk};
use crate::answer::{allow_origin, allows_credentials};
use crate::output::headers::{is_cors_relevant, shown_value};
use crate::output::style::Style;
use crate::transport::ResponseHead;

/// The whole report as text.
pub fn render(r: &Report, s: Style) -> String {
    let mut out = String::new();
    let plan = &r.plan;
    let _ = writeln!(
        out,
        "{} {} {} from origin {}{}, judged by {}",
        s.bold("cors-check:"),
        plan.request.method(),
        plan.request.initial_url(),
        plan.page.origin(),
        if plan.credentialed() {
            " with credentials"
        } else {
            ""
        },
        judged_by(r),
    );
    if !plan.request.is_cross_origin() {
        let _ = writeln!(out, "{}", s.dim("same-origin request: CORS does not apply"));
    }
    before_cors(&mut out, r, s);
    for (i, e) in r.walk.exchanges.iter().enumerate() {
        out.push('\n');
        exchange(&mut out, e, i, s);
    }
    out.push('\n');
    verdict(&mut out, r, s);
    findings(&mut out, r, s);
    probes(&mut out, r, s);
    out
}

/// Every finding, most severe first; one whose fact is said above only
/// points there.
fn findings(out: &mut String, r: &Report, s: Style) {
    if r.findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", s.bold("Findings"));
    for f in &r.findings {
        finding(out, f, s);
    }
}

fn finding(out: &mut String, f: &Finding, s: Style) {
    let tag = format!("[{}]", f.severity);
    let tag = match f.severity {
        Severity::High => s.red(&tag),
        Severity::Medium => s.yellow(&tag),
        _ => s.dim(&tag),
    };
    let message = match f.told {
        Told::Here => f.message.as_str(),
        Told::AsWhy => "the Why above",
        Told::BeforeCors => "under Before CORS above",
    };
    let mut lines = message.lines();
    let _ = writeln!(
        out,
        "  {tag} {}: {}",
        f.code,
        lines.next().unwrap_or_default()
    );
    for line in lines {
        let _ = writeln!(out, "      {line}");
    }
}

/// "Chromium's rules", or "the rules of Chromium, Firefox and WebKit (Safari)".
fn judged_by(r: &Report) -> String {
    let names: Vec<&str> = r.walks.iter().map(|w| w.engine.label()).collect();
    match names.as_slice() {
        [one] => format!("{one}'s rules"),
        [rest @ .., last] => format!("the rules of {} and {last}", rest.join(", ")),
        [] => String::new(),
    }
}

fn exchange(out: &mut String, e: &Exchange, index: usize, s: Style) {
    let title = match (e.step, index) {
        (Step::Preflight, _) => "Preflight",
        (Step::Actual, 0) => "Request (no preflight needed)",
        (Step::Actual, _) => "Request",
    };
    let _ = writeln!(out, "{}", s.bold(title));
    request_lines(out, &e.request, s);
    response_lines(out, &e.response, s);
}

fn request_lines(out: &mut String, r: &Request<()>, s: Style) {
    let _ = writeln!(out, "  {} {} {}", s.dim(">"), r.method(), r.uri());
    header_lines(out, r.headers(), ">", s, |name| {
        is_cors_relevant(name) || !matches!(name, "accept" | "user-agent")
    });
}

fn response_lines(out: &mut String, h: &ResponseHead, s: Style) {
    let status = h.status.to_string();
    let status = if h.status.is_success() {
        s.green(&status)
    } else if h.status.is_redirection() {
        s.yellow(&status)
    } else {
        s.red(&status)
    };
    let _ = writeln!(out, "  {} {:?} {status}", s.dim("<"), h.version);
    let mut any = false;
    header_lines(out, &h.headers, "<", s, |name| {
        let shown = is_cors_relevant(name);
        any |= shown && name.starts_with("access-control-");
        shown
    });
    if !any {
        let _ = writeln!(
            out,
            "  {} {}",
            s.dim("<"),
            s.dim("(no Access-Control-* header)")
        );
    }
}

fn header_lines(
    out: &mut String,
    headers: &HeaderMap,
    arrow: &str,
    s: Style,
    mut keep: impl FnMut(&str) -> bool,
) {
    for (name, value) in headers {
        if keep(name.as_str()) {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                s.dim(arrow),
                name,
                shown_value(name.as_str(), value)
            );
        }
    }
}

/// Each engine's verdict, then why and the fix, once for all engines.
fn verdict(out: &mut String, r: &Report, s: Style) {
    if let Some(cause) = r.unsent_cause() {
        // Said above, with its fix: nothing was sent, so nothing else is.
        let _ = writeln!(
            out,
            "{} {} (see above): nothing is sent, so no CORS check runs.",
            s.red("BLOCKED before CORS:"),
            cause.code
        );
    } else {
        let several = r.walks.len() > 1;
        for walk in &r.walks {
            for cause in r.causes.iter().filter(|c| c.blocks(walk.engine)) {
                let _ = writeln!(
                    out,
                    "{}{} {} (not CORS: see above); the CORS checks, once that is fixed:",
                    who(walk.engine, several),
                    s.red("BLOCKED before CORS:"),
                    cause.code
                );
            }
            engine_verdict(out, walk, several, s);
        }
    }
    if let Some(why) = &r.diagnosis.why {
        let _ = writeln!(out, "  Why: {why}");
    }
    for note in &r.diagnosis.engines {
        let _ = writeln!(out, "  {}", s.dim(note));
    }
    if let Some(fix) = &r.diagnosis.fix {
        let mut lines = fix.lines();
        let _ = writeln!(
            out,
            "  {} {}",
            s.bold("Fix:"),
            lines.next().unwrap_or_default()
        );
        for line in lines {
            let _ = writeln!(out, "    {line}");
        }
    }
}

/// "Firefox: " before each engine's lines when several are asked.
fn who(engine: Engine, several: bool) -> String {
    if several {
        format!("{}: ", engine.label())
    } else {
        String::new()
    }
}

/// The failures no CORS header can fix, and the cookies each engine sends.
fn before_cors(out: &mut String, r: &Report, s: Style) {
    if r.causes.is_empty() && r.cookies.context.is_none() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        s.bold("Before CORS (no Access-Control-* header decides these)")
    );
    for cause in &r.causes {
        let _ = writeln!(out, "  {}: {}.", s.bold(cause.code), cause.summary);
        // Each engine's line reads as a sentence ("Chromium blocks it: ..."),
        // the engine's name coloured by what it does.
        for (engine, effect, why) in &cause.engines {
            let label = match effect {
                Effect::Blocks => s.red(engine.label()),
                Effect::Asks => s.yellow(engine.label()),
                Effect::Allows => s.dim(engine.label()),
            };
            let _ = writeln!(out, "    {label} {why}");
        }
        let _ = writeln!(out, "    {} {}", s.bold("Fix:"), cause.fix);
    }
    if let Some(context) = &r.cookies.context {
        let _ = writeln!(out, "  {}: {context}", s.bold("cookies"));
        for (cookie, fates) in &r.cookies.cookies {
            let _ = writeln!(out, "    Set-Cookie: {}", cookie.line);
            for (engine, fate) in fates {
                let text = match fate {
                    Fate::Sent => s.green("sent"),
                    Fate::SentIf(why) => format!("{} {why}", s.yellow("sent only if")),
                    Fate::NotSent(why) => format!("{}: {why}", s.red("not sent")),
                };
                let _ = writeln!(out, "      {}: {text}", engine.label());
            }
        }
        for line in &r.cookies.unreadable {
            let _ = writeln!(
                out,
                "    {}",
                s.dim(&format!("not a Set-Cookie line: {line}"))
            );
        }
        if r.cookies.cookies.is_empty() {
            let _ = writeln!(
                out,
                "    {}",
                s.dim("no Set-Cookie seen: give the API's with --set-cookie to know whether each engine sends it")
            );
        }
    }
}

/// One engine's verdict, its own reason and console message.
fn engine_verdict(out: &mut String, walk: &Walk, several: bool, s: Style) {
    let who = who(walk.engine, several);
    match &walk.end {
        End::Allowed(allowed, warnings) => {
            let _ = writeln!(
                out,
                "{who}{} the page can read the response ({}).",
                s.green("ALLOWED:"),
                walk.last()
                    .map_or_else(String::new, |e| e.response.status.to_string())
            );
            allowed_lines(out, walk, allowed, warnings, s);
        }
        End::Blocked(b) => {
            let _ = writeln!(
                out,
                "{who}{} the browser {} the page gets \"{}\".",
                s.red("BLOCKED:"),
                if b.is_preflight() {
                    "refuses the preflight, so the request itself is never sent;"
                } else {
                    "hides the response;"
                },
                walk.engine.fetch_error()
            );
            blocked_lines(out, walk, b, s);
        }
        End::NetworkError(e) => {
            let _ = writeln!(out, "{who}{} network error: {e}", s.red("BLOCKED:"));
        }
        End::Transport(e) => {
            let _ = writeln!(out, "{who}{} the check could not run: {e}", s.red("ERROR:"));
        }
    }
}

/// What script can read, the engine's warnings and its preflight cache.
fn allowed_lines(out: &mut String, walk: &Walk, allowed: &Allowed, warnings: &[Warning], s: Style) {
    let names: Vec<&str> = allowed
        .readable_header_names()
        .iter()
        .map(|n| n.as_str())
        .collect();
    let _ = writeln!(out, "  script can read these headers: {}", names.join(", "));
    for w in warnings {
        let Some(name) = w.name_in(walk.engine) else {
            continue;
        };
        let _ = writeln!(out, "  {} {name}: {}", s.yellow("warning:"), w.message());
    }
    if walk.preflight_cached.is_some() {
        let _ = writeln!(
            out,
            "  {}",
            s.dim(&format!(
                "{} {} (the preflight)",
                walk.engine.label(),
                engines::cache_words(walk.preflight_cached)
            ))
        );
    }
}

/// The engine's own code or reason, and its console lines.
fn blocked_lines(out: &mut String, walk: &Walk, b: &Blocked, s: Style) {
    match walk.engine {
        Engine::Chromium => {
            let _ = writeln!(out, "  Chromium's code: {}", s.bold(b.code().as_str()));
        }
        Engine::Firefox => {
            let _ = writeln!(
                out,
                "  Firefox's reason: {}",
                s.bold(&engines::reason(walk).unwrap_or_default())
            );
        }
        _ => {}
    }
    if let Some(message) = engines::console(walk) {
        // One line per console message, under the first.
        let _ = writeln!(out, "  Console: {}", message.replace('\n', "\n           "));
    }
}

fn probes(out: &mut String, r: &Report, s: Style) {
    let all = r.probes();
    let mut skipped: Vec<&str> = Vec::new();
    if let Some(why) = &r.cache.skipped {
        skipped.push(why);
    }
    if let Some(why) = r.audit.as_ref().and_then(|a| a.skipped.as_deref()) {
        skipped.push(why);
    }
    if all.is_empty() && skipped.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n{}",
        s.bold("Other requests (cache check, error probe, audit)")
    );
    if !all.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            s.dim(&format!(
                "What they send: {}. The error probe is a bare GET with the page's origin to a path under the API that cannot exist.",
                what_probes_send(&r.plan)
            ))
        );
    }
    for p in all {
        probe(out, p, s);
    }
    for why in skipped {
        let _ = writeln!(out, "  {}", s.dim(why));
    }
}

fn probe(out: &mut String, p: &Probe, s: Style) {
    // The request named as sent: method, path and the Origin it carried
    // (an origin alone reads as a request to that origin).
    let uri = p.request.uri();
    let path = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let with = match p.origin.as_deref() {
        Some(o) => format!("with Origin: {o}"),
        None => "without Origin".to_owned(),
    };
    let _ = writeln!(
        out,
        "  {} {} {path} {with} {}",
        s.dim(">"),
        p.request.method(),
        s.dim(&format!("({})", p.label))
    );
    let result = match &p.response {
        Err(e) => s.red(&e.to_string()),
        Ok(h) => {
            let mut t = format!("{}", h.status.as_u16());
            match allow_origin(&h.headers) {
                Some(v) => {
                    let _ = write!(t, ", Access-Control-Allow-Origin: {v}");
                }
                None => t.push_str(", no Access-Control-Allow-Origin"),
            }
            if allows_credentials(&h.headers) {
                t.push_str(", credentials allowed");
            }
            if !varies_on_origin(&h.headers) {
                t.push_str(", no Vary: Origin");
            }
            t
        }
    };
    let verdict = if p.accepted {
        s.yellow(" (let in)")
    } else {
        String::new()
    };
    let _ = writeln!(out, "  {} {result}{verdict}", s.dim("<"));
}
