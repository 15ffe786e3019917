//! `cors-check conformance` (the real binary) on every vector of
//! conformance/vectors with tower-cors's adapter: every required and
//! security vector passes. Then the runner itself: a server that reflects
//! any origin fails the vectors it should, naming the engine; an adapter
//! that cannot express a policy makes its vectors unsupported; one that
//! does not start fails them; `--url --policy` runs one deployment; and
//! no adapter outlives the run, Ctrl-C included.
//!
//! This binary is also the adapters: run as `conformance --serve MODE
//! <policy.json>`, it serves tower-cors's adapter (the library of
//! conformance/adapters/tower-cors) or one of the misbehaving servers
//! below, so the test needs no adapter built beforehand.

// The rust-version is the library's; test code builds with the newer
// toolchain its dev-dependencies need anyway.
#![allow(clippy::incompatible_msrv)]

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output, Stdio};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};
use serde_json::Value;

const CORS_CHECK: &str = env!("CARGO_BIN_EXE_cors-check");

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|a| a == "--serve") {
        return serve(&args[1..]);
    }
    if args.iter().any(|a| a == "--list") {
        println!("conformance: test");
        return ExitCode::SUCCESS;
    }
    let checks: [(&str, fn()); 7] = [
        (
            "the_json_schema_names_the_fields_the_runner_reads",
            json_schema_agrees,
        ),
        (
            "every_required_and_security_vector_passes_with_tower_cors",
            tower_cors_passes,
        ),
        (
            "a_reflecting_server_fails_naming_the_engine",
            reflecting_server_fails,
        ),
        (
            "an_unsupported_policy_is_never_a_failure",
            unsupported_is_not_failure,
        ),
        (
            "an_adapter_that_does_not_start_fails_its_vectors",
            broken_adapter_fails,
        ),
        (
            "one_deployment_runs_the_vectors_of_its_policy",
            one_deployment,
        ),
        (
            "no_adapter_outlives_the_run_even_on_ctrl_c",
            adapters_are_stopped,
        ),
    ];
    let mut failed = 0;
    for (name, check) in checks {
        print!("test {name} ... ");
        match std::panic::catch_unwind(check) {
            Ok(()) => println!("ok"),
            Err(_) => {
                println!("FAILED");
                failed += 1;
            }
        }
    }
    println!(
        "\ntest result: {} passed; {failed} failed",
        checks.len() - failed
    );
    // The scratch directories of this run.
    let prefix = format!("cors-check-conformance-test-{}-", std::process::id());
    for entry in std::fs::read_dir(std::env::temp_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// This binary as an adapter command in `mode`.
fn adapter(mode: &str) -> String {
    let me = std::env::current_exe().expect("the test binary's path");
    format!("{} --serve {mode}", me.display())
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "cors-check-conformance-test-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

fn cors_check(args: &[&str]) -> Output {
    Command::new(CORS_CHECK)
        .args(args)
        .output()
        .expect("cors-check runs")
}

/// `cors-check conformance` on the vectors in `vectors`, with this binary
/// serving as the adapter in `mode`, and `more` options.
fn run_adapter(mode: &str, vectors: &Path, more: &[&str]) -> Output {
    let adapter = adapter(mode);
    let vectors = vectors.to_str().expect("a UTF-8 path");
    let mut args = vec!["conformance", "--adapter", &adapter, "--vectors", vectors];
    args.extend_from_slice(more);
    cors_check(&args)
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("the file was written"))
        .expect("JSON")
}

/// The test's own vectors: one of each outcome a reflecting server gives.
const VECTORS: &str = r#"{"schema": 1, "vectors": [
  {"id": "t-allowed", "title": "allowed origin", "spec": "https://fetch.spec.whatwg.org/#cors-check", "kind": "required",
   "policy": {"origins": ["https://app.example"], "methods": ["GET"], "headers": []},
   "requests": [{"method": "GET", "path": "/x", "headers": [["Origin", "https://app.example"]],
                 "expect": {"status": ["2xx"], "equal": {"access-control-allow-origin": "https://app.example"}}}],
   "page": {"origin": "https://app.example", "method": "GET", "path": "/x"},
   "browsers": {"chromium": {"verdict": "readable"}, "firefox": {"verdict": "readable"}, "webkit": {"verdict": "readable"}}},
  {"id": "t-unlisted", "title": "unlisted origin", "spec": "https://fetch.spec.whatwg.org/#cors-check", "kind": "security",
   "policy": {"origins": ["https://app.example"], "methods": ["GET"], "headers": []},
   "requests": [{"method": "GET", "path": "/x", "headers": [["Origin", "https://evil.example"]],
                 "expect": {"absent": ["access-control-allow-origin"], "vary": ["origin"]}}],
   "page": {"origin": "https://evil.example", "method": "GET", "path": "/x"},
   "browsers": {"chromium": {"verdict": "blocked", "reason": "MissingAllowOriginHeader"},
                "firefox": {"verdict": "blocked", "reason": "MissingAllowOriginHeader"},
                "webkit": {"verdict": "blocked", "reason": "MissingAllowOriginHeader"}}},
  {"id": "t-other-policy", "title": "another policy", "spec": "https://fetch.spec.whatwg.org/#cors-check", "kind": "optional",
   "policy": {"origins": ["https://other.example"], "methods": ["GET"], "headers": [], "max_age": 5},
   "requests": [{"method": "GET", "path": "/status/500", "headers": [["Origin", "https://other.example"]],
                 "expect": {"status": ["500"], "equal": {"access-control-allow-origin": "https://other.example"}}}]}
]}"#;

fn test_vectors(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join("t.json"), VECTORS).expect("the vectors are written");
    dir
}

/// A vector file with every field of every object.
fn every_field() -> Value {
    serde_json::json!({"schema": 1, "vectors": [{
        "id": "t-full", "title": "t", "spec": "https://fetch.spec.whatwg.org/", "kind": "optional",
        "policy": {"origins": ["https://a.example"], "origin_patterns": ["https://*.b.example"],
                   "methods": ["GET"], "headers": ["x-a"], "expose_headers": ["x-b"], "credentials": true,
                   "max_age": 5, "private_network": false, "write_guard": false},
        "requests": [{"method": "GET", "path": "/", "headers": [["Origin", "https://a.example"]],
                      "expect": {"status": ["2xx"], "present": ["vary"], "absent": ["x-c"],
                                 "equal": {"access-control-allow-origin": "https://a.example"},
                                 "contains": {"vary": ["origin"]}, "vary": ["origin"]}}],
        "page": {"origin": "https://a.example", "method": "GET", "path": "/", "headers": [["X-A", "1"]],
                 "credentials": "include"},
        "browsers": {"chromium": {"verdict": "readable"}, "firefox": {"verdict": "readable"},
                     "webkit": {"verdict": "blocked", "reason": "MissingAllowOriginHeader"}},
        "note": "n"
    }]})
}

/// The JSON Schema (conformance/schema) and the runner's reader accept the
/// same fields in every object: a field unknown to the runner is refused,
/// and its message lists the fields it knows.
fn json_schema_agrees() {
    let schema = read_json(&repo().join("conformance/schema/vectors.schema.json"));
    let dir = scratch("schema");
    let file = dir.join("v.json");
    std::fs::write(&file, every_field().to_string()).unwrap();
    let o = run_adapter("unsupported", &dir, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "every field is read: {}",
        text(&o)
    );
    for (object, properties) in [
        ("", "/properties"),
        ("/vectors/0", "/$defs/vector/properties"),
        ("/vectors/0/policy", "/$defs/policy/properties"),
        ("/vectors/0/requests/0", "/$defs/request/properties"),
        (
            "/vectors/0/requests/0/expect",
            "/$defs/request/properties/expect/properties",
        ),
        ("/vectors/0/page", "/$defs/page/properties"),
        (
            "/vectors/0/browsers",
            "/$defs/vector/properties/browsers/properties",
        ),
        ("/vectors/0/browsers/webkit", "/$defs/verdict/properties"),
    ] {
        let mut probe = every_field();
        let target = probe
            .pointer_mut(object)
            .and_then(Value::as_object_mut)
            .expect(object);
        target.insert("zz_unknown".into(), Value::Null);
        std::fs::write(&file, probe.to_string()).unwrap();
        let o = cors_check(&[
            "conformance",
            "--adapter",
            "true",
            "--vectors",
            dir.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        let stderr = String::from_utf8_lossy(&o.stderr);
        let known = stderr
            .split("unknown field `zz_unknown`, expected")
            .nth(1)
            .expect(&stderr);
        let known = known.split(" at line").next().unwrap_or(known);
        let mut read: Vec<&str> = known.split('`').skip(1).step_by(2).collect();
        let mut documented: Vec<&str> = schema
            .pointer(properties)
            .and_then(Value::as_object)
            .expect(properties)
            .keys()
            .map(String::as_str)
            .collect();
        read.sort_unstable();
        documented.sort_unstable();
        assert_eq!(read, documented, "the fields of {object:?}");
    }
}

fn tower_cors_passes() {
    let out = scratch("tower-cors");
    let (results, junit) = (out.join("results.json"), out.join("junit.xml"));
    let vectors = repo().join("conformance/vectors");
    let started = Instant::now();
    let o = run_adapter(
        "tower-cors",
        &vectors,
        &[
            "--results",
            results.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("conforms: every required and security vector passes"),
        "{stdout}"
    );
    let r = read_json(&results);
    assert_eq!(r["implementation"]["name"], "tower-cors", "{r}");
    assert_eq!(r["implementation"]["language"], "Rust", "{r}");
    assert_eq!(r["suite"]["schema"], 1);
    let count = r["results"].as_object().expect("results").len();
    assert_eq!(r["suite"]["vectors"], count);
    assert!(count >= 5, "{count} vectors");
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<testsuites"),
        "junit"
    );
    eprintln!("  ({count} vectors in {took:.2?})");
}

fn reflecting_server_fails() {
    let vectors = test_vectors("reflecting");
    let o = run_adapter(
        "reflecting",
        &vectors,
        &["--json", "--name", "reflector", "--version", "9"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("--json");
    assert_eq!(v["mode"], "conformance");
    assert_eq!(v["verdict"], "fails");
    assert_eq!(v["implementation"]["name"], "reflector");
    assert_eq!(v["implementation"]["version"], "9");
    assert_eq!(v["counts"]["required"]["pass"], 1, "{v}");
    assert_eq!(v["counts"]["security"]["fail"], 1, "{v}");
    let unlisted = &v["vectors"][1];
    assert_eq!(unlisted["id"], "t-unlisted");
    assert_eq!(unlisted["result"], "fail");
    let message = unlisted["message"].as_str().unwrap();
    for part in [
        "request 1 (GET /x)",
        "access-control-allow-origin is present ('https://evil.example'), expected absent",
        "Vary is missing, expected it to hold origin",
        "chromium: the model says readable; the vector records blocked (MissingAllowOriginHeader)",
        "firefox: the model says readable",
        "webkit: the model says readable",
    ] {
        assert!(message.contains(part), "{part:?} not in {message}");
    }
    // The human table: the counts, then each failure with its message.
    let o = run_adapter("reflecting", &vectors, &[]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("  security       0     1            0"),
        "{table}"
    );
    assert!(
        table.contains("Failed, security:\n  t-unlisted (t.json): unlisted origin"),
        "{table}"
    );
    assert!(
        table.contains("fails: 1 required or security vectors fail"),
        "{table}"
    );
    // An optional vector's failure alone does not fail the run.
    let o = run_adapter(
        "reflecting",
        &vectors,
        &["--only", "t-a*", "--kind", "required"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

fn unsupported_is_not_failure() {
    let vectors = test_vectors("unsupported");
    let results = scratch("unsupported-out").join("results.json");
    let o = run_adapter(
        "unsupported",
        &vectors,
        &["--results", results.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let r = read_json(&results);
    for id in ["t-allowed", "t-unlisted", "t-other-policy"] {
        assert_eq!(r["results"][id], "unsupported", "{r}");
    }
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("3 vectors: this library has no such setting"),
        "{table}"
    );
}

fn broken_adapter_fails() {
    let vectors = test_vectors("broken");
    let out = scratch("broken-out");
    let (results, junit) = (out.join("results.json"), out.join("junit.xml"));
    let o = run_adapter(
        "broken",
        &vectors,
        &[
            "--results",
            results.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let r = read_json(&results);
    let failure = &r["results"]["t-allowed"];
    assert_eq!(failure[0], "fail", "{r}");
    let message = failure[1].as_str().unwrap();
    assert!(
        message.starts_with("the adapter did not start: it ended"),
        "{message}"
    );
    assert!(message.contains("the broken adapter gives up"), "{message}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<failure message=\"allowed origin\">"),
        "{xml}"
    );
}

fn one_deployment() {
    let vectors = test_vectors("deployment");
    let out = scratch("deployment-out");
    let policy = out.join("policy.json");
    std::fs::write(
        &policy,
        r#"{"methods": ["GET"], "headers": [], "origins": ["https://app.example"]}"#,
    )
    .unwrap();
    let mut server = Command::new(std::env::current_exe().unwrap())
        .args(["--serve", "tower-cors"])
        .arg(&policy)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the adapter starts");
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("LISTENING ")
        .expect("LISTENING <port>");
    let results = out.join("results.json");
    let o = cors_check(&[
        "conformance",
        "--url",
        &format!("http://127.0.0.1:{port}/"),
        "--policy",
        policy.to_str().unwrap(),
        "--vectors",
        vectors.to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
        "--name",
        "deployment",
    ]);
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let r = read_json(&results);
    assert_eq!(r["results"]["t-allowed"], "pass", "{r}");
    assert_eq!(r["results"]["t-unlisted"], "pass", "{r}");
    assert_eq!(r["results"]["t-other-policy"], "unsupported", "{r}");
    assert_eq!(
        r["implementation"]["adapter"],
        format!("http://127.0.0.1:{port}"),
        "{r}"
    );
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("the deployment's policy (--policy) is not this vector's"),
        "{table}"
    );
    // Usage: neither an adapter nor a deployment, or a malformed vector file.
    let o = cors_check(&["conformance", "--vectors", vectors.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    std::fs::write(
        vectors.join("u.json"),
        r#"{"schema": 1, "vectors": [{"id": "x", "colour": "red"}]}"#,
    )
    .unwrap();
    let o = cors_check(&[
        "conformance",
        "--adapter",
        "true",
        "--vectors",
        vectors.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("u.json: not a vector file of schema 1"),
        "{}",
        text(&o)
    );
}

/// The pids the adapters of a run wrote.
fn pids(dir: &Path) -> Vec<u32> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}

fn gone(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            // A zombie (Z) is dead, waiting for its parent.
            Ok(stat)
                if stat
                    .rsplit(')')
                    .next()
                    .is_some_and(|s| s.trim_start().starts_with('Z')) =>
            {
                return true
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    false
}

fn adapters_are_stopped() {
    // A finished run: each adapter ended.
    let vectors = test_vectors("stopped");
    let record = scratch("stopped-pids");
    let o = Command::new(CORS_CHECK)
        .args([
            "conformance",
            "--adapter",
            &adapter("reflecting"),
            "--vectors",
            vectors.to_str().unwrap(),
        ])
        .env("CONFORMANCE_TEST_PIDS", &record)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let started = pids(&record);
    assert_eq!(started.len(), 2, "one adapter per policy: {started:?}");
    for pid in started {
        assert!(gone(pid), "adapter {pid} still runs after the run");
    }
    // Ctrl-C while an adapter hangs on a request: the run ends, the adapter too.
    let record = scratch("interrupted-pids");
    let run = Command::new(CORS_CHECK)
        .args([
            "conformance",
            "--adapter",
            &adapter("hanging"),
            "--vectors",
            vectors.to_str().unwrap(),
        ])
        .env("CONFORMANCE_TEST_PIDS", &record)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while pids(&record).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let hanging = pids(&record);
    assert!(!hanging.is_empty(), "the hanging adapter started");
    // Ctrl-C's signal, by the shell's own kill.
    Command::new("sh")
        .args(["-c", &format!("kill -INT {}", run.id())])
        .status()
        .unwrap();
    let o = run.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("interrupted: every adapter was stopped"),
        "{}",
        text(&o)
    );
    for pid in hanging {
        assert!(gone(pid), "adapter {pid} still runs after Ctrl-C");
    }
}

/// `--serve MODE <policy.json>`: the adapters the checks run.
fn serve(args: &[OsString]) -> ExitCode {
    let (Some(mode), Some(policy)) = (args.first().and_then(|m| m.to_str()), args.get(1)) else {
        return ExitCode::from(2);
    };
    if mode != "tower-cors" && policy == "--about" {
        return ExitCode::FAILURE;
    }
    if let Some(dir) = std::env::var_os("CONFORMANCE_TEST_PIDS") {
        let _ = std::fs::write(Path::new(&dir).join(std::process::id().to_string()), "");
    }
    match mode {
        "tower-cors" => tower_cors_conformance_adapter::main(vec![policy.clone()]),
        "unsupported" => {
            println!("UNSUPPORTED this library has no such setting");
            ExitCode::from(3)
        }
        "broken" => {
            eprintln!("the broken adapter gives up");
            ExitCode::from(1)
        }
        "reflecting" => misbehaving(false),
        "hanging" => misbehaving(true),
        _ => ExitCode::from(2),
    }
}

/// A server that lets every origin in, credentials included, and never
/// says `Vary`; or one that never answers (`hang`).
fn misbehaving(hang: bool) -> ExitCode {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let app = axum::Router::new().fallback(move |headers: HeaderMap| async move {
            if hang {
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
            let mut out = HeaderMap::new();
            let echo = |from: &str| {
                headers
                    .get(from)
                    .cloned()
                    .unwrap_or(HeaderValue::from_static("*"))
            };
            out.insert("access-control-allow-origin", echo("origin"));
            out.insert(
                "access-control-allow-credentials",
                HeaderValue::from_static("true"),
            );
            out.insert(
                "access-control-allow-methods",
                echo("access-control-request-method"),
            );
            out.insert(
                "access-control-allow-headers",
                echo("access-control-request-headers"),
            );
            (out, "ok")
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("LISTENING {}", listener.local_addr().unwrap().port());
        axum::serve(listener, app).await.unwrap();
    });
    ExitCode::SUCCESS
}
