//! Checking a builder's settings: every problem is collected, none stops
//! the others from being found, and the result is either the checked
//! settings or a [`ConfigError`] listing them all.

use std::time::Duration;

use crate::error::{ConfigError, Problem, ProblemKind};
use crate::fetch;
use crate::origin::{parse_rule, OriginMatcher, OriginRule};
use crate::request_headers::AllowedHeaders;
use crate::setting::SettingName;

use super::builder::CorsPolicyBuilder;
use super::settings::Settings;
use super::{Methods, Origins, MAX_AGE_LIMIT};

/// The problems found so far.
///
/// The only way out is [`finish`](Self::finish), which gives the checked
/// value when nothing was found and the error otherwise, so an empty
/// [`ConfigError`] cannot be built.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn push(
        &mut self,
        kind: ProblemKind,
        setting: SettingName,
        value: Option<&str>,
        hint: impl Into<String>,
    ) {
        self.0.push(Problem::new(kind, setting, value, hint));
    }

    fn extend(&mut self, found: impl IntoIterator<Item = Problem>) {
        self.0.extend(found);
    }

    fn finish<T>(self, checked: T) -> Result<T, ConfigError> {
        match ConfigError::from_problems(self.0) {
            Some(err) => Err(err),
            None => Ok(checked),
        }
    }
}

/// The settings once checked, in the form rendering needs.
pub(super) struct Checked {
    /// The settings as validated: lists deduplicated in their order, header
    /// names in lower case, `max_age` in whole seconds.
    pub(super) settings: Settings,
    pub(super) origins: Origins,
    pub(super) methods: Methods,
    pub(super) headers: AllowedHeaders,
}

/// Checks every setting of `b`.
pub(super) fn validate(b: &CorsPolicyBuilder) -> Result<Checked, ConfigError> {
    let s = &b.settings;
    let mut problems = Problems::default();
    let (origins, allow_origins) = check_origins(b, &mut problems);
    let (methods, allow_methods) = check_methods(&s.allow_methods, &mut problems);
    let headers = check_request_headers(&s.allow_headers, &mut problems);
    let expose_headers =
        check_expose_headers(&s.expose_headers, s.allow_credentials, &mut problems);
    let max_age = check_max_age(s.max_age, &mut problems);
    check_preflight_status(s, &mut problems);
    let server_origins = check_server_origins(&s.server_origins, &mut problems);
    let async_lookup_timeout = check_async_lookup_timeout(s.async_lookup_timeout, &mut problems);
    let mut allow_headers: Vec<String> = headers.names().map(str::to_owned).collect();
    if headers.any() {
        allow_headers.insert(0, "*".to_owned());
    }
    problems.finish(Checked {
        settings: Settings {
            allow_origins,
            allow_methods,
            allow_headers,
            expose_headers,
            max_age,
            server_origins,
            async_lookup_timeout,
            ..s.clone()
        },
        origins,
        methods,
        headers,
    })
}

/// `max_age` in whole seconds, at most what the longest browser cap keeps
/// (<https://fetch.spec.whatwg.org/#http-access-control-max-age>: the user
/// agent clamps it to its own limit).
fn check_max_age(max_age: Option<Duration>, problems: &mut Problems) -> Option<Duration> {
    let age = max_age?;
    if age > MAX_AGE_LIMIT {
        let hint = format!(
            "browsers cap preflight caching (Chromium at {chromium} s, Firefox at {limit} s); \
             use at most Duration::from_secs({limit}), {webkit} to {chromium} is usual",
            limit = MAX_AGE_LIMIT.as_secs(),
            chromium = fetch::MAX_AGE_CAP_CHROMIUM,
            webkit = fetch::MAX_AGE_CAP_WEBKIT,
        );
        problems.push(
            ProblemKind::MaxAgeTooLong,
            SettingName::MaxAge,
            Some(&format!("{}s", age.as_secs())),
            hint,
        );
    }
    Some(Duration::from_secs(age.as_secs()))
}

/// The server's own public origins: each one exact origin, as browsers
/// send it, listed once.
fn check_server_origins(list: &[String], problems: &mut Problems) -> Vec<String> {
    const SETTING: SettingName = SettingName::ServerOrigins;
    let mut shown: Vec<String> = Vec::new();
    for raw in list {
        match parse_rule(raw) {
            Ok(OriginRule::Exact(origin)) => {
                if !shown.contains(&origin) {
                    shown.push(origin);
                }
            }
            Ok(_) => problems.push(
                ProblemKind::ServerOriginNotExact,
                SETTING,
                Some(raw),
                "list each origin the server is reached at exactly, e.g. \
                 \"https://shop.example.com\"; patterns belong in allow_origins",
            ),
            Err(_) if raw == "*" => problems.push(
                ProblemKind::ServerOriginNotExact,
                SETTING,
                Some(raw),
                "\"*\" would make every origin the server's own and turn the write guard \
                 off; list the origins the server is reached at",
            ),
            Err(found) => problems.extend(found.into_iter().map(|p| p.in_setting(SETTING))),
        }
    }
    shown
}

/// The async lookup's timeout in whole milliseconds, at least one.
fn check_async_lookup_timeout(
    timeout: Option<Duration>,
    problems: &mut Problems,
) -> Option<Duration> {
    let timeout = timeout?;
    let millis = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
    if millis == 0 {
        problems.push(
            ProblemKind::AsyncLookupTimeoutTooShort,
            SettingName::AsyncLookupTimeout,
            Some(&format!("{}ns", timeout.as_nanos())),
            "a lookup under a millisecond never answers in time, so every origin it decides \
             would be refused; use Duration::from_millis(100) or more (unset, it is 2 s)",
        );
    }
    Some(Duration::from_millis(millis))
}

/// A preflight passes only with an ok status
/// (<https://fetch.spec.whatwg.org/#cors-preflight-fetch>, step 7).
fn check_preflight_status(s: &Settings, problems: &mut Problems) {
    let status = s.preflight_status();
    if !status.is_success() {
        problems.push(
            ProblemKind::PreflightStatusNotOk,
            SettingName::PreflightStatus,
            Some(status.as_str()),
            "browsers fail every preflight whose status is not 200-299; use 204 or 200",
        );
    }
}

/// The allowed origins: the list compiled into a matcher (or `*`), and the
/// list as shown, each entry once.
fn check_origins(b: &CorsPolicyBuilder, problems: &mut Problems) -> (Origins, Vec<String>) {
    let s = &b.settings;
    check_predicates(b, problems);
    let any_predicate = b.origin_predicate.is_some() || b.async_origin_predicate.is_some();
    if s.allow_origins.is_empty() {
        if !any_predicate {
            problems.push(
                ProblemKind::NoOrigins,
                SettingName::AllowOrigins,
                None,
                "list the front-end origins that call this API, e.g. \
                 allow_origins([\"https://app.example.com\"]), or [\"*\"] for a public API \
                 without credentials",
            );
        }
        return (Origins::List(OriginMatcher::new(&[])), Vec::new());
    }
    if s.allow_origins.iter().any(|o| o == "*") {
        check_any_origin(s, any_predicate, problems);
        return (Origins::Any, vec!["*".to_owned()]);
    }
    check_origin_list(s, problems)
}

/// A predicate decides who may read credentialed answers only when the
/// user says so by name.
fn check_predicates(b: &CorsPolicyBuilder, problems: &mut Problems) {
    let s = &b.settings;
    if !s.allow_credentials {
        return;
    }
    if b.origin_predicate.is_some() && !s.origin_predicate_with_credentials {
        problems.push(
            ProblemKind::PredicateWithCredentials,
            SettingName::AllowOrigins,
            None,
            "an origin predicate decides who may read your users' authenticated data; if \
             that is intended, use dangerously_allow_origin_predicate_with_credentials",
        );
    }
    if b.async_origin_predicate.is_some() && !s.async_origin_predicate_with_credentials {
        problems.push(
            ProblemKind::PredicateWithCredentials,
            SettingName::AllowOrigins,
            None,
            "an async origin predicate decides who may read your users' authenticated data; \
             if that is intended, use dangerously_allow_origin_predicate_async_with_credentials",
        );
    }
}

/// `"*"`: alone, without a predicate, and never with credentials
/// (<https://fetch.spec.whatwg.org/#cors-protocol-and-credentials>: the
/// browser fails `*` on a credentialed request).
fn check_any_origin(s: &Settings, any_predicate: bool, problems: &mut Problems) {
    wildcard_alone(SettingName::AllowOrigins, &s.allow_origins, problems);
    if any_predicate {
        problems.push(
            ProblemKind::WildcardMixedWithValues,
            SettingName::AllowOrigins,
            Some("*"),
            "\"*\" already allows every origin: drop the origin predicate or the \"*\"",
        );
    }
    if s.allow_credentials {
        problems.push(
            ProblemKind::WildcardOriginWithCredentials,
            SettingName::AllowOrigins,
            Some("*"),
            "never allow credentials with a wildcard origin: browsers refuse it, and \
             echoing the request's Origin instead would let every site on the web read \
             your users' data; list the exact origins of your front ends",
        );
    }
    // Report what else is wrong with the other entries too.
    for raw in s.allow_origins.iter().filter(|o| *o != "*") {
        if let Err(found) = parse_rule(raw) {
            problems.extend(found);
        }
    }
}

/// Each listed origin parsed as a browser would send it, and checked
/// against the rules for credentials.
fn check_origin_list(s: &Settings, problems: &mut Problems) -> (Origins, Vec<String>) {
    let mut rules = Vec::new();
    let mut shown: Vec<String> = Vec::new();
    for raw in &s.allow_origins {
        match parse_rule(raw) {
            Ok(rule) => {
                if s.allow_credentials {
                    check_rule_with_credentials(
                        raw,
                        &rule,
                        s.insecure_origins_with_credentials,
                        problems,
                    );
                }
                if !shown.contains(raw) {
                    shown.push(raw.clone());
                }
                rules.push(rule);
            }
            Err(found) => problems.extend(found),
        }
    }
    (Origins::List(OriginMatcher::new(&rules)), shown)
}

/// The rules that only apply with credentials: no plain-http origin that
/// the network can tamper with, and no pattern spanning a public suffix.
fn check_rule_with_credentials(
    raw: &str,
    rule: &OriginRule,
    insecure_allowed: bool,
    problems: &mut Problems,
) {
    const SETTING: SettingName = SettingName::AllowOrigins;
    if !insecure_allowed && rule.is_insecure() {
        problems.push(
            ProblemKind::InsecureOriginWithCredentials,
            SETTING,
            Some(raw),
            format!(
                "anyone on the network path can run script in a plain-http page and read your \
                 users' data; use `https://{}` (or call \
                 dangerously_allow_insecure_origins_with_credentials(true) for a closed test \
                 network)",
                &raw[raw.find("://").map_or(0, |i| i + 3)..]
            ),
        );
    }
    if let Some(suffix) = rule.public_suffix() {
        problems.push(
            ProblemKind::OriginPatternOverPublicSuffix,
            SETTING,
            Some(raw),
            format!(
                "`{suffix}` is a public suffix: sites under it belong to unrelated owners, so \
                 any of them could read your users' data; list your own origins exactly"
            ),
        );
    }
}

fn check_methods(list: &[String], problems: &mut Problems) -> (Methods, Vec<String>) {
    const SETTING: SettingName = SettingName::AllowMethods;
    if list.iter().any(|m| m == "*") {
        wildcard_alone(SETTING, list, problems);
        return (Methods::Any, vec!["*".into()]);
    }
    let mut methods: Vec<String> = Vec::new();
    for m in list {
        if m.trim().is_empty() {
            problems.push(
                ProblemKind::EmptyValue,
                SETTING,
                Some(m),
                "remove the empty method",
            );
        } else if !fetch::is_token(m.as_bytes()) {
            problems.push(
                ProblemKind::InvalidMethod,
                SETTING,
                Some(m),
                "a method is a token such as PUT or PATCH, with no spaces or commas (pass \
                 methods separately, not as one comma-joined string)",
            );
        } else if fetch::is_forbidden_method(m) {
            problems.push(
                ProblemKind::ForbiddenMethod,
                SETTING,
                Some(m),
                "browsers never let a page send CONNECT, TRACE or TRACK; remove it",
            );
        } else if fetch::normalize_method(m) != m.as_str() {
            let upper = fetch::normalize_method(m);
            problems.push(
                ProblemKind::MethodNeverSentByBrowsers,
                SETTING,
                Some(m),
                format!(
                    "browsers upper-case this method before sending it, so `{m}` would never \
                     match; write `{upper}`"
                ),
            );
        } else if !methods.contains(m) {
            methods.push(m.clone());
        }
    }
    let mut sorted: Vec<Box<[u8]>> = methods
        .iter()
        .map(|m| m.as_bytes().to_vec().into_boxed_slice())
        .collect();
    sorted.sort();
    (Methods::List(sorted.into_boxed_slice()), methods)
}

fn check_request_headers(list: &[String], problems: &mut Problems) -> AllowedHeaders {
    const SETTING: SettingName = SettingName::AllowHeaders;
    let any = list.iter().any(|h| h == "*");
    if any {
        let others: Vec<&str> = list
            .iter()
            .map(String::as_str)
            .filter(|h| *h != "*" && !h.eq_ignore_ascii_case("authorization"))
            .collect();
        if !others.is_empty() {
            problems.push(
                ProblemKind::WildcardMixedWithValues,
                SETTING,
                Some(&others.join(", ")),
                "\"*\" already allows every name but Authorization: keep \"*\" alone (plus \
                 \"authorization\" if needed) or list only names",
            );
        }
    }
    let mut names = Vec::new();
    for name in list.iter().filter(|h| *h != "*") {
        let lower = name.to_ascii_lowercase();
        if !fetch::is_token(name.as_bytes()) {
            problems.extend([header_name_problem(SETTING, name)]);
        } else if fetch::is_forbidden_request_header_name(&lower) {
            problems.push(
                ProblemKind::ForbiddenRequestHeader,
                SETTING,
                Some(name),
                "browsers never let a page set this header (Fetch's forbidden request-header \
                 names, `sec-*` and `proxy-*`), so listing it has no effect; remove it",
            );
        } else if fetch::is_cors_response_only_name(lower.as_bytes()) {
            problems.push(
                ProblemKind::ResponseOnlyHeader,
                SETTING,
                Some(name),
                format!(
                    "`{lower}` is a response header: the server sends it, a page never does; \
                     remove it (the layer sends it when the policy calls for it)"
                ),
            );
        } else {
            push_unique_lowercase(&mut names, name);
        }
    }
    AllowedHeaders::new(&names, any)
}

fn check_expose_headers(
    list: &[String],
    credentials: bool,
    problems: &mut Problems,
) -> Vec<String> {
    const SETTING: SettingName = SettingName::ExposeHeaders;
    if list.iter().any(|h| h == "*") {
        wildcard_alone(SETTING, list, problems);
        if credentials {
            problems.push(
                ProblemKind::WildcardExposeWithCredentials,
                SETTING,
                Some("*"),
                "with credentials browsers read `*` as a header literally named `*`; \
                 list the response headers pages need to read",
            );
        }
        return vec!["*".to_owned()];
    }
    let mut names = Vec::new();
    for name in list {
        if !fetch::is_token(name.as_bytes()) {
            problems.extend([header_name_problem(SETTING, name)]);
        } else if fetch::is_forbidden_response_header_name(name.as_bytes()) {
            problems.push(
                ProblemKind::ForbiddenResponseHeader,
                SETTING,
                Some(name),
                "browsers never let scripts read Set-Cookie; remove it (cookies are sent \
                 with credentials, not read)",
            );
        } else if fetch::is_cors_request_only_name(name.as_bytes()) {
            problems.push(
                ProblemKind::RequestOnlyHeader,
                SETTING,
                Some(name),
                "this header is only ever on requests, so a response never has it to expose; \
                 remove it",
            );
        } else {
            push_unique_lowercase(&mut names, name);
        }
    }
    names
}

/// Reports `"*"` mixed with other values.
fn wildcard_alone(setting: SettingName, list: &[String], problems: &mut Problems) {
    let others: Vec<&str> = list
        .iter()
        .map(String::as_str)
        .filter(|v| *v != "*")
        .collect();
    if !others.is_empty() {
        problems.push(
            ProblemKind::WildcardMixedWithValues,
            setting,
            Some(&others.join(", ")),
            "\"*\" already means \"any\": keep either \"*\" alone or only the listed values",
        );
    }
}

fn header_name_problem(setting: SettingName, name: &str) -> Problem {
    let (kind, hint) = if name.trim().is_empty() {
        (ProblemKind::EmptyValue, "remove the empty name".to_owned())
    } else if fetch::is_token(name.trim().as_bytes()) {
        (
            ProblemKind::InvalidHeaderName,
            format!("remove the surrounding whitespace: `{}`", name.trim()),
        )
    } else {
        (
            ProblemKind::InvalidHeaderName,
            "a header name is a token: letters, digits and !#$%&'*+-.^_`|~, no spaces, \
             colons or commas (pass names separately, not as one comma-joined string)"
                .to_owned(),
        )
    };
    Problem::new(kind, setting, Some(name), hint)
}

fn push_unique_lowercase(list: &mut Vec<String>, name: &str) {
    let lower = name.to_ascii_lowercase();
    if !list.contains(&lower) {
        list.push(lower);
    }
}
