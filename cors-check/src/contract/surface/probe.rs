//! One probe tried: tower-cors with the policy says whether it is refused
//! (`403`) or reaches the app, the deployment answers it, and the row says
//! whether the two agree. A `403` from the deployment is read as the
//! guard's or isolation's refusal; a WebSocket handshake answered `404` or
//! `400` finds no socket there, which is not a failure.

use http::StatusCode;

use super::{Probe, ProbeKind, ProbeRequest, REFUSED};
use tower_cors::EXPLANATION_HEADER;

use crate::contract::check::{Grade, Row};
use crate::contract::judge::{Oracle, Server};
use crate::transport::{Client, ResponseHead};
use crate::url;

/// The row of a probe not tried (yet).
pub fn blank(url: &str, probe: &Probe) -> Row {
    let r = &probe.request;
    Row {
        probe: Some(ProbeRequest {
            method: r.method().to_string(),
            url: r.uri().to_string(),
            headers: r.headers().keys().map(|n| n.to_string()).collect(),
            sent: match probe.kind {
                ProbeKind::WebSocket => "handshake",
                _ => "request",
            },
        }),
        ..Row::untried(
            url,
            probe.kind.as_str(),
            probe.origin.clone(),
            probe.why.clone(),
            probe.description.clone(),
            String::new(),
        )
    }
}

/// Tries `probe` on tower-cors with the policy and on the deployment
/// (handshakes on `sockets`, an HTTP/1.1 client).
pub async fn try_probe(
    client: &Client,
    sockets: Option<&Client>,
    oracle: &Oracle<'_>,
    url: &str,
    probe: Probe,
) -> Row {
    let mut row = blank(url, &probe);
    if let Some(why) = &probe.skip {
        if let Some(p) = row.probe.as_mut() {
            p.sent = "not sent";
        }
        (row.expected, row.got) = ("-".into(), "not checked".into());
        row.message = Some(why.clone());
        row.grade = Grade::Skipped;
        return row;
    }
    let refuse = oracle
        .answer(&probe.request)
        .await
        .is_ok_and(|h| h.status.as_u16() == REFUSED);
    row.expected = match (refuse, probe.kind) {
        (true, _) => "refused",
        (false, ProbeKind::WebSocket) => "not refused",
        (false, _) => "reaches the app",
    }
    .into();
    let (head, closed) = match probe.kind {
        // The HTTP/1.1 client when there is one: over TLS the other may
        // speak HTTP/2, where this handshake means nothing.
        ProbeKind::WebSocket => match sockets.unwrap_or(client).handshake(&probe.request).await {
            Ok(h) => (h.head, h.closed),
            Err(e) => return error(row, e.to_string()),
        },
        _ => match client.send(&probe.request).await {
            Ok(head) => (head, None),
            Err(e) => return error(row, e.to_string()),
        },
    };
    row.status = Some(head.status.as_u16());
    row.answer = answer(&probe, &head);
    grade(&mut row, &probe, refuse, head.status, closed);
    row
}

fn error(mut row: Row, message: String) -> Row {
    row.message = Some(message);
    row
}

/// What the deployment answered, in a few words, with tower-cors's
/// `x-cors-refusal` when it explains.
fn answer(probe: &Probe, head: &ResponseHead) -> String {
    let r = &probe.request;
    let mut text = format!(
        "{} {} answered {}",
        r.method(),
        url::path_and_query(&r.uri().to_string()),
        head.status.as_u16()
    );
    if let Some(why) = head.headers.get(&EXPLANATION_HEADER) {
        text.push_str(&format!(": {EXPLANATION_HEADER}: "));
        text.push_str(&String::from_utf8_lossy(why.as_bytes()));
    }
    text
}

/// The row's `got`, grade and message: whether the deployment refused as
/// the policy does.
fn grade(
    row: &mut Row,
    probe: &Probe,
    refuse: bool,
    status: StatusCode,
    closed: Option<Result<(), String>>,
) {
    let refused = status.as_u16() == REFUSED;
    let socket = probe.kind == ProbeKind::WebSocket;
    let no_socket =
        !refused && socket && matches!(status, StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST);
    row.got = match (refused, socket, status) {
        _ if no_socket => "no WebSocket here",
        (true, ..) => "refused",
        (false, true, StatusCode::SWITCHING_PROTOCOLS) => "accepted",
        (false, true, _) => "not refused",
        (false, false, _) => "reaches the app",
    }
    .into();
    let closing = closed.map(|c| match c {
        Ok(()) => "cors-check closed the socket at once".to_owned(),
        Err(e) => format!("cors-check dropped the connection at once ({e})"),
    });
    if no_socket {
        row.grade = Grade::Skipped;
        row.message = Some(format!(
            "no WebSocket at {}: the server answered {}, so there is no socket to open there",
            url::path_and_query(&probe.request.uri().to_string()),
            status.as_u16()
        ));
        return;
    }
    row.grade = if refused == refuse {
        Grade::Pass
    } else {
        Grade::Fail
    };
    row.message = match (row.grade, refused) {
        (Grade::Fail, false) => Some(hole(probe, closing)),
        (Grade::Fail, true) => Some(format!(
            "the deployment refused it ({REFUSED}), though the policy lets {} through; if the app itself answers {REFUSED} here (no session), this path cannot show it: name one it accepts",
            probe.origin
        )),
        _ => closing,
    };
}

/// What a request that should have been refused lets a page on another
/// origin do.
fn hole(probe: &Probe, closing: Option<String>) -> String {
    let who = format!("a page on {}", probe.origin);
    match probe.kind {
        ProbeKind::Write => format!(
            "{who} can make a user's browser send this write with the user's cookies: it reached the app (cross-site request forgery)"
        ),
        ProbeKind::WebSocket => format!(
            "the server upgraded (101): {who} can open this socket with the user's cookies and read and write on it (cross-site WebSocket hijacking); {}",
            closing.unwrap_or_default()
        ),
        ProbeKind::Isolation => format!(
            "{who} can load this with the user's cookies (cross-site script inclusion, cross-site leaks): it reached the app"
        ),
    }
}
