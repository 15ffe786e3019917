//! Configured origin and pattern parsing: `allow_origins([s]).build()` never
//! panics, and an accepted origin matches what it describes (and nothing
//! spelled differently).
#![no_main]

use arbitrary::Arbitrary;
use http::header::{HeaderMap, HeaderValue, ORIGIN};
use http::Method;
use libfuzzer_sys::fuzz_target;
use tower_cors::{CorsPolicy, Decision};
use tower_cors_fuzz::{rule_matches, RefRule};

#[derive(Arbitrary, Debug)]
enum Configured {
    Raw(String),
    Parts {
        scheme: u8,
        wildcard: bool,
        labels: Vec<String>,
        port: Option<String>,
        tail: String,
    },
}

impl Configured {
    fn text(&self) -> String {
        match self {
            Configured::Raw(s) => s.clone(),
            Configured::Parts {
                scheme,
                wildcard,
                labels,
                port,
                tail,
            } => {
                let schemes = [
                    "https",
                    "http",
                    "wss",
                    "chrome-extension",
                    "file",
                    "HTTPS",
                    "h",
                ];
                let mut s = format!("{}://", schemes[*scheme as usize % schemes.len()]);
                if *wildcard {
                    s.push_str("*.");
                }
                s.push_str(&labels.join("."));
                if let Some(p) = port {
                    s.push(':');
                    s.push_str(p);
                }
                s.push_str(tail);
                s
            }
        }
    }
}

fn decide(policy: &CorsPolicy, origin: &str) -> Option<Option<HeaderValue>> {
    let value = HeaderValue::from_str(origin).ok()?;
    let mut headers = HeaderMap::new();
    headers.insert(ORIGIN, value);
    Some(match policy.evaluate(&Method::GET, &headers) {
        Decision::ActualAllowed(h) => h.allow_origin().cloned(),
        Decision::ActualRefused(..) => None,
        other => panic!("a GET with one Origin gave {other:?}"),
    })
}

fuzz_target!(|input: (bool, Configured)| {
    let (credentials, configured) = input;
    let s = configured.text();
    let Ok(policy) = CorsPolicy::builder()
        .allow_origins([s.as_str()])
        .allow_credentials(credentials)
        .build()
    else {
        return;
    };
    assert_eq!(policy.origins(), std::slice::from_ref(&s));
    assert!(!s.eq_ignore_ascii_case("null"), "null accepted");
    if s == "*" {
        assert!(!credentials, "* accepted with credentials");
        let acao = decide(&policy, "https://anything.example").flatten();
        assert_eq!(acao.as_ref().map(HeaderValue::as_bytes), Some(&b"*"[..]));
        return;
    }
    let rule = RefRule::parse(&s);
    // What the rule describes must match, byte for byte.
    let sample = match &rule {
        RefRule::Exact(e) => Some(e.clone()),
        RefRule::AnyPort { site } => Some(format!("{site}:1234")),
        RefRule::Sub { .. } => {
            let host_len = s.split("://").nth(1).map_or(0, str::len);
            (host_len < 240).then(|| {
                s.replacen("://*.", "://a.", 1)
                    .strip_suffix(":*")
                    .map_or_else(|| s.replacen("://*.", "://a.", 1), |x| format!("{x}:1234"))
            })
        }
        RefRule::Any => None,
    };
    if let Some(sample) = sample {
        let acao = decide(&policy, &sample).flatten();
        assert_eq!(
            acao.as_ref().map(HeaderValue::as_bytes),
            Some(sample.as_bytes()),
            "{s:?} accepted but {sample:?} does not match"
        );
        assert!(rule_matches(&rule, sample.as_bytes()));
    }
    // A different spelling never matches.
    for variant in [
        format!("{s}/"),
        s.to_ascii_uppercase(),
        format!("{s}.evil.net"),
        format!(" {s}"),
        format!("{s}, {s}"),
    ] {
        if variant == s || rule_matches(&rule, variant.as_bytes()) {
            continue;
        }
        if let Some(acao) = decide(&policy, &variant) {
            assert!(acao.is_none(), "{s:?} matches {variant:?}");
        }
    }
});
