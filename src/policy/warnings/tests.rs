use std::time::Duration;

use super::WarningKind;
use crate::CorsPolicy;

fn kinds(b: crate::CorsPolicyBuilder) -> Vec<WarningKind> {
    b.build()
        .expect("valid policy")
        .warnings()
        .iter()
        .map(|w| w.kind())
        .collect()
}

fn base() -> crate::CorsPolicyBuilder {
    CorsPolicy::builder().allow_origins(["https://a.example"])
}

#[test]
fn max_age_at_or_below_webkit_cap_is_quiet() {
    assert!(kinds(base().max_age(Duration::from_millis(600_999))).is_empty());
}

#[test]
fn max_age_between_the_caps_names_webkit_only() {
    let p = base().max_age(Duration::from_secs(601)).build().unwrap();
    let w = &p.warnings()[0];
    assert_eq!(w.value(), Some("601s"));
    assert!(w.message().contains("WebKit (Safari) keeps it 600 s"));
    assert!(w.message().contains("Chromium and Firefox keep it 601 s"));
}

#[test]
fn max_age_above_chromium_cap_says_what_each_keeps() {
    let p = base().max_age(Duration::from_secs(86_400)).build().unwrap();
    let text = p.warnings()[0].to_string();
    assert!(text.starts_with("max_age \"86400s\": "), "{text}");
    assert!(text.contains("Chromium 7200 s"), "{text}");
    assert!(text.contains("Firefox the whole 86400 s"), "{text}");
}

#[test]
fn wildcard_headers_warn_unless_authorization_is_listed() {
    assert_eq!(
        kinds(base().allow_headers(["*"])),
        [WarningKind::WildcardHeadersWithoutAuthorization]
    );
    assert!(kinds(base().allow_headers(["*", "Authorization"])).is_empty());
}

#[test]
fn each_safelisted_exposed_header_is_named() {
    let p = base()
        .expose_headers(["Content-Type", "x-request-id", "pragma"])
        .build()
        .unwrap();
    let values: Vec<_> = p.warnings().iter().map(|w| w.value()).collect();
    assert_eq!(values, [Some("content-type"), Some("pragma")]);
}

#[test]
fn private_network_warns() {
    assert_eq!(
        kinds(base().allow_private_network(true)),
        [WarningKind::PrivateNetworkAccessUnused]
    );
}

#[test]
fn a_plain_policy_has_no_warnings() {
    assert!(kinds(
        base()
            .allow_methods(["PUT"])
            .allow_headers(["content-type"])
            .expose_headers(["x-request-id"])
            .max_age(Duration::from_secs(600))
    )
    .is_empty());
}

#[test]
fn report_only_with_nothing_on_says_so() {
    let star = || CorsPolicy::builder().allow_origins(["*"]);
    assert_eq!(
        kinds(star().guard_report_only(true)),
        [WarningKind::ReportOnlyWithNothingToReport]
    );
    assert_eq!(
        kinds(base().guard_writes(false).guard_report_only(true)),
        [
            WarningKind::WriteGuardOffWithListedOrigins,
            WarningKind::ReportOnlyWithNothingToReport
        ]
    );
    // With the guard (on by default) or isolation there is something to report.
    assert!(kinds(base().guard_report_only(true)).is_empty());
    assert!(kinds(star().isolate_resources(true).guard_report_only(true)).is_empty());
}
