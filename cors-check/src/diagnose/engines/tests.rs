use tower_cors::browser::{Allowed, Warning};

use super::*;

fn allowed(engine: Engine, cached: Option<u64>, warnings: &[Warning]) -> Walk {
    Walk {
        engine,
        exchanges: Vec::new(),
        end: End::Allowed(Allowed::default(), warnings.to_vec()),
        preflight_cached: cached.map(Duration::from_secs),
    }
}

#[test]
fn engines_that_agree_have_no_differences() {
    let walks: Vec<Walk> = Engine::BROWSERS
        .iter()
        .map(|e| allowed(*e, None, &[]))
        .collect();
    assert!(differences(&walks).is_empty());
    assert!(differences(&walks[..1]).is_empty());
}

#[test]
fn cache_times_and_warnings_that_differ_are_named_per_engine() {
    let w = Warning::AuthorizationCoveredByWildcard;
    let walks = vec![
        allowed(Engine::Chromium, Some(7200), &[w]),
        allowed(Engine::Firefox, Some(86400), &[w]),
        allowed(Engine::WebKit, Some(600), &[w]),
    ];
    let notes = differences(&walks);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains(
            "Chromium caches it 7200 s, Firefox caches it 86400 s, WebKit (Safari) caches it 600 s"
        ),
        "{notes:?}"
    );
    assert!(notes[1].contains("Chromium warns AuthorizationCoveredByWildcard; Firefox warns CORSAllowHeaderFromPreflightDeprecation; WebKit (Safari) is silent"), "{notes:?}");
    assert_eq!(cache_words(Some(Duration::ZERO)), "does not cache it");
}
