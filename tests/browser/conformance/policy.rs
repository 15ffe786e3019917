//! A neutral policy as tower-cors's users write it: every field on the
//! builder of the same meaning; a field left out stays the library's
//! default (the write guard: on whenever origins are listed).

use std::time::Duration;

use tower_cors::CorsPolicy;

use super::vectors::Policy;

/// `policy` built with tower-cors, or why tower-cors refuses it.
pub fn cors_policy(policy: &Policy) -> Result<CorsPolicy, String> {
    let origins = policy
        .origins
        .iter()
        .chain(&policy.origin_patterns)
        .cloned();
    let mut b = CorsPolicy::builder()
        .allow_origins(origins)
        .allow_methods(policy.methods.clone())
        .allow_headers(policy.headers.clone())
        .expose_headers(policy.expose_headers.clone())
        .allow_credentials(policy.credentials)
        .allow_private_network(policy.private_network);
    if let Some(secs) = policy.max_age {
        b = b.max_age(Duration::from_secs(secs));
    }
    if let Some(guard) = policy.write_guard {
        b = b.guard_writes(guard);
    }
    b.build().map_err(|e| e.to_string())
}
