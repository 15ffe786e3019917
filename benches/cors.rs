//! tower-cors beside tower-http's `CorsLayer`, on the same requests, around
//! the same inner service (an empty `200 OK`), in the same run: the figures
//! and targets of docs/performance.md.
//!
//! Every request is built outside the timed part (`iter_batched`) by cloning a
//! prototype, which only bumps reference counts, so even the 1 MiB hostile
//! header costs nothing to set up. Each service is driven by hand: one
//! `poll_ready`, one `call`, one `poll` of its response future with a no-op
//! waker (every future here is ready at once), so no runtime is measured.
//! The response is returned, so it is dropped outside the timed part.
//!
//! Groups are numbered as the cases of docs/performance.md; within a group the function
//! names are `tower_cors`, `tower_http`, `tower_cors_reloadable` (the same
//! policy behind a `ReloadableCorsLayer`), and `floor_*` for hand-written
//! services: `floor_refuse` reads nothing and answers 403, which is what
//! dropping the request alone costs. `cargo run --release -p tower-cors-tools
//! --bin bench_table` prints the medians and ratios afterwards.

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::hint::black_box;
use std::pin::pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use tower_cors::{CorsLayer, CorsPolicy, ReloadableCorsLayer};
use tower_http::cors::{AllowOrigin, CorsLayer as HttpCorsLayer};
use tower_http::csrf::CsrfLayer;
use tower_layer::Layer;
use tower_service::Service;

const ORIGIN: &str = "https://app.example.com";
const METHODS: [Method; 4] = [Method::GET, Method::POST, Method::PUT, Method::DELETE];
const HEADERS: [HeaderName; 3] = [
    header::CONTENT_TYPE,
    HeaderName::from_static("x-requested-with"),
    header::AUTHORIZATION,
];
const MAX_AGE: Duration = Duration::from_secs(600);

/// The inner service of every case: an empty `200 OK`, ready at once.
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

/// The preflight floor, case 9: checks nothing, answers 204 with the same
/// headers as an allowed preflight, echoing the request's `Origin`.
#[derive(Clone)]
enum Floor {
    /// A fresh map, each prebuilt value inserted.
    Insert(Box<[(HeaderName, HeaderValue)]>),
    /// A clone of a prebuilt map; only the echoed `Origin` is inserted.
    Clone(HeaderMap),
}

impl Floor {
    /// The headers tower-cors sends for an allowed preflight of this policy.
    fn values() -> Vec<(HeaderName, HeaderValue)> {
        let v = HeaderValue::from_static;
        vec![
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, v("*")),
            (header::ACCESS_CONTROL_ALLOW_CREDENTIALS, v("true")),
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                v("GET,POST,PUT,DELETE"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                v("authorization,content-type,x-requested-with"),
            ),
            (header::ACCESS_CONTROL_MAX_AGE, v("600")),
            (
                header::VARY,
                v("origin, access-control-request-method, access-control-request-headers"),
            ),
        ]
    }

    fn insert() -> Self {
        Floor::Insert(Self::values().into_iter().skip(1).collect())
    }

    fn clone_prebuilt() -> Self {
        let values = Self::values();
        // `HeaderMap::insert` reserves room for one more entry before it
        // looks the name up, so a full map grows even when the insert only
        // replaces a value: leave room for it, as tower-cors's prebuilt map
        // does.
        let mut map = HeaderMap::with_capacity(values.len() + 1);
        for (name, value) in values {
            map.insert(name, value);
        }
        Floor::Clone(map)
    }
}

impl<B> Service<Request<B>> for Floor {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .cloned()
            .unwrap_or(HeaderValue::from_static("null"));
        let headers = match self {
            Floor::Insert(values) => {
                let mut h = HeaderMap::with_capacity(values.len() + 1);
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                for (name, value) in values.iter() {
                    h.insert(name.clone(), value.clone());
                }
                h
            }
            Floor::Clone(prebuilt) => {
                let mut h = prebuilt.clone();
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                h
            }
        };
        let mut res = Response::new(());
        *res.status_mut() = StatusCode::NO_CONTENT;
        *res.headers_mut() = headers;
        ready(Ok(res))
    }
}

/// The refusal floors: read nothing, drop the request, answer 403, with no
/// header (`floor_refuse`) or with a prebuilt `Vary` (`floor_refuse_vary`,
/// what a refused preflight must send at least). Dropping a request with
/// 1,000 header lines is most of the cost of refusing it, for any layer;
/// `floor_refuse` measures that part alone.
#[derive(Clone)]
struct Refuse403(Option<HeaderValue>);

impl<B> Service<Request<B>> for Refuse403 {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        drop(req);
        let mut res = Response::new(());
        *res.status_mut() = StatusCode::FORBIDDEN;
        if let Some(vary) = &self.0 {
            let mut headers = HeaderMap::with_capacity(1);
            headers.insert(header::VARY, vary.clone());
            *res.headers_mut() = headers;
        }
        ready(Ok(res))
    }
}

/// One `poll_ready`, `call` and `poll`, as a server would do them: the
/// measured call. Never inlined, so that `tools/bench-instructions.sh` can
/// count the instructions inside it alone.
#[inline(never)]
fn drive<S>(svc: &mut S, req: Request<()>) -> Response<()>
where
    S: Service<Request<()>, Response = Response<()>>,
    S::Error: std::fmt::Debug,
{
    call_once(svc, req)
}

/// [`drive`] for the checks made before timing, under another name so that
/// the instruction counts (which count only inside `drive`) leave them out.
#[inline(never)]
fn check_call<S>(svc: &mut S, req: Request<()>) -> Response<()>
where
    S: Service<Request<()>, Response = Response<()>>,
    S::Error: std::fmt::Debug,
{
    call_once(svc, req)
}

#[inline(always)]
fn call_once<S>(svc: &mut S, req: Request<()>) -> Response<()>
where
    S: Service<Request<()>, Response = Response<()>>,
    S::Error: std::fmt::Debug,
{
    // `Waker::noop` is newer than the crate's rust-version (the library's);
    // the benches' dependencies need a newer toolchain anyway.
    #[allow(clippy::incompatible_msrv)]
    let mut cx = Context::from_waker(Waker::noop());
    match svc.poll_ready(&mut cx) {
        Poll::Ready(Ok(())) => {}
        _ => panic!("service not ready"),
    }
    let mut fut = pin!(svc.call(req));
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(res)) => res,
        _ => panic!("response not ready"),
    }
}

fn ours(origins: &[String]) -> tower_cors::Cors<Empty200> {
    CorsLayer::new(policy(origins)).layer(Empty200)
}

/// The same policy behind a [`ReloadableCorsLayer`].
fn ours_reloadable(origins: &[String]) -> tower_cors::Cors<Empty200> {
    let (layer, _handle) = ReloadableCorsLayer::new(policy(origins));
    layer.layer(Empty200)
}

fn policy(origins: &[String]) -> CorsPolicy {
    policy_with(origins, &METHODS, &HEADERS)
}

fn policy_with(origins: &[String], methods: &[Method], headers: &[HeaderName]) -> CorsPolicy {
    builder_with(origins, methods, headers)
        .build()
        .expect("valid policy")
}

fn policy_builder(origins: &[String]) -> tower_cors::CorsPolicyBuilder {
    builder_with(origins, &METHODS, &HEADERS)
}

fn builder_with(
    origins: &[String],
    methods: &[Method],
    headers: &[HeaderName],
) -> tower_cors::CorsPolicyBuilder {
    CorsPolicy::builder()
        .allow_origins(origins)
        .allow_methods(methods.iter().cloned())
        .allow_headers(headers.iter().cloned())
        .allow_credentials(true)
        .max_age(MAX_AGE)
}

fn theirs(origin: AllowOrigin) -> tower_http::cors::Cors<Empty200> {
    theirs_with(origin, &METHODS, &HEADERS)
}

fn theirs_with(
    origin: AllowOrigin,
    methods: &[Method],
    headers: &[HeaderName],
) -> tower_http::cors::Cors<Empty200> {
    HttpCorsLayer::new()
        .allow_origin(origin)
        .allow_methods(methods.to_vec())
        .allow_headers(headers.to_vec())
        .allow_credentials(true)
        .max_age(MAX_AGE)
        .layer(Empty200)
}

/// The narrower policy of the twelfth case: methods GET, POST and PUT, and
/// the two headers the preflight asks for.
const NARROW_METHODS: [Method; 3] = [Method::GET, Method::POST, Method::PUT];
const NARROW_HEADERS: [HeaderName; 2] = [
    header::CONTENT_TYPE,
    HeaderName::from_static("x-requested-with"),
];

/// tower-http's answer to the write guard: its `csrf` layer, with the
/// CORS policy's origin as its trusted origin, in front of its `CorsLayer`.
fn theirs_with_csrf(
    origins: &[String],
) -> tower_http::csrf::Csrf<tower_http::cors::Cors<Empty200>> {
    let mut csrf = CsrfLayer::new();
    for origin in origins {
        csrf = csrf.add_trusted_origin(origin).expect("valid origin");
    }
    csrf.layer(theirs(exact(origins)))
}

fn one_origin() -> Vec<String> {
    vec![ORIGIN.to_owned()]
}

/// `n` allowed origins, the one the requests come from last.
fn many_origins(n: usize) -> Vec<String> {
    let mut list: Vec<String> = (1..n)
        .map(|i| format!("https://app{i}.example.org"))
        .collect();
    list.push(ORIGIN.to_owned());
    list
}

fn exact(origins: &[String]) -> AllowOrigin {
    AllowOrigin::list(
        origins
            .iter()
            .map(|o| HeaderValue::from_str(o).expect("valid origin")),
    )
}

fn request(method: Method, headers: &[(HeaderName, &HeaderValue)]) -> Request<()> {
    let mut req = Request::new(());
    *req.method_mut() = method;
    *req.uri_mut() = "/api/items".parse().expect("valid uri");
    for (name, value) in headers {
        req.headers_mut().append(name.clone(), (*value).clone());
    }
    req
}

fn preflight_from(origin: &str, acrh: &[HeaderValue]) -> Request<()> {
    let origin = HeaderValue::from_str(origin).expect("valid origin");
    let put = HeaderValue::from_static("PUT");
    let mut headers = vec![
        (header::ORIGIN, &origin),
        (header::ACCESS_CONTROL_REQUEST_METHOD, &put),
    ];
    headers.extend(
        acrh.iter()
            .map(|v| (header::ACCESS_CONTROL_REQUEST_HEADERS, v)),
    );
    request(Method::OPTIONS, &headers)
}

fn preflight() -> Request<()> {
    preflight_from(
        ORIGIN,
        &[HeaderValue::from_static("content-type,x-requested-with")],
    )
}

fn actual_get() -> Request<()> {
    let origin = HeaderValue::from_static(ORIGIN);
    request(Method::GET, &[(header::ORIGIN, &origin)])
}

/// A `POST` as a browser sends it from a page on `origin` to another site,
/// with the user's cookie.
fn write_from(origin: &str) -> Request<()> {
    let origin = HeaderValue::from_str(origin).expect("valid origin");
    let site = HeaderValue::from_static("cross-site");
    let cookie = HeaderValue::from_static("session=1");
    let form = HeaderValue::from_static("application/x-www-form-urlencoded");
    request(
        Method::POST,
        &[
            (header::ORIGIN, &origin),
            (HeaderName::from_static("sec-fetch-site"), &site),
            (header::COOKIE, &cookie),
            (header::CONTENT_TYPE, &form),
        ],
    )
}

/// Benchmarks one service on clones of `proto`.
fn bench<S>(c: &mut Criterion, group: &str, name: &str, mut svc: S, proto: &Request<()>)
where
    S: Service<Request<()>, Response = Response<()>>,
    S::Error: std::fmt::Debug,
{
    if let Some(count) = &COUNT_MODE.get().and_then(Option::as_ref) {
        // Instruction counting: no criterion, just `iters` calls of `drive`
        // for the one case asked for.
        if count.case == format!("{group}/{name}") {
            CASE_FOUND.store(true, std::sync::atomic::Ordering::Relaxed);
            if count.timed {
                min_time(&mut svc, proto, count.iters);
            } else {
                for _ in 0..count.iters {
                    drop(black_box(drive(&mut svc, black_box(proto.clone()))));
                }
            }
        }
        return;
    }
    c.benchmark_group(group).bench_function(name, |b| {
        b.iter_batched(
            || proto.clone(),
            |req| drive(&mut svc, black_box(req)),
            BatchSize::SmallInput,
        )
    });
}

/// Checks once, before timing, that a service gives the answer the case is
/// about, so that no pair compares different work.
fn expect<S>(svc: &mut S, proto: &Request<()>, status: StatusCode, allow_origin: Option<&str>)
where
    S: Service<Request<()>, Response = Response<()>>,
    S::Error: std::fmt::Debug,
{
    let res = check_call(svc, proto.clone());
    let acao = res
        .headers()
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(|v| v.to_str().expect("ascii"));
    assert_eq!((res.status(), acao), (status, allow_origin), "{proto:?}");
}

/// Benchmarks our layer and tower-http's on the same request.
#[allow(clippy::too_many_arguments)]
fn pair<A, B>(
    c: &mut Criterion,
    group: &str,
    mut ours: A,
    ours_status: StatusCode,
    mut theirs: B,
    theirs_status: StatusCode,
    proto: &Request<()>,
    allow_origin: Option<&str>,
) where
    A: Service<Request<()>, Response = Response<()>>,
    A::Error: std::fmt::Debug,
    B: Service<Request<()>, Response = Response<()>>,
    B::Error: std::fmt::Debug,
{
    expect(&mut ours, proto, ours_status, allow_origin);
    expect(&mut theirs, proto, theirs_status, allow_origin);
    bench(c, group, "tower_cors", ours, proto);
    bench(c, group, "tower_http", theirs, proto);
}

fn cases(c: &mut Criterion) {
    use StatusCode as S;
    let one = one_origin();
    let ok = Some(ORIGIN);

    // tower-http answers every OPTIONS with 200 and, for a disallowed
    // origin, simply leaves out `Access-Control-Allow-Origin`.
    pair(
        c,
        "1_preflight_allowed",
        ours(&one),
        S::NO_CONTENT,
        theirs(exact(&one)),
        S::OK,
        &preflight(),
        ok,
    );
    let mut reloadable = ours_reloadable(&one);
    expect(&mut reloadable, &preflight(), S::NO_CONTENT, ok);
    bench(
        c,
        "1_preflight_allowed",
        "tower_cors_reloadable",
        reloadable,
        &preflight(),
    );

    let evil = preflight_from(
        "https://evil.example.net",
        &[HeaderValue::from_static("content-type,x-requested-with")],
    );
    pair(
        c,
        "2_preflight_refused_origin",
        ours(&one),
        S::FORBIDDEN,
        theirs(exact(&one)),
        S::OK,
        &evil,
        None,
    );
    bench(
        c,
        "2_preflight_refused_origin",
        "floor_refuse",
        Refuse403(None),
        &evil,
    );
    let vary = HeaderValue::from_static(
        "origin, access-control-request-method, access-control-request-headers",
    );
    bench(
        c,
        "2_preflight_refused_origin",
        "floor_refuse_vary",
        Refuse403(Some(vary)),
        &evil,
    );

    // The same refused preflight under a narrower policy (three methods,
    // exactly the two headers asked for), where tower-http's own answer
    // is cheaper than in the second case.
    let narrow = CorsLayer::new(policy_with(&one, &NARROW_METHODS, &NARROW_HEADERS));
    pair(
        c,
        "12_preflight_refused_narrow",
        narrow.layer(Empty200),
        S::FORBIDDEN,
        theirs_with(exact(&one), &NARROW_METHODS, &NARROW_HEADERS),
        S::OK,
        &evil,
        None,
    );

    pair(
        c,
        "3_actual_allowed",
        ours(&one),
        S::OK,
        theirs(exact(&one)),
        S::OK,
        &actual_get(),
        ok,
    );
    let mut reloadable = ours_reloadable(&one);
    expect(&mut reloadable, &actual_get(), S::OK, ok);
    bench(
        c,
        "3_actual_allowed",
        "tower_cors_reloadable",
        reloadable,
        &actual_get(),
    );

    // The same allowed GET under the same policy with resource isolation:
    // an allowed origin never reaches the isolation check.
    let mut isolated = CorsLayer::new(
        policy_builder(&one)
            .isolate_resources(true)
            .build()
            .expect("valid policy"),
    )
    .layer(Empty200);
    expect(&mut isolated, &actual_get(), S::OK, ok);
    bench(
        c,
        "3_actual_allowed",
        "tower_cors_isolated",
        isolated,
        &actual_get(),
    );

    // The same allowed GET through tower-http's CORS and csrf layers
    // stacked: what a tower-http user runs to get what the write guard does.
    let mut stacked = theirs_with_csrf(&one);
    expect(&mut stacked, &actual_get(), S::OK, ok);
    bench(
        c,
        "3_actual_allowed",
        "tower_http_csrf",
        stacked,
        &actual_get(),
    );

    let no_origin = request(Method::GET, &[]);
    pair(
        c,
        "4_actual_no_origin",
        ours(&one),
        S::OK,
        theirs(exact(&one)),
        S::OK,
        &no_origin,
        None,
    );

    for n in [1_000, 10_000] {
        let list = many_origins(n);
        let group = format!("5_preflight_{n}_origins");
        pair(
            c,
            &group,
            ours(&list),
            S::NO_CONTENT,
            theirs(exact(&list)),
            S::OK,
            &preflight(),
            ok,
        );
    }

    // What a tower-http user would write for `https://*.example.com`.
    let predicate = AllowOrigin::predicate(|origin: &HeaderValue, _| {
        let o = origin.as_bytes();
        o.len() > "https://.example.com".len()
            && o.starts_with(b"https://")
            && o.ends_with(b".example.com")
    });
    let pattern = vec!["https://*.example.com".to_owned()];
    pair(
        c,
        "6_preflight_pattern",
        ours(&pattern),
        S::NO_CONTENT,
        theirs(predicate),
        S::OK,
        &preflight(),
        ok,
    );

    // Hostile preflights from the allowed origin. tower-http never reads
    // `Access-Control-Request-Headers` of a listed-headers policy, so it
    // allows them all; ours refuses each one.
    let a_comma = HeaderValue::from_str(&"a,".repeat(512 * 1024)).expect("valid value");
    let commas = HeaderValue::from_str(&", ".repeat(512 * 1024)).expect("valid value");
    let line = HeaderValue::from_static("content-type");
    let hostile = [
        ("7_hostile_1mib_a_comma", preflight_from(ORIGIN, &[a_comma])),
        (
            "7_hostile_1mib_commas_spaces",
            preflight_from(ORIGIN, &[commas]),
        ),
        (
            "7_hostile_1000_lines",
            preflight_from(ORIGIN, &vec![line; 1_000]),
        ),
    ];
    for (group, req) in &hostile {
        expect(&mut ours(&one), req, S::FORBIDDEN, None);
        expect(&mut theirs(exact(&one)), req, S::OK, ok);
        bench(c, group, "tower_cors", ours(&one), req);
        bench(c, group, "tower_http", theirs(exact(&one)), req);
        bench(c, group, "floor_refuse", Refuse403(None), req);
    }

    // Writes: a cross-site POST from the allowed origin passes both; one
    // from another site is refused by the write guard, and by tower-http's
    // csrf layer in front of its CORS layer.
    let allowed_write = write_from(ORIGIN);
    expect(&mut ours(&one), &allowed_write, S::OK, ok);
    expect(&mut theirs_with_csrf(&one), &allowed_write, S::OK, ok);
    bench(
        c,
        "10_write_allowed",
        "tower_cors",
        ours(&one),
        &allowed_write,
    );
    bench(
        c,
        "10_write_allowed",
        "tower_http_csrf",
        theirs_with_csrf(&one),
        &allowed_write,
    );
    let forged = write_from("https://evil.example.net");
    expect(&mut ours(&one), &forged, S::FORBIDDEN, None);
    expect(&mut theirs_with_csrf(&one), &forged, S::FORBIDDEN, None);
    bench(c, "11_write_refused", "tower_cors", ours(&one), &forged);
    bench(
        c,
        "11_write_refused",
        "tower_http_csrf",
        theirs_with_csrf(&one),
        &forged,
    );
    bench(
        c,
        "11_write_refused",
        "floor_refuse",
        Refuse403(None),
        &forged,
    );

    // The floors: what any layer must at least cost.
    bench(c, "8_floor_actual", "bare_inner", Empty200, &actual_get());
    for (name, mut floor) in [
        ("floor_insert", Floor::insert()),
        ("floor_clone", Floor::clone_prebuilt()),
    ] {
        expect(&mut floor, &preflight(), S::NO_CONTENT, ok);
        // The floor answers with exactly the headers tower-cors sends.
        let ours = check_call(&mut ours(&one), preflight());
        let floor_answer = check_call(&mut floor, preflight());
        assert_eq!(floor_answer.headers(), ours.headers(), "{name}");
        bench(c, "9_floor_preflight", name, floor, &preflight());
    }
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

/// Times `iters` calls of `drive` in batches of [`BATCH`] and prints the
/// fastest batch's time per call, and the median batch's, in ns. On a shared
/// machine other processes only ever add time, so the fastest batch is the
/// figure least disturbed by them. As in the criterion bench, building the
/// requests and dropping the responses are outside the timed part.
fn min_time<S>(svc: &mut S, proto: &Request<()>, iters: u64)
where
    S: Service<Request<()>, Response = Response<()>>,
    S::Error: std::fmt::Debug,
{
    let mut per_call = Vec::new();
    let mut requests = Vec::with_capacity(BATCH);
    let mut responses = Vec::with_capacity(BATCH);
    for _ in 0..iters.div_ceil(BATCH as u64).max(1) {
        requests.extend((0..BATCH).map(|_| proto.clone()));
        let start = std::time::Instant::now();
        for req in requests.drain(..) {
            responses.push(drive(svc, black_box(req)));
        }
        per_call.push(start.elapsed().as_nanos() as f64 / BATCH as f64);
        responses.clear();
    }
    per_call.sort_by(f64::total_cmp);
    println!(
        "min {:.1} ns, median {:.1} ns per call ({} batches of {BATCH})",
        per_call[0],
        per_call[per_call.len() / 2],
        per_call.len()
    );
}

/// Calls per timed batch in [`min_time`].
const BATCH: usize = 256;

/// `CORS_BENCH_CASE=group/function CORS_BENCH_ITERS=n`: run that case `n`
/// times without criterion, for `valgrind --tool=callgrind` (see
/// `tools/bench-instructions.sh`); with `CORS_BENCH_TIMED=1`, time them in
/// batches instead (see `tools/bench-min-time.sh`).
struct CountMode {
    case: String,
    iters: u64,
    timed: bool,
}

static COUNT_MODE: OnceLock<Option<CountMode>> = OnceLock::new();

/// Whether the case `CORS_BENCH_CASE` names exists: a name in
/// tools/bench-cases.txt that the bench no longer has is an error, not an
/// empty count.
static CASE_FOUND: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn main() {
    let mode = COUNT_MODE.get_or_init(|| {
        let case = std::env::var("CORS_BENCH_CASE").ok()?;
        let iters = std::env::var("CORS_BENCH_ITERS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1_000);
        let timed = std::env::var_os("CORS_BENCH_TIMED").is_some_and(|v| v == "1");
        Some(CountMode { case, iters, timed })
    });
    if let Some(mode) = mode {
        cases(&mut Criterion::default());
        if !CASE_FOUND.load(std::sync::atomic::Ordering::Relaxed) {
            eprintln!(
                "no case {:?} in benches/cors.rs: use a group/function name that the bench \
                 defines (tools/bench-cases.txt lists them)",
                mode.case
            );
            std::process::exit(2);
        }
        return;
    }
    let mut c = config().configure_from_args();
    cases(&mut c);
    c.final_summary();
}
