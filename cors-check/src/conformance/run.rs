//! The run: the vectors grouped by policy, one adapter per policy (at most
//! `--jobs` at once), each vector's requests checked and its page judged
//! per engine against that adapter.

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::path::PathBuf;
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

use super::adapter::{self, Started};
use super::vector::{Policy, Vector};
use super::{expect, page};
use crate::transport::Client;

/// What one vector gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every request's answer and every engine's verdict as expected.
    Pass,
    /// What differs.
    Fail(String),
    /// The implementation cannot express the policy: why.
    Unsupported(String),
}

impl Outcome {
    /// `pass`, `fail` or `unsupported`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail(_) => "fail",
            Outcome::Unsupported(_) => "unsupported",
        }
    }

    /// The failure's message or the reason it is unsupported.
    pub fn message(&self) -> Option<&str> {
        match self {
            Outcome::Pass => None,
            Outcome::Fail(m) | Outcome::Unsupported(m) => Some(m),
        }
    }
}

/// Where the vectors are run.
#[derive(Debug, Clone)]
pub enum Target {
    /// An adapter command, started per policy.
    Adapter {
        /// The command's words.
        command: Vec<String>,
        /// How long it may take to listen.
        startup: Duration,
        /// At most this many at once.
        jobs: usize,
    },
    /// One deployment with one policy.
    Url {
        /// Its base URL, no trailing `/`.
        base: String,
        /// Its policy.
        policy: Policy,
    },
}

/// Runs `vectors` against `target`; the outcomes are in the vectors' order.
pub async fn run(
    client: &Client,
    target: &Target,
    vectors: &[&Vector],
    timeout: Duration,
) -> Vec<Outcome> {
    match target {
        Target::Url { base, policy } => {
            let mut out = Vec::new();
            for v in vectors {
                out.push(if &v.policy == policy {
                    vector(client, base, v, timeout).await
                } else {
                    Outcome::Unsupported(
                        "the deployment's policy (--policy) is not this vector's".into(),
                    )
                });
            }
            out
        }
        Target::Adapter {
            command,
            startup,
            jobs,
        } => {
            let groups = groups(vectors);
            let outcomes = RefCell::new(vec![Outcome::Pass; vectors.len()]);
            let next = Cell::new(0);
            let dir = PolicyDir::new();
            let worker = || async {
                loop {
                    let i = next.get();
                    let Some((policy, members)) = groups.get(i) else {
                        break;
                    };
                    next.set(i + 1);
                    let file = dir.write(i, policy);
                    let got =
                        group(client, command, *startup, file, members, vectors, timeout).await;
                    let mut all = outcomes.borrow_mut();
                    for (&m, o) in members.iter().zip(got) {
                        all[m] = o;
                    }
                }
            };
            join_all((0..(*jobs).max(1)).map(|_| worker()).collect()).await;
            outcomes.into_inner()
        }
    }
}

/// The distinct policies, each with the indexes of its vectors.
fn groups<'a>(vectors: &[&'a Vector]) -> Vec<(&'a Policy, Vec<usize>)> {
    let mut groups: Vec<(&Policy, Vec<usize>)> = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        match groups.iter_mut().find(|(p, _)| *p == &v.policy) {
            Some((_, members)) => members.push(i),
            None => groups.push((&v.policy, vec![i])),
        }
    }
    groups
}

/// One policy's vectors against one adapter, started for them and ended
/// after them.
async fn group(
    client: &Client,
    command: &[String],
    startup: Duration,
    file: Result<PathBuf, String>,
    members: &[usize],
    vectors: &[&Vector],
    timeout: Duration,
) -> Vec<Outcome> {
    let every = |o: Outcome| vec![o; members.len()];
    let file = match file {
        Ok(file) => file,
        Err(e) => return every(Outcome::Fail(e)),
    };
    let adapter = match adapter::start(command, &file, startup).await {
        Started::Listening(a) => a,
        Started::Unsupported(why) => return every(Outcome::Unsupported(why)),
        Started::Failed(why) => {
            return every(Outcome::Fail(format!("the adapter did not start: {why}")))
        }
    };
    let base = format!("http://127.0.0.1:{}", adapter.port);
    let mut out = Vec::new();
    for &m in members {
        let outcome = vector(client, &base, vectors[m], timeout).await;
        out.push(without_port(outcome, adapter.port));
    }
    drop(adapter);
    out
}

/// The outcome with the adapter's port, which changes from run to run,
/// written `<port>`: results files of two runs differ only where an
/// implementation's answers do.
pub(super) fn without_port(outcome: Outcome, port: u16) -> Outcome {
    let address = format!("127.0.0.1:{port}");
    let stable = |m: String| m.replace(&address, "127.0.0.1:<port>");
    match outcome {
        Outcome::Fail(m) => Outcome::Fail(stable(m)),
        Outcome::Unsupported(m) => Outcome::Unsupported(stable(m)),
        Outcome::Pass => Outcome::Pass,
    }
}

/// One vector against the server at `base`: its requests in order, then
/// its page.
async fn vector(client: &Client, base: &str, v: &Vector, timeout: Duration) -> Outcome {
    let mut problems = Vec::new();
    for (i, request) in v.requests.iter().enumerate() {
        if let Err(e) = expect::check(client, base, i + 1, request).await {
            problems.push(e);
        }
    }
    if let (Some(p), Some(browsers)) = (&v.page, &v.browsers) {
        if let Err(e) = page::check(client, base, p, browsers, timeout).await {
            problems.push(e);
        }
    }
    if problems.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail(problems.join(" | "))
    }
}

/// Awaits every future, polling them in turn on this task.
async fn join_all<F: Future<Output = ()>>(futures: Vec<F>) {
    let mut slots: Vec<Option<Pin<Box<F>>>> =
        futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    poll_fn(|cx| {
        for slot in &mut slots {
            if slot
                .as_mut()
                .is_some_and(|f| f.as_mut().poll(cx).is_ready())
            {
                *slot = None;
            }
        }
        if slots.iter().all(Option::is_none) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await
}

/// A temporary directory for the policy files the adapters read, removed
/// when dropped.
struct PolicyDir(PathBuf);

impl PolicyDir {
    fn new() -> Self {
        Self(std::env::temp_dir().join(format!("cors-check-conformance-{}", std::process::id())))
    }

    /// Writes policy number `i`.
    fn write(&self, i: usize, policy: &Policy) -> Result<PathBuf, String> {
        let path = self.0.join(format!("policy-{i}.json"));
        let text = serde_json::to_string_pretty(policy)
            .map_err(|e| format!("cannot write the policy: {e}"))?;
        std::fs::create_dir_all(&self.0)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|e| format!("cannot write the policy file {}: {e}", path.display()))?;
        Ok(path)
    }
}

impl Drop for PolicyDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
