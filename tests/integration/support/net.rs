//! Real sockets (loopback only), for the axum, hyper, example and hostile
//! input tests: a server task, an HTTP client, and raw HTTP/1.1 exchanges.

use http::{Request, Response};

/// The bound on every socket operation of a test.
pub const NET_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Awaits `fut`, failing the test if it takes longer than [`NET_TIMEOUT`].
pub async fn timed<F: std::future::Future>(fut: F) -> F::Output {
    match tokio::time::timeout(NET_TIMEOUT, fut).await {
        Ok(out) => out,
        Err(_) => panic!("a socket operation took longer than {NET_TIMEOUT:?}"),
    }
}

/// A server task on a loopback port; stopped on [`Server::stop`], aborted
/// if dropped (e.g. when a test fails).
pub struct Server {
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// Runs `serve(listener, shutdown)` on a fresh `127.0.0.1:0` listener;
    /// `serve` must return once `shutdown` resolves.
    pub async fn start<F, Fut>(serve: F) -> Self
    where
        F: FnOnce(tokio::net::TcpListener, tokio::sync::oneshot::Receiver<()>) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = timed(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let (tx, rx) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(serve(listener, rx));
        Self {
            addr,
            stop: Some(tx),
            task: Some(task),
        }
    }

    /// Serves an axum router with `axum::serve`.
    pub async fn axum(router: axum::Router) -> Self {
        Self::start(|listener, shutdown| async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = shutdown.await;
                })
                .await
                .expect("axum::serve");
        })
        .await
    }

    /// Signals shutdown and waits (bounded) for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            timed(task).await.expect("the server task panicked");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Sends `req` (its URI's path is kept) to `addr` with hyper-util's client
/// over a fresh connection, and reads the whole answer.
pub async fn fetch(addr: std::net::SocketAddr, req: Request<String>) -> Response<String> {
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let (mut parts, body) = req.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    parts.uri = format!("http://{addr}{path}").parse().expect("a valid URI");
    let req = Request::from_parts(parts, Full::new(hyper::body::Bytes::from(body)));
    let client = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(0)
        .build_http::<Full<hyper::body::Bytes>>();
    timed(async move {
        let res = client.request(req).await.expect("the HTTP exchange");
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.expect("the response body").to_bytes();
        let text = String::from_utf8(bytes.to_vec()).expect("a UTF-8 body");
        Response::from_parts(parts, text)
    })
    .await
}

/// Writes `request` (raw HTTP/1.1, which should say `Connection: close`) to
/// `addr` and returns everything the server sent back, as text.
pub async fn raw_exchange(addr: std::net::SocketAddr, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    timed(async move {
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("write the request");
        let mut out = Vec::new();
        stream
            .read_to_end(&mut out)
            .await
            .expect("read the response");
        String::from_utf8_lossy(&out).into_owned()
    })
    .await
}

/// The header lines of a raw HTTP/1.1 response named `name`
/// (case-insensitively), values trimmed.
pub fn raw_header_lines(raw: &str, name: &str) -> Vec<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or_default();
    head.lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}
