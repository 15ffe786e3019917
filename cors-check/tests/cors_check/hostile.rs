//! Servers its user does not control: one that streams a body without
//! end, one whose body trickles a byte a second, one whose head never
//! finishes, heads too large (one huge header, thousands of headers) and a
//! redirect loop. Each run of `cors-check` against them must end in bounded
//! time, with bounded memory (its peak resident set, read from
//! `/proc/<pid>/status` while it runs, under [`RSS_CEILING_KB`]) and with a
//! clear answer: a verdict from the head, or an error that names what the
//! server did.
//!
//! The servers speak raw HTTP/1.1 over `std::net`, one thread a
//! connection; a connection's thread ends when `cors-check` closes it (its
//! next write fails).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The most resident memory a run may reach, in KiB. `cors-check` needs
/// about 12 MiB whatever it checks; reading an endless body into memory
/// passed a gigabyte within a five-second `--timeout`.
const RSS_CEILING_KB: u64 = 64 * 1024;

/// What a hostile server does once it has read a request.
#[derive(Clone, Copy)]
enum Hostility {
    /// A 200 with CORS headers, then a chunked body that never ends, sent
    /// as fast as it is read.
    EndlessBody,
    /// A 200 with CORS headers, then a chunked body of a byte a second.
    TricklingBody,
    /// The status line, a byte a second: the head never finishes.
    TricklingHead,
    /// A 200 with one header of 1 MiB.
    HugeHeader,
    /// A 200 with 5,000 headers.
    ManyHeaders,
    /// A 302 with CORS headers to another URL of its own, every time (a
    /// new URL each time: a request already made is not sent again).
    RedirectLoop,
}

/// A server on 127.0.0.1, port 0, behaving as `hostility` says; it counts
/// the requests it read.
fn serve(hostility: Hostility) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("an address");
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&requests);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counted = Arc::clone(&counted);
            thread::spawn(move || answer(stream, hostility, &counted));
        }
    });
    (addr, requests)
}

/// Reads each request's head on the connection and answers it with
/// hostility, until the client closes it (or a write fails).
fn answer(mut stream: TcpStream, hostility: Hostility, requests: &AtomicUsize) {
    loop {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => return,
            }
        }
        let n = requests.fetch_add(1, Ordering::SeqCst);
        if hostile_answer(&mut stream, hostility, n).is_err() {
            return;
        }
    }
}

const CORS: &str = "access-control-allow-origin: *\r\n";

/// The answer to the `n`th request.
fn hostile_answer(stream: &mut TcpStream, hostility: Hostility, n: usize) -> std::io::Result<()> {
    let chunked = format!("HTTP/1.1 200 OK\r\n{CORS}transfer-encoding: chunked\r\n\r\n");
    match hostility {
        Hostility::EndlessBody => {
            stream.write_all(chunked.as_bytes())?;
            let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
            loop {
                stream.write_all(chunk.as_bytes())?;
            }
        }
        Hostility::TricklingBody => {
            stream.write_all(chunked.as_bytes())?;
            loop {
                stream.write_all(b"1\r\nx\r\n")?;
                thread::sleep(Duration::from_secs(1));
            }
        }
        Hostility::TricklingHead => {
            for b in b"HTTP/1.1 200 OK\r\nx-slow: "
                .iter()
                .chain(b"y".repeat(1000).iter())
            {
                stream.write_all(&[*b])?;
                thread::sleep(Duration::from_secs(1));
            }
            Ok(())
        }
        Hostility::HugeHeader => {
            let value = "y".repeat(1024 * 1024);
            stream.write_all(
                format!("HTTP/1.1 200 OK\r\n{CORS}x-huge: {value}\r\ncontent-length: 0\r\n\r\n")
                    .as_bytes(),
            )
        }
        Hostility::ManyHeaders => {
            let many: String = (0..5000).map(|i| format!("x-h-{i}: {i}\r\n")).collect();
            stream.write_all(
                format!("HTTP/1.1 200 OK\r\n{CORS}{many}content-length: 0\r\n\r\n").as_bytes(),
            )
        }
        Hostility::RedirectLoop => stream.write_all(
            format!("HTTP/1.1 302 Found\r\n{CORS}location: /loop/{n}\r\ncontent-length: 0\r\n\r\n")
                .as_bytes(),
        ),
    }
}

/// One run of `cors-check --json` against `addr`'s `/loop` from a loopback
/// page (so nothing but the server decides), with `--timeout timeout`.
struct Run {
    exit: i32,
    report: Value,
    elapsed: Duration,
    /// The peak resident set (`VmHWM`), in KiB.
    peak_kb: u64,
}

fn run(addr: SocketAddr, timeout: &str) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cors-check"))
        .args([
            &format!("http://{addr}/loop"),
            "--origin",
            "http://127.0.0.1:9",
            "--timeout",
            timeout,
            "--json",
        ])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cors-check runs");
    let mut stdout = child.stdout.take().expect("its stdout");
    let reader = thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    let exit = loop {
        if let Some(hwm) = high_water_mark(&status) {
            peak_kb = peak_kb.max(hwm);
        }
        if peak_kb >= RSS_CEILING_KB {
            // Past the ceiling the test has failed: stop it before it
            // takes the machine's memory.
            let _ = child.kill();
        }
        if let Some(exit) = child.try_wait().expect("waiting for cors-check") {
            break exit;
        }
        thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    assert!(
        peak_kb < RSS_CEILING_KB,
        "peak RSS {peak_kb} KiB or more (ceiling {RSS_CEILING_KB} KiB): stopped"
    );
    let text = reader.join().expect("its output");
    let report = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    assert!(peak_kb > 0, "no VmHWM in {status}");
    Run {
        exit: exit.code().unwrap_or(-1),
        report,
        elapsed,
        peak_kb,
    }
}

/// `VmHWM` from `/proc/<pid>/status`, in KiB, while the process lives.
fn high_water_mark(status: &str) -> Option<u64> {
    let text = std::fs::read_to_string(status).ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl Run {
    /// Within `limit` and the memory ceiling; says what it measured.
    fn assert_bounded(&self, what: &str, limit: Duration) {
        let _ = writeln!(
            std::io::stderr(),
            "{what}: {:.2} s, peak RSS {} KiB",
            self.elapsed.as_secs_f64(),
            self.peak_kb
        );
        assert!(
            self.elapsed < limit,
            "{what}: took {:?} (limit {limit:?})",
            self.elapsed
        );
        assert!(
            self.peak_kb < RSS_CEILING_KB,
            "{what}: peak RSS {} KiB (ceiling {RSS_CEILING_KB} KiB)",
            self.peak_kb
        );
    }

    /// The transport error's kind and text, with exit status 2.
    fn error(&self) -> (&str, &str) {
        assert_eq!(self.exit, 2, "{:#}", self.report);
        assert_eq!(self.report["verdict"], "error", "{:#}", self.report);
        (
            self.report["error_kind"].as_str().unwrap_or("?"),
            self.report["error"].as_str().unwrap_or("?"),
        )
    }
}

#[test]
fn an_endless_body_is_judged_by_its_head_in_bounded_memory() {
    let (addr, requests) = serve(Hostility::EndlessBody);
    let r = run(addr, "5");
    // Well inside the timeout: the body is not waited for.
    r.assert_bounded("endless body", Duration::from_secs(4));
    assert_eq!(r.report["verdict"], "allowed", "{:#}", r.report);
    assert_eq!(r.report["actual"]["response"]["status"], 200);
    // The walk and the probes each got their answer.
    assert!(requests.load(Ordering::SeqCst) >= 3, "{:#}", r.report);
}

#[test]
fn a_trickling_body_is_dropped_after_a_second() {
    let (addr, requests) = serve(Hostility::TricklingBody);
    let r = run(addr, "30");
    let sent = requests.load(Ordering::SeqCst);
    // Each request waits at most a second for its body's end, not the
    // 30 seconds of --timeout.
    r.assert_bounded(
        "trickling body",
        Duration::from_secs(sent as u64 + 5).min(Duration::from_secs(30)),
    );
    assert_eq!(r.report["verdict"], "allowed", "{:#}", r.report);
    assert_eq!(r.report["actual"]["response"]["status"], 200);
}

#[test]
fn a_head_that_never_finishes_is_a_timeout() {
    let (addr, _) = serve(Hostility::TricklingHead);
    let r = run(addr, "1");
    r.assert_bounded("trickling head", Duration::from_secs(5));
    let (kind, text) = r.error();
    assert_eq!(kind, "timeout", "{text}");
    assert!(
        text.contains("no complete answer to GET http://")
            && text.contains("within 1s (--timeout)"),
        "{text}"
    );
}

#[test]
fn heads_too_large_are_an_http_error_that_says_so() {
    for (what, hostility) in [
        ("a 1 MiB header", Hostility::HugeHeader),
        ("5,000 headers", Hostility::ManyHeaders),
    ] {
        let (addr, _) = serve(hostility);
        let r = run(addr, "5");
        r.assert_bounded(what, Duration::from_secs(4));
        let (kind, text) = r.error();
        assert_eq!(kind, "http", "{what}: {text}");
        assert!(text.contains("message head is too large"), "{what}: {text}");
    }
}

#[test]
fn a_redirect_loop_ends_after_twenty_redirects() {
    let (addr, requests) = serve(Hostility::RedirectLoop);
    let r = run(addr, "5");
    r.assert_bounded("redirect loop", Duration::from_secs(4));
    assert_eq!(
        (r.exit, r.report["verdict"].as_str()),
        (1, Some("blocked")),
        "{:#}",
        r.report
    );
    assert_eq!(
        r.report["message"],
        "TypeError: Failed to fetch (more than 20 redirects)"
    );
    // The request and its twenty redirects, then nothing more of the walk.
    assert_eq!(r.report["exchanges"].as_array().map(Vec::len), Some(21));
    assert!(requests.load(Ordering::SeqCst) >= 21);
}
