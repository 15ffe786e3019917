//! A vector's page request walked with the browser model, once per engine,
//! by the diagnosis's walk (`diagnose::walk`: the preflight if the engine
//! needs one, then the request, each answer judged by that engine's
//! rules), and each engine's verdict compared with the one the vector
//! records from the real engine.

use std::time::Duration;

use tower_cors::browser::{Credentials, Engine, PageRequest};

use super::vector::{Browsers, EngineVerdict, Page, PageCredentials, Readable};
use crate::diagnose::args::Plan;
use crate::diagnose::walk::{walk, End, Sent};
use crate::transport::Client;

/// What the model says one engine makes of the page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelVerdict {
    /// As the vector writes verdicts.
    pub verdict: EngineVerdict,
    /// Why, in the engine's words (its console message), when blocked.
    pub why: Option<String>,
}

/// Walks `page` against the server at `base` for each engine and compares
/// with `browsers`: `Err` names each engine whose verdict differs, what
/// the model says and why.
pub async fn check(
    client: &Client,
    base: &str,
    page: &Page,
    browsers: &Browsers,
    timeout: Duration,
) -> Result<(), String> {
    let expected = browsers.each();
    let verdicts = verdicts(client, base, page, timeout).await?;
    let problems: Vec<String> = expected
        .iter()
        .zip(verdicts)
        .filter(|((_, want), got)| !agrees(want, &got.verdict))
        .map(|((engine, want), got)| {
            let why = got.why.map(|w| format!(": {w}")).unwrap_or_default();
            format!(
                "{}: the model says {}{why}; the vector records {}",
                engine.name(),
                got.verdict.describe(),
                want.describe()
            )
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the page ({} {} from {}): {}",
            page.method,
            page.path,
            page.origin,
            problems.join("; ")
        ))
    }
}

/// Whether the model's verdict is the recorded one: readable or blocked.
/// The recorded reason is what the engine said of tower-cors's answer;
/// another server may refuse in another way (a `403` preflight, or a `200`
/// one without `Access-Control-Allow-Origin`) and the engine blocks the page
/// all the same, so the reason is shown, not compared. The recorder in the
/// three-engine suite compares reasons, where the answer is tower-cors's.
fn agrees(want: &EngineVerdict, got: &EngineVerdict) -> bool {
    want.verdict == got.verdict
}

/// The three engines' verdicts, Chromium, Firefox, WebKit; `Err` when the
/// server did not answer.
async fn verdicts(
    client: &Client,
    base: &str,
    page: &Page,
    timeout: Duration,
) -> Result<Vec<ModelVerdict>, String> {
    let request = page_request(base, page);
    let Ok(prepared) = request.prepare() else {
        // fetch() throws before anything is sent.
        let why = "fetch() refuses the request before sending it".to_owned();
        return Ok(vec![blocked("network".into(), why); 3]);
    };
    let plan = Plan {
        page: request,
        request: prepared,
        cookies: Vec::new(),
        dropped: Vec::new(),
        timeout,
        audit: false,
        engines: Engine::BROWSERS.to_vec(),
        set_cookies: Vec::new(),
        resolve: Vec::new(),
    };
    let mut sent = Sent::default();
    let mut out = Vec::new();
    for engine in Engine::BROWSERS {
        let w = walk(client, &plan, engine, &mut sent).await;
        out.push(match w.end {
            End::Allowed(..) => ModelVerdict {
                verdict: EngineVerdict {
                    verdict: Readable::Readable,
                    reason: None,
                },
                why: None,
            },
            End::Blocked(b) => {
                // The check this engine reports first, and its console line.
                let code = b.code_in(engine).unwrap_or(b.code());
                let why = b.console_in(engine).into_iter().next();
                blocked(code.as_str().to_owned(), why.unwrap_or_else(|| b.message()))
            }
            End::NetworkError(e) => blocked("network".into(), e),
            End::Transport(e) => return Err(format!("the page request got no answer: {e}")),
        });
    }
    Ok(out)
}

/// The page's `fetch()` call on the server at `base`.
fn page_request(base: &str, page: &Page) -> PageRequest {
    let mut request = PageRequest::new(
        page.origin.as_str(),
        page.method.as_str(),
        format!("{base}{}", page.path),
    )
    .credentials(match page.credentials {
        PageCredentials::Omit => Credentials::Omit,
        PageCredentials::SameOrigin => Credentials::SameOrigin,
        PageCredentials::Include => Credentials::Include,
    });
    for (name, value) in &page.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    request
}

/// A blocked verdict with its reason and why.
fn blocked(reason: String, why: String) -> ModelVerdict {
    ModelVerdict {
        verdict: EngineVerdict {
            verdict: Readable::Blocked,
            reason: Some(reason),
        },
        why: Some(why),
    }
}
