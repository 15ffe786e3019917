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

#[test]
fn the_surface_settings_have_their_fixed_names() {
    for (setting, key, var) in [
        (
            SettingName::GuardWrites,
            "guard_writes",
            "CORS_GUARD_WRITES",
        ),
        (
            SettingName::GuardReportOnly,
            "guard_report_only",
            "CORS_GUARD_REPORT_ONLY",
        ),
        (
            SettingName::IsolateResources,
            "isolate_resources",
            "CORS_ISOLATE_RESOURCES",
        ),
        (
            SettingName::TimingAllowOrigin,
            "timing_allow_origin",
            "CORS_TIMING_ALLOW_ORIGIN",
        ),
        (
            SettingName::ServerOrigins,
            "server_origins",
            "CORS_SERVER_ORIGINS",
        ),
        (
            SettingName::AsyncLookupTimeout,
            "async_lookup_timeout",
            "CORS_ASYNC_LOOKUP_TIMEOUT",
        ),
    ] {
        assert_eq!(setting.method(), key);
        assert_eq!(setting.config_key(), Some(key));
        assert_eq!(setting.env_var("CORS").as_deref(), Some(var));
    }
}
