//! A policy read from `{PREFIX}_*` environment variables: lists split and
//! trimmed, every problem reported at once with its variable's name, and
//! unknown variables with the prefix refused. Everything goes through
//! `CorsConfig::from_env_vars`, so no test touches the process environment.

use std::ffi::OsString;
use std::time::Duration;

use http::{HeaderMap, Method};
use tower_cors::{CorsConfig, CorsPolicy, Decision, ProblemKind};

fn read(vars: &[(&str, &str)]) -> Result<CorsConfig, tower_cors::ConfigError> {
    CorsConfig::from_env_vars("CORS", vars.iter().copied())
}

#[test]
fn the_documented_variables_make_the_documented_policy() {
    let config = read(&[
        ("CORS_ALLOW_ORIGINS", "https://a.com, https://b.com"),
        ("CORS_ALLOW_METHODS", "PUT,DELETE"),
        ("CORS_ALLOW_HEADERS", " content-type , authorization "),
        ("CORS_EXPOSE_HEADERS", "x-request-id"),
        ("CORS_ALLOW_CREDENTIALS", "true"),
        ("CORS_MAX_AGE_SECS", "600"),
        ("HOME", "/root"),
    ])
    .expect("valid");
    assert_eq!(
        config,
        CorsConfig {
            allow_origins: vec!["https://a.com".into(), "https://b.com".into()],
            allow_methods: vec!["PUT".into(), "DELETE".into()],
            allow_headers: vec!["content-type".into(), "authorization".into()],
            expose_headers: vec!["x-request-id".into()],
            allow_credentials: true,
            max_age_secs: Some(600),
            allow_private_network: false,
            guard_writes: None,
            guard_report_only: false,
            isolate_resources: false,
            timing_allow_origin: false,
            server_origins: Vec::new(),
            async_lookup_timeout: None,
        }
    );

    let policy = CorsPolicy::try_from(config).expect("valid");
    let mut headers = HeaderMap::new();
    headers.insert("origin", "https://b.com".parse().unwrap());
    headers.insert("access-control-request-method", "DELETE".parse().unwrap());
    headers.insert(
        "access-control-request-headers",
        "authorization,content-type".parse().unwrap(),
    );
    let Decision::PreflightAllowed(answer) = policy.evaluate(&Method::OPTIONS, &headers) else {
        panic!("preflight from a listed origin refused");
    };
    let h = answer.headers();
    assert_eq!(h["access-control-allow-origin"], "https://b.com");
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert_eq!(h["access-control-max-age"], "600");
}

#[test]
fn every_problem_is_reported_at_once_with_its_variable() {
    let err = read(&[
        ("CORS_ALLOW_ORIGINS", "https://a.com/, HTTPS://B.COM"),
        ("CORS_ALLOW_METHODS", "put"),
        ("CORS_ALLOW_PRIVATE_NETWORK", "maybe"),
        ("CORS_MAX_AGE_SECS", "10m"),
        ("CORS_ALLOW_ORIGIN", "https://c.com"),
    ])
    .unwrap_err();
    let found: Vec<(ProblemKind, Option<&str>, Option<&str>)> = err
        .problems()
        .iter()
        .map(|p| (p.kind(), p.variable(), p.value()))
        .collect();
    assert_eq!(
        found,
        [
            (
                ProblemKind::OriginHasPath,
                Some("CORS_ALLOW_ORIGINS"),
                Some("https://a.com/")
            ),
            (
                ProblemKind::OriginNotLowercase,
                Some("CORS_ALLOW_ORIGINS"),
                Some("HTTPS://B.COM")
            ),
            (
                ProblemKind::MethodNeverSentByBrowsers,
                Some("CORS_ALLOW_METHODS"),
                Some("put")
            ),
            (
                ProblemKind::InvalidVariableValue,
                Some("CORS_MAX_AGE_SECS"),
                Some("10m")
            ),
            (
                ProblemKind::InvalidVariableValue,
                Some("CORS_ALLOW_PRIVATE_NETWORK"),
                Some("maybe")
            ),
            (
                ProblemKind::UnknownVariable,
                Some("CORS_ALLOW_ORIGIN"),
                None
            ),
        ]
    );
    let text = err.to_string();
    assert!(
        text.starts_with("invalid CORS policy (6 problems):"),
        "{text}"
    );
    assert!(
        text.contains("CORS_ALLOW_ORIGINS (allow_origins) \"https://a.com/\""),
        "{text}"
    );
    assert!(
        text.contains("CORS_ALLOW_ORIGIN: unknown variable: did you mean CORS_ALLOW_ORIGINS?"),
        "{text}"
    );
    assert!(text.contains("e.g. 600"), "{text}");
}

#[test]
fn policy_mistakes_across_variables_name_the_variable() {
    let err = read(&[
        ("CORS_ALLOW_ORIGINS", "*"),
        ("CORS_ALLOW_CREDENTIALS", "1"),
        ("CORS_MAX_AGE_SECS", "100000"),
    ])
    .unwrap_err();
    let wildcard = err
        .problems()
        .iter()
        .find(|p| p.kind() == ProblemKind::WildcardOriginWithCredentials)
        .expect("* with credentials reported");
    assert_eq!(wildcard.variable(), Some("CORS_ALLOW_ORIGINS"));
    let age = err
        .problems()
        .iter()
        .find(|p| p.kind() == ProblemKind::MaxAgeTooLong)
        .expect("max age reported");
    assert_eq!(age.variable(), Some("CORS_MAX_AGE_SECS"));
    assert_eq!(age.setting(), "max_age");
}

#[test]
fn allow_origins_is_required() {
    let err = read(&[("CORS_ALLOW_CREDENTIALS", "false")]).unwrap_err();
    assert_eq!(err.problems().len(), 1);
    assert_eq!(err.problems()[0].kind(), ProblemKind::NoOrigins);
    assert_eq!(err.problems()[0].variable(), Some("CORS_ALLOW_ORIGINS"));

    // Set but empty (or only commas) is the same as unset.
    let err = read(&[("CORS_ALLOW_ORIGINS", " , ")]).unwrap_err();
    assert!(err.has(ProblemKind::NoOrigins));
}

#[test]
fn unknown_variables_are_refused_even_in_another_case() {
    let err = read(&[
        ("CORS_ALLOW_ORIGINS", "https://a.com"),
        ("cors_allow_credentials", "true"),
        ("CORS_MAX_AGE", "600"),
        ("CORS_PROXY_URL", "http://proxy"),
    ])
    .unwrap_err();
    let hints: Vec<(&str, &str)> = err
        .problems()
        .iter()
        .map(|p| {
            assert_eq!(p.kind(), ProblemKind::UnknownVariable);
            (p.variable().unwrap(), p.hint())
        })
        .collect();
    assert_eq!(hints.len(), 3, "{err}");
    assert_eq!(
        hints[0],
        (
            "cors_allow_credentials",
            "did you mean CORS_ALLOW_CREDENTIALS? (names are case-sensitive)"
        )
    );
    assert_eq!(
        hints[1],
        ("CORS_MAX_AGE", "did you mean CORS_MAX_AGE_SECS?")
    );
    assert!(
        hints[2]
            .1
            .contains("CORS_ALLOW_ORIGINS, CORS_ALLOW_METHODS"),
        "{err}"
    );
}

#[test]
fn variables_of_other_prefixes_are_ignored() {
    let config = read(&[
        ("CORS_ALLOW_ORIGINS", "https://a.com"),
        ("CORSAIR_MODE", "1"),
        ("APP_CORS_ALLOW_ORIGINS", "*"),
        ("RUST_LOG", "debug"),
    ])
    .expect("valid");
    assert_eq!(config.allow_origins, ["https://a.com"]);
}

#[test]
fn a_longer_prefix_with_or_without_its_underscore() {
    for prefix in ["APP_CORS", "APP_CORS_"] {
        let config = CorsConfig::from_env_vars(
            prefix,
            [
                ("APP_CORS_ALLOW_ORIGINS", "https://a.com"),
                ("APP_CORS_ALLOW_PRIVATE_NETWORK", "true"),
                ("CORS_ALLOW_ORIGINS", "ignored: another prefix"),
            ],
        )
        .expect("valid");
        assert_eq!(config.allow_origins, ["https://a.com"], "{prefix}");
        assert!(config.allow_private_network, "{prefix}");
    }
}

#[cfg(unix)]
#[test]
fn a_value_that_is_not_utf8_is_reported_not_a_panic() {
    use std::os::unix::ffi::OsStringExt;
    let bad = OsString::from_vec(vec![b'h', 0xff, b'x']);
    let err = CorsConfig::from_env_vars(
        "CORS",
        [
            (OsString::from("CORS_ALLOW_ORIGINS"), bad),
            (OsString::from("CORS_MAX_AGE_SECS"), OsString::from("60")),
        ],
    )
    .unwrap_err();
    // Only the unreadable value: not also "no allowed origins".
    assert_eq!(err.problems().len(), 1, "{err}");
    let p = &err.problems()[0];
    assert_eq!(p.kind(), ProblemKind::InvalidVariableValue);
    assert_eq!(p.variable(), Some("CORS_ALLOW_ORIGINS"));
    assert!(p.hint().contains("UTF-8"));
}

#[test]
fn from_env_reads_the_process_environment() {
    // A prefix no other test or tool uses, so reading the real environment
    // is deterministic: nothing is set, so allow_origins is missing.
    let err = CorsConfig::from_env("TOWER_CORS_FROM_ENV_TEST_UNSET").unwrap_err();
    assert_eq!(err.problems().len(), 1);
    assert_eq!(
        err.problems()[0].variable(),
        Some("TOWER_CORS_FROM_ENV_TEST_UNSET_ALLOW_ORIGINS")
    );
}

#[test]
fn the_config_can_still_be_extended_in_code() {
    let config = read(&[
        ("CORS_ALLOW_ORIGINS", "https://a.com"),
        ("CORS_MAX_AGE_SECS", "60"),
    ])
    .expect("valid");
    let policy = config
        .into_builder()
        .preflight_status(http::StatusCode::OK)
        .build()
        .expect("valid");
    assert_eq!(policy.origins(), ["https://a.com"]);
    let mut headers = HeaderMap::new();
    headers.insert("origin", "https://a.com".parse().unwrap());
    headers.insert("access-control-request-method", "GET".parse().unwrap());
    let Decision::PreflightAllowed(answer) = policy.evaluate(&Method::OPTIONS, &headers) else {
        panic!("refused");
    };
    assert_eq!(answer.status(), http::StatusCode::OK);
    assert_eq!(
        answer.headers()["access-control-max-age"],
        Duration::from_secs(60).as_secs().to_string().as_str()
    );
}
