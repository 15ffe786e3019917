//! [`CorsConfig::from_env`]: a policy read from `{PREFIX}_*` environment
//! variables, every problem reported at once with its variable's name.

use std::ffi::OsStr;

use super::{CorsConfig, Slot};
use crate::error::{ConfigError, Problem, ProblemKind};
use crate::setting::SettingName;

/// The settings read from the environment: those a configuration holds.
fn env_settings() -> impl Iterator<Item = SettingName> {
    SettingName::all().filter(|s| s.config_key().is_some())
}

impl CorsConfig {
    /// Reads a policy from the process environment: `{prefix}_ALLOW_ORIGINS`,
    /// `{prefix}_ALLOW_METHODS`, `{prefix}_ALLOW_HEADERS`,
    /// `{prefix}_EXPOSE_HEADERS`, `{prefix}_SERVER_ORIGINS` (comma-separated
    /// lists, each item trimmed, empty items skipped),
    /// `{prefix}_ALLOW_CREDENTIALS`, `{prefix}_ALLOW_PRIVATE_NETWORK`,
    /// `{prefix}_GUARD_WRITES`, `{prefix}_GUARD_REPORT_ONLY`,
    /// `{prefix}_ISOLATE_RESOURCES`, `{prefix}_TIMING_ALLOW_ORIGIN`
    /// (`true`/`false` or `1`/`0`), `{prefix}_MAX_AGE_SECS` (whole seconds)
    /// and `{prefix}_ASYNC_LOOKUP_TIMEOUT` (whole milliseconds). `{prefix}_ALLOW_ORIGINS` is
    /// required, as `allow_origins` is in a file.
    ///
    /// The settings are also checked as [`build`](crate::CorsPolicyBuilder::build)
    /// checks them, so that one run reports every problem: values that do
    /// not parse, policy mistakes (`*` with credentials, an origin with a
    /// path, ...) and every *other* variable that starts with `{prefix}_`,
    /// since a misspelt name (`CORS_ALLOW_ORIGIN`) must not silently drop a
    /// setting. Each [`Problem`] names its variable
    /// ([`Problem::variable`]), in the order of the settings, unknown
    /// variables last. A trailing `_` on `prefix` is ignored; an empty prefix
    /// reads `ALLOW_ORIGINS` etc. and refuses nothing else.
    ///
    /// Use [`from_env_vars`](Self::from_env_vars) in tests, to read a list of
    /// pairs instead of the process environment.
    ///
    /// ```no_run
    /// use tower_cors::{CorsConfig, CorsLayer, CorsPolicy};
    ///
    /// // CORS_ALLOW_ORIGINS="https://a.com, https://b.com"
    /// // CORS_ALLOW_CREDENTIALS=true
    /// // CORS_MAX_AGE_SECS=600
    /// let config = CorsConfig::from_env("CORS")?;
    /// let layer = CorsLayer::new(CorsPolicy::try_from(config)?);
    /// # let _ = layer;
    /// # Ok::<(), tower_cors::ConfigError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] listing every problem found.
    pub fn from_env(prefix: &str) -> Result<Self, ConfigError> {
        Self::from_env_vars(prefix, std::env::vars_os())
    }

    /// [`from_env`](Self::from_env) over the given `(name, value)` pairs
    /// instead of the process environment, e.g. to test a deployment's
    /// settings. Variables without the prefix are ignored.
    ///
    /// ```
    /// use tower_cors::{CorsConfig, CorsPolicy, ProblemKind};
    ///
    /// let config = CorsConfig::from_env_vars("CORS", [
    ///     ("CORS_ALLOW_ORIGINS", "https://a.com, https://b.com"),
    ///     ("CORS_ALLOW_CREDENTIALS", "true"),
    ///     ("CORS_MAX_AGE_SECS", "600"),
    ///     ("PATH", "/usr/bin"),
    /// ])?;
    /// assert_eq!(config.allow_origins, ["https://a.com", "https://b.com"]);
    /// assert!(CorsPolicy::try_from(config)?.allows_credentials());
    ///
    /// // Every problem at once, each with its variable.
    /// let err = CorsConfig::from_env_vars("CORS", [
    ///     ("CORS_ALLOW_ORIGINS", "https://a.com/"),
    ///     ("CORS_ALLOW_CREDENTIALS", "yes please"),
    ///     ("CORS_MAX_AGE", "600"),
    /// ])
    /// .unwrap_err();
    /// let vars: Vec<_> = err.problems().iter().map(|p| p.variable().unwrap()).collect();
    /// assert_eq!(vars, ["CORS_ALLOW_ORIGINS", "CORS_ALLOW_CREDENTIALS", "CORS_MAX_AGE"]);
    /// assert!(err.has(ProblemKind::UnknownVariable));
    /// assert!(err.to_string().contains("did you mean CORS_MAX_AGE_SECS?"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] listing every problem found.
    pub fn from_env_vars<I, K, V>(prefix: &str, vars: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let prefix = prefix.trim_end_matches('_');
        let mut config = Self::default();
        let mut problems = Vec::new();
        // Settings whose variable is set but unreadable: the policy check
        // must not also report them as missing.
        let mut unreadable = Vec::new();
        for (name, value) in vars {
            let Some(name) = name.as_ref().to_str() else {
                continue;
            };
            let Some(setting) = env_settings().find(|s| s.env_var(prefix).as_deref() == Some(name))
            else {
                if has_prefix(name, prefix) {
                    problems.push(unknown(name, prefix));
                }
                continue;
            };
            if let Err(problem) = read_variable(&mut config, setting, name, value.as_ref()) {
                problems.push(problem);
                unreadable.push(setting);
            }
        }
        problems.extend(policy_problems(&config, prefix, &unreadable));
        // In the order of the settings, unknown variables last, whatever
        // order the environment lists them in.
        problems.sort_by_key(|p| p.setting_id().map_or(usize::MAX, |s| s as usize));
        match ConfigError::from_problems(problems) {
            Some(err) => Err(err),
            None => Ok(config),
        }
    }
}

/// Reads variable `name` into `setting`'s field of `config`, by the
/// field's type.
fn read_variable(
    config: &mut CorsConfig,
    setting: SettingName,
    name: &str,
    value: &OsStr,
) -> Result<(), Problem> {
    let fail = |hint: &str| {
        Problem::new(
            ProblemKind::InvalidVariableValue,
            setting,
            Some(&value.to_string_lossy()),
            hint,
        )
        .in_variable(name.to_owned())
    };
    let text = value
        .to_str()
        .ok_or_else(|| fail("the value is not UTF-8"))?;
    let switch = |text: &str| {
        parse_bool(text).ok_or_else(|| fail("write true or false (or 1 or 0), or unset it"))
    };
    match config.slot(setting) {
        Some(Slot::List(list)) => *list = split_list(text),
        Some(Slot::Flag(flag)) => *flag = switch(text)?,
        Some(Slot::Switch(slot)) => *slot = Some(switch(text)?),
        Some(Slot::Seconds(secs)) => {
            let parsed = text
                .trim()
                .parse::<u64>()
                .map_err(|_| fail("write a whole number of seconds without a unit, e.g. 600"))?;
            *secs = Some(parsed);
        }
        Some(Slot::Millis(millis)) => {
            let parsed = text.trim().parse::<u64>().map_err(|_| {
                fail("write a whole number of milliseconds without a unit, e.g. 2000")
            })?;
            *millis = Some(parsed);
        }
        // Only settings with a slot have a variable.
        None => {}
    }
    Ok(())
}

/// The policy's own checks of what was read (the builder's validation,
/// without building a policy), each problem named by its variable; none
/// for a setting whose variable could not be read.
fn policy_problems(config: &CorsConfig, prefix: &str, unreadable: &[SettingName]) -> Vec<Problem> {
    let Err(err) = config.clone().into_builder().check() else {
        return Vec::new();
    };
    err.problems()
        .iter()
        .filter_map(|problem| {
            let setting = problem.setting_id()?;
            let name = setting.env_var(prefix)?;
            (!unreadable.contains(&setting)).then(|| problem.clone().in_variable(name))
        })
        .collect()
}

/// Comma-separated items, trimmed; empty items (`a,,b`, a trailing comma)
/// are skipped.
fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Some(false)
    } else {
        None
    }
}

/// Whether `name` starts with `{prefix}_`, in any case (a lower-case
/// spelling of a known name is a typo too).
fn has_prefix(name: &str, prefix: &str) -> bool {
    !prefix.is_empty()
        && name.len() > prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
        && name.as_bytes()[prefix.len()] == b'_'
}

fn unknown(name: &str, prefix: &str) -> Problem {
    let known: Vec<String> = env_settings().filter_map(|s| s.env_var(prefix)).collect();
    let upper = name.to_ascii_uppercase();
    // A name that is a known one cut short or lengthened
    // (`CORS_MAX_AGE`), else one a few typos away.
    let closest = known
        .iter()
        .find(|k| k.starts_with(&upper) || upper.starts_with(k.as_str()))
        .or_else(|| {
            known
                .iter()
                .map(|k| (edit_distance(&upper, k), k))
                .min_by_key(|(d, _)| *d)
                .filter(|(d, _)| *d <= 3)
                .map(|(_, k)| k)
        });
    let hint = match closest {
        Some(k) if k.eq_ignore_ascii_case(name) => {
            format!("did you mean {k}? (names are case-sensitive)")
        }
        Some(k) => format!("did you mean {k}?"),
        None => format!(
            "every {prefix}_* variable is read as a CORS setting; the known ones are {}",
            known.join(", ")
        ),
    };
    Problem::unknown_variable(name, hint)
}

/// Levenshtein distance, for suggesting the variable a typo meant.
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests;
