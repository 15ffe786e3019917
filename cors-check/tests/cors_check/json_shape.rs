//! The JSON report: its documented fields and their types, whatever the
//! verdict.

use serde_json::Value;

use crate::case;
use crate::cases::cors_check_json;
use crate::servers::Servers;

/// The documented fields, with their JSON types.
fn assert_shape(report: &Value) {
    let kinds = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    for (field, allowed) in [
        ("schema", &["number"][..]),
        ("url", &["string"]),
        ("origin", &["string"]),
        ("method", &["string"]),
        ("credentials", &["bool"]),
        ("engine", &["string"]),
        ("verdict", &["string"]),
        ("code", &["string", "null"]),
        ("failed_parameter", &["string", "null"]),
        ("reason", &["string", "null"]),
        ("message", &["string", "null"]),
        ("why", &["string", "null"]),
        ("fix", &["string", "null"]),
        ("error", &["string", "null"]),
        ("error_kind", &["string", "null"]),
        ("warnings", &["array"]),
        ("readable_headers", &["array"]),
        ("other_engines", &["array"]),
        ("engines", &["array"]),
        ("preflight", &["object", "null"]),
        ("actual", &["object", "null"]),
        ("exchanges", &["array"]),
        ("findings", &["array"]),
        ("probes", &["array"]),
    ] {
        let kind = kinds(&report[field]);
        assert!(allowed.contains(&kind), "{field} is {kind}: {report:#}");
    }
    for f in report["findings"].as_array().into_iter().flatten() {
        assert!(f["code"].is_string() && f["message"].is_string(), "{f}");
        assert!(
            ["high", "medium", "low", "info"].contains(&f["severity"].as_str().unwrap_or("")),
            "{f}"
        );
    }
    for e in report["exchanges"].as_array().into_iter().flatten() {
        assert!(
            ["preflight", "actual"].contains(&e["kind"].as_str().unwrap_or("")),
            "{e}"
        );
        assert!(
            e["request"]["method"].is_string() && e["request"]["url"].is_string(),
            "{e}"
        );
        assert!(
            e["request"]["headers"].is_object() && e["response"]["headers"].is_object(),
            "{e}"
        );
        assert!(e["response"]["status"].is_u64(), "{e}");
        for values in e["response"]["headers"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            assert!(
                values
                    .as_array()
                    .is_some_and(|a| a.iter().all(Value::is_string)),
                "{e}"
            );
        }
    }
}

#[test]
fn json_has_its_documented_shape() {
    let s = Servers::get();
    // Blocked at the preflight: no actual request.
    let (_, r) = cors_check_json(&case("auth-first").args(s));
    assert_shape(&r);
    assert!(
        r["actual"].is_null() && r["preflight"]["response"]["status"] == 401,
        "{r:#}"
    );
    assert_eq!(r["preflight"]["request"]["method"], "OPTIONS");
    assert!(
        r["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Access to fetch at ")),
        "{r:#}"
    );
    assert!(
        r["fix"].as_str().is_some_and(|f| f.contains("CorsLayer")),
        "{r:#}"
    );
    // Allowed without a preflight.
    let (_, r) = cors_check_json(&case("listed-get").args(s));
    assert_shape(&r);
    assert!(
        r["preflight"].is_null() && r["actual"]["response"]["status"] == 200,
        "{r:#}"
    );
    assert!(
        r["code"].is_null() && r["fix"].is_null() && r["message"].is_null(),
        "{r:#}"
    );
    // A cross-origin redirect: every hop, and a second preflight to the target.
    let (_, r) = cors_check_json(&case("redirect-hop").args(s));
    assert_shape(&r);
    let kinds: Vec<&str> = r["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["preflight", "actual", "preflight", "actual"],
        "{r:#}"
    );
    assert_eq!(
        r["exchanges"][2]["request"]["headers"]["origin"][0], "null",
        "{r:#}"
    );
    // tower-cors explains its refusal: the reason and fix are its own.
    let (_, r) = cors_check_json(&case("explained-refusal").args(s));
    assert!(
        r["why"]
            .as_str()
            .is_some_and(|w| w.starts_with("tower-cors refused it: method-not-allowed")),
        "{r:#}"
    );
    assert!(
        r["fix"]
            .as_str()
            .is_some_and(|f| f.contains("allow_methods") && f.contains("x-cors-refusal")),
        "{r:#}"
    );
    // Could not run.
    let (exit, r) = cors_check_json(&[
        "http://127.0.0.1:1/".into(),
        "--origin".into(),
        "https://a.example".into(),
    ]);
    assert_shape(&r);
    assert_eq!(
        (exit, r["verdict"].as_str(), r["error_kind"].as_str()),
        (2, Some("error"), Some("connect"))
    );
    assert!(r["error"].is_string() && r["code"].is_null(), "{r:#}");
}
