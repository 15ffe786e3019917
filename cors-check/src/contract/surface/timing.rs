//! `Timing-Allow-Origin`, with `timing_allow_origin` on: the origin itself
//! on the answers to the origins the policy allows (with `Vary: Origin`),
//! nothing on the others'. Read from the answers the origins' `GET`s
//! already got: no request of its own.

use http::header::HeaderName;
use http::HeaderMap;
use tower_cors::browser::varies_on_origin;

use crate::answer::joined;
use crate::contract::check::{Grade, OriginGet, Row};
use crate::contract::judge::{Oracle, Server};

static TIMING_ALLOW_ORIGIN: HeaderName = HeaderName::from_static("timing-allow-origin");

/// `Timing-Allow-Origin`, lines joined with `, `.
fn timing(headers: &HeaderMap) -> Option<String> {
    joined(headers, &TIMING_ALLOW_ORIGIN)
}

fn quoted(value: Option<&str>) -> String {
    value.map_or("none".to_owned(), |v| format!("'{v}'"))
}

/// The `timing` row of `url`, from the `GET` each origin sent and what the
/// deployment answered it.
pub async fn timing_row(oracle: &Oracle<'_>, url: &str, answers: &[OriginGet]) -> Row {
    let mut row = blank(url);
    let mut wrong = Vec::new();
    let mut seen = Vec::new();
    for OriginGet {
        origin,
        request,
        head,
    } in answers
    {
        let want = match oracle.answer(request).await {
            Ok(h) => timing(&h.headers),
            Err(_) => continue,
        };
        let have = timing(&head.headers);
        if want != have {
            wrong.push(format!(
                "{origin}: expected {}, got {}",
                quoted(want.as_deref()),
                quoted(have.as_deref())
            ));
        } else if want.is_some() && !varies_on_origin(&head.headers) {
            wrong.push(format!("{origin}: no Vary: Origin beside it"));
        }
        seen.push(format!("{origin} got {}", quoted(have.as_deref())));
    }
    if seen.is_empty() {
        row.message = Some("not tried: no origin's GET got an answer".into());
        return row;
    }
    row.answer = seen.join("; ");
    if wrong.is_empty() {
        row.got = "as the policy says".into();
        row.grade = Grade::Pass;
    } else {
        row.got = format!("differs on {} of {} answers", wrong.len(), seen.len());
        row.message = Some(wrong.join("; "));
        row.grade = Grade::Fail;
    }
    row
}

/// The `timing` row, not tried yet.
pub fn blank(url: &str) -> Row {
    Row::untried(
        url,
        "timing",
        "each origin".into(),
        "timing_allow_origin is on: a page on an allowed origin may read its requests' timing details, no other page".into(),
        "GET".into(),
        "Timing-Allow-Origin: the origin, if allowed".into(),
    )
}
