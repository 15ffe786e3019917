//! The `x-cors-refusal` explanation: its header name, the writer the layer
//! uses in explain mode, and the parser its readers (`cors-check`, tests,
//! a developer's own tools) use, so that the format has one owner.
//!
//! The value is `{code}: {detail}; fix: {fix}`: the refusal's stable code
//! ([`RefusalReason::as_str`]), what was refused with the offending values,
//! and what would make it pass. It is visible ASCII only, and the separator
//! `; fix: ` appears exactly once: the writer rewrites it to `, fix: `
//! wherever a request value would have put it inside the detail or the fix.

use http::header::{HeaderName, HeaderValue};

use super::refusal::{Refusal, RefusalReason};

/// The development-only header that explains a refusal
/// ([`CorsPolicyBuilder::dangerously_explain_refusals`](crate::CorsPolicyBuilder::dangerously_explain_refusals));
/// read its value with [`Explanation::parse`].
pub static EXPLANATION_HEADER: HeaderName = HeaderName::from_static("x-cors-refusal");

/// Between the code and the detail.
const CODE_END: &str = ": ";
/// Between the detail and the fix.
const FIX: &str = "; fix: ";
/// What [`FIX`] becomes inside the detail or the fix.
const FIX_INSIDE: &str = ", fix: ";

impl Refusal<'_> {
    /// The [`EXPLANATION_HEADER`] value: code, detail and fix, as visible
    /// ASCII (anything else becomes `?`).
    pub(crate) fn explanation(&self) -> HeaderValue {
        let text = format!(
            "{}{CODE_END}{}{FIX}{}",
            self.reason().as_str(),
            part(&self.to_string()),
            part(&self.hint())
        );
        // `part` leaves only visible ASCII and spaces, and codes are
        // lower-case ASCII, which is always a valid value: the fallback is
        // never used.
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("refused"))
    }
}

/// One part of the value: visible ASCII and spaces only, and no separator.
fn part(text: &str) -> String {
    let visible: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    visible.replace(FIX, FIX_INSIDE)
}

/// An [`EXPLANATION_HEADER`] value read back: the refusal's code, what was
/// refused, and the fix, borrowed from the value.
///
/// ```
/// use http::{HeaderMap, Method};
/// use tower_cors::{CorsPolicy, Decision, Explanation, RefusalReason, EXPLANATION_HEADER};
///
/// let policy = CorsPolicy::builder()
///     .allow_origins(["https://app.example.com"])
///     .allow_methods(["PUT"])
///     .dangerously_explain_refusals(true) // development only
///     .build()?;
///
/// let mut request = HeaderMap::new();
/// request.insert("origin", "https://app.example.com".parse()?);
/// request.insert("access-control-request-method", "PATCH".parse()?);
/// let Decision::PreflightRefused(refused) = policy.evaluate(&Method::OPTIONS, &request) else {
///     panic!("PATCH is not allowed");
/// };
/// let response = refused.headers();
///
/// let explanation = Explanation::parse(&response[&EXPLANATION_HEADER]).expect("written by tower-cors");
/// assert_eq!(explanation.reason(), Some(RefusalReason::MethodNotAllowed));
/// assert_eq!(explanation.code(), "method-not-allowed");
/// assert!(explanation.detail().starts_with("method \"PATCH\" is not allowed"));
/// assert_eq!(explanation.fix(), "add \"PATCH\" to allow_methods");
///
/// // Anything else is not an explanation.
/// assert_eq!(Explanation::parse_str("forbidden"), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation<'a> {
    code: &'a str,
    detail: &'a str,
    fix: &'a str,
}

impl<'a> Explanation<'a> {
    /// Reads a header value; `None` unless it has the explanation's shape
    /// (see [`parse_str`](Self::parse_str)).
    pub fn parse(value: &'a HeaderValue) -> Option<Self> {
        Self::parse_str(value.to_str().ok()?)
    }

    /// Reads `{code}: {detail}; fix: {fix}`. The code must be lower-case
    /// ASCII letters, digits and `-` (a code this version does not know is
    /// kept: [`reason`](Self::reason) is then `None`); the detail and the
    /// fix are what follows, split at the first `; fix: `. Anything else is
    /// `None`.
    pub fn parse_str(text: &'a str) -> Option<Self> {
        let (code, rest) = text.split_once(CODE_END)?;
        let is_code = !code.is_empty()
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !is_code {
            return None;
        }
        let (detail, fix) = rest.split_once(FIX)?;
        Some(Self { code, detail, fix })
    }

    /// The class of refusal, when the code is one this version knows.
    pub fn reason(&self) -> Option<RefusalReason> {
        RefusalReason::from_code(self.code)
    }

    /// The refusal's stable code, e.g. `"origin-not-allowed"`.
    pub fn code(&self) -> &'a str {
        self.code
    }

    /// What was refused, with the offending values, e.g.
    /// `origin "https://evil.example" is not allowed`.
    pub fn detail(&self) -> &'a str {
        self.detail
    }

    /// What would make the request pass, e.g. `add "PATCH" to allow_methods`.
    pub fn fix(&self) -> &'a str {
        self.fix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refusal of `reason` with every offending value set, as the layer
    /// builds them.
    fn refusal<'a>(reason: RefusalReason, origin: &'a HeaderValue) -> Refusal<'a> {
        static METHOD: HeaderValue = HeaderValue::from_static("patch");
        Refusal {
            reason,
            origin: Some(origin),
            method: Some(&METHOD),
            header: Some("x-trace"),
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
        assert_eq!(seen, 8, "every RefusalReason");
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
}
