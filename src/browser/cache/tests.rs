use super::*;
use crate::browser::{check_preflight, Credentials, PageRequest};
use http::{HeaderMap, HeaderValue, StatusCode};

fn request(method: &str, credentials: Credentials, headers: &[(&str, &str)]) -> CorsRequest {
    let mut page = PageRequest::new("https://app.example", method, "https://api.example/x")
        .credentials(credentials);
    for (n, v) in headers {
        page = page.header(*n, *v);
    }
    page.prepare().unwrap()
}

fn approval(engine: Engine, req: &CorsRequest, extra: &[(&str, &str)]) -> PreflightApproval {
    let mut headers = HeaderMap::new();
    headers.insert(
        "access-control-allow-origin",
        HeaderValue::from_static("https://app.example"),
    );
    headers.insert(
        "access-control-allow-credentials",
        HeaderValue::from_static("true"),
    );
    for (n, v) in extra {
        headers.append(
            http::HeaderName::from_bytes(n.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    check_preflight(engine, req, StatusCode::NO_CONTENT, &headers).unwrap()
}

#[test]
fn max_age_zero_and_negative_are_not_cached() {
    for engine in Engine::ALL {
        for age in ["0", "-1"] {
            let req = request("PUT", Credentials::Omit, &[]);
            let a = approval(
                engine,
                &req,
                &[
                    ("access-control-allow-methods", "PUT"),
                    ("access-control-max-age", age),
                ],
            );
            let mut cache = PreflightCache::new();
            let now = Instant::now();
            cache.store(engine, &req, &a, now);
            assert!(!cache.covers(engine, &req, now), "{engine} {age}");
        }
    }
}

#[test]
fn entries_expire_and_cover_only_what_was_listed() {
    let engine = Engine::Standard;
    let req = request("PUT", Credentials::Omit, &[("X-A", "1")]);
    let a = approval(
        engine,
        &req,
        &[
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-headers", "X-A"),
            ("access-control-max-age", "60"),
        ],
    );
    let mut cache = PreflightCache::new();
    let t0 = Instant::now();
    cache.store(engine, &req, &a, t0);
    assert!(cache.covers(engine, &req, t0 + Duration::from_secs(59)));
    assert!(!cache.covers(engine, &req, t0 + Duration::from_secs(60)));
    let other = request("PUT", Credentials::Omit, &[("X-A", "1"), ("X-B", "2")]);
    assert!(!cache.covers(engine, &other, t0));
    let delete = request("DELETE", Credentials::Omit, &[]);
    assert!(!cache.covers(engine, &delete, t0));
    // A safelisted method needs no method entry.
    let get = request("GET", Credentials::Omit, &[("x-a", "1")]);
    assert!(cache.covers(engine, &get, t0));
}

#[test]
fn a_huge_max_age_never_expires() {
    let req = request("PUT", Credentials::Omit, &[]);
    let a = approval(
        Engine::Standard,
        &req,
        &[
            ("access-control-allow-methods", "PUT"),
            ("access-control-max-age", "99999999999999999999999"),
        ],
    );
    let mut cache = PreflightCache::new();
    let now = Instant::now();
    cache.store(Engine::Standard, &req, &a, now);
    assert!(cache.covers(Engine::Standard, &req, now + Duration::from_secs(1 << 40)));
}

#[test]
fn credentials_in_the_key() {
    let uncredentialed = request("PUT", Credentials::Omit, &[]);
    let credentialed = request("PUT", Credentials::Include, &[]);
    for engine in Engine::ALL {
        let mut cache = PreflightCache::new();
        let now = Instant::now();
        let a = approval(
            engine,
            &uncredentialed,
            &[("access-control-allow-methods", "PUT")],
        );
        cache.store(engine, &uncredentialed, &a, now);
        assert!(!cache.covers(engine, &credentialed, now), "{engine}");
        let mut cache = PreflightCache::new();
        let a = approval(
            engine,
            &credentialed,
            &[("access-control-allow-methods", "PUT")],
        );
        cache.store(engine, &credentialed, &a, now);
        assert_eq!(
            cache.covers(engine, &uncredentialed, now),
            engine != Engine::Firefox,
            "{engine}"
        );
    }
}

#[test]
fn wildcard_entries() {
    let req = request(
        "PATCH",
        Credentials::Omit,
        &[("Authorization", "t"), ("X-A", "1")],
    );
    let now = Instant::now();
    for engine in Engine::BROWSERS {
        let a = approval(
            engine,
            &req,
            &[
                ("access-control-allow-methods", "*"),
                ("access-control-allow-headers", "*"),
            ],
        );
        let mut cache = PreflightCache::new();
        cache.store(engine, &req, &a, now);
        assert!(cache.covers(engine, &req, now), "{engine}");
    }
    // The standard never lets `*` cover Authorization, cached or not.
    let no_auth = request("PATCH", Credentials::Omit, &[("X-A", "1")]);
    let a = approval(
        Engine::Standard,
        &no_auth,
        &[
            ("access-control-allow-methods", "*"),
            ("access-control-allow-headers", "*"),
        ],
    );
    let mut cache = PreflightCache::new();
    cache.store(Engine::Standard, &no_auth, &a, now);
    assert!(cache.covers(Engine::Standard, &no_auth, now));
    assert!(!cache.covers(Engine::Standard, &req, now));
}

#[test]
fn replace_or_merge() {
    let put = request("PUT", Credentials::Omit, &[]);
    let delete = request("DELETE", Credentials::Omit, &[]);
    let now = Instant::now();
    for engine in Engine::ALL {
        let mut cache = PreflightCache::new();
        let a = approval(engine, &put, &[("access-control-allow-methods", "PUT")]);
        cache.store(engine, &put, &a, now);
        let b = approval(
            engine,
            &delete,
            &[("access-control-allow-methods", "DELETE")],
        );
        cache.store(engine, &delete, &b, now);
        let merges = matches!(engine, Engine::Standard | Engine::Firefox);
        assert_eq!(cache.covers(engine, &put, now), merges, "{engine}");
        assert!(cache.covers(engine, &delete, now));
        cache.clear_for(&put);
        assert!(cache.is_empty());
    }
}
