use super::*;

#[test]
fn entries_are_in_declaration_order() {
    for (i, entry) in ENTRIES.iter().enumerate() {
        assert_eq!(entry.setting as usize, i, "{}", entry.method);
    }
}

#[test]
fn names() {
    assert_eq!(SettingName::MaxAge.method(), "max_age");
    assert_eq!(SettingName::MaxAge.config_key(), Some("max_age_secs"));
    assert_eq!(
        SettingName::MaxAge.env_var("APP_CORS").as_deref(),
        Some("APP_CORS_MAX_AGE_SECS")
    );
    assert_eq!(
        SettingName::AllowOrigins.env_var("").as_deref(),
        Some("ALLOW_ORIGINS")
    );
    assert_eq!(SettingName::ExplainRefusals.env_var("CORS"), None);
}
