//! `CorsPolicy::warnings()`: findings that do not stop a policy from
//! building, each checked against what the browser model says the engines
//! really do, and logged once at `warn` when a layer installs the policy.

use std::convert::Infallible;
use std::time::Duration;

use http::{HeaderValue, Request, Response};
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::browser::{Browser, Credentials, Engine, ManualClock, PageRequest};
use tower_cors::{CorsLayer, CorsPolicy, PolicyWarning, WarningKind};

const PAGE: &str = "https://app.example.com";
const API: &str = "https://api.example.com/items";

fn kinds(policy: &CorsPolicy) -> Vec<WarningKind> {
    policy.warnings().iter().map(PolicyWarning::kind).collect()
}

fn api(
    policy: CorsPolicy,
) -> impl tower::Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = impl Send,
> + Clone {
    CorsLayer::new(policy).layer(service_fn(|_: Request<String>| async {
        let mut res = Response::new(String::from("{}"));
        let h = res.headers_mut();
        h.insert("content-type", HeaderValue::from_static("application/json"));
        h.insert("x-request-id", HeaderValue::from_static("42"));
        Ok::<_, Infallible>(res)
    }))
}

/// How many preflights a PUT from the page costs at each time.
async fn preflights_at(engine: Engine, policy: &CorsPolicy, times: &[u64]) -> Vec<usize> {
    let clock = ManualClock::new();
    let mut browser = Browser::new(engine).with_clock(clock.clone());
    let mut svc = api(policy.clone());
    let page = PageRequest::new(PAGE, "PUT", API);
    let mut elapsed = 0;
    let mut counts = Vec::new();
    for &t in times {
        clock.advance(Duration::from_secs(t - elapsed));
        elapsed = t;
        let outcome = browser.fetch(&mut svc, &page).await.unwrap();
        assert!(outcome.is_allowed(), "{engine:?} at {t}s");
        counts.push(outcome.preflights());
    }
    counts
}

#[tokio::test]
async fn max_age_warning_says_what_each_engine_keeps() {
    let policy = CorsPolicy::builder()
        .allow_origins([PAGE])
        .allow_methods(["PUT"])
        .max_age(Duration::from_secs(3600))
        .build()
        .unwrap();
    assert_eq!(kinds(&policy), [WarningKind::MaxAgeAboveBrowserCap]);
    let message = policy.warnings()[0].message();
    assert!(
        message.contains("WebKit (Safari) keeps it 600 s"),
        "{message}"
    );
    assert!(
        message.contains("Chromium and Firefox keep it 3600 s"),
        "{message}"
    );

    // At 0 s, 601 s and 3,601 s after the first call: WebKit preflights
    // again after 600 s, the others only after the full hour.
    let times = [0, 601, 3601];
    assert_eq!(
        preflights_at(Engine::WebKit, &policy, &times).await,
        [1, 1, 1]
    );
    assert_eq!(
        preflights_at(Engine::Chromium, &policy, &times).await,
        [1, 0, 1]
    );
    assert_eq!(
        preflights_at(Engine::Firefox, &policy, &times).await,
        [1, 0, 1]
    );
}

#[tokio::test]
async fn max_age_above_chromiums_cap_is_cut_there_too() {
    let policy = CorsPolicy::builder()
        .allow_origins([PAGE])
        .allow_methods(["PUT"])
        .max_age(Duration::from_secs(86_400))
        .build()
        .unwrap();
    let message = policy.warnings()[0].message();
    assert!(message.contains("Chromium 7200 s"), "{message}");
    assert!(
        message.contains("only Firefox the whole 86400 s"),
        "{message}"
    );
    let times = [0, 7201, 86_401];
    assert_eq!(
        preflights_at(Engine::Chromium, &policy, &times).await,
        [1, 1, 1]
    );
    assert_eq!(
        preflights_at(Engine::Firefox, &policy, &times).await,
        [1, 0, 1]
    );
}

#[tokio::test]
async fn wildcard_headers_without_authorization_are_stricter_than_browsers() {
    let policy = CorsPolicy::builder()
        .allow_origins([PAGE])
        .allow_headers(["*"])
        .build()
        .unwrap();
    assert_eq!(
        kinds(&policy),
        [WarningKind::WildcardHeadersWithoutAuthorization]
    );
    assert!(policy.warnings()[0]
        .message()
        .contains("Chromium, Firefox and WebKit"));

    let page = PageRequest::new(PAGE, "GET", API).header("Authorization", "Bearer t");
    // Against this layer, every engine is blocked: it follows the standard.
    for engine in Engine::BROWSERS {
        let outcome = Browser::new(engine)
            .fetch(&mut api(policy.clone()), &page)
            .await
            .unwrap();
        assert!(!outcome.is_allowed(), "{engine:?}");
    }
    // A server that answers `Access-Control-Allow-Headers: *` to anything
    // passes in today's engines, which is what the warning is about.
    let mut lenient = service_fn(|_: Request<String>| async {
        let mut res = Response::new(String::new());
        let h = res.headers_mut();
        h.insert(
            "access-control-allow-origin",
            HeaderValue::from_static(PAGE),
        );
        h.insert(
            "access-control-allow-headers",
            HeaderValue::from_static("*"),
        );
        Ok::<_, Infallible>(res)
    });
    for engine in Engine::BROWSERS {
        let outcome = Browser::new(engine)
            .fetch(&mut lenient, &page)
            .await
            .unwrap();
        assert!(outcome.is_allowed(), "{engine:?}");
    }

    // Listing Authorization silences the warning and lets the page through.
    let listed = CorsPolicy::builder()
        .allow_origins([PAGE])
        .allow_headers(["*", "authorization"])
        .build()
        .unwrap();
    assert!(listed.warnings().is_empty());
    let outcome = Browser::new(Engine::Chromium)
        .fetch(&mut api(listed), &page)
        .await
        .unwrap();
    assert!(outcome.is_allowed());
}

#[tokio::test]
async fn safelisted_exposed_headers_are_readable_anyway() {
    let policy = CorsPolicy::builder()
        .allow_origins([PAGE])
        .expose_headers(["Content-Type"])
        .build()
        .unwrap();
    assert_eq!(kinds(&policy), [WarningKind::ExposedHeaderAlwaysReadable]);
    assert_eq!(policy.warnings()[0].value(), Some("content-type"));

    // Without exposing anything, script still reads Content-Type.
    let bare = CorsPolicy::builder().allow_origins([PAGE]).build().unwrap();
    let page = PageRequest::new(PAGE, "GET", API).credentials(Credentials::Omit);
    let outcome = Browser::new(Engine::Chromium)
        .fetch(&mut api(bare), &page)
        .await
        .unwrap();
    let readable = outcome.readable_headers();
    assert_eq!(readable["content-type"], "application/json");
    assert!(!readable.contains_key("x-request-id"));
}

#[test]
fn private_network_access_warns_and_says_what_replaced_it() {
    let policy = CorsPolicy::builder()
        .allow_origins([PAGE])
        .allow_private_network(true)
        .build()
        .unwrap();
    assert_eq!(kinds(&policy), [WarningKind::PrivateNetworkAccessUnused]);
    let text = policy.warnings()[0].to_string();
    assert!(text.starts_with("allow_private_network: "), "{text}");
    assert!(
        text.contains("Local Network Access permission prompt"),
        "{text}"
    );
}

#[test]
fn a_policy_with_warnings_still_builds_and_works() {
    let policy = CorsPolicy::builder()
        .allow_origins([PAGE])
        .allow_headers(["*"])
        .expose_headers(["pragma", "x-request-id"])
        .max_age(Duration::from_secs(7200))
        .allow_private_network(true)
        .build()
        .expect("warnings never stop a build");
    assert_eq!(
        kinds(&policy),
        [
            WarningKind::MaxAgeAboveBrowserCap,
            WarningKind::WildcardHeadersWithoutAuthorization,
            WarningKind::ExposedHeaderAlwaysReadable,
            WarningKind::PrivateNetworkAccessUnused,
        ]
    );
    // Cloned policies share them.
    assert_eq!(policy.clone().warnings(), policy.warnings());
}

/// The messages of the `warn` events captured so far, each checked to be on
/// target `tower_cors`.
#[cfg(feature = "tracing")]
fn logged_warnings(capture: &crate::support::Capture) -> Vec<String> {
    capture
        .events()
        .into_iter()
        .filter(|e| e.level == tracing::Level::WARN)
        .map(|e| {
            assert_eq!(e.target, "tower_cors");
            e.fields.get("message").cloned().unwrap_or_default()
        })
        .collect()
}

#[cfg(feature = "tracing")]
#[test]
fn each_warning_is_logged_once_at_warn_when_the_layer_is_made() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let capture = crate::support::Capture::start();
    let policy = CorsPolicy::builder()
        .allow_origins([PAGE])
        .allow_headers(["*"])
        .max_age(Duration::from_secs(3600))
        .build()
        .unwrap();
    // Building logs nothing: the layer that installs the policy does.
    assert_eq!(logged_warnings(&capture), Vec::<String>::new());
    let svc = api(policy.clone());
    // Requests log no warnings.
    for _ in 0..3 {
        let req = Request::get("/")
            .header("origin", PAGE)
            .body(String::new())
            .unwrap();
        runtime.block_on(svc.clone().oneshot(req)).unwrap();
    }
    let warns = logged_warnings(&capture);
    assert_eq!(warns.len(), 2, "{warns:?}");
    for (w, expected) in warns.iter().zip(policy.warnings()) {
        assert_eq!(*w, format!("CORS policy: {expected}"));
    }
}

/// Reading a policy from the environment checks it, and the caller then
/// builds it: neither logs, so the layer's one report is the only one.
#[cfg(feature = "tracing")]
#[test]
fn a_policy_from_the_environment_logs_each_warning_once() {
    use tower_cors::CorsConfig;

    let capture = crate::support::Capture::start();
    let config = CorsConfig::from_env_vars(
        "CORS",
        [
            ("CORS_ALLOW_ORIGINS", PAGE),
            ("CORS_MAX_AGE_SECS", "3600"),
            ("CORS_ALLOW_PRIVATE_NETWORK", "true"),
        ],
    )
    .unwrap();
    let policy = CorsPolicy::try_from(config).unwrap();
    assert_eq!(logged_warnings(&capture), Vec::<String>::new());
    let _layer = CorsLayer::new(policy.clone());
    let expected: Vec<String> = policy
        .warnings()
        .iter()
        .map(|w| format!("CORS policy: {w}"))
        .collect();
    assert_eq!(expected.len(), 2);
    assert_eq!(logged_warnings(&capture), expected);
}

/// A reload handle logs each policy it sets, once.
#[cfg(feature = "tracing")]
#[test]
fn a_reloaded_policy_logs_its_warnings_when_set() {
    use tower_cors::ReloadableCorsLayer;

    let quiet = CorsPolicy::builder().allow_origins([PAGE]).build().unwrap();
    let noisy = CorsPolicy::builder()
        .allow_origins([PAGE])
        .max_age(Duration::from_secs(3600))
        .build()
        .unwrap();
    let capture = crate::support::Capture::start();
    let (_layer, handle) = ReloadableCorsLayer::new(quiet);
    assert_eq!(logged_warnings(&capture), Vec::<String>::new());
    handle.set(noisy.clone());
    assert_eq!(
        logged_warnings(&capture),
        [format!("CORS policy: {}", noisy.warnings()[0])]
    );
}
