//! Each engine's console lines, as the engines print them (compared with
//! Firefox ESR 153 and WebKitGTK 2.50 by `cors-check`'s engine tests).

use http::StatusCode;

use crate::browser::test_support::*;
use crate::browser::{check_response, Credentials, Engine};

const URL: &str = "https://api.example/x";

/// Firefox's sentence for `reason` about `URL`.
fn firefox(reason: &str) -> String {
    format!(
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {URL}. (Reason: {reason}."
    )
}

#[test]
fn firefox_adds_did_not_succeed_after_a_failed_preflight_and_a_refused_redirect() {
    let not_succeeded = firefox("CORS request did not succeed). Status code: (null)");
    let req = request("PUT", Credentials::Omit, &[]);
    // A bare 307: the missing header, then "did not succeed" twice.
    let bare = preflight(Engine::Firefox, &req, 307, &[("location", "/elsewhere")]).unwrap_err();
    assert_eq!(
        bare.console_in(Engine::Firefox),
        [
            firefox("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 307"),
            not_succeeded.clone(),
            not_succeeded.clone(),
        ]
    );
    // A 307 with CORS headers: the redirect, the preflight's status.
    let cors = [
        ("access-control-allow-origin", APP),
        ("access-control-allow-methods", "PUT"),
        ("location", "/elsewhere"),
    ];
    let redirect = preflight(Engine::Firefox, &req, 307, &cors).unwrap_err();
    assert_eq!(
        redirect.console_in(Engine::Firefox),
        [
            firefox("CORS request external redirect not allowed)"),
            firefox("CORS preflight response did not succeed). Status code: 307"),
            not_succeeded.clone(),
        ]
    );
    // A redirect of the actual request without CORS headers.
    let get = request("GET", Credentials::Omit, &[]);
    let headers = headers(&[("location", "/elsewhere")]);
    let refused = check_response(
        Engine::Firefox,
        &get,
        StatusCode::TEMPORARY_REDIRECT,
        &headers,
    )
    .unwrap_err();
    assert_eq!(
        refused.console_in(Engine::Firefox),
        [
            firefox("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 307"),
            not_succeeded,
        ]
    );
    // A plain refusal of the actual request: the sentence alone.
    let other = actual(
        Engine::Firefox,
        &get,
        &[("access-control-allow-origin", "https://other.example")],
    )
    .unwrap_err();
    assert_eq!(
        other.console_in(Engine::Firefox),
        [firefox(
            "CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://other.example’)"
        )]
    );
}

#[test]
fn firefox_quotes_the_first_element_that_is_no_token() {
    let req = request("PUT", Credentials::Omit, &[]);
    let blocked = preflight(
        Engine::Firefox,
        &req,
        204,
        &[
            ("access-control-allow-origin", APP),
            ("access-control-allow-methods", "PUT, , G T"),
            ("access-control-allow-methods", "P(T"),
        ],
    )
    .unwrap_err();
    assert_eq!(
        blocked.console_in(Engine::Firefox)[0],
        firefox("invalid token ‘G T’ in CORS header ‘Access-Control-Allow-Methods’)")
    );
}

#[test]
fn firefox_quotes_the_value_of_the_check_it_reports() {
    // Firefox reports the origin before the redirect: its sentence quotes
    // that header's value, not Chromium's (empty) redirect parameter.
    let req = request("PUT", Credentials::Omit, &[]);
    let blocked = preflight(
        Engine::Chromium,
        &req,
        307,
        &[
            ("access-control-allow-origin", "https://other.example"),
            ("location", "/elsewhere"),
        ],
    )
    .unwrap_err();
    assert_eq!(blocked.failed_parameter(), "");
    assert_eq!(
        blocked.console_in(Engine::Firefox)[0],
        firefox(
            "CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://other.example’)"
        )
    );
}

#[test]
fn webkit_names_the_refused_redirect_and_the_url_called() {
    let get = request("GET", Credentials::Omit, &[]);
    let headers = headers(&[("location", "/elsewhere")]);
    let refused = check_response(
        Engine::WebKit,
        &get,
        StatusCode::TEMPORARY_REDIRECT,
        &headers,
    )
    .unwrap_err();
    let reason = "Cross-origin redirection to https://api.example/elsewhere denied by Cross-Origin Resource Sharing policy: Origin https://app.example is not allowed by Access-Control-Allow-Origin. Status code: 307";
    assert_eq!(refused.reason_in(Engine::WebKit).as_deref(), Some(reason));
    assert_eq!(
        refused.console_in(Engine::WebKit),
        [
            reason.to_owned(),
            format!("Fetch API cannot load {URL} due to access control checks."),
            format!("Failed to load resource: {reason}"),
        ]
    );
    // A refused preflight redirect is not named: WebKit reports its status.
    let put = request("PUT", Credentials::Omit, &[]);
    let preflight =
        preflight(Engine::WebKit, &put, 307, &[("location", "/elsewhere")]).unwrap_err();
    assert_eq!(
        preflight.reason_in(Engine::WebKit).as_deref(),
        Some("Preflight response is not successful. Status code: 307")
    );
}

#[test]
fn chromium_prints_its_message_and_an_engine_that_allows_prints_nothing() {
    let req = request("GET", Credentials::Omit, &[]);
    let blocked = actual(Engine::Chromium, &req, &[]).unwrap_err();
    assert_eq!(blocked.console_in(Engine::Chromium), [blocked.message()]);
    assert_eq!(blocked.console_in(Engine::Standard), [blocked.message()]);
    // `*` covering Authorization: only the standard refuses it.
    let auth = request("GET", Credentials::Omit, &[("Authorization", "Bearer t")]);
    let strict = preflight(
        Engine::Standard,
        &auth,
        204,
        &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-headers", "*"),
        ],
    )
    .unwrap_err();
    assert!(strict.console_in(Engine::Firefox).is_empty());
    assert_eq!(strict.console_in(Engine::Standard).len(), 1);
}
