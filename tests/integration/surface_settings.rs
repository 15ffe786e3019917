//! The settings of the cross-origin surface beyond CORS (the write guard's
//! default, report-only, resource isolation, Timing-Allow-Origin, the
//! server's own origins, the async lookup's timeout): each read the same
//! from the builder, a `[cors]` table and the environment, and checked.

use std::time::Duration;

use tower_cors::{CorsConfig, CorsPolicy, ProblemKind, DEFAULT_ASYNC_LOOKUP_TIMEOUT};

use crate::support::*;

#[test]
fn every_key_reads_from_a_cors_table() {
    let config: CorsConfig = toml::from_str(
        r#"
        allow_origins = ["https://myfrontend.com"]
        guard_writes = true
        guard_report_only = true
        isolate_resources = true
        timing_allow_origin = true
        server_origins = ["http://intranet.corp", "https://shop.example.com"]
        async_lookup_timeout = 250
        "#,
    )
    .unwrap();
    assert!(config.guard_report_only);
    assert!(config.isolate_resources);
    assert!(config.timing_allow_origin);
    assert_eq!(
        config.server_origins,
        ["http://intranet.corp", "https://shop.example.com"]
    );
    assert_eq!(config.async_lookup_timeout, Some(250));
    let text = toml::to_string(&config).unwrap();
    assert_eq!(toml::from_str::<CorsConfig>(&text).unwrap(), config);
    let p = CorsPolicy::try_from(config).unwrap();
    assert!(p.guards_writes());
    assert!(p.guard_is_report_only());
    assert!(p.isolates_resources());
    assert_eq!(
        p.server_origins(),
        ["http://intranet.corp", "https://shop.example.com"]
    );
    let debug = format!("{p:?}");
    for field in [
        "guard_report_only: true",
        "isolate_resources: true",
        "timing_allow_origin: true",
        "async_lookup_timeout: Some(250ms)",
    ] {
        assert!(debug.contains(field), "{field} in {debug}");
    }
}

#[test]
fn unset_keys_keep_the_defaults() {
    let config: CorsConfig = toml::from_str("allow_origins = [\"https://a.com\"]").unwrap();
    let p = CorsPolicy::try_from(config).unwrap();
    assert!(p.guards_writes(), "on for listed origins");
    assert!(!p.guard_is_report_only());
    assert!(!p.isolates_resources());
    assert!(p.server_origins().is_empty());
    assert_eq!(DEFAULT_ASYNC_LOOKUP_TIMEOUT, Duration::from_secs(2));
    // A file that leaves them out writes none of them back.
    let text = toml::to_string(&CorsConfig {
        allow_origins: vec!["https://a.com".into()],
        ..CorsConfig::default()
    })
    .unwrap();
    assert_eq!(
        text.trim(),
        "allow_origins = [\"https://a.com\"]\nallow_credentials = false"
    );
}

#[test]
fn every_variable_reads_from_the_environment() {
    let config = CorsConfig::from_env_vars(
        "CORS",
        [
            ("CORS_ALLOW_ORIGINS", "https://myfrontend.com"),
            ("CORS_GUARD_REPORT_ONLY", "true"),
            ("CORS_ISOLATE_RESOURCES", "1"),
            ("CORS_TIMING_ALLOW_ORIGIN", "TRUE"),
            (
                "CORS_SERVER_ORIGINS",
                "http://intranet.corp, https://shop.example.com",
            ),
            ("CORS_ASYNC_LOOKUP_TIMEOUT", "1500"),
        ],
    )
    .unwrap();
    assert!(config.guard_report_only && config.isolate_resources && config.timing_allow_origin);
    assert_eq!(
        config.server_origins,
        ["http://intranet.corp", "https://shop.example.com"]
    );
    assert_eq!(config.async_lookup_timeout, Some(1500));
    assert!(CorsPolicy::try_from(config).is_ok());
}

#[test]
fn bad_values_are_reported_with_their_variable() {
    let err = CorsConfig::from_env_vars(
        "CORS",
        [
            ("CORS_ALLOW_ORIGINS", "https://myfrontend.com"),
            ("CORS_ISOLATE_RESOURCES", "yes"),
            (
                "CORS_SERVER_ORIGINS",
                "https://*.example.com, http://intranet.corp/",
            ),
            ("CORS_ASYNC_LOOKUP_TIMEOUT", "2s"),
            ("CORS_TIMING_ALLOW_ORIGINS", "true"),
        ],
    )
    .unwrap_err();
    let found: Vec<_> = err
        .problems()
        .iter()
        .map(|p| (p.variable().unwrap(), p.kind()))
        .collect();
    assert_eq!(
        found,
        [
            ("CORS_ISOLATE_RESOURCES", ProblemKind::InvalidVariableValue),
            ("CORS_SERVER_ORIGINS", ProblemKind::ServerOriginNotExact),
            ("CORS_SERVER_ORIGINS", ProblemKind::OriginHasPath),
            (
                "CORS_ASYNC_LOOKUP_TIMEOUT",
                ProblemKind::InvalidVariableValue
            ),
            ("CORS_TIMING_ALLOW_ORIGINS", ProblemKind::UnknownVariable),
        ]
    );
    let text = err.to_string();
    assert!(text.contains("whole number of milliseconds"), "{text}");
    assert!(
        text.contains("did you mean CORS_TIMING_ALLOW_ORIGIN?"),
        "{text}"
    );
}

#[test]
fn server_origins_are_exact_origins() {
    let err = CorsPolicy::builder()
        .allow_origins([FRONT])
        .server_origins(["*", "https://*.example.com", "HTTPS://Shop.example.com"])
        .build()
        .unwrap_err();
    let kinds: Vec<_> = err.problems().iter().map(|p| p.kind()).collect();
    assert_eq!(
        kinds,
        [
            ProblemKind::ServerOriginNotExact,
            ProblemKind::ServerOriginNotExact,
            ProblemKind::OriginNotLowercase
        ]
    );
    assert!(err
        .problems()
        .iter()
        .all(|p| p.setting() == "server_origins"));
    // Listed once each, as browsers send them.
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .server_origins(["https://shop.example.com", "https://shop.example.com"])
    });
    assert_eq!(p.server_origins(), ["https://shop.example.com"]);
}

#[test]
fn the_lookup_timeout_is_at_least_a_millisecond() {
    let err = CorsPolicy::builder()
        .allow_origins([FRONT])
        .async_lookup_timeout(Duration::from_micros(900))
        .build()
        .unwrap_err();
    assert!(err.has(ProblemKind::AsyncLookupTimeoutTooShort));
    assert_eq!(err.problems()[0].setting(), "async_lookup_timeout");
    assert_eq!(err.problems()[0].value(), Some("900000ns"));
    let p = policy(|b| {
        b.allow_origins([FRONT])
            .async_lookup_timeout(Duration::from_micros(1500))
    });
    assert!(format!("{p:?}").contains("async_lookup_timeout: Some(1ms)"));
}
