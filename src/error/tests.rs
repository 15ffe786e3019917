use super::*;

#[test]
fn no_problems_make_no_error() {
    assert_eq!(ConfigError::from_problems(Vec::new()), None);
}

#[test]
fn display_lists_every_problem_with_value_and_hint() {
    let err = ConfigError::from_problems(vec![
        Problem::new(
            ProblemKind::OriginHasPath,
            SettingName::AllowOrigins,
            Some("https://a.com/"),
            "write it as `https://a.com`",
        ),
        Problem::new(
            ProblemKind::NoOrigins,
            SettingName::AllowOrigins,
            None,
            "call allow_origins",
        ),
    ])
    .expect("two problems make an error");
    let text = err.to_string();
    assert_eq!(
        text,
        "invalid CORS policy (2 problems):\n  \
         1. allow_origins \"https://a.com/\": not an origin (it has a path): write it as `https://a.com`\n  \
         2. allow_origins: no allowed origins: call allow_origins"
    );
}

#[test]
fn display_names_the_variable_and_its_setting() {
    let p = Problem::new(
        ProblemKind::OriginHasPath,
        SettingName::AllowOrigins,
        Some("https://a.com/"),
        "write it as `https://a.com`",
    )
    .in_variable("APP_CORS_ALLOW_ORIGINS".to_owned());
    assert_eq!(p.variable(), Some("APP_CORS_ALLOW_ORIGINS"));
    assert_eq!(
        p.to_string(),
        "APP_CORS_ALLOW_ORIGINS (allow_origins) \"https://a.com/\": not an origin (it has a \
         path): write it as `https://a.com`"
    );
    let unknown = Problem::unknown_variable("CORS_X", "remove it".to_owned());
    assert_eq!(unknown.to_string(), "CORS_X: unknown variable: remove it");
}
