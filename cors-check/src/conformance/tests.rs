use clap::Parser;
use http::{HeaderMap, HeaderValue, StatusCode, Version};

use super::cli::id_matches;
use super::expect::judge;
use super::vector::Expect;
use crate::cli::{Cli, Command, Mode};
use crate::transport::ResponseHead;

fn head(status: u16, lines: &[(&'static str, &'static str)]) -> ResponseHead {
    let mut headers = HeaderMap::new();
    for (name, value) in lines {
        headers.append(*name, HeaderValue::from_static(value));
    }
    ResponseHead {
        status: StatusCode::from_u16(status).unwrap(),
        headers,
        version: Version::HTTP_11,
        remote: None,
    }
}

fn expect(json: &str) -> Expect {
    serde_json::from_str(json).unwrap()
}

#[test]
fn only_patterns_match_ids() {
    assert!(id_matches("origin", "origin-null-refused"));
    assert!(id_matches("null", "origin-null-refused"));
    assert!(id_matches("origin-*-refused", "origin-null-refused"));
    assert!(id_matches("*refused", "origin-null-refused"));
    assert!(id_matches("o*n*d", "origin-null-refused"));
    assert!(!id_matches("origin-*-allowed", "origin-null-refused"));
    assert!(!id_matches("vary*", "origin-null-refused"));
    assert!(!id_matches("origin-null-refused-*x", "origin-null-refused"));
}

#[test]
fn statuses_match_by_class_or_code() {
    let e = expect(r#"{"status": ["2xx", "403"]}"#);
    assert!(judge(&e, &head(204, &[])).is_empty());
    assert!(judge(&e, &head(403, &[])).is_empty());
    assert_eq!(
        judge(&e, &head(404, &[])),
        ["the status is 404, expected 2xx or 403"]
    );
}

#[test]
fn lines_are_joined_and_methods_compare_case_sensitively() {
    let h = head(
        200,
        &[
            ("access-control-allow-origin", "https://a.example"),
            ("access-control-allow-origin", "https://b.example"),
            ("access-control-allow-methods", "GET, patch"),
            ("access-control-allow-headers", "X-Api-Key"),
        ],
    );
    let e = expect(
        r#"{"equal": {"Access-Control-Allow-Origin": "https://a.example"},
            "contains": {"access-control-allow-methods": ["PATCH"], "access-control-allow-headers": ["x-api-key"]},
            "present": ["access-control-max-age", "Access-Control-Allow-Headers"], "absent": ["access-control-allow-methods"]}"#,
    );
    assert_eq!(
        judge(&e, &h),
        [
            "access-control-max-age is missing",
            "access-control-allow-methods is present ('GET, patch'), expected absent",
            "Access-Control-Allow-Origin is 'https://a.example, https://b.example', expected 'https://a.example'",
            "access-control-allow-methods is 'GET, patch', which lacks PATCH",
        ]
    );
}

#[test]
fn vary_members_are_case_insensitive_and_star_holds_them_all() {
    let e = expect(r#"{"vary": ["origin", "access-control-request-method"]}"#);
    assert!(judge(&e, &head(200, &[("vary", "*")])).is_empty());
    assert!(judge(
        &e,
        &head(
            200,
            &[
                ("vary", "Origin"),
                ("vary", "Access-Control-Request-Method")
            ]
        )
    )
    .is_empty());
    assert_eq!(
        judge(&e, &head(200, &[("vary", "Accept-Encoding, Origin")])),
        ["Vary is 'Accept-Encoding, Origin', which lacks access-control-request-method"]
    );
    assert_eq!(
        judge(&e, &head(200, &[])),
        ["Vary is missing, expected it to hold origin, access-control-request-method"]
    );
}

#[test]
fn vary_is_waived_only_for_an_answer_the_same_for_every_origin() {
    let e = expect(r#"{"vary": ["origin"], "vary_unless": {"access-control-allow-origin": "*"}}"#);
    let star = [("access-control-allow-origin", "*")];
    assert!(judge(&e, &head(200, &star)).is_empty());
    let reflected = [("access-control-allow-origin", "https://app.example")];
    assert_eq!(
        judge(&e, &head(200, &reflected)),
        ["Vary is missing, expected it to hold origin"]
    );
    // No ACAO at all (a refusal) is not "the same for every origin".
    assert_eq!(
        judge(&e, &head(200, &[])),
        ["Vary is missing, expected it to hold origin"]
    );
}

#[test]
fn a_long_echoed_value_is_shown_cut_with_its_length() {
    let e = expect(r#"{"absent": ["access-control-allow-origin"]}"#);
    let long: &'static str =
        Box::leak(format!("https://{}.example", "a".repeat(16 * 1024)).into_boxed_str());
    let problems = judge(&e, &head(200, &[("access-control-allow-origin", long)]));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].len() < 250, "{}", problems[0]);
    assert!(
        problems[0].contains(&format!("({} bytes)", long.len())),
        "{}",
        problems[0]
    );
}

#[test]
fn conformance_is_a_subcommand_with_its_own_options() {
    let cli = Cli::try_parse_from([
        "cors-check",
        "conformance",
        "--adapter",
        "conformance/adapters/tower-cors/serve",
        "--json",
        "--timeout",
        "3",
        "--kind",
        "security",
    ])
    .unwrap();
    assert!(cli.json);
    let Some(Command::Conformance(args)) = &cli.command else {
        panic!("not the conformance mode: {cli:?}");
    };
    assert_eq!(args.kind.len(), 1);
    // Its --policy is the neutral JSON, and needs --url.
    assert!(Cli::try_parse_from(["cors-check", "conformance", "--policy", "p.json"]).is_err());
    assert!(Cli::try_parse_from([
        "cors-check",
        "conformance",
        "--adapter",
        "a",
        "--url",
        "http://x"
    ])
    .is_err());
    // The other modes' options are not its own.
    assert!(Cli::try_parse_from([
        "cors-check",
        "conformance",
        "--adapter",
        "a",
        "--origin",
        "https://a.example"
    ])
    .is_err());
    // A bad vectors directory is a usage error.
    let cli = Cli::try_parse_from([
        "cors-check",
        "conformance",
        "--adapter",
        "a",
        "--vectors",
        "/nonexistent/vectors",
    ])
    .unwrap();
    let err = cli
        .mode()
        .map(|m| matches!(m, Mode::Conformance(_)))
        .unwrap_err();
    assert!(
        err.contains("cannot read the vectors directory /nonexistent/vectors"),
        "{err}"
    );
}

#[test]
fn results_name_no_adapter_port_so_two_runs_compare() {
    use super::run::{without_port, Outcome};
    let failed = Outcome::Fail(
        "Access to fetch at 'http://127.0.0.1:42193/r' (127.0.0.1:42193); port 42193 stays".into(),
    );
    let Outcome::Fail(m) = without_port(failed, 42193) else {
        panic!("a failure stays a failure");
    };
    assert_eq!(
        m,
        "Access to fetch at 'http://127.0.0.1:<port>/r' (127.0.0.1:<port>); port 42193 stays"
    );
    assert!(matches!(without_port(Outcome::Pass, 1), Outcome::Pass));
}
