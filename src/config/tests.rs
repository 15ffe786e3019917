use super::*;
use crate::ProblemKind;

#[test]
fn unknown_keys_are_errors() {
    let err = toml::from_str::<CorsConfig>(
        "allow_origins = [\"https://a.com\"]\nallow_credential = true\n",
    )
    .unwrap_err();
    assert!(err.to_string().contains("allow_credential"), "{err}");
}

#[test]
fn allow_origins_is_required() {
    let err = toml::from_str::<CorsConfig>("allow_credentials = true\n").unwrap_err();
    assert!(err.to_string().contains("allow_origins"), "{err}");
}

#[test]
fn same_validation_as_the_builder() {
    let config: CorsConfig = toml::from_str(
        "allow_origins = [\"*\"]\nallow_credentials = true\nmax_age_secs = 100000\n",
    )
    .unwrap();
    let err = CorsPolicy::try_from(config).unwrap_err();
    assert!(err.has(ProblemKind::WildcardOriginWithCredentials));
    assert!(err.has(ProblemKind::MaxAgeTooLong));
}

#[test]
fn round_trips() {
    let config = CorsConfig {
        allow_origins: vec!["https://a.com".into()],
        allow_methods: vec!["PUT".into()],
        max_age_secs: Some(60),
        ..CorsConfig::default()
    };
    let text = toml::to_string(&config).unwrap();
    assert_eq!(toml::from_str::<CorsConfig>(&text).unwrap(), config);
    assert!(CorsPolicy::try_from(config).is_ok());
}
