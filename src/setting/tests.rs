use super::*;

#[test]
fn entries_are_in_declaration_order() {
    for (i, entry) in ENTRIES.iter().enumerate() {
        assert_eq!(entry.setting as usize, i, "{}", entry.method);
    }
}

#[test]
fn names() {
    assert_eq!(Setting::MaxAge.method(), "max_age");
    assert_eq!(Setting::MaxAge.config_key(), Some("max_age_secs"));
    assert_eq!(
        Setting::MaxAge.env_var("APP_CORS").as_deref(),
        Some("APP_CORS_MAX_AGE_SECS")
    );
    assert_eq!(
        Setting::AllowOrigins.env_var("").as_deref(),
        Some("ALLOW_ORIGINS")
    );
    assert_eq!(Setting::ExplainRefusals.env_var("CORS"), None);
}
