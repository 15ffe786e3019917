//! The CORS-preflight check, against the facts WPT and the engines establish
//! (CORS-RULES.md §1.6, BROWSERS.md).

use super::super::*;
use crate::browser::test_support::*;
use crate::browser::Credentials;

#[test]
fn preflight_status_and_allow_origin_order_per_engine() {
    let req = request("PUT", Credentials::Omit, &[]);
    let bare = preflight(Engine::Chromium, &req, 403, &[]).unwrap_err();
    let status = "Preflight response is not successful. Status code: 403";
    assert_eq!(
        reasons(&bare),
        [
            Some("PreflightMissingAllowOriginHeader"),
            Some("PreflightMissingAllowOriginHeader"),
            Some("CORSMissingAllowOrigin"),
            Some(status)
        ]
        .map(|s| s.map(str::to_owned))
    );
    let full = preflight(
        Engine::Chromium,
        &req,
        403,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "PUT"),
        ],
    )
    .unwrap_err();
    assert_eq!(
        reasons(&full),
        [
            Some("PreflightInvalidStatus"),
            Some("PreflightInvalidStatus"),
            Some("CORSPreflightDidNotSucceed"),
            Some(status)
        ]
        .map(|s| s.map(str::to_owned))
    );
    assert!(full.message().ends_with("Response to preflight request doesn't pass access control check: It does not have HTTP ok status."));
    for ok in [200, 204, 299] {
        assert!(preflight(
            Engine::Standard,
            &req,
            ok,
            &[
                ("access-control-allow-origin", APP),
                ("access-control-allow-methods", "PUT")
            ]
        )
        .is_ok());
    }
}

#[test]
fn preflight_redirect_is_refused() {
    let req = request("PUT", Credentials::Omit, &[]);
    let blocked = preflight(
        Engine::Chromium,
        &req,
        307,
        &[
            ("location", "https://api.example/y"),
            ("access-control-allow-origin", APP),
        ],
    )
    .unwrap_err();
    assert_eq!(
        reasons(&blocked),
        [
            Some("PreflightDisallowedRedirect"),
            Some("PreflightDisallowedRedirect"),
            Some("CORSExternalRedirectNotAllowed"),
            Some("Preflight response is not successful. Status code: 307"),
        ]
        .map(|s| s.map(str::to_owned))
    );
}

#[test]
fn methods_are_case_sensitive() {
    let put = request("PUT", Credentials::Omit, &[]);
    let base = [("access-control-allow-origin", APP)];
    let blocked = preflight(
        Engine::Standard,
        &put,
        204,
        &[base[0], ("access-control-allow-methods", "put")],
    )
    .unwrap_err();
    assert_eq!(
        blocked.code(),
        CorsError::MethodDisallowedByPreflightResponse
    );
    assert_eq!(blocked.failed_parameter(), "PUT");
    assert_eq!(
        blocked.reason_in(Engine::Firefox).unwrap(),
        "CORSMethodNotFound"
    );
    assert_eq!(
        blocked.reason_in(Engine::WebKit).unwrap(),
        "Method PUT is not allowed by Access-Control-Allow-Methods."
    );
    let patch = request("patch", Credentials::Omit, &[]);
    assert!(preflight(
        Engine::Chromium,
        &patch,
        204,
        &[base[0], ("access-control-allow-methods", "PATCH")]
    )
    .is_err());
    assert!(preflight(
        Engine::Chromium,
        &patch,
        204,
        &[base[0], ("access-control-allow-methods", "patch")]
    )
    .is_ok());
    // Safelisted methods need not be listed.
    let post = request("POST", Credentials::Omit, &[("X-A", "1")]);
    assert!(preflight(
        Engine::Chromium,
        &post,
        204,
        &[base[0], ("access-control-allow-headers", "x-a")]
    )
    .is_ok());
}

#[test]
fn lists_merge_lines_skip_empty_elements_and_refuse_bad_tokens() {
    let req = request("DELETE", Credentials::Omit, &[("X-B", "1")]);
    let ok = preflight(
        Engine::Standard,
        &req,
        204,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", ",PUT,,"),
            ("access-control-allow-methods", " DELETE "),
            ("access-control-allow-headers", ",x-a"),
            ("access-control-allow-headers", "X-B"),
        ],
    )
    .unwrap();
    assert_eq!(ok.methods(), ["PUT", "DELETE"]);
    assert_eq!(ok.headers(), ["x-a", "x-b"]);
    let bad = preflight(
        Engine::Standard,
        &req,
        204,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "DELETE, PUT;"),
        ],
    )
    .unwrap_err();
    assert_eq!(bad.code(), CorsError::InvalidAllowMethodsPreflightResponse);
    assert_eq!(
        bad.reason_in(Engine::WebKit).unwrap(),
        "Header Access-Control-Allow-Methods has an invalid value: DELETE, PUT;"
    );
    // Firefox checks the method before it parses Access-Control-Allow-Headers.
    let both = preflight(
        Engine::Chromium,
        &req,
        204,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-headers", "x b"),
        ],
    )
    .unwrap_err();
    assert_eq!(both.code(), CorsError::InvalidAllowHeadersPreflightResponse);
    assert_eq!(
        both.reason_in(Engine::Firefox).unwrap(),
        "CORSMethodNotFound"
    );
}

#[test]
fn header_names_are_case_insensitive_and_reported_per_engine() {
    let req = request(
        "PUT",
        Credentials::Omit,
        &[
            ("X-Zeta", "1"),
            ("X-Alpha", "1"),
            ("Content-Type", "application/json"),
        ],
    );
    let base = [
        ("access-control-allow-origin", APP),
        ("access-control-allow-methods", "PUT"),
    ];
    assert!(preflight(
        Engine::Standard,
        &req,
        204,
        &[
            base[0],
            base[1],
            (
                "access-control-allow-headers",
                "X-ZETA, x-alpha, Content-Type"
            )
        ]
    )
    .is_ok());
    let blocked = preflight(
        Engine::Standard,
        &req,
        204,
        &[
            base[0],
            base[1],
            ("access-control-allow-headers", "content-type"),
        ],
    )
    .unwrap_err();
    assert_eq!(
        blocked.code(),
        CorsError::HeaderDisallowedByPreflightResponse
    );
    assert_eq!(blocked.failed_parameter(), "x-alpha");
    assert_eq!(
        blocked.reason_in(Engine::Firefox).unwrap(),
        "CORSMissingAllowHeaderFromPreflight"
    );
    assert_eq!(
        blocked.reason_in(Engine::WebKit).unwrap(),
        "Request header field X-Zeta is not allowed by Access-Control-Allow-Headers."
    );
    assert!(blocked.message().ends_with("Request header field x-alpha is not allowed by Access-Control-Allow-Headers in preflight response."));
}

#[test]
fn wildcards_are_literal_with_credentials() {
    let base = [
        ("access-control-allow-origin", APP),
        ("access-control-allow-credentials", "true"),
    ];
    let put = request("PUT", Credentials::Include, &[]);
    assert!(preflight(
        Engine::Standard,
        &put,
        204,
        &[base[0], base[1], ("access-control-allow-methods", "*")]
    )
    .is_err());
    let star = request("*", Credentials::Include, &[("*", "1")]);
    assert!(preflight(
        Engine::Standard,
        &star,
        204,
        &[
            base[0],
            base[1],
            ("access-control-allow-methods", "*"),
            ("access-control-allow-headers", "*")
        ]
    )
    .is_ok());
    let custom = request("PUT", Credentials::Include, &[("X-A", "1")]);
    assert!(preflight(
        Engine::Chromium,
        &custom,
        204,
        &[
            base[0],
            base[1],
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-headers", "*")
        ]
    )
    .is_err());
    let omit = request("PUT", Credentials::Omit, &[("X-A", "1")]);
    assert!(preflight(
        Engine::Standard,
        &omit,
        204,
        &[
            base[0],
            ("access-control-allow-methods", "*"),
            ("access-control-allow-headers", "*")
        ]
    )
    .is_ok());
}

#[test]
fn wildcard_and_authorization_differ_per_engine() {
    let req = request("GET", Credentials::Omit, &[("Authorization", "Bearer t")]);
    let pairs = [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-headers", "*"),
    ];
    let blocked = preflight(Engine::Standard, &req, 204, &pairs).unwrap_err();
    assert_eq!(
        blocked.code(),
        CorsError::HeaderDisallowedByPreflightResponse
    );
    assert_eq!(blocked.failed_parameter(), "authorization");
    assert_eq!(
        reasons(&blocked),
        [
            Some("HeaderDisallowedByPreflightResponse".to_owned()),
            None,
            None,
            None
        ]
    );
    for engine in Engine::BROWSERS {
        let approval = preflight(engine, &req, 204, &pairs).unwrap();
        let expected: Vec<Warning> = Warning::AuthorizationCoveredByWildcard
            .name_in(engine)
            .map(|_| Warning::AuthorizationCoveredByWildcard)
            .into_iter()
            .collect();
        assert_eq!(approval.warnings(), expected, "{engine}");
    }
    // Listed by name: fine everywhere, no warning.
    let named = [
        pairs[0],
        ("access-control-allow-headers", "*, Authorization"),
    ];
    for engine in Engine::ALL {
        assert!(preflight(engine, &req, 204, &named)
            .unwrap()
            .warnings()
            .is_empty());
    }
}
