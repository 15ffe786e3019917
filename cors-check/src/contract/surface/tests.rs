use http::Request;
use tower_cors::CorsPolicy;

use super::{lines, parse_socket, probes, Conformance, ProbeKind, Targets, REFUSED};
use crate::contract::check::{ContractReport, Grade, Row};
use crate::contract::judge::{Oracle, Server};
use crate::contract::policy::{self, Intended};
use crate::transport::upgrade::close_frame;

fn intended(text: &str) -> Intended {
    let config = policy::parse_toml(text).expect("a valid [cors] table");
    Intended {
        source: "test".into(),
        policy: CorsPolicy::try_from(config.clone()).expect("a valid policy"),
        config,
    }
}

const API: &str = "https://api.example/v1/items";

fn targets() -> Targets {
    Targets {
        writes: vec!["https://api.example/v1/orders".into()],
        sockets: vec!["https://api.example/ws".into()],
    }
}

/// Whether tower-cors with the policy refuses the request.
fn refused(p: &Intended, request: &Request<()>) -> bool {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let head = runtime
        .block_on(Oracle(&p.policy).answer(request))
        .expect("the policy answers");
    head.status.as_u16() == REFUSED
}

#[test]
fn a_websocket_path_is_on_the_first_urls_server_or_a_ws_url() {
    assert_eq!(
        parse_socket("/ws?room=1", API).unwrap(),
        "https://api.example/ws?room=1"
    );
    assert_eq!(
        parse_socket("ws://localhost:3000/socket", API).unwrap(),
        "http://localhost:3000/socket"
    );
    assert_eq!(
        parse_socket("wss://rt.example/s", API).unwrap(),
        "https://rt.example/s"
    );
    let err = parse_socket("ws", API).unwrap_err();
    assert!(err.contains("--websocket 'ws'"), "{err}");
}

#[test]
fn writes_and_handshakes_go_only_where_named_from_every_origin_tried() {
    let p = intended("allow_origins = [\"https://app.example\"]");
    assert!(probes(&p.config, API, None).is_empty());
    assert!(probes(&p.config, API, Some(&Targets::default())).is_empty());
    let all = probes(&p.config, API, Some(&targets()));
    let count = |k: ProbeKind| all.iter().filter(|p| p.kind == k).count();
    let (writes, sockets) = (count(ProbeKind::Write), count(ProbeKind::WebSocket));
    assert_eq!(writes, 2 * sockets, "a form and a no-cors post per origin");
    assert!(sockets > 5, "the allowed origin and the others: {sockets}");
    assert_eq!(count(ProbeKind::Isolation), 0, "isolation is off");
    // The allowed origin's writes reach the app; every other's is refused.
    for probe in &all {
        let allowed = probe.origin == "https://app.example";
        assert_eq!(
            refused(&p, &probe.request),
            !allowed,
            "{} {}",
            probe.origin,
            probe.description
        );
    }
}

#[test]
fn the_forged_write_is_sent_as_a_form_and_the_handshake_as_a_browser_opens_it() {
    let p = intended("allow_origins = [\"https://app.example\"]");
    let all = probes(&p.config, API, Some(&targets()));
    let find = |d: &str| {
        all.iter()
            .find(|p| p.origin == "https://cors-check-probe.example" && p.description == d)
            .unwrap_or_else(|| panic!("no {d}"))
    };
    let header = |r: &Request<()>, n: &str| {
        r.headers()
            .get(n)
            .map(|v| v.to_str().unwrap_or("?").to_owned())
    };
    let form = &find("form POST /v1/orders").request;
    assert_eq!(form.method(), "POST");
    for (name, value) in [
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", "https://cors-check-probe.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-mode", "navigate"),
        ("sec-fetch-dest", "document"),
    ] {
        assert_eq!(header(form, name).as_deref(), Some(value), "{name}");
    }
    let beacon = &find("no-cors POST /v1/orders (text/plain)").request;
    assert_eq!(
        header(beacon, "content-type").as_deref(),
        Some("text/plain")
    );
    assert_eq!(header(beacon, "sec-fetch-mode").as_deref(), Some("no-cors"));
    let socket = &find("WebSocket /ws").request;
    assert_eq!(socket.method(), "GET");
    for (name, value) in [
        ("upgrade", "websocket"),
        ("connection", "Upgrade"),
        ("sec-websocket-version", "13"),
        ("origin", "https://cors-check-probe.example"),
        ("sec-fetch-mode", "websocket"),
        ("sec-fetch-site", "cross-site"),
    ] {
        assert_eq!(header(socket, name).as_deref(), Some(value), "{name}");
    }
    assert!(header(socket, "sec-websocket-key").is_some());
}

#[test]
fn what_the_guard_refuses_follows_the_policys_settings() {
    let origin = "https://cors-check-probe.example";
    let stranger = |text: &str| {
        let p = intended(text);
        let all = probes(&p.config, API, Some(&targets()));
        all.iter()
            .filter(|probe| probe.origin == origin)
            .map(|probe| refused(&p, &probe.request))
            .collect::<Vec<_>>()
    };
    let listed = "allow_origins = [\"https://app.example\"]\n";
    assert_eq!(stranger(listed), [true; 3]);
    assert_eq!(
        stranger(&format!("{listed}guard_writes = false\n")),
        [false; 3]
    );
    assert_eq!(
        stranger(&format!("{listed}guard_report_only = true\n")),
        [false; 3]
    );
}

#[test]
fn isolation_refuses_other_sites_loads_and_lets_a_link_through() {
    let p = intended("allow_origins = [\"https://app.example\"]\nisolate_resources = true\n");
    let loads = probes(&p.config, API, None);
    let seen: Vec<(&str, bool)> = loads
        .iter()
        .map(|probe| (probe.description.as_str(), refused(&p, &probe.request)))
        .collect();
    assert_eq!(
        seen,
        [
            ("<script> GET", true),
            ("<img> GET", true),
            ("link GET (navigation)", false)
        ]
    );
    let script = &loads[0].request;
    assert_eq!(script.headers()["sec-fetch-dest"], "script");
    assert!(script.headers().get("origin").is_none());
    // Browsers send no Fetch Metadata to a plain-http host: nothing to see.
    let plain = probes(&p.config, "http://api.internal/items", None);
    assert!(plain.iter().all(|probe| probe
        .skip
        .as_deref()
        .is_some_and(|s| s.contains("no Fetch Metadata"))));
}

#[test]
fn the_close_frame_is_masked_and_says_normal_closure() {
    let mask = [0x12, 0x34, 0x56, 0x78];
    let frame = close_frame(mask);
    assert_eq!(frame[..2], [0x88, 0x82]);
    assert_eq!(frame[2..6], mask);
    let status = u16::from_be_bytes([frame[6] ^ mask[0], frame[7] ^ mask[1]]);
    assert_eq!(status, 1000);
}

fn row(kind: &'static str, grade: Grade, expected: &str, got: &str) -> Row {
    Row {
        url: API.into(),
        ask: None,
        probe: None,
        kind,
        origin: "https://cors-check-probe.example".into(),
        why: String::new(),
        request: String::new(),
        expected: expected.into(),
        got: got.into(),
        status: None,
        code: None,
        message: Some("no WebSocket at /ws: the server answered 404".into()),
        answer: String::new(),
        grade,
    }
}

#[test]
fn each_setting_gets_one_line_conforms_does_not_or_not_checked_and_why() {
    let report = |text: &str, rows: Vec<Row>| ContractReport {
        intended: intended(text),
        urls: vec![API.into()],
        rows,
    };
    let on = "allow_origins = [\"https://app.example\"]\nisolate_resources = true\n";
    let r = report(on, vec![]);
    let l = lines(&r);
    let settings: Vec<&str> = l.iter().map(|l| l.setting).collect();
    assert_eq!(
        settings,
        ["write guard", "resource isolation", "Timing-Allow-Origin"]
    );
    assert!(l.iter().all(|l| l.conformance == Conformance::NotChecked));
    assert!(
        l[0].detail.contains("--send 'POST PATH'"),
        "{}",
        l[0].detail
    );
    assert!(l[2].detail.starts_with("timing_allow_origin is off"));

    let r = report(
        on,
        vec![
            row("write", Grade::Pass, "refused", "refused"),
            row("websocket", Grade::Fail, "refused", "accepted"),
            row("isolation", Grade::Pass, "refused", "refused"),
        ],
    );
    let l = lines(&r);
    assert_eq!(l[0].conformance, Conformance::DoesNotConform);
    assert!(l[0]
        .detail
        .starts_with("1 request(s) the policy refuses got through"));
    assert_eq!(l[1].conformance, Conformance::Conforms);

    let r = report(
        on,
        vec![row(
            "websocket",
            Grade::Skipped,
            "refused",
            "no WebSocket here",
        )],
    );
    let l = lines(&r);
    assert_eq!(l[0].conformance, Conformance::NotChecked);
    assert!(
        l[0].detail.starts_with("no WebSocket at /ws"),
        "{}",
        l[0].detail
    );
    assert_eq!(r.exit_code(), 0, "nothing there is no failure");
}
