//! Configured origins judged by the URL Standard, which is what browsers
//! run: every origin the builder accepts is exactly what a browser sends for
//! a page served from it, and every corrected origin a hint suggests is that
//! form too. The `url` crate implements the standard and is the judge here.

use crate::support::*;
use http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN};
use http::{HeaderMap, Method};
use proptest::prelude::*;
use tower_cors::{ConfigError, CorsPolicy, Decision, ProblemKind};

/// What a browser sends in `Origin` for a page at `origin`, per the URL
/// Standard; `None` when no page can have that origin.
fn sent_by_browsers(origin: &str) -> Option<String> {
    let url = url::Url::parse(origin).ok()?;
    let serialised = url.origin().ascii_serialization();
    (serialised != "null").then_some(serialised)
}

fn build(origin: &str, credentials: bool) -> Result<CorsPolicy, ConfigError> {
    CorsPolicy::builder()
        .allow_origins([origin])
        .allow_credentials(credentials)
        .build()
}

/// The origin a hint tells the user to write, if any.
fn suggested(err: &ConfigError) -> Vec<String> {
    err.problems()
        .iter()
        .filter_map(|p| {
            let hint = p.hint();
            let start = hint.find("write it as `")? + "write it as `".len();
            // The suggestion ends the hint; a host may itself hold a back-tick.
            let end = hint[start..].rfind('`')?;
            Some(hint[start..start + end].to_owned())
        })
        .collect()
}

fn allowed_actual(policy: &CorsPolicy, origin: &str) -> bool {
    let mut h = HeaderMap::new();
    h.insert(ORIGIN, origin.parse().unwrap());
    matches!(
        policy.evaluate(&Method::GET, &h),
        Decision::ActualAllowed(ref a) if a.allow_origin().is_some_and(|v| v == origin)
    )
}

#[tokio::test]
async fn hosts_ending_in_a_dot_are_accepted_as_browsers_send_them() {
    // Browsers keep the trailing dot in `Origin`; it names another host.
    for origin in ["https://example.com.", "http://localhost.:3000"] {
        assert_eq!(sent_by_browsers(origin).as_deref(), Some(origin));
        let p = build(origin, true).unwrap_or_else(|e| panic!("{origin}: {e}"));
        let res = send(&p, &Recorder::new(), get_from(origin)).await;
        assert_eq!(
            one(&res, &ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(origin)
        );
        let without_dot = origin
            .replacen(".:", ":", 1)
            .trim_end_matches('.')
            .to_owned();
        assert!(!allowed_actual(&p, &without_dot), "{without_dot}");
    }
    // `localhost.` is loopback like `localhost`; `example.com.` over http is not.
    assert!(build("http://localhost.:3000", true).is_ok());
    let err = build("http://example.com.", true).unwrap_err();
    assert!(err.has(ProblemKind::InsecureOriginWithCredentials), "{err}");
    // An IPv4 address loses its dot in the browser, so the dotted form is
    // refused and the hint gives the form browsers send.
    let err = build("http://1.2.3.4.", false).unwrap_err();
    assert_eq!(suggested(&err), ["http://1.2.3.4"]);
    assert_eq!(
        sent_by_browsers("http://1.2.3.4.").as_deref(),
        Some("http://1.2.3.4")
    );
}

#[test]
fn ipv4_mapped_ipv6_hosts_hint_the_form_browsers_send() {
    let written = "http://[::ffff:127.127.127.127]:90";
    let sent = "http://[::ffff:7f7f:7f7f]:90";
    assert_eq!(sent_by_browsers(written).as_deref(), Some(sent));
    let err = build(written, false).unwrap_err();
    assert!(err.has(ProblemKind::OriginBadHost), "{err}");
    assert_eq!(suggested(&err), [sent]);
    let p = build(sent, false).unwrap();
    assert!(allowed_actual(&p, sent));
}

#[tokio::test]
async fn underscores_in_host_names_are_accepted() {
    // Docker Compose service names and internal DNS names.
    for origin in ["http://my_service:8080", "https://api_v2.internal.example"] {
        assert_eq!(sent_by_browsers(origin).as_deref(), Some(origin));
        let p = build(origin, false).unwrap_or_else(|e| panic!("{origin}: {e}"));
        let res = send(&p, &Recorder::new(), get_from(origin)).await;
        assert_eq!(
            one(&res, &ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(origin)
        );
    }
    let p = build("https://*.internal.example", false).unwrap();
    assert!(allowed_actual(&p, "https://my_service.internal.example"));
}

#[test]
fn values_that_can_never_match_are_reported() {
    // Invalid punycode: no browser can parse the host at all.
    assert_eq!(sent_by_browsers("http://xn--f"), None);
    let err = build("http://xn--f", false).unwrap_err();
    assert!(err.has(ProblemKind::OriginBadHost), "{err}");
    // No subdomain of this suffix fits in a DNS name.
    let suffix = [61, 61, 61, 62].map(|n| "a".repeat(n)).join(".") + ".com";
    let err = build(&format!("https://*.{suffix}"), false).unwrap_err();
    assert!(err.has(ProblemKind::OriginTooLong), "{err}");
    // Response-only names as request headers, request-only names exposed.
    let err = CorsPolicy::builder()
        .allow_origins(["https://a.example"])
        .allow_headers(["Access-Control-Allow-Origin", "x-ok"])
        .expose_headers(["access-control-request-method", "Origin", "x-ok"])
        .build()
        .unwrap_err();
    let kinds: Vec<_> = err.problems().iter().map(|p| p.kind()).collect();
    assert_eq!(
        kinds,
        [
            ProblemKind::ResponseOnlyHeader,
            ProblemKind::RequestOnlyHeader,
            ProblemKind::RequestOnlyHeader
        ],
        "{err}"
    );
}

/// Hosts built from labels that browsers treat differently: case, dots,
/// underscores, numbers that make an IPv4 address, punycode, odd bytes.
fn host() -> impl Strategy<Value = String> {
    let label = prop_oneof![
        "[a-z0-9]{1,8}",
        "[a-zA-Z0-9_-]{1,8}",
        Just("xn--bcher-kva".to_owned()),
        Just("xn--f".to_owned()),
        "[0-9]{1,4}",
        "0x[0-9a-f]{1,3}",
        "[a-z]{1,3}[!$&'()+,;=~`{}\"]{1}[a-z]{0,3}",
        Just(String::new()),
    ];
    (
        prop::collection::vec(label, 1..5),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(labels, dot, ipv6)| {
            if ipv6 && labels.len() > 1 {
                let pieces: Vec<String> = labels.iter().map(|l| format!("{:x}", l.len())).collect();
                return format!("[::{}]", pieces.join(":"));
            }
            let mut h = labels.join(".");
            if dot {
                h.push('.');
            }
            h
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Every accepted origin is exactly what browsers send; every corrected
    /// origin a hint suggests is what browsers send for what was written.
    #[test]
    fn accepted_origins_and_hints_are_the_url_standards_serialisation(
        scheme in prop_oneof![Just("http"), Just("https"), Just("HTTPS")],
        host in host(),
        port in prop_oneof![Just(String::new()), Just(":8080".to_owned()), Just(":443".to_owned())],
    ) {
        let written = format!("{scheme}://{host}{port}");
        let sent = sent_by_browsers(&written);
        match build(&written, false) {
            Ok(policy) => {
                prop_assert_eq!(sent.as_deref(), Some(written.as_str()), "accepted {}", written);
                prop_assert!(allowed_actual(&policy, &written));
            }
            Err(err) => {
                for hint in suggested(&err) {
                    prop_assert_eq!(Some(hint.as_str()), sent.as_deref(), "{}: {}", written, err);
                }
            }
        }
    }
}
