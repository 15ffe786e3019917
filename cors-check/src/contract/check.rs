//! The whole check: every expectation of every URL tried against the
//! deployment and against the intended policy, then the cache check
//! (`Vary: Origin` wherever the answer depends on `Origin`).

use http::header::ORIGIN;
use http::Request;
use tower_cors::browser::{varies_on_origin, Credentials, PageRequest, Url};
use tower_cors::CorsConfig;

use super::expect::{self, Ask, How, Kind};
use super::judge::{judge, Judged, Judgement, Oracle};
use super::policy::Intended;
use super::surface::{self, ProbeRequest, Targets};
use crate::answer::allow_origin;
use crate::transport::{Client, ResponseHead};
use crate::url;

/// Whether an expectation held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// The deployment does what the policy says.
    Pass,
    /// It does not.
    Fail,
    /// It could not be tried (no answer).
    Error,
    /// It does not apply there (no WebSocket at the path, no Fetch
    /// Metadata to that origin): no failure.
    Skipped,
}

impl Grade {
    /// `pass`, `fail`, `error` or `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Pass => "pass",
            Grade::Fail => "fail",
            Grade::Error => "error",
            Grade::Skipped => "skipped",
        }
    }
}

/// One expectation and what the deployment did.
#[derive(Debug, Clone)]
pub struct Row {
    /// The URL given on the command line this belongs to.
    pub url: String,
    /// The request tried; `None` for the `Vary` expectation and the
    /// probes of the cross-origin surface.
    pub ask: Option<Ask>,
    /// The request a probe of the cross-origin surface sent.
    pub probe: Option<ProbeRequest>,
    /// `origin`, `method`, ..., `vary`, or a probe's `write`, `websocket`,
    /// `isolation`, `timing`.
    pub kind: &'static str,
    /// The page's origin, or a description for the `Vary` row.
    pub origin: String,
    /// Why this is expected, in words.
    pub why: String,
    /// The request in a few words.
    pub request: String,
    /// `allowed`, `blocked`, `Vary: Origin`, or a probe's `refused`,
    /// `reaches the app`, `not refused`.
    pub expected: String,
    /// What happened, in the same words.
    pub got: String,
    /// The status of the last answer.
    pub status: Option<u16>,
    /// Chromium's code when blocked.
    pub code: Option<String>,
    /// Chromium's console message when blocked, or the transport error.
    pub message: Option<String>,
    /// What the deployment answered (its `Access-Control-Allow-*` values).
    pub answer: String,
    /// Pass, fail or error.
    pub grade: Grade,
}

impl Row {
    /// A row not tried yet (an error until its try fills it in): what is
    /// checked, of which kind, from which origin, why, the request in a few
    /// words, and what is expected.
    pub fn untried(
        url: &str,
        kind: &'static str,
        origin: String,
        why: String,
        request: String,
        expected: String,
    ) -> Row {
        Row {
            url: url.to_owned(),
            ask: None,
            probe: None,
            kind,
            origin,
            why,
            request,
            expected,
            got: "error".into(),
            status: None,
            code: None,
            message: None,
            answer: String::new(),
            grade: Grade::Error,
        }
    }

    /// Whether the deployment let in something the policy does not.
    pub fn allows_more(&self) -> bool {
        self.grade == Grade::Fail && matches!(self.expected.as_str(), "blocked" | "refused")
    }

    /// Whether the deployment blocked something the policy allows.
    pub fn allows_less(&self) -> bool {
        self.grade == Grade::Fail && matches!(self.got.as_str(), "blocked" | "refused")
    }
}

/// Everything the check found.
#[derive(Debug)]
pub struct ContractReport {
    /// The policy.
    pub intended: Intended,
    /// The URLs checked.
    pub urls: Vec<String>,
    /// Every expectation, URL by URL.
    pub rows: Vec<Row>,
}

impl ContractReport {
    /// How many rows have this grade.
    pub fn count(&self, grade: Grade) -> usize {
        self.rows.iter().filter(|r| r.grade == grade).count()
    }

    /// `conforms`, `differs` or `error`.
    pub fn verdict(&self) -> &'static str {
        if self.count(Grade::Fail) > 0 {
            "differs"
        } else if self.count(Grade::Error) > 0 {
            "error"
        } else {
            "conforms"
        }
    }

    /// 0 conforms, 1 differs, 2 some expectation could not be tried.
    pub fn exit_code(&self) -> u8 {
        match self.verdict() {
            "conforms" => 0,
            "differs" => 1,
            _ => 2,
        }
    }
}

/// A request named with `--send`: `METHOD PATH` or `METHOD URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Send {
    /// As the page's `fetch()` writes it.
    pub method: String,
    /// Absolute.
    pub url: String,
}

/// Parses `--send` against the first URL's server.
pub fn parse_send(text: &str, first_url: &str) -> Result<Send, String> {
    let (method, target) = text
        .trim()
        .split_once(char::is_whitespace)
        .ok_or_else(|| format!("--send '{text}': expected 'METHOD PATH', e.g. 'POST /items'"))?;
    let target = target.trim();
    // A whole URL, or a path on the first URL's server.
    let url = Url::parse(target).map(|u| u.to_string()).or_else(|| {
        target
            .starts_with('/')
            .then(|| url::resolve(first_url, target))
            .flatten()
    });
    let Some(url) = url else {
        return Err(format!(
            "--send '{text}': the path must start with / (or give a whole URL)"
        ));
    };
    Ok(Send {
        method: method.to_owned(),
        url,
    })
}

/// The HTTP clients of one check: one for every request, and an HTTP/1.1
/// one for the WebSocket handshakes (when `--websocket` names a socket).
pub struct Clients {
    /// Every request but the handshakes.
    pub http: Client,
    /// The handshakes.
    pub sockets: Option<Client>,
}

/// Runs every expectation: the CORS ones of each URL, and the probes of
/// the cross-origin surface (`targets`: where the first URL's writes and
/// handshakes go).
pub async fn run(
    clients: &Clients,
    intended: Intended,
    urls: Vec<String>,
    sends: &[Send],
    targets: &Targets,
) -> ContractReport {
    let oracle = Oracle(&intended.policy);
    let mut rows = Vec::new();
    for url in &urls {
        let first = url == &urls[0];
        let mut asks = expect::asks(&intended.config, url);
        if first {
            asks.extend(sent_asks(&intended.config, sends));
        }
        let probes = surface::probes(&intended.config, url, first.then_some(targets));
        let (mut url_rows, answers, unreachable) =
            ask_rows(&clients.http, &oracle, url, asks).await;
        for probe in probes {
            url_rows.push(match &unreachable {
                Some(why) => Row {
                    message: Some(not_tried(why)),
                    ..surface::blank(url, &probe)
                },
                None => {
                    let sockets = clients.sockets.as_ref();
                    surface::try_probe(&clients.http, sockets, &oracle, url, probe).await
                }
            });
        }
        url_rows.push(match &unreachable {
            Some(why) => Row {
                message: Some(not_tried(why)),
                ..vary_blank(url)
            },
            None => vary_row(&clients.http, &intended.config, url, &answers).await,
        });
        if intended.config.timing_allow_origin {
            url_rows.push(match &unreachable {
                Some(why) => Row {
                    message: Some(not_tried(why)),
                    ..surface::timing_blank(url)
                },
                None => surface::timing_row(&oracle, url, &answers).await,
            });
        }
        rows.extend(url_rows);
    }
    ContractReport {
        intended,
        urls,
        rows,
    }
}

/// An origin's own `GET` of a URL, as sent, and the deployment's answer.
pub struct OriginGet {
    /// The page's origin.
    pub origin: String,
    /// The request as sent.
    pub request: Request<()>,
    /// The deployment's answer.
    pub head: ResponseHead,
}

/// The rows of `asks`, the `GET` each origin sent to `url` itself with its
/// answer, and why `url` got no answer, if it did not.
async fn ask_rows(
    client: &Client,
    oracle: &Oracle<'_>,
    url: &str,
    asks: Vec<Ask>,
) -> (Vec<Row>, Vec<OriginGet>, Option<String>) {
    let mut rows = Vec::new();
    let mut answers = Vec::new();
    // After a request got no answer, the rest of this URL's are not
    // sent: each would wait for its own timeout.
    let mut unreachable: Option<String> = None;
    for ask in asks {
        if let Some(why) = &unreachable {
            let mut row = blank_row(url, ask);
            row.message = Some(not_tried(why));
            rows.push(row);
            continue;
        }
        let (row, judged) = try_ask(client, oracle, url, ask).await;
        if judged
            .as_ref()
            .is_some_and(|j| matches!(j.judgement, Judgement::NoAnswer(_)))
        {
            unreachable = row.message.clone();
        }
        if let (Some(ask), Some((request, head))) = (&row.ask, judged.and_then(|j| j.last)) {
            if ask.kind == Kind::Origin && ask.how == How::Sent && ask.url == url {
                let origin = ask.origin.clone();
                answers.push(OriginGet {
                    origin,
                    request,
                    head,
                });
            }
        }
        rows.push(row);
    }
    (rows, answers, unreachable)
}

fn not_tried(why: &str) -> String {
    format!("not tried: an earlier request to this URL got no answer ({why})")
}

fn sent_asks(config: &CorsConfig, sends: &[Send]) -> Vec<Ask> {
    let Some(first) = expect::allowed_origins(config).into_iter().next() else {
        return Vec::new();
    };
    sends
        .iter()
        .map(|s| Ask {
            kind: Kind::Sent,
            url: s.url.clone(),
            origin: first.origin.clone(),
            why: format!("{}; named with --send", first.why),
            method: s.method.clone(),
            headers: Vec::new(),
            credentials: config.allow_credentials,
            how: How::Sent,
        })
        .collect()
}

/// The row of an expectation not tried yet.
fn blank_row(url: &str, ask: Ask) -> Row {
    let (kind, origin, why) = (ask.kind.as_str(), ask.origin.clone(), ask.why.clone());
    let request = ask.describe(url);
    Row {
        ask: Some(ask),
        ..Row::untried(url, kind, origin, why, request, String::new())
    }
}

/// Tries one expectation on both servers.
async fn try_ask(
    client: &Client,
    oracle: &Oracle<'_>,
    url: &str,
    ask: Ask,
) -> (Row, Option<Judged>) {
    let mut page = PageRequest::new(ask.origin.as_str(), ask.method.as_str(), ask.url.as_str())
        .credentials(if ask.credentials {
            Credentials::Include
        } else {
            Credentials::SameOrigin
        });
    for (name, value) in &ask.headers {
        page = page.header(name.as_str(), value.as_str());
    }
    let mut row = blank_row(url, ask);
    let how = row.ask.as_ref().map_or(How::PreflightOnly, |a| a.how);
    let request = match page.prepare() {
        Ok(r) => r,
        Err(e) => {
            row.message = Some(format!("fetch() refuses this request: {e}"));
            return (row, None);
        }
    };
    let expected = judge(oracle, &request, how).await;
    let got = judge(client, &request, how).await;
    row.expected = expected.judgement.as_str().to_owned();
    row.got = got.judgement.as_str().to_owned();
    row.status = got.status();
    row.answer = got.answer_summary();
    match &got.judgement {
        Judgement::Blocked { code, message } => {
            row.code = Some(code.clone());
            row.message = Some(message.clone());
        }
        Judgement::NoAnswer(e) => row.message = Some(e.clone()),
        Judgement::Allowed => {}
    }
    row.grade = match &got.judgement {
        Judgement::NoAnswer(_) => Grade::Error,
        v if v.as_str() == expected.judgement.as_str() => Grade::Pass,
        _ => Grade::Fail,
    };
    (row, Some(got))
}

/// `Vary: Origin` on every answer to a plain GET of `url`, once they show
/// that `Access-Control-Allow-Origin` depends on `Origin`: the answers
/// already got for each origin, and one more without `Origin`.
async fn vary_row(client: &Client, config: &CorsConfig, url: &str, answers: &[OriginGet]) -> Row {
    let mut row = vary_blank(url);
    let mut without_origin = None;
    // The same GET from a made-up origin, without its Origin header.
    let page = PageRequest::new(expect::unlisted(config), "GET", url);
    if let Ok(request) = page.prepare() {
        let mut plain = request.actual::<()>();
        plain.headers_mut().remove(ORIGIN);
        match client.send(&plain).await {
            Ok(head) => without_origin = Some(head),
            Err(e) => {
                row.message = Some(e.to_string());
                return row;
            }
        }
    }
    let labels: Vec<String> = answers
        .iter()
        .map(|a| format!("Origin: {}", a.origin))
        .collect();
    let seen: Vec<(&str, Option<String>, bool)> = labels
        .iter()
        .map(String::as_str)
        .zip(answers.iter().map(|a| &a.head))
        .chain(without_origin.iter().map(|h| ("no Origin", h)))
        .map(|(who, h)| (who, allow_origin(&h.headers), varies_on_origin(&h.headers)))
        .collect();
    let depends = seen.windows(2).any(|w| w[0].1 != w[1].1);
    let missing: Vec<&str> = seen.iter().filter(|s| !s.2).map(|s| s.0).collect();
    row.answer = seen
        .iter()
        .map(|(who, acao, _)| {
            format!(
                "{who} got {}",
                acao.as_deref()
                    .map_or("no Access-Control-Allow-Origin".to_owned(), |v| format!(
                        "'{v}'"
                    ))
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    if !depends {
        row.got = "not needed: every answer is the same".into();
        row.grade = Grade::Pass;
    } else if missing.is_empty() {
        row.got = "Vary: Origin".into();
        row.grade = Grade::Pass;
    } else {
        row.got = format!(
            "no Vary: Origin on {} of {} answers",
            missing.len(),
            seen.len()
        );
        row.message = Some(format!("missing on the answers to {}", missing.join(", ")));
        row.grade = Grade::Fail;
    }
    row
}

/// The `Vary` row, not tried yet.
fn vary_blank(url: &str) -> Row {
    Row::untried(
        url,
        "vary",
        "each origin, and none".into(),
        "answers that depend on Origin must say Vary: Origin, or a shared cache hands one origin's answer to another".into(),
        "GET".into(),
        "Vary: Origin".into(),
    )
}
