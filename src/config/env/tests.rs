use super::*;

#[test]
fn every_setting_with_a_config_key_has_a_field() {
    for setting in SettingName::all() {
        assert_eq!(
            CorsConfig::default().slot(setting).is_some(),
            setting.config_key().is_some(),
            "{setting:?}"
        );
    }
}

#[test]
fn lists_are_split_and_trimmed() {
    assert_eq!(
        split_list(" https://a.com ,https://b.com,, "),
        ["https://a.com", "https://b.com"]
    );
    assert!(split_list("  ").is_empty());
}

#[test]
fn booleans() {
    for (text, want) in [
        ("true", true),
        (" TRUE ", true),
        ("1", true),
        ("False", false),
    ] {
        assert_eq!(parse_bool(text), Some(want), "{text}");
    }
    for text in ["", "yes", "on", "t"] {
        assert_eq!(parse_bool(text), None, "{text}");
    }
}

#[test]
fn prefix_matching_needs_the_underscore() {
    assert!(has_prefix("CORS_X", "CORS"));
    assert!(has_prefix("cors_allow_origins", "CORS"));
    assert!(!has_prefix("CORSAIR_X", "CORS"));
    assert!(!has_prefix("CORS", "CORS"));
    assert!(!has_prefix("CORS_X", ""));
}

#[test]
fn distances() {
    assert_eq!(edit_distance("CORS_MAX_AGE", "CORS_MAX_AGE_SECS"), 5);
    assert_eq!(edit_distance("CORS_ALLOW_ORIGIN", "CORS_ALLOW_ORIGINS"), 1);
    assert_eq!(edit_distance("", "ab"), 2);
}
