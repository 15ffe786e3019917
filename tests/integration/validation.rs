//! One test per validation rule of the builder: each checks the
//! `ProblemKind`, the offending value, and that `Display` carries a hint a
//! user can act on. Then: every problem is reported at once; and, in
//! [`odd_input`], no input makes the builder panic.

use std::time::Duration;

use http::{Method, StatusCode};
use tower_cors::{ConfigError, CorsPolicy, CorsPolicyBuilder, ProblemKind, MAX_AGE_LIMIT};

use crate::support::{preflight_headers, FRONT};

mod odd_input;

fn err(b: CorsPolicyBuilder) -> ConfigError {
    match b.build() {
        Ok(p) => panic!("expected a ConfigError, built {p:?}"),
        Err(e) => e,
    }
}

/// A builder that is valid on its own, to add one mistake to.
fn valid() -> CorsPolicyBuilder {
    CorsPolicy::builder().allow_origins([FRONT])
}

/// Asserts that `err` has a problem of `kind` about `value`, and that its
/// `Display` shows the value and contains `hint`.
#[track_caller]
fn assert_problem(err: &ConfigError, kind: ProblemKind, value: Option<&str>, hint: &str) {
    let found = err
        .problems()
        .iter()
        .find(|p| p.kind() == kind && p.value() == value);
    let Some(p) = found else {
        panic!(
            "no {kind:?} problem for {value:?} in:\n{err}\n{:?}",
            err.problems()
        );
    };
    assert!(err.has(kind));
    assert!(!p.hint().is_empty());
    let line = p.to_string();
    assert!(line.contains(p.setting()), "{line}");
    if let Some(v) = value {
        assert!(line.contains(&format!("{v:?}")), "value missing in: {line}");
    }
    assert!(line.contains(hint), "hint {hint:?} missing in: {line}");
    assert!(err.to_string().contains(&line), "{err}");
}

#[test]
fn no_origins() {
    for b in [
        CorsPolicy::builder(),
        CorsPolicy::builder().allow_origins(Vec::<String>::new()),
        CorsPolicy::builder().allow_methods(["PUT"]),
    ] {
        let e = err(b);
        assert_problem(&e, ProblemKind::NoOrigins, None, "allow_origins");
        assert_eq!(e.problems()[0].setting(), "allow_origins");
    }
}

#[test]
fn origin_without_scheme() {
    let e = err(CorsPolicy::builder().allow_origins(["myfrontend.com"]));
    assert_problem(
        &e,
        ProblemKind::OriginMissingScheme,
        Some("myfrontend.com"),
        "https://myfrontend.com",
    );
    let e = err(CorsPolicy::builder().allow_origins(["localhost:3000"]));
    assert_problem(
        &e,
        ProblemKind::OriginMissingScheme,
        Some("localhost:3000"),
        "http://localhost:3000",
    );
}

#[test]
fn origin_with_path_or_trailing_slash() {
    for raw in [
        "https://myfrontend.com/",
        "https://myfrontend.com/api",
        "https://myfrontend.com?x=1",
    ] {
        let e = err(CorsPolicy::builder().allow_origins([raw]));
        assert_problem(
            &e,
            ProblemKind::OriginHasPath,
            Some(raw),
            "write it as `https://myfrontend.com`",
        );
    }
}

#[test]
fn origin_with_userinfo() {
    for raw in ["https://user@x.com", "https://user:pw@x.com"] {
        let e = err(CorsPolicy::builder().allow_origins([raw]));
        assert_problem(
            &e,
            ProblemKind::OriginHasUserinfo,
            Some(raw),
            "write it as `https://x.com`",
        );
    }
}

#[test]
fn null_and_file_origins() {
    for raw in ["null", "file://", "file:///home/me/index.html"] {
        let e = err(CorsPolicy::builder().allow_origins([raw]));
        assert_problem(&e, ProblemKind::OriginOpaque, Some(raw), "null");
    }
}

#[test]
fn origin_with_default_port() {
    let cases = [
        ("https://a.com:443", "write it as `https://a.com`"),
        ("http://a.com:80", "write it as `http://a.com`"),
        ("https://*.a.com:443", "write it as `https://*.a.com`"),
    ];
    for (raw, hint) in cases {
        let e = err(CorsPolicy::builder().allow_origins([raw]));
        assert_problem(&e, ProblemKind::OriginHasDefaultPort, Some(raw), hint);
    }
    // A non-default port is fine.
    assert!(CorsPolicy::builder()
        .allow_origins(["https://a.com:8443"])
        .build()
        .is_ok());
}

#[test]
fn origin_with_uppercase() {
    let cases = [
        ("https://A.com", "write it as `https://a.com`"),
        (
            "HTTPS://myfrontend.com",
            "write it as `https://myfrontend.com`",
        ),
        (
            "https://*.Example.com",
            "write it as `https://*.example.com`",
        ),
    ];
    for (raw, hint) in cases {
        let e = err(CorsPolicy::builder().allow_origins([raw]));
        assert_problem(&e, ProblemKind::OriginNotLowercase, Some(raw), hint);
    }
}

#[test]
fn wildcard_origin_with_credentials() {
    let e = err(CorsPolicy::builder()
        .allow_origins(["*"])
        .allow_credentials(true));
    assert_problem(
        &e,
        ProblemKind::WildcardOriginWithCredentials,
        Some("*"),
        "never allow credentials with a wildcard origin",
    );
    // Without credentials, "*" is fine.
    assert!(CorsPolicy::builder().allow_origins(["*"]).build().is_ok());
}

#[test]
fn wildcard_expose_headers_with_credentials() {
    let e = err(valid().expose_headers(["*"]).allow_credentials(true));
    assert_problem(
        &e,
        ProblemKind::WildcardExposeWithCredentials,
        Some("*"),
        "list the response headers",
    );
    assert!(valid().expose_headers(["*"]).build().is_ok());
}

#[test]
fn insecure_origin_with_credentials() {
    for raw in [
        "http://myfrontend.com",
        "http://*.example.com",
        "http://10.0.0.1:8080",
    ] {
        let e = err(CorsPolicy::builder()
            .allow_origins([raw])
            .allow_credentials(true));
        assert_problem(
            &e,
            ProblemKind::InsecureOriginWithCredentials,
            Some(raw),
            "dangerously_allow_insecure_origins_with_credentials",
        );
        // The explicit, dangerous-sounding opt-in accepts it.
        assert!(CorsPolicy::builder()
            .allow_origins([raw])
            .allow_credentials(true)
            .dangerously_allow_insecure_origins_with_credentials(true)
            .build()
            .is_ok());
        // Without credentials there is nothing to steal.
        assert!(CorsPolicy::builder().allow_origins([raw]).build().is_ok());
    }
    let e = err(CorsPolicy::builder()
        .allow_origins(["http://myfrontend.com"])
        .allow_credentials(true));
    assert!(e.to_string().contains("https://myfrontend.com"), "{e}");
    // Loopback over http is a secure context in browsers.
    for raw in [
        "http://localhost:3000",
        "http://localhost:*",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
        "http://app.localhost",
    ] {
        let built = CorsPolicy::builder()
            .allow_origins([raw])
            .allow_credentials(true)
            .build();
        assert!(built.is_ok(), "{raw}: {:?}", built.err());
    }
}

#[test]
fn method_that_is_not_a_token() {
    for raw in ["GET POST", "GET,POST", "PUT\t", "(PUT)", "PÜT"] {
        let e = err(valid().allow_methods([raw]));
        assert_problem(
            &e,
            ProblemKind::InvalidMethod,
            Some(raw),
            "pass methods separately",
        );
    }
}

#[test]
fn forbidden_methods() {
    for raw in ["CONNECT", "TRACE", "TRACK", "connect", "Trace"] {
        let e = err(valid().allow_methods([raw]));
        assert_problem(
            &e,
            ProblemKind::ForbiddenMethod,
            Some(raw),
            "never let a page send",
        );
    }
}

#[test]
fn lowercase_spelling_of_a_normalised_method() {
    for (raw, upper) in [("put", "PUT"), ("delete", "DELETE"), ("Post", "POST")] {
        let e = err(valid().allow_methods([raw]));
        assert_problem(
            &e,
            ProblemKind::MethodNeverSentByBrowsers,
            Some(raw),
            &format!("write `{upper}`"),
        );
    }
    // `patch` is sent as written, so it may be listed.
    assert!(valid().allow_methods(["patch", "PATCH"]).build().is_ok());
}

#[test]
fn header_name_that_is_not_a_token() {
    for raw in ["content type", "x:y", "content-type,authorization", "x-é"] {
        let e = err(valid().allow_headers([raw]));
        assert_problem(&e, ProblemKind::InvalidHeaderName, Some(raw), "token");
    }
    let e = err(valid().expose_headers(["x request id"]));
    assert_problem(
        &e,
        ProblemKind::InvalidHeaderName,
        Some("x request id"),
        "token",
    );
    let e = err(valid().allow_headers([" x-a"]));
    assert_problem(&e, ProblemKind::InvalidHeaderName, Some(" x-a"), "`x-a`");
}

#[test]
fn forbidden_request_headers() {
    for raw in [
        "cookie",
        "Cookie",
        "host",
        "origin",
        "content-length",
        "access-control-request-headers",
        "sec-fetch-mode",
        "Sec-CH-UA",
        "proxy-authorization",
    ] {
        let e = err(valid().allow_headers([raw]));
        assert_problem(
            &e,
            ProblemKind::ForbiddenRequestHeader,
            Some(raw),
            "browsers never let a page set this header",
        );
    }
}

#[test]
fn set_cookie_is_never_exposed() {
    let e = err(valid().expose_headers(["Set-Cookie"]));
    assert_problem(
        &e,
        ProblemKind::ForbiddenResponseHeader,
        Some("Set-Cookie"),
        "Set-Cookie",
    );
}

#[test]
fn max_age_above_24_hours() {
    let e = err(valid().max_age(MAX_AGE_LIMIT + Duration::from_secs(1)));
    assert_problem(&e, ProblemKind::MaxAgeTooLong, Some("86401s"), "86400");
    assert!(valid().max_age(MAX_AGE_LIMIT).build().is_ok());
    assert_eq!(MAX_AGE_LIMIT, Duration::from_secs(86_400));
}

#[test]
fn preflight_status_not_2xx() {
    for code in [100, 301, 304, 400, 403, 404, 500] {
        let status = StatusCode::from_u16(code).unwrap();
        let e = err(valid().preflight_status(status));
        assert_problem(
            &e,
            ProblemKind::PreflightStatusNotOk,
            Some(&code.to_string()),
            "use 204 or 200",
        );
    }
    for code in [200, 204, 299] {
        let status = StatusCode::from_u16(code).unwrap();
        assert!(valid().preflight_status(status).build().is_ok(), "{code}");
    }
}

#[test]
fn wildcard_mixed_with_values() {
    let e = err(CorsPolicy::builder().allow_origins(["*", FRONT]));
    assert_problem(
        &e,
        ProblemKind::WildcardMixedWithValues,
        Some(FRONT),
        "alone",
    );
    let e = err(valid().allow_methods(["*", "PUT"]));
    assert_problem(
        &e,
        ProblemKind::WildcardMixedWithValues,
        Some("PUT"),
        "alone",
    );
    let e = err(valid().allow_headers(["*", "x-custom"]));
    assert_problem(
        &e,
        ProblemKind::WildcardMixedWithValues,
        Some("x-custom"),
        "alone",
    );
    let e = err(valid().expose_headers(["x-request-id", "*"]));
    assert_problem(
        &e,
        ProblemKind::WildcardMixedWithValues,
        Some("x-request-id"),
        "alone",
    );
    // The one allowed mix: "*" plus Authorization, which "*" never covers.
    assert!(valid()
        .allow_headers(["*", "authorization"])
        .build()
        .is_ok());
    assert!(valid()
        .allow_headers(["Authorization", "*"])
        .build()
        .is_ok());
}

#[test]
fn empty_values() {
    let e = err(CorsPolicy::builder().allow_origins([""]));
    assert_problem(&e, ProblemKind::EmptyValue, Some(""), "remove it");
    let e = err(valid().allow_methods([" "]));
    assert_problem(&e, ProblemKind::EmptyValue, Some(" "), "remove");
    let e = err(valid().allow_headers([""]));
    assert_problem(&e, ProblemKind::EmptyValue, Some(""), "remove");
}

#[test]
fn pattern_over_a_public_suffix() {
    for raw in ["https://*.com", "https://*.co.uk", "https://*.github.io"] {
        let e = err(CorsPolicy::builder()
            .allow_origins([raw])
            .allow_credentials(true));
        assert_problem(
            &e,
            ProblemKind::OriginPatternOverPublicSuffix,
            Some(raw),
            "public suffix",
        );
    }
}

#[test]
fn misplaced_wildcard_in_origin() {
    for raw in [
        "https://a*.example.com",
        "https://a.*.example.com",
        "https://*",
        "*://a.com",
    ] {
        let e = err(CorsPolicy::builder().allow_origins([raw]));
        let p = &e.problems()[0];
        assert_eq!(p.value(), Some(raw));
        assert!(
            matches!(
                p.kind(),
                ProblemKind::OriginBadWildcard | ProblemKind::OriginMissingScheme
            ),
            "{raw}: {e}"
        );
    }
    let e = err(CorsPolicy::builder().allow_origins(["https://a*.example.com"]));
    assert_problem(
        &e,
        ProblemKind::OriginBadWildcard,
        Some("https://a*.example.com"),
        "https://*.example.com",
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let e = err(CorsPolicy::builder()
        .allow_origins([
            "myfrontend.com",
            "https://a.com/",
            "http://insecure.example.net",
            "https://b.com:443",
        ])
        .allow_methods(["CONNECT", "GET POST"])
        .allow_headers(["cookie", "x y"])
        .expose_headers(["set-cookie"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(100_000))
        .preflight_status(StatusCode::MOVED_PERMANENTLY));
    let kinds: Vec<ProblemKind> = e.problems().iter().map(|p| p.kind()).collect();
    for kind in [
        ProblemKind::OriginMissingScheme,
        ProblemKind::OriginHasPath,
        ProblemKind::OriginHasDefaultPort,
        ProblemKind::ForbiddenMethod,
        ProblemKind::InvalidMethod,
        ProblemKind::ForbiddenRequestHeader,
        ProblemKind::InvalidHeaderName,
        ProblemKind::ForbiddenResponseHeader,
        ProblemKind::MaxAgeTooLong,
        ProblemKind::PreflightStatusNotOk,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} missing from\n{e}");
    }
    assert!(e.problems().len() >= 10, "{e}");
    let text = e.to_string();
    assert!(
        text.starts_with(&format!(
            "invalid CORS policy ({} problems)",
            e.problems().len()
        )),
        "{text}"
    );
    // One numbered line per problem.
    assert_eq!(text.lines().count(), e.problems().len() + 1, "{text}");
    for value in [
        "myfrontend.com",
        "https://a.com/",
        "CONNECT",
        "cookie",
        "set-cookie",
        "301",
    ] {
        assert!(text.contains(value), "{value} missing from\n{text}");
    }

    // Origin problems and the wildcard-with-credentials problem together.
    let e = err(CorsPolicy::builder()
        .allow_origins(["*", "https://myfrontend.com/"])
        .allow_credentials(true));
    assert!(e.has(ProblemKind::WildcardMixedWithValues), "{e}");
    assert!(e.has(ProblemKind::WildcardOriginWithCredentials), "{e}");
    assert!(e.has(ProblemKind::OriginHasPath), "{e}");
}

#[test]
fn list_methods_add_to_what_is_there() {
    let p = CorsPolicy::builder()
        .allow_origins([FRONT])
        .allow_origins([String::from("https://other.com")])
        .allow_methods([Method::PUT])
        .allow_methods(["DELETE"])
        .build()
        .unwrap();
    assert_eq!(p.origins(), [FRONT, "https://other.com"]);
    for origin in [FRONT, "https://other.com"] {
        for method in ["PUT", "DELETE"] {
            let h = preflight_headers(origin, method, "");
            assert!(
                matches!(
                    p.evaluate(&Method::OPTIONS, &h),
                    tower_cors::Decision::PreflightAllowed(_)
                ),
                "{origin} {method}"
            );
        }
    }
}
