//! The error probe (a request for a resource that does not exist): its
//! finding and fix, its silence where error answers carry CORS headers, and
//! headless Chromium's agreement.

use serde_json::Value;
use tower_cors_test_drivers::cdp;

use crate::cases::cors_check_json;
use crate::servers::Servers;
use crate::{case, chromium, finding_codes, installed};

/// The error probe's request for a case.
fn error_probe(report: &Value) -> &Value {
    report["probes"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|p| {
                p["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("/cors-check-no-such-resource"))
            })
        })
        .expect("an error probe")
}

#[test]
fn the_error_probe_names_the_fix_and_is_quiet_where_errors_carry_cors_headers() {
    let s = Servers::get();
    let (_, r) = cors_check_json(&case("success-only").args(s));
    let p = error_probe(&r);
    assert_eq!(
        (p["method"].as_str(), p["status"].as_u64()),
        (Some("GET"), Some(404))
    );
    assert_eq!(p["origin"].as_str(), Some(s.origin().as_str()));
    let finding = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "error-without-cors-headers")
        .expect("the finding");
    let message = finding["message"].as_str().unwrap();
    for needle in [
        "GET /api/cors-check-no-such-resource",
        "404 Not Found",
        "always",
        "CORSMiddleware",
        "app.use(cors",
        "route_layer",
    ] {
        assert!(message.contains(needle), "no {needle:?} in {message}");
    }
    // tower-cors around the whole router (the demo), tower-http's layer
    // and the permissive one: their 404s carry CORS headers.
    for name in ["demo-get", "listed-get", "permissive-put-json"] {
        let (_, r) = cors_check_json(&case(name).args(s));
        assert_eq!(error_probe(&r)["status"].as_u64(), Some(404), "{name}");
        assert!(error_probe(&r)["allow_origin"].is_string(), "{name}: {r:#}");
    }
    // A blocked route: the walk's own verdict says it, no probe finding.
    let (_, r) = cors_check_json(&case("demo-stranger").args(s));
    assert_eq!(finding_codes(&r), Vec::<String>::new(), "{r:#}");
}

#[test]
fn the_error_probe_agrees_with_headless_chromium() {
    let Some(exe) = installed::chromium("the_error_probe_agrees_with_headless_chromium") else {
        return;
    };
    let s = Servers::get();
    let browser = cdp::Chromium::launch(&exe, chromium::STEP).expect("Chromium starts");
    for name in ["success-only", "route-layer-404", "demo-get"] {
        let (_, r) = cors_check_json(&case(name).args(s));
        let p = error_probe(&r);
        let flagged = finding_codes(&r).contains(&"error-without-cors-headers".to_owned());
        let page = chromium::Fetch {
            origin: s.origin(),
            url: p["url"].as_str().unwrap().to_owned(),
            method: "GET",
            headers: &[],
            credentials: false,
        };
        let (verdict, code) =
            chromium::fetch_verdict(&browser, &page, "cors-check-no-such-resource")
                .unwrap_or_else(|e| panic!("{name}: {e}\n{}", browser.log_tail()));
        // Flagged exactly when Chromium hides the 404 from the page.
        assert_eq!(
            (verdict.as_str(), code.as_deref()),
            if flagged {
                ("blocked", Some("MissingAllowOriginHeader"))
            } else {
                ("allowed", None)
            },
            "{name}"
        );
    }
}
