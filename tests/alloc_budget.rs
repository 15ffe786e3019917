//! The allocation budget of the hot path, counted by a counting
//! global allocator. Counts are deterministic where times are not, so this is
//! where the budget is asserted:
//!
//! - an allowed preflight and an allowed actual request allocate no more than
//!   the response's header map needs, which is what a copy of that map costs;
//! - a hostile preflight allocates nothing that grows with the header: a
//!   1 MiB `Access-Control-Request-Headers`, or 1,000 lines of it, costs
//!   exactly what a short refused one does: nothing, since the answer is
//!   written into the request's emptied header map.
//!
//! Only allocations of the measuring thread are counted, so the other tests
//! of this binary, running in parallel, do not disturb the figures. Each
//! measurement follows a warm-up request on the same thread.

// The crate's rust-version (1.80) is the library's; the dev-dependencies
// (proptest, tokio...) need a newer toolchain anyway, so newer std APIs are
// fine in test code.
#![allow(clippy::incompatible_msrv)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use http::header::{self, HeaderName, HeaderValue};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use tower_cors::{CorsLayer, CorsPolicy, ReloadableCorsLayer};
use tower_layer::Layer;
use tower_service::Service;

/// Counts the allocations (and reallocations) of the current thread.
struct Counting;

thread_local! {
    static COUNT: Cell<Allocs> = const { Cell::new(Allocs { count: 0, bytes: 0 }) };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Allocs {
    count: usize,
    bytes: usize,
}

fn record(size: usize) {
    // `try_with`: the thread's counter may be gone while it exits.
    let _ = COUNT.try_with(|c| {
        let a = c.get();
        c.set(Allocs {
            count: a.count + 1,
            bytes: a.bytes + size,
        });
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter is a const-initialised thread-local that itself never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: same contract as this method.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: same contract as this method.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        // SAFETY: same contract as this method.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as this method.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The allocations `f` makes on this thread.
fn allocs_of<T>(f: impl FnOnce() -> T) -> (Allocs, T) {
    let before = COUNT.with(Cell::get);
    let out = f();
    let after = COUNT.with(Cell::get);
    (
        Allocs {
            count: after.count - before.count,
            bytes: after.bytes - before.bytes,
        },
        out,
    )
}

/// An inner service answering an empty `200 OK` (whose header map is
/// empty and unallocated), ready at once.
#[derive(Clone, Copy)]
struct Empty200;

impl<B> Service<Request<B>> for Empty200 {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<B>) -> Self::Future {
        ready(Ok(Response::new(())))
    }
}

/// `poll_ready`, `call` and one `poll`, as a server does them.
fn drive<S>(svc: &mut S, req: Request<()>) -> Response<()>
where
    S: Service<Request<()>, Response = Response<()>, Error = Infallible>,
{
    let mut cx = Context::from_waker(Waker::noop());
    assert!(matches!(svc.poll_ready(&mut cx), Poll::Ready(Ok(()))));
    let mut fut = pin!(svc.call(req));
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(res)) => res,
        _ => panic!("the response future of a ready service must be ready"),
    }
}

const ORIGIN: &str = "https://app.example.com";

fn policy() -> CorsPolicy {
    CorsPolicy::builder()
        .allow_origins([ORIGIN])
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers(["content-type", "x-requested-with", "authorization"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .unwrap()
}

fn services() -> Vec<(&'static str, tower_cors::Cors<Empty200>)> {
    let (reloadable, _handle) = ReloadableCorsLayer::new(policy());
    vec![
        ("CorsLayer", CorsLayer::new(policy()).layer(Empty200)),
        ("ReloadableCorsLayer", reloadable.layer(Empty200)),
    ]
}

fn request(method: Method, headers: &[(HeaderName, HeaderValue)]) -> Request<()> {
    let mut req = Request::new(());
    *req.method_mut() = method;
    for (name, value) in headers {
        req.headers_mut().append(name.clone(), value.clone());
    }
    req
}

fn preflight(origin: &str, acrh: &[HeaderValue]) -> Request<()> {
    let mut headers = vec![
        (header::ORIGIN, HeaderValue::from_str(origin).unwrap()),
        (
            header::ACCESS_CONTROL_REQUEST_METHOD,
            HeaderValue::from_static("PUT"),
        ),
    ];
    headers.extend(
        acrh.iter()
            .map(|v| (header::ACCESS_CONTROL_REQUEST_HEADERS, v.clone())),
    );
    request(Method::OPTIONS, &headers)
}

fn allowed_preflight() -> Request<()> {
    preflight(
        ORIGIN,
        &[HeaderValue::from_static("content-type,x-requested-with")],
    )
}

fn allowed_get() -> Request<()> {
    request(
        Method::GET,
        &[(header::ORIGIN, HeaderValue::from_static(ORIGIN))],
    )
}

/// What a map shaped like `headers` needs: the allocations of a copy of it.
fn map_needs(headers: &HeaderMap) -> Allocs {
    allocs_of(|| headers.clone()).0
}

/// Runs `req` through `svc` after a warm-up with `warm_up`, and returns the
/// allocations of the measured request with its response.
fn measure(
    svc: &mut tower_cors::Cors<Empty200>,
    warm_up: Request<()>,
    req: Request<()>,
) -> (Allocs, Response<()>) {
    drop(drive(svc, warm_up));
    allocs_of(|| drive(svc, req))
}

#[test]
fn allowed_preflight_allocates_only_its_header_map() {
    for (name, mut svc) in services() {
        let (allocs, res) = measure(&mut svc, allowed_preflight(), allowed_preflight());
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{name}");
        assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], ORIGIN);
        let budget = map_needs(res.headers());
        eprintln!("{name}: allowed preflight {allocs:?}, map needs {budget:?}");
        assert!(
            allocs.count <= budget.count,
            "{name}: allowed preflight made {allocs:?}, its header map needs {budget:?}"
        );
        // A header map cannot be built without allocating.
        assert!(allocs.count > 0, "{name}: {allocs:?}");
    }
}

#[test]
fn allowed_actual_request_allocates_only_the_headers_it_adds() {
    for (name, mut svc) in services() {
        let (allocs, res) = measure(&mut svc, allowed_get(), allowed_get());
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        assert_eq!(res.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], ORIGIN);
        assert_eq!(
            res.headers()[header::ACCESS_CONTROL_EXPOSE_HEADERS],
            "x-request-id"
        );
        // The inner service's map was empty and unallocated: everything in
        // it now was added by the layer.
        let budget = map_needs(res.headers());
        eprintln!("{name}: allowed GET {allocs:?}, map needs {budget:?}");
        assert!(
            allocs.count <= budget.count,
            "{name}: allowed GET made {allocs:?}, its header map needs {budget:?}"
        );
    }
}

#[test]
fn requests_without_origin_allocate_nothing_but_vary() {
    for (name, mut svc) in services() {
        let no_origin = || request(Method::GET, &[]);
        let (allocs, res) = measure(&mut svc, no_origin(), no_origin());
        assert_eq!(res.headers()[header::VARY], "origin", "{name}");
        let budget = map_needs(res.headers());
        eprintln!("{name}: GET without Origin {allocs:?}, map needs {budget:?}");
        assert!(
            allocs.count <= budget.count,
            "{name}: GET without Origin made {allocs:?}, its header map needs {budget:?}"
        );
    }
}

#[test]
fn hostile_preflights_allocate_nothing_that_grows_with_the_header() {
    let a_comma = |bytes: usize| HeaderValue::from_str(&"a,".repeat(bytes / 2)).unwrap();
    let commas = |bytes: usize| HeaderValue::from_str(&", ".repeat(bytes / 2)).unwrap();
    let line = HeaderValue::from_static("content-type");
    for (name, mut svc) in services() {
        // A small refused preflight: the baseline of a refusal.
        let small = || preflight(ORIGIN, &[HeaderValue::from_static("x-not-allowed")]);
        let (baseline, res) = measure(&mut svc, small(), small());
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
        eprintln!("{name}: small refused preflight {baseline:?}");
        // The answer is written into the request's own header map, emptied.
        assert_eq!(baseline.count, 0, "{name}: a refused preflight allocated");

        let hostile = [
            ("1 KiB of `a,`", preflight(ORIGIN, &[a_comma(1 << 10)])),
            ("1 MiB of `a,`", preflight(ORIGIN, &[a_comma(1 << 20)])),
            ("1 KiB of `, `", preflight(ORIGIN, &[commas(1 << 10)])),
            ("1 MiB of `, `", preflight(ORIGIN, &[commas(1 << 20)])),
            ("17 lines", preflight(ORIGIN, &vec![line.clone(); 17])),
            ("1,000 lines", preflight(ORIGIN, &vec![line.clone(); 1_000])),
        ];
        for (what, req) in hostile {
            let (allocs, res) = measure(&mut svc, small(), req);
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}: {what}");
            assert_eq!(
                allocs, baseline,
                "{name}: a preflight with {what} allocated differently from a small refused one"
            );
        }
    }
}

/// A `POST` as a page on `origin` sends it to another site.
fn cross_site_post(origin: &str) -> Request<()> {
    request(
        Method::POST,
        &[
            (header::ORIGIN, HeaderValue::from_str(origin).unwrap()),
            (
                HeaderName::from_static("sec-fetch-site"),
                HeaderValue::from_static("cross-site"),
            ),
            (header::COOKIE, HeaderValue::from_static("session=1")),
        ],
    )
}

#[test]
fn the_write_guard_allocates_nothing() {
    for (name, mut svc) in services() {
        // Refused: the 403 goes into the request's own header map.
        let forged = || cross_site_post("https://evil.example");
        let (allocs, res) = measure(&mut svc, forged(), forged());
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
        assert_eq!(allocs.count, 0, "{name}: a refused write allocated");
        // Allowed: what any allowed actual request allocates, no more.
        let allowed = || cross_site_post(ORIGIN);
        let (allocs, res) = measure(&mut svc, allowed(), allowed());
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        let budget = map_needs(res.headers());
        assert!(
            allocs.count <= budget.count,
            "{name}: an allowed write made {allocs:?}, its header map needs {budget:?}"
        );
    }
}
