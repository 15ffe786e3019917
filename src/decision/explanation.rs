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
/// What the detail of a refusal let through in report-only mode starts with.
const REPORT_ONLY: &str = "report-only: ";
/// What [`FIX`] becomes inside the detail or the fix.
const FIX_INSIDE: &str = ", fix: ";

impl Refusal<'_> {
    /// The [`EXPLANATION_HEADER`] value: code, detail and fix, as visible
    /// ASCII (anything else becomes `?`).
    pub(crate) fn explanation(&self) -> HeaderValue {
        self.explanation_with("")
    }

    /// The [`EXPLANATION_HEADER`] value of a refusal a report-only policy
    /// let through: its detail starts with `report-only: `.
    pub(crate) fn reported_explanation(&self) -> HeaderValue {
        self.explanation_with(REPORT_ONLY)
    }

    fn explanation_with(&self, prefix: &str) -> HeaderValue {
        let text = format!(
            "{}{CODE_END}{prefix}{}{FIX}{}",
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
mod tests;
