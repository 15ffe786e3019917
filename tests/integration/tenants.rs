//! Origins per tenant: an async origin predicate, asked only about origins
//! nothing else allows, with the inner service running while it decides;
//! credentials only through the dangerous variant; and a `PolicyHandle`
//! kept current from a change feed.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use http::{Method, Request, Response, StatusCode};
use tokio::sync::{mpsc, oneshot, Notify};
use tower::{service_fn, Layer, Service, ServiceExt};
use tower_cors::browser::{Browser, Credentials, Engine, PageRequest};
use tower_cors::{
    CorsLayer, CorsPolicy, CorsPolicyBuilder, Decision, ProblemKind, ReloadableCorsLayer,
};

/// Tenants by API host: each tenant's API is called from its own front end.
type Tenants = Arc<RwLock<HashMap<String, String>>>;

fn tenants() -> Tenants {
    let map = HashMap::from([
        (
            "acme.api.example.net".to_owned(),
            "https://acme.example.net".to_owned(),
        ),
        (
            "globex.api.example.net".to_owned(),
            "https://globex.example.net".to_owned(),
        ),
    ]);
    Arc::new(RwLock::new(map))
}

/// A lookup by the request's `Host`, counting how often it is asked.
fn by_host(
    tenants: Tenants,
    asked: Arc<AtomicUsize>,
) -> impl Fn(&http::HeaderValue, &http::request::Parts) -> std::future::Ready<bool> + Send + Sync + 'static
{
    move |origin, parts| {
        asked.fetch_add(1, Ordering::SeqCst);
        // `Host` in HTTP/1.1, the URI's authority in HTTP/2 (and in the
        // browser model's requests).
        let host = parts
            .headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .or_else(|| parts.uri.host());
        let allowed = host.is_some_and(|host| {
            tenants.read().unwrap().get(host).map(String::as_bytes) == Some(origin.as_bytes())
        });
        std::future::ready(allowed)
    }
}

fn builder(tenants: &Tenants, asked: &Arc<AtomicUsize>) -> CorsPolicyBuilder {
    CorsPolicy::builder()
        .allow_origins(["https://admin.example.com"])
        .allow_methods(["PUT"])
        .allow_origin_predicate_async(by_host(Arc::clone(tenants), Arc::clone(asked)))
}

fn echo() -> impl Service<
    Request<String>,
    Response = Response<String>,
    Error = Infallible,
    Future = impl Future + Send,
> + Clone {
    service_fn(|req: Request<String>| async move {
        Ok::<_, Infallible>(Response::new(format!(
            "{} {}",
            req.method(),
            req.uri().path()
        )))
    })
}

#[tokio::test]
async fn a_tenants_front_end_is_allowed_by_the_browser() {
    let asked = Arc::new(AtomicUsize::new(0));
    let policy = builder(&tenants(), &asked).build().unwrap();
    let mut api = CorsLayer::new(policy).layer(echo());
    let mut browser = Browser::new(Engine::Chromium);
    let page = PageRequest::new(
        "https://acme.example.net",
        "PUT",
        "https://acme.api.example.net/items/1",
    );
    let outcome = browser.fetch(&mut api, &page).await.unwrap();
    assert!(outcome.is_allowed(), "{:?}", outcome.blocked());
    assert_eq!(outcome.preflights(), 1);
    assert_eq!(outcome.response().unwrap().body(), "PUT /items/1");
    assert_eq!(
        asked.load(Ordering::SeqCst),
        2,
        "once for the preflight, once for the PUT"
    );

    // Another tenant's front end may not call acme's API.
    let page = PageRequest::new(
        "https://globex.example.net",
        "PUT",
        "https://acme.api.example.net/items/1",
    );
    let outcome = browser.fetch(&mut api, &page).await.unwrap();
    assert!(!outcome.is_allowed());
    assert_eq!(outcome.exchanges()[0].status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn listed_origins_never_wait_for_the_lookup() {
    let asked = Arc::new(AtomicUsize::new(0));
    let policy = builder(&tenants(), &asked).build().unwrap();
    let api = CorsLayer::new(policy).layer(echo());
    let req = Request::get("/x")
        .header("origin", "https://admin.example.com")
        .body(String::new())
        .unwrap();
    let res = api.clone().oneshot(req).await.unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://admin.example.com"
    );
    let no_origin = Request::get("/x").body(String::new()).unwrap();
    let res = api.oneshot(no_origin).await.unwrap();
    assert_eq!(res.headers()["vary"], "origin");
    assert_eq!(asked.load(Ordering::SeqCst), 0);
}

/// The lookup is asked only when the origin is all that stands between the
/// request and an answer: not for a listed origin's refused method, nor for
/// a request with two `Origin` headers, which no lookup could make valid.
#[tokio::test]
async fn refusals_for_other_reasons_never_ask_the_lookup() {
    let asked = Arc::new(AtomicUsize::new(0));
    let policy = builder(&tenants(), &asked).build().unwrap();
    let api = CorsLayer::new(policy).layer(echo());
    let refused_method = Request::options("/x")
        .header("origin", "https://admin.example.com")
        .header("access-control-request-method", "DELETE")
        .body(String::new())
        .unwrap();
    let res = api.clone().oneshot(refused_method).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let two_origins = Request::get("/x")
        .header("host", "acme.api.example.net")
        .header("origin", "https://acme.example.net")
        .header("origin", "https://acme.example.net")
        .body(String::new())
        .unwrap();
    let res = api.oneshot(two_origins).await.unwrap();
    assert!(!res.headers().contains_key("access-control-allow-origin"));
    assert_eq!(asked.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_refused_origins_request_still_runs_but_gets_no_cors_headers() {
    let asked = Arc::new(AtomicUsize::new(0));
    let policy = builder(&tenants(), &asked).build().unwrap();
    let api = CorsLayer::new(policy).layer(echo());
    let req = Request::get("/x")
        .header("origin", "https://evil.example")
        .header("host", "acme.api.example.net")
        .body(String::new())
        .unwrap();
    let res = api.oneshot(req).await.unwrap();
    assert_eq!(res.body(), "GET /x");
    assert!(!res.headers().contains_key("access-control-allow-origin"));
    assert_eq!(res.headers()["vary"], "origin");
    assert_eq!(asked.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_inner_service_runs_while_the_lookup_is_pending() {
    let release = Arc::new(Notify::new());
    let policy = CorsPolicy::builder()
        .allow_origin_predicate_async({
            let release = Arc::clone(&release);
            move |origin, _| {
                let release = Arc::clone(&release);
                let ok = origin.as_bytes() == b"https://acme.example.net";
                async move {
                    release.notified().await;
                    ok
                }
            }
        })
        .build()
        .unwrap();
    let (ran_tx, ran_rx) = oneshot::channel::<()>();
    let ran_tx = Arc::new(std::sync::Mutex::new(Some(ran_tx)));
    let inner = service_fn(move |_: Request<String>| {
        let ran_tx = Arc::clone(&ran_tx);
        async move {
            if let Some(tx) = ran_tx.lock().unwrap().take() {
                let _ = tx.send(());
            }
            Ok::<_, Infallible>(Response::new(String::from("done")))
        }
    });
    let svc = CorsLayer::new(policy).layer(inner);
    let req = Request::get("/")
        .header("origin", "https://acme.example.net")
        .body(String::new())
        .unwrap();
    let call = tokio::spawn(svc.oneshot(req));

    // The handler has run, but the response waits for the lookup.
    tokio::time::timeout(Duration::from_secs(5), ran_rx)
        .await
        .expect("the inner service runs before the lookup answers")
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(!call.is_finished(), "the response waits for the verdict");

    release.notify_one();
    let res = tokio::time::timeout(Duration::from_secs(5), call)
        .await
        .expect("answered once the lookup is done")
        .unwrap()
        .unwrap();
    assert_eq!(res.body(), "done");
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://acme.example.net"
    );
}

#[tokio::test]
async fn a_pending_preflight_is_answered_when_the_lookup_completes() {
    let (tx, rx) = mpsc::unbounded_channel::<bool>();
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    let policy = CorsPolicy::builder()
        .allow_methods(["PUT"])
        .allow_origin_predicate_async(move |_, _| {
            let rx = Arc::clone(&rx);
            async move { rx.lock().await.recv().await.unwrap_or(false) }
        })
        .build()
        .unwrap();
    let svc = CorsLayer::new(policy).layer(echo());
    let preflight = || {
        Request::options("/items")
            .header("origin", "https://acme.example.net")
            .header("access-control-request-method", "PUT")
            .body(String::new())
            .unwrap()
    };
    for (allowed, status) in [
        (true, StatusCode::NO_CONTENT),
        (false, StatusCode::FORBIDDEN),
    ] {
        let call = tokio::spawn(svc.clone().oneshot(preflight()));
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!call.is_finished());
        tx.send(allowed).unwrap();
        let res = call.await.unwrap().unwrap();
        assert_eq!(res.status(), status);
        assert_eq!(
            res.headers().contains_key("access-control-allow-origin"),
            allowed
        );
        assert_eq!(res.body(), "", "answered by the layer, not the handler");
    }
}

#[tokio::test]
async fn passthrough_preflights_wait_for_the_lookup_too() {
    let policy = CorsPolicy::builder()
        .allow_methods(["PUT"])
        .preflight_passthrough(true)
        .allow_origin_predicate_async(|origin, _| {
            let ok = origin.as_bytes() == b"https://acme.example.net";
            async move {
                tokio::task::yield_now().await;
                ok
            }
        })
        .build()
        .unwrap();
    let svc = CorsLayer::new(policy).layer(echo());
    let req = Request::options("/items")
        .header("origin", "https://acme.example.net")
        .header("access-control-request-method", "PUT")
        .body(String::new())
        .unwrap();
    let res = svc.oneshot(req).await.unwrap();
    assert_eq!(res.body(), "OPTIONS /items", "the handler answered");
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://acme.example.net"
    );
    assert_eq!(res.headers()["access-control-allow-methods"], "PUT");
}

#[test]
fn credentials_need_the_dangerous_variant() {
    let asked = Arc::new(AtomicUsize::new(0));
    let err = builder(&tenants(), &asked)
        .allow_credentials(true)
        .build()
        .unwrap_err();
    assert!(err.has(ProblemKind::PredicateWithCredentials));
    assert!(err
        .to_string()
        .contains("dangerously_allow_origin_predicate_async_with_credentials"));

    // A sync predicate's opt-in does not cover the async one.
    let err = builder(&tenants(), &asked)
        .allow_credentials(true)
        .dangerously_allow_origin_predicate_with_credentials(|_, _| false)
        .build()
        .unwrap_err();
    assert_eq!(err.problems().len(), 1, "{err}");
    assert!(err.has(ProblemKind::PredicateWithCredentials));
}

#[tokio::test]
async fn with_the_dangerous_variant_credentials_are_allowed() {
    let asked = Arc::new(AtomicUsize::new(0));
    let policy = CorsPolicy::builder()
        .allow_methods(["PUT"])
        .allow_credentials(true)
        .dangerously_allow_origin_predicate_async_with_credentials(by_host(
            tenants(),
            Arc::clone(&asked),
        ))
        .build()
        .unwrap();
    let mut api = CorsLayer::new(policy).layer(echo());
    let page = PageRequest::new(
        "https://globex.example.net",
        "PUT",
        "https://globex.api.example.net/items",
    )
    .credentials(Credentials::Include);
    let outcome = Browser::new(Engine::Firefox)
        .fetch(&mut api, &page)
        .await
        .unwrap();
    assert!(outcome.is_allowed(), "{:?}", outcome.blocked());
}

#[test]
fn a_wildcard_beside_an_async_predicate_is_refused() {
    let err = CorsPolicy::builder()
        .allow_origins(["*"])
        .allow_origin_predicate_async(|_, _| async { true })
        .build()
        .unwrap_err();
    assert!(err.has(ProblemKind::WildcardMixedWithValues));
}

#[tokio::test]
async fn evaluate_async_asks_the_lookup_and_evaluate_cannot() {
    let asked = Arc::new(AtomicUsize::new(0));
    let policy = builder(&tenants(), &asked).build().unwrap();
    let (parts, ()) = Request::options("/items")
        .header("origin", "https://acme.example.net")
        .header("host", "acme.api.example.net")
        .header("access-control-request-method", "PUT")
        .body(())
        .unwrap()
        .into_parts();
    assert!(matches!(
        policy.evaluate_async(&parts).await,
        Decision::PreflightAllowed(_)
    ));
    assert!(matches!(
        policy.evaluate(&Method::OPTIONS, &parts.headers),
        Decision::PreflightRefused(_)
    ));
}

#[test]
fn the_response_future_stays_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let asked = Arc::new(AtomicUsize::new(0));
    let policy = builder(&tenants(), &asked).build().unwrap();
    let mut svc = CorsLayer::new(policy).layer(service_fn(|_: Request<()>| async {
        Ok::<_, Infallible>(Response::new(()))
    }));
    let future = svc.call(
        Request::get("/")
            .header("origin", "https://acme.example.net")
            .body(())
            .unwrap(),
    );
    send_sync(&future);
}

/// The pattern the `ReloadableCorsLayer` docs describe: a task that
/// rebuilds the policy from each change-feed event.
#[tokio::test]
async fn a_policy_handle_kept_current_from_a_change_feed() {
    let initial = CorsPolicy::builder()
        .allow_origins(["https://acme.example.net"])
        .build()
        .unwrap();
    let (layer, handle) = ReloadableCorsLayer::new(initial);
    let api = layer.layer(echo());

    let (feed, mut events) = mpsc::channel::<Vec<String>>(8);
    let (applied_tx, mut applied) = mpsc::channel::<()>(8);
    let updater = tokio::spawn(async move {
        while let Some(origins) = events.recv().await {
            match CorsPolicy::builder().allow_origins(&origins).build() {
                Ok(policy) => handle.set(policy),
                // A bad event keeps the current policy.
                Err(err) => eprintln!("ignoring CORS update: {err}"),
            }
            applied_tx.send(()).await.unwrap();
        }
    });

    let allowed = |origin: &'static str| {
        let api = api.clone();
        async move {
            let req = Request::get("/")
                .header("origin", origin)
                .body(String::new())
                .unwrap();
            let res = api.oneshot(req).await.unwrap();
            res.headers().contains_key("access-control-allow-origin")
        }
    };
    assert!(allowed("https://acme.example.net").await);
    assert!(!allowed("https://globex.example.net").await);

    feed.send(vec!["https://globex.example.net".into()])
        .await
        .unwrap();
    applied.recv().await.unwrap();
    assert!(!allowed("https://acme.example.net").await, "revoked");
    assert!(allowed("https://globex.example.net").await);

    feed.send(vec!["not an origin".into()]).await.unwrap();
    applied.recv().await.unwrap();
    assert!(allowed("https://globex.example.net").await, "kept");

    drop(feed);
    updater.await.unwrap();
}
