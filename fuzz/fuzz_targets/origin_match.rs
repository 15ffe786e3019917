//! Request `Origin` matching against a fixed policy, checked against an
//! independent reference matcher: the answer must be right both ways.
#![no_main]

use http::header::{HeaderMap, HeaderValue, ORIGIN};
use http::Method;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tower_cors::{CorsPolicy, Decision};
use tower_cors_fuzz::{rule_matches, Bytes, RefRule};

const RULES: [&str; 4] = [
    "https://app.example.com",
    "https://partner.example.org:8443",
    "https://*.example.com",
    "http://localhost:*",
];

fn policy() -> &'static (CorsPolicy, Vec<RefRule>) {
    static P: OnceLock<(CorsPolicy, Vec<RefRule>)> = OnceLock::new();
    P.get_or_init(|| {
        let p = CorsPolicy::builder()
            .allow_origins(RULES)
            .allow_credentials(true)
            .build()
            .expect("valid policy");
        (p, RULES.iter().map(|r| RefRule::parse(r)).collect())
    })
}

fuzz_target!(|input: Bytes| {
    let origin = input.bytes();
    // Bytes `http` refuses never reach a layer (hyper rejects them first).
    let Ok(value) = HeaderValue::from_bytes(&origin) else {
        return;
    };
    let (policy, rules) = policy();
    let expected = rules.iter().any(|r| rule_matches(r, &origin));
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, value);
    match policy.evaluate(&Method::GET, &headers) {
        Decision::ActualAllowed(h) => {
            assert!(expected, "{:?} allowed", String::from_utf8_lossy(&origin));
            assert_eq!(
                h.allow_origin().map(HeaderValue::as_bytes),
                Some(&origin[..])
            );
        }
        Decision::ActualRefused(..) => {
            assert!(!expected, "{:?} refused", String::from_utf8_lossy(&origin));
        }
        other => panic!("a GET with one Origin gave {other:?}"),
    }
});
