//! `Access-Control-Request-Headers` checking: arbitrary lines, compared with a
//! reference reading of the list (OWS and empty elements tolerated, every
//! element a token, `*` never covering `authorization`).
#![no_main]

use arbitrary::Arbitrary;
use http::header::{
    HeaderMap, HeaderValue, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};
use http::Method;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tower_cors::{CorsPolicy, Decision, RefusalReason};
use tower_cors_fuzz::Bytes;

struct Case {
    policy: CorsPolicy,
    names: &'static [&'static str],
    any: bool,
    credentials: bool,
}

fn cases() -> &'static [Case] {
    static C: OnceLock<Vec<Case>> = OnceLock::new();
    C.get_or_init(|| {
        let mk = |names: &'static [&'static str], any: bool, credentials: bool| {
            let mut list: Vec<&str> = names.to_vec();
            if any {
                list.push("*");
            }
            Case {
                policy: CorsPolicy::builder()
                    .allow_origins(["https://app.example.com"])
                    .allow_headers(list)
                    .allow_credentials(credentials)
                    .build()
                    .expect("valid policy"),
                names,
                any,
                credentials,
            }
        };
        vec![
            mk(
                &["content-type", "x-requested-with", "authorization"],
                false,
                false,
            ),
            mk(&[], true, false),
            mk(&["authorization"], true, false),
            mk(&[], true, true),
            mk(&[], false, false),
        ]
    })
}

#[derive(Arbitrary, Debug)]
struct Input {
    case: u8,
    lines: Vec<Bytes>,
}

fn tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[derive(Debug, PartialEq)]
enum Expect {
    Allowed,
    NotAllowed(Vec<u8>),
    Malformed,
}

fn reference(case: &Case, lines: &[&HeaderValue]) -> Expect {
    for line in lines {
        for el in line.as_bytes().split(|&b| b == b',') {
            let el = el.trim_ascii_start();
            let el = {
                let mut e = el;
                while let [rest @ .., b' ' | b'\t'] = e {
                    e = rest;
                }
                e
            };
            let el = {
                let mut e = el;
                while let [b' ' | b'\t', rest @ ..] = e {
                    e = rest;
                }
                e
            };
            if el.is_empty() {
                continue;
            }
            if !el.iter().all(|&b| tchar(b)) {
                return Expect::Malformed;
            }
            let listed = case
                .names
                .iter()
                .any(|n| n.as_bytes().eq_ignore_ascii_case(el));
            let star = case.any && !el.eq_ignore_ascii_case(b"authorization");
            if !listed && !star {
                return Expect::NotAllowed(el.to_vec());
            }
        }
    }
    Expect::Allowed
}

/// The documented bound: at most 16 lines, and at most the bytes of the
/// longest list the policy allows (each name + `, `) plus 32, or 4096 for `*`.
fn within_bound(case: &Case, lines: &[&HeaderValue]) -> bool {
    let total: usize = lines.iter().map(|l| l.len()).sum();
    let max = if case.any {
        4096
    } else {
        case.names.iter().map(|n| n.len() + 2).sum::<usize>() + 32
    };
    lines.len() <= 16 && total <= max
}

fuzz_target!(|input: Input| {
    let case = &cases()[input.case as usize % cases().len()];
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, HeaderValue::from_static("https://app.example.com"));
    headers.insert(
        ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_static("GET"),
    );
    for l in &input.lines {
        if let Ok(v) = HeaderValue::from_bytes(&l.bytes()) {
            headers.append(ACCESS_CONTROL_REQUEST_HEADERS, v);
        }
    }
    let lines: Vec<&HeaderValue> = headers
        .get_all(ACCESS_CONTROL_REQUEST_HEADERS)
        .iter()
        .collect();
    let expected = reference(case, &lines);
    let bounded = within_bound(case, &lines);
    match case.policy.evaluate(&Method::OPTIONS, &headers) {
        Decision::PreflightAllowed(answer) => {
            assert!(bounded, "over-long ACRH allowed");
            assert_eq!(expected, Expect::Allowed, "{lines:?}");
            let h = answer.headers();
            let acah: Vec<&HeaderValue> = h.get_all(ACCESS_CONTROL_ALLOW_HEADERS).iter().collect();
            if case.credentials && case.any {
                // Mirrored: exactly the request's lines, never `*`.
                assert_eq!(acah, lines);
            } else {
                for v in acah {
                    for el in v.as_bytes().split(|&b| b == b',') {
                        assert!(el == b"*" || case.names.iter().any(|n| n.as_bytes() == el));
                    }
                }
            }
        }
        Decision::PreflightRefused(answer) => {
            let r = answer.refusal();
            if !bounded {
                assert_eq!(r.reason(), RefusalReason::HeadersTooLarge);
                return;
            }
            match (&expected, r.reason()) {
                (Expect::Malformed, RefusalReason::HeadersMalformed) => {}
                (Expect::NotAllowed(n), RefusalReason::HeaderNotAllowed) => {
                    assert_eq!(r.header().map(str::as_bytes), Some(&n[..]));
                }
                (e, got) => panic!("expected {e:?}, got {got:?} for {lines:?}"),
            }
        }
        other => panic!("a preflight gave {other:?}"),
    }
});
