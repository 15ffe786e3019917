use std::net::SocketAddr;

use super::{Outcome, MATRIX};
use crate::api::{api_router, RequestLog};
use crate::policy::{builtin_config, Policy};

/// The built-in policy, from its own origin and from another one: what
/// the page shows before it runs a row.
#[tokio::test]
async fn the_builtin_policy_predicted_row_by_row() {
    let web = SocketAddr::from(([127, 0, 0, 1], 3000));
    let policy = Policy::new(builtin_config(web)).expect("the built-in policy");
    let mut api = api_router(policy.policy.clone(), RequestLog::default());
    let url = "http://127.0.0.1:3001/api/data";
    for row in MATRIX {
        let own = row
            .predict(&mut api, &policy.policy, "http://127.0.0.1:3000", url)
            .await;
        let want = match row.id {
            "patch-lower" | "bad-header" => Outcome::Blocked,
            "read-hidden" => Outcome::Hidden,
            _ => Outcome::Ok,
        };
        assert_eq!(own.outcome, want, "{}: {}", row.id, own.why);
        let simple = matches!(
            row.id,
            "get" | "credentials" | "read-exposed" | "read-hidden"
        );
        assert_eq!(own.preflight, !simple, "{}", row.id);
        let other = row
            .predict(&mut api, &policy.policy, "http://localhost:3002", url)
            .await;
        assert_eq!(other.outcome, Outcome::Blocked, "{}", row.id);
        assert!(other.why.contains("is not allowed"), "{}", other.why);
    }
}
