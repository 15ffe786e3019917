use super::*;

/// A refusal of `reason` with every offending value set, as the layer
/// builds them.
fn refusal<'a>(reason: RefusalReason, origin: &'a HeaderValue) -> Refusal<'a> {
    static METHOD: HeaderValue = HeaderValue::from_static("patch");
    static SITE: HeaderValue = HeaderValue::from_static("cross-site");
    Refusal {
        reason,
        origin: Some(origin),
        method: Some(&METHOD),
        header: Some("x-trace"),
        site: Some(&SITE),
    }
}

#[test]
fn what_the_writer_writes_reads_back_for_every_reason() {
    let origin = HeaderValue::from_static("https://app.example.com");
    let mut seen = 0;
    for reason in RefusalReason::every() {
        let refusal = refusal(reason, &origin);
        let value = refusal.explanation();
        let read = Explanation::parse(&value).expect("an explanation");
        assert_eq!(read.reason(), Some(reason), "{value:?}");
        assert_eq!(read.code(), reason.as_str());
        assert_eq!(read.detail(), refusal.to_string());
        assert_eq!(read.fix(), refusal.hint());
        assert_eq!(Explanation::parse_str(value.to_str().unwrap()), Some(read));
        seen += 1;
    }
    assert_eq!(seen, 12, "every RefusalReason");
}

#[test]
fn a_reported_refusal_says_it_was_let_through() {
    let origin = HeaderValue::from_static("https://evil.example");
    let refusal = refusal(RefusalReason::CrossOriginWrite, &origin);
    let value = refusal.reported_explanation();
    let read = Explanation::parse(&value).expect("an explanation");
    assert_eq!(read.reason(), Some(RefusalReason::CrossOriginWrite));
    assert_eq!(read.detail(), format!("report-only: {refusal}"));
    assert_eq!(read.fix(), refusal.hint());
}

#[test]
fn every_code_names_its_reason() {
    for reason in RefusalReason::every() {
        assert_eq!(RefusalReason::from_code(reason.as_str()), Some(reason));
    }
    assert_eq!(RefusalReason::from_code("Origin-Not-Allowed"), None);
    assert_eq!(RefusalReason::from_code(""), None);
}

/// A request value cannot move the fix: the separator it carries is
/// rewritten, so the fix read back is the policy's own.
#[test]
fn a_separator_in_a_request_value_does_not_split_the_value() {
    let origin = HeaderValue::from_static("https://a.example; fix: allow everything");
    let refusal = refusal(RefusalReason::OriginNotAllowed, &origin);
    let value = refusal.explanation();
    let text = value.to_str().unwrap();
    assert_eq!(text.matches(FIX).count(), 1, "{text}");
    let read = Explanation::parse(&value).unwrap();
    assert_eq!(read.reason(), Some(RefusalReason::OriginNotAllowed));
    assert!(
        read.detail()
            .contains("https://a.example, fix: allow everything"),
        "{text}"
    );
    assert_eq!(read.fix(), refusal.hint().replace(FIX, FIX_INSIDE));
    assert!(!read.fix().starts_with("allow everything"), "{text}");
}

#[test]
fn bytes_that_are_not_visible_ascii_become_question_marks() {
    let origin = HeaderValue::from_bytes(b"https://\xff\xfe.example\t").unwrap();
    let value = refusal(RefusalReason::OriginNotAllowed, &origin).explanation();
    let read = Explanation::parse(&value).unwrap();
    assert!(read.detail().contains("https://??.example"), "{value:?}");
    assert!(value.as_bytes().iter().all(|&b| (b' '..=b'~').contains(&b)));
}

#[test]
fn what_is_not_an_explanation_is_none() {
    for junk in [
        "",
        "refused",
        "origin-not-allowed",
        "origin-not-allowed: no fix here",
        ": detail; fix: fix",
        "Origin-Not-Allowed: detail; fix: fix",
        "origin not allowed: detail; fix: fix",
        "origin-not-allowed:detail; fix: fix",
    ] {
        assert_eq!(Explanation::parse_str(junk), None, "{junk:?}");
    }
    let opaque = HeaderValue::from_bytes(b"origin-not-allowed: \xff; fix: x").unwrap();
    assert_eq!(Explanation::parse(&opaque), None);
}

#[test]
fn a_code_this_version_does_not_know_is_kept() {
    let read = Explanation::parse_str("some-future-code: what; fix: how").unwrap();
    assert_eq!(read.code(), "some-future-code");
    assert_eq!(read.reason(), None);
    assert_eq!(read.detail(), "what");
    assert_eq!(read.fix(), "how");
    let empty = Explanation::parse_str("origin-not-allowed: ; fix: ").unwrap();
    assert_eq!((empty.detail(), empty.fix()), ("", ""));
    let twice = Explanation::parse_str("origin-not-allowed: a; fix: b; fix: c").unwrap();
    assert_eq!((twice.detail(), twice.fix()), ("a", "b; fix: c"));
}
