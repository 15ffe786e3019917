use clap::Parser;

use tower_cors::browser::PageRequest;
use tower_cors::CorsConfig;

use super::check::{parse_send, ContractReport, Grade, Row};
use super::expect::{self, How, Kind};
use super::judge::{judge, Judgement, Oracle};
use super::policy::{self, Intended};
use super::{cli, junit};

fn config(text: &str) -> CorsConfig {
    policy::parse_toml(text).expect("a valid [cors] table")
}

fn intended(text: &str) -> Intended {
    let config = config(text);
    Intended {
        source: "test".into(),
        policy: tower_cors::CorsPolicy::try_from(config.clone()).expect("a valid policy"),
        config,
    }
}

#[test]
fn the_policy_is_the_cors_table_of_an_app_config_or_the_table_alone() {
    let app = config(
        "[server]\nlisten = \"127.0.0.1:8080\"\n\n[cors]\nallow_origins = [\"https://app.example.com\"]\nallow_methods = [\"PUT\"]\n",
    );
    assert_eq!(app.allow_origins, ["https://app.example.com"]);
    assert_eq!(app.allow_methods, ["PUT"]);
    let bare = config("allow_origins = [\"https://app.example.com\"]\nallow_credentials = true\n");
    assert!(bare.allow_credentials);

    let missing = policy::parse_toml("[server]\nlisten = \"x\"\n").unwrap_err();
    assert!(missing.contains("no [cors] table"), "{missing}");
    let typo = policy::parse_toml("[cors]\nallow_origin = [\"https://a.example\"]\n").unwrap_err();
    assert!(typo.contains("allow_origin"), "{typo}");
    let not_toml = policy::parse_toml("[cors\n").unwrap_err();
    assert!(not_toml.starts_with("not valid TOML"), "{not_toml}");
}

#[test]
fn a_policy_tower_cors_refuses_is_a_usage_error_naming_each_problem() {
    let dir = std::env::temp_dir().join(format!("cors-check-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let path = dir.join("bad.toml");
    std::fs::write(
        &path,
        "[cors]\nallow_origins = [\"*\"]\nallow_credentials = true\n",
    )
    .expect("written");
    let err = policy::load(&cli::Source::File(path)).unwrap_err();
    assert!(
        err.contains("not one tower-cors accepts") && err.contains("credentials"),
        "{err}"
    );
    let err = policy::load(&cli::Source::File(dir.join("absent.toml"))).unwrap_err();
    assert!(err.starts_with("cannot read the policy file"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn patterns_are_tried_with_a_sample_and_their_near_misses() {
    assert_eq!(
        expect::sample("https://*.example.com"),
        "https://cors-check-probe.example.com"
    );
    assert_eq!(
        expect::sample("http://*.localhost:*"),
        "http://cors-check-probe.localhost:49152"
    );
    let c = config("allow_origins = [\"https://*.example.com\"]");
    let allowed = expect::allowed_origins(&c);
    assert_eq!(allowed[0].origin, "https://cors-check-probe.example.com");
    assert_eq!(allowed[0].why, "matches https://*.example.com");
    let others: Vec<String> = expect::other_origins(&c, &allowed)
        .into_iter()
        .map(|t| t.origin)
        .collect();
    for near in [
        "https://cors-check-probe.example",
        "https://example.com",
        "https://example.com.cors-check-probe.example",
        "https://corscheckexample.com",
        "null",
        "http://cors-check-probe.example.com",
    ] {
        assert!(others.iter().any(|o| o == near), "{near} in {others:?}");
    }
    assert!(!others.contains(&allowed[0].origin), "{others:?}");
    let unique: std::collections::HashSet<&String> = others.iter().collect();
    assert_eq!(unique.len(), others.len(), "{others:?}");
}

#[test]
fn the_requests_cover_every_method_and_header_and_never_send_an_unsafe_method() {
    let c = config(
        "allow_origins = [\"https://a.example\", \"https://b.example\"]\nallow_methods = [\"GET\", \"HEAD\", \"PUT\"]\nallow_headers = [\"content-type\"]\n",
    );
    let asks = expect::asks(&c, "https://api.example/v1/items?page=2");
    let find = |origin: &str, kind: Kind, method: &str| {
        asks.iter()
            .filter(|a| a.origin == origin && a.kind == kind && a.method == method)
            .collect::<Vec<_>>()
    };
    for origin in ["https://a.example", "https://b.example"] {
        assert_eq!(find(origin, Kind::Origin, "GET")[0].how, How::Sent);
        assert_eq!(find(origin, Kind::Method, "HEAD")[0].how, How::Sent);
        assert_eq!(find(origin, Kind::Method, "PUT")[0].how, How::PreflightOnly);
        let header = &find(origin, Kind::Header, "GET")[0];
        assert_eq!(
            header.headers,
            [("content-type".to_owned(), "application/json".to_owned())]
        );
        assert_eq!(header.how, How::PreflightOnly);
    }
    // What the policy does not allow, once.
    assert_eq!(find("https://a.example", Kind::Method, "DELETE").len(), 1);
    assert_eq!(find("https://b.example", Kind::Method, "DELETE").len(), 0);
    let credentialed = find("https://a.example", Kind::Credentials, "GET");
    assert!(credentialed[0].credentials && credentialed[0].how == How::Sent);
    let error = find("https://a.example", Kind::ErrorResponse, "GET");
    assert_eq!(
        error[0].url,
        "https://api.example/v1/cors-check-no-such-path"
    );
    // Only GET and HEAD are ever sent.
    for a in &asks {
        assert!(
            a.how == How::PreflightOnly || matches!(a.method.as_str(), "GET" | "HEAD"),
            "{a:?}"
        );
        assert!(!a.credentials || a.kind == Kind::Credentials, "{a:?}");
    }
}

fn expected(policy: &Intended, origin: &str, method: &str, how: How) -> Judgement {
    let request = PageRequest::new(origin, method, "https://api.example/items")
        .prepare()
        .expect("fetch() accepts it");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime
        .block_on(judge(&Oracle(&policy.policy), &request, how))
        .judgement
}

#[test]
fn what_must_be_allowed_is_what_tower_cors_answers_with_the_policy() {
    let p = intended(
        "allow_origins = [\"https://*.example.com\", \"http://localhost:*\"]\nallow_methods = [\"PUT\"]\nallow_credentials = true\n",
    );
    let allowed = |o: &str, m: &str, how| expected(&p, o, m, how) == Judgement::Allowed;
    assert!(allowed(
        "https://cors-check-probe.example.com",
        "GET",
        How::Sent
    ));
    assert!(allowed(
        "https://a.b.example.com",
        "PUT",
        How::PreflightOnly
    ));
    assert!(allowed("http://localhost:49152", "GET", How::Sent));
    assert!(!allowed("https://example.com", "GET", How::Sent));
    assert!(!allowed(
        "https://example.com.cors-check-probe.example",
        "GET",
        How::Sent
    ));
    assert!(!allowed("null", "GET", How::Sent));
    assert!(!allowed(
        "https://cors-check-probe.example.com",
        "DELETE",
        How::PreflightOnly
    ));
    // Methods are case-sensitive, as in browsers.
    assert!(!allowed(
        "https://a.example.com",
        "patch",
        How::PreflightOnly
    ));
}

#[test]
fn send_names_a_path_on_the_first_url_or_a_whole_url() {
    let s = parse_send("POST /items", "https://api.example:8443/v1/x?y=1").unwrap();
    assert_eq!(
        (s.method.as_str(), s.url.as_str()),
        ("POST", "https://api.example:8443/items")
    );
    let s = parse_send("delete https://other.example/a", "https://api.example/").unwrap();
    assert_eq!(s.url, "https://other.example/a");
    assert!(parse_send("POST", "https://api.example/").is_err());
    assert!(parse_send("POST items", "https://api.example/").is_err());
}

#[test]
fn the_policy_check_is_asked_for_with_either_flag() {
    let asks = |a: &[&str]| {
        crate::cli::Cli::try_parse_from(a)
            .expect("a command line clap accepts")
            .contract
            .source()
            .is_some()
    };
    assert!(asks(&["cors-check", "--policy", "c.toml", "u"]));
    assert!(asks(&["cors-check", "--policy=c.toml", "u"]));
    assert!(asks(&["cors-check", "u", "--policy-env", "CORS"]));
    assert!(!asks(&["cors-check", "u", "--origin", "https://a.example"]));
}

#[test]
fn junit_has_one_case_per_expectation_and_escapes_what_it_quotes() {
    let row = |grade, origin: &str| Row {
        url: "https://api.example/items".into(),
        ask: None,
        probe: None,
        kind: "origin",
        origin: origin.into(),
        why: "near miss of https://a.example: another domain ending with the site's".into(),
        request: "GET".into(),
        expected: "blocked".into(),
        got: "allowed".into(),
        status: Some(200),
        code: None,
        message: None,
        answer: "GET /items answered 200: Access-Control-Allow-Origin: <\"&\">".into(),
        grade,
    };
    let report = ContractReport {
        intended: intended("allow_origins = [\"https://a.example\"]"),
        urls: vec!["https://api.example/items".into()],
        rows: vec![
            row(Grade::Pass, "https://a.example"),
            row(Grade::Fail, "https://corscheck.example"),
        ],
    };
    let xml = junit::render(&report);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    assert!(
        xml.contains("tests=\"2\" failures=\"1\" errors=\"0\""),
        "{xml}"
    );
    // One case per expectation, then one per setting of the cross-origin
    // surface (none probed here: each skipped, saying why).
    assert_eq!(xml.matches("<testcase ").count(), 2 + 3, "{xml}");
    assert!(
        xml.contains("<testsuite name=\"cross-origin surface\" tests=\"3\""),
        "{xml}"
    );
    assert_eq!(
        xml.matches("<skipped message=\"not checked: ").count(),
        3,
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"expected blocked, got allowed\">"),
        "{xml}"
    );
    assert!(
        xml.contains("Access-Control-Allow-Origin: &lt;&quot;&amp;&quot;&gt;"),
        "{xml}"
    );
    assert!(xml.contains("site&apos;s"), "{xml}");
    assert_eq!(crate::output::junit::escape("a\u{1}b\nc"), "ab&#10;c");
    assert_eq!(report.exit_code(), 1);
}
