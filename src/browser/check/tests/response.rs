//! The CORS check and what script may read, against the facts WPT and the
//! engines establish (CORS-RULES.md §1.5 and §1.8, BROWSERS.md).

use http::StatusCode;

use super::super::*;
use crate::browser::test_support::*;
use crate::browser::{Credentials, PageRequest};

#[test]
fn allow_credentials_must_be_exactly_true() {
    let req = request("GET", Credentials::Include, &[]);
    for bad in ["True", "TRUE", "\"true\"", "1"] {
        let blocked = actual(
            Engine::Standard,
            &req,
            &[
                ("access-control-allow-origin", APP),
                ("access-control-allow-credentials", bad),
            ],
        )
        .unwrap_err();
        assert_eq!(blocked.code(), CorsError::InvalidAllowCredentials, "{bad}");
        assert_eq!(blocked.failed_parameter(), bad);
        assert_eq!(
            blocked.reason_in(Engine::Firefox).unwrap(),
            "CORSMissingAllowCredentials"
        );
    }
    let missing = actual(
        Engine::Chromium,
        &req,
        &[("access-control-allow-origin", APP)],
    )
    .unwrap_err();
    assert_eq!(missing.failed_parameter(), "");
    assert!(actual(
        Engine::Chromium,
        &req,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-credentials", "true")
        ]
    )
    .is_ok());
    // Not credentialed: ACAC is not looked at.
    let omit = request("GET", Credentials::SameOrigin, &[]);
    assert!(actual(
        Engine::Chromium,
        &omit,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-credentials", "no")
        ]
    )
    .is_ok());
}

#[test]
fn several_allow_origin_values_fail() {
    let req = request("GET", Credentials::Omit, &[]);
    let two_lines = actual(
        Engine::Chromium,
        &req,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-origin", APP),
        ],
    )
    .unwrap_err();
    assert_eq!(two_lines.code(), CorsError::MultipleAllowOriginValues);
    assert_eq!(
        two_lines.failed_parameter(),
        "https://app.example, https://app.example"
    );
    let multiple = "Access-Control-Allow-Origin cannot contain more than one origin.";
    assert_eq!(
        reasons(&two_lines),
        [
            Some("MultipleAllowOriginValues"),
            Some("MultipleAllowOriginValues"),
            Some("CORSAllowOriginNotMatchingOrigin"),
            Some(multiple)
        ]
        .map(|s| s.map(str::to_owned))
    );
    let list = actual(
        Engine::Chromium,
        &req,
        &[(
            "access-control-allow-origin",
            "https://app.example, https://b.example",
        )],
    )
    .unwrap_err();
    assert_eq!(list.code(), CorsError::MultipleAllowOriginValues);
    assert_eq!(
        list.reason_in(Engine::Firefox).unwrap(),
        "CORSAllowOriginNotMatchingOrigin"
    );
    assert_eq!(list.reason_in(Engine::WebKit).unwrap(), multiple);
    // Two `*` lines are not `*`.
    assert!(actual(
        Engine::Standard,
        &req,
        &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-origin", "*")
        ]
    )
    .is_err());
}

#[test]
fn allow_origin_must_equal_the_origin() {
    let req = request("GET", Credentials::Omit, &[]);
    let code = |v: &str| {
        actual(
            Engine::Chromium,
            &req,
            &[("access-control-allow-origin", v)],
        )
        .unwrap_err()
        .code()
    };
    assert_eq!(
        code("https://other.example"),
        CorsError::AllowOriginMismatch
    );
    assert_eq!(code("https://app.example/"), CorsError::AllowOriginMismatch);
    assert_eq!(code("HTTPS://APP.EXAMPLE"), CorsError::AllowOriginMismatch);
    assert_eq!(code("null"), CorsError::AllowOriginMismatch);
    assert_eq!(code("app.example"), CorsError::InvalidAllowOriginValue);
    assert!(actual(
        Engine::Chromium,
        &req,
        &[("access-control-allow-origin", " https://app.example ")]
    )
    .is_ok());
    let blocked = actual(
        Engine::WebKit,
        &req,
        &[("access-control-allow-origin", "https://other.example")],
    )
    .unwrap_err();
    assert_eq!(
        blocked.reason_in(Engine::WebKit).unwrap(),
        "Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 200"
    );
    assert_eq!(
        blocked.message(),
        "Access to fetch at 'https://api.example/x' from origin 'https://app.example' has been blocked by CORS policy: \
         The 'Access-Control-Allow-Origin' header has a value 'https://other.example' that is not equal to the supplied origin. \
         Have the server send the header with a valid value."
    );
}

#[test]
fn wildcard_origin_only_without_credentials() {
    let omit = request("GET", Credentials::Omit, &[]);
    assert!(actual(
        Engine::Standard,
        &omit,
        &[("access-control-allow-origin", "*")]
    )
    .is_ok());
    let include = request("GET", Credentials::Include, &[]);
    let blocked = actual(
        Engine::Standard,
        &include,
        &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-credentials", "true"),
        ],
    )
    .unwrap_err();
    assert_eq!(blocked.code(), CorsError::WildcardOriginNotAllowed);
    assert_eq!(
        blocked.reason_in(Engine::Firefox).unwrap(),
        "CORSNotSupportingCredentials"
    );
}

#[test]
fn readable_headers() {
    let response = [
        ("access-control-allow-origin", APP),
        ("access-control-allow-credentials", "true"),
        ("access-control-expose-headers", "*"),
        ("content-type", "text/plain"),
        ("x-total", "3"),
        ("set-cookie", "a=1"),
    ];
    let omit = request("GET", Credentials::Omit, &[]);
    let all = actual(Engine::Standard, &omit, &response).unwrap();
    assert!(all.can_read("x-total") && all.can_read("access-control-allow-origin"));
    assert!(!all.can_read("set-cookie"));
    let include = request("GET", Credentials::Include, &[]);
    let literal = actual(Engine::Standard, &include, &response).unwrap();
    assert!(literal.can_read("content-type") && !literal.can_read("x-total"));
    let exposed = actual(
        Engine::Standard,
        &omit,
        &[
            response[0],
            ("access-control-expose-headers", "X-Total, Set-Cookie"),
            response[4],
            response[5],
        ],
    )
    .unwrap();
    assert!(exposed.can_read("x-total") && !exposed.can_read("set-cookie"));
    let invalid = actual(
        Engine::Standard,
        &omit,
        &[
            response[0],
            ("access-control-expose-headers", "x-total, (x)"),
            response[4],
        ],
    )
    .unwrap();
    assert!(!invalid.can_read("x-total"));
    let same = PageRequest::new(APP, "GET", "https://app.example/x")
        .prepare()
        .unwrap();
    let basic = actual(Engine::Standard, &same, &[response[4], response[5]]).unwrap();
    assert!(basic.can_read("x-total") && !basic.can_read("set-cookie"));
}

#[test]
fn null_origin_after_a_redirect() {
    let req = request("GET", Credentials::Omit, &[])
        .redirect(StatusCode::FOUND, "https://cdn.example/y")
        .unwrap();
    assert!(actual(
        Engine::Standard,
        &req,
        &[("access-control-allow-origin", "null")]
    )
    .is_ok());
    let blocked = actual(
        Engine::Chromium,
        &req,
        &[("access-control-allow-origin", APP)],
    )
    .unwrap_err();
    assert_eq!(blocked.code(), CorsError::AllowOriginMismatch);
    assert!(blocked.message().starts_with(
        "Access to fetch at 'https://cdn.example/y' (redirected from 'https://api.example/x') from origin 'https://app.example'"
    ));
    assert_eq!(
        blocked.reason_in(Engine::WebKit).unwrap(),
        "Origin null is not allowed by Access-Control-Allow-Origin. Status code: 200"
    );
}

#[test]
fn no_cors_and_form_responses_pass_unchecked_and_unread() {
    use crate::browser::{Enctype, Mode};
    let secret = [("x-secret", "1"), ("content-type", "text/plain")];
    let url = "https://api.example/x";
    let cross = PageRequest::new(APP, "POST", url)
        .mode(Mode::NoCors)
        .prepare()
        .unwrap();
    let form = PageRequest::form_post(APP, url, Enctype::TextPlain)
        .prepare()
        .unwrap();
    let own_form = PageRequest::form_get(APP, "https://app.example/next")
        .prepare()
        .unwrap();
    for req in [&cross, &form, &own_form] {
        // No Access-Control-Allow-Origin, and no failure: nothing is checked.
        let allowed = actual(Engine::Chromium, req, &secret).unwrap();
        assert!(!allowed.is_readable(), "{:?}", req.kind());
        assert!(allowed.readable_header_names().is_empty());
    }
    // A same-origin no-cors response is basic: all of it readable.
    let own = PageRequest::new(APP, "GET", "https://app.example/x")
        .mode(Mode::NoCors)
        .prepare()
        .unwrap();
    let allowed = actual(Engine::Chromium, &own, &secret).unwrap();
    assert!(allowed.is_readable() && allowed.can_read("x-secret"));
}
