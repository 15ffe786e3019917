//! Feature `tracing`: one `debug` event on target `tower_cors` per refusal,
//! with the reason, the origin and the offending method or header; nothing at
//! info or above; nothing for allowed requests.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use http::{Request, Response};
use tower::{service_fn, Layer, ServiceExt};
use tower_cors::{CorsLayer, CorsPolicy};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer as _;

#[derive(Debug, Clone)]
struct Captured {
    level: Level,
    target: String,
    fields: BTreeMap<String, String>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for Capture {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push(Captured {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields,
        });
    }
}

async fn send(policy: &CorsPolicy, req: Request<String>) -> Response<String> {
    let inner = service_fn(|_r: Request<String>| async {
        Ok::<_, Infallible>(Response::new(String::new()))
    });
    CorsLayer::new(policy.clone())
        .layer(inner)
        .oneshot(req)
        .await
        .unwrap()
}

fn preflight(origin: &str, method: &str, headers: Option<&str>) -> Request<String> {
    let mut b = Request::options("/api")
        .header("origin", origin)
        .header("access-control-request-method", method);
    if let Some(h) = headers {
        b = b.header("access-control-request-headers", h);
    }
    b.body(String::new()).unwrap()
}

#[tokio::test]
async fn one_debug_event_per_refusal() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let policy = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .allow_methods(["PUT"])
        .allow_headers(["content-type"])
        .build()
        .unwrap();

    // Allowed requests say nothing.
    send(
        &policy,
        preflight("https://app.example.com", "PUT", Some("content-type")),
    )
    .await;
    send(
        &policy,
        Request::get("/")
            .header("origin", "https://app.example.com")
            .body(String::new())
            .unwrap(),
    )
    .await;
    send(&policy, Request::get("/").body(String::new()).unwrap()).await;
    assert!(
        capture.0.lock().unwrap().is_empty(),
        "{:?}",
        capture.0.lock().unwrap()
    );

    // Each refusal: exactly one event with the details.
    send(&policy, preflight("https://evil.example", "PUT", None)).await;
    send(&policy, preflight("https://app.example.com", "patch", None)).await;
    send(
        &policy,
        preflight(
            "https://app.example.com",
            "PUT",
            Some("content-type,x-secret"),
        ),
    )
    .await;
    send(
        &policy,
        Request::get("/")
            .header("origin", "https://evil.example")
            .body(String::new())
            .unwrap(),
    )
    .await;
    send(
        &policy,
        Request::get("/")
            .header("origin", "https://app.example.com")
            .header("cookie", "session=1")
            .body(String::new())
            .unwrap(),
    )
    .await;

    let events = capture.0.lock().unwrap().clone();
    assert_eq!(events.len(), 5, "{events:#?}");
    for e in &events {
        assert_eq!(e.level, Level::DEBUG);
        assert_eq!(e.target, "tower_cors");
        assert!(e.fields.contains_key("message"));
        assert!(e.fields.contains_key("fix"));
    }
    let f = |i: usize, k: &str| events[i].fields.get(k).cloned();
    assert_eq!(f(0, "reason").as_deref(), Some("origin-not-allowed"));
    assert_eq!(f(0, "origin").as_deref(), Some("https://evil.example"));
    assert_eq!(f(0, "preflight").as_deref(), Some("true"));
    assert_eq!(f(1, "reason").as_deref(), Some("method-not-allowed"));
    assert_eq!(f(1, "method").as_deref(), Some("patch"));
    assert!(f(1, "fix").unwrap().contains("\"PATCH\""));
    assert_eq!(f(2, "reason").as_deref(), Some("header-not-allowed"));
    assert_eq!(f(2, "header").as_deref(), Some("x-secret"));
    assert_eq!(f(3, "reason").as_deref(), Some("origin-not-allowed"));
    assert_eq!(f(3, "preflight").as_deref(), Some("false"));
    assert_eq!(f(4, "reason").as_deref(), Some("credentials-not-allowed"));
}

#[tokio::test]
async fn nothing_at_info_or_above() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(
        capture
            .clone()
            .with_filter(tracing_subscriber::filter::LevelFilter::INFO),
    );
    let _guard = tracing::subscriber::set_default(subscriber);
    let policy = CorsPolicy::builder()
        .allow_origins(["https://app.example.com"])
        .build()
        .unwrap();
    send(&policy, preflight("https://evil.example", "PUT", None)).await;
    send(
        &policy,
        preflight("https://app.example.com", "DELETE", None),
    )
    .await;
    assert!(capture.0.lock().unwrap().is_empty());
}
