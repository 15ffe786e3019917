use super::*;

fn plan(extra: &[&str]) -> Result<Plan, String> {
    let mut argv = vec![
        "cors-check",
        "https://api.example/x",
        "--origin",
        "https://app.example",
    ];
    argv.extend_from_slice(extra);
    Plan::from_args(&Args::try_parse_from(argv).map_err(|e| e.to_string())?)
}

#[test]
fn cookies_go_only_with_credentials_and_forbidden_headers_are_named() {
    let p = plan(&["-H", "Cookie: s=1", "-H", "Host: evil", "-H", "X-A: 1"]).unwrap();
    assert!(p.cookies.is_empty());
    assert_eq!(p.dropped.len(), 2);
    assert!(p.dropped[0].starts_with("Cookie") && p.dropped[1].starts_with("Host"));
    assert_eq!(p.request.unsafe_header_names(), ["x-a"]);

    let p = plan(&["-H", "Cookie: s=1", "--credentials"]).unwrap();
    assert_eq!(p.cookies, ["s=1"]);
    assert!(p.dropped.is_empty() && p.credentialed());
}

#[test]
fn what_fetch_would_refuse_is_a_usage_error() {
    assert!(plan(&["-X", "TRACE"]).unwrap_err().contains("TypeError"));
    assert!(plan(&["-H", "no colon"])
        .unwrap_err()
        .contains("Name: value"));
    assert!(plan(&["--timeout", "0"]).unwrap_err().contains("--timeout"));
    let bad_origin = Plan::from_args(
        &Args::try_parse_from(["c", "https://a.example/", "--origin", "https://b.example/"])
            .unwrap(),
    );
    assert!(bad_origin.unwrap_err().contains("not an origin"));
}
