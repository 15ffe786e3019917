use std::time::Duration;

use crate::CorsPolicy;

#[test]
fn preflight_headers_are_prerendered() {
    let p = CorsPolicy::builder()
        .allow_origins(["https://a.com"])
        .allow_methods(["PUT", "PATCH", "PUT"])
        .allow_headers(["X-B", "x-a", "x-b"])
        .allow_credentials(true)
        .max_age(Duration::from_millis(600_900))
        .build()
        .unwrap();
    let h = &p.inner.preflight_headers;
    assert_eq!(h["access-control-allow-methods"], "PUT,PATCH");
    assert_eq!(h["access-control-allow-headers"], "x-a,x-b");
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert_eq!(h["access-control-max-age"], "600");
    assert!(p.inner.vary_origin);
}
