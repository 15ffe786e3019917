use super::*;

#[test]
fn the_table_has_one_entry_per_reason_in_order() {
    for (i, entry) in TABLE.iter().enumerate() {
        assert_eq!(entry.reason as usize, i, "{}", entry.code);
    }
    let codes: std::collections::HashSet<_> = TABLE.iter().map(|e| e.code).collect();
    assert_eq!(codes.len(), TABLE.len(), "codes are unique");
}

/// Browsers do send `Origin: null` (sandboxed frames, `file:` pages,
/// some redirects): its hint says why it is not allowed, not that no
/// browser sends it.
#[test]
fn a_null_origins_hint_is_not_that_browsers_never_send_it() {
    let null = HeaderValue::from_static("null");
    let hint = Refusal::new(RefusalReason::OriginNotAllowed, Some(&null)).hint();
    assert!(!hint.contains("no browser sends"), "{hint}");
    assert!(hint.contains("null"), "{hint}");
    let typo = HeaderValue::from_static("https://app.example.com/");
    let hint = Refusal::new(RefusalReason::OriginNotAllowed, Some(&typo)).hint();
    assert!(hint.contains("no browser sends"), "{hint}");
}

#[test]
fn long_values_are_cut_in_messages() {
    let long = HeaderValue::from_str(&"a".repeat(1000)).unwrap();
    let r = Refusal::new(RefusalReason::OriginNotAllowed, Some(&long));
    let text = r.to_string();
    assert!(text.len() < 200, "{text}");
    assert!(text.contains("(1000 bytes)"), "{text}");
}
