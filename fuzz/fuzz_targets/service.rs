//! The whole `Cors` service around a recording inner service, fed arbitrary
//! request parts under a fixed set of policies; every response is checked
//! against the invariants in `check_response`, and judged by the browser
//! model in `check_with_model`.
#![no_main]

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};

use arbitrary::Arbitrary;
use http::{Request, Response};
use libfuzzer_sys::fuzz_target;
use tower_cors::Cors;
use tower_cors_fuzz::{
    check_response, check_with_model, fixtures, header_map, Bytes, Fixture, MethodIn, Name,
};
use tower_service::Service;

/// Counts its calls and answers with the headers it was given (which may
/// themselves be CORS headers the layer must not let through unchecked).
#[derive(Clone)]
struct Recorder {
    calls: Arc<AtomicUsize>,
    response: http::HeaderMap,
}

impl Service<Request<()>> for Recorder {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<()>) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut res = Response::new(());
        *res.headers_mut() = self.response.clone();
        ready(Ok(res))
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    policy: u8,
    method: MethodIn,
    headers: Vec<(Name, Bytes)>,
    inner_headers: Vec<(Name, Bytes)>,
}

fn fixtures_once() -> &'static [Fixture] {
    static F: OnceLock<Vec<Fixture>> = OnceLock::new();
    F.get_or_init(fixtures)
}

fuzz_target!(|input: Input| {
    let fx = &fixtures_once()[input.policy as usize % fixtures_once().len()];
    let Some(method) = input.method.method() else {
        return;
    };
    let headers = header_map(&input.headers);
    let calls = Arc::new(AtomicUsize::new(0));
    let inner = Recorder {
        calls: calls.clone(),
        response: header_map(&input.inner_headers),
    };
    let mut svc = Cors::new(inner, fx.policy.clone());
    let mut cx = Context::from_waker(Waker::noop());
    assert!(svc.poll_ready(&mut cx).is_ready());
    let mut req = Request::new(());
    *req.method_mut() = method.clone();
    *req.headers_mut() = headers.clone();
    let fut = pin!(svc.call(req));
    let res = match fut.poll(&mut cx) {
        Poll::Ready(Ok(res)) => res,
        Poll::Ready(Err(e)) => match e {},
        Poll::Pending => panic!("a ready inner service left the layer pending"),
    };
    check_response(
        fx,
        &method,
        &headers,
        res.status(),
        res.headers(),
        calls.load(Ordering::SeqCst),
    );
    check_with_model(fx, &method, &headers, res.status(), res.headers());
});
