//! The conformance vectors' engine verdicts, recorded from the real
//! engines and held to them.
//!
//! Every vector with a `page` (`conformance/vectors/*.json`) is served
//! with its policy by tower-cors ([`server`]: the vector's origins
//! translated to and from the real loopback page at the server's edge),
//! and its page request made in each engine; all of a page's requests in
//! one script, one after the other ([`record`]). The verdict is what the
//! page could read, and for a blocked request the check the engine
//! reported first, as `tower_cors::browser::CorsError::as_str()` names it
//! ([`reason`]).
//!
//! Without `RECORD_VECTORS`, every vector's recorded `browsers` must be
//! what the engines did: the test fails listing each drift (vector, engine,
//! recorded, observed). With `RECORD_VECTORS=1`, the engines' verdicts are
//! written into the files instead (only the `browsers` fields change).
//! `CONFORMANCE_VECTORS=<folder>` reads other vector files; `BROWSERS`
//! picks engines as for the cases. The run also says (without failing)
//! where the browser model of an engine, as the conformance runner asks it
//! (`Blocked::code_in`), disagrees with the engine. The report goes to
//! `conformance-vectors.txt` in `CARGO_TARGET_TMPDIR`.
//!
//! Not recorded: a vector whose policy tower-cors refuses to build (`*`
//! with credentials, `null` listed): no tower-cors server answers its
//! page. The run lists them.

mod judge;
mod reason;
mod record;
mod server;
mod vectors;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::engine::Engine;
use record::{Job, Seen, Timing};
use server::{Served, Target};
use vectors::{Browsers, Vector};

/// Whose turn it is to drive the engines: the suite's two tests run at
/// once, on a machine of two cores, and requests made while another test
/// loads every engine would time out. Each case holds it for reading while
/// it runs ([`crate::run::run_case`]); the recorder holds it for writing,
/// so no case runs during the recorder's pass (the cases' engines may
/// still start).
pub static TURN: RwLock<()> = RwLock::new(());

/// Writes past the test harness's capture.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// One engine's pass, as the test keeps it.
struct Pass {
    engine: Engine,
    launched: Duration,
    took: Duration,
    timing: Timing,
    result: Result<Vec<Seen>, String>,
}

/// Each vector with the tower-cors server of its page (`None`: no page,
/// or tower-cors refuses the policy: the reason is in `refused`).
fn targets(vectors: &[&Vector], refused: &mut Vec<String>) -> Vec<Option<Target>> {
    vectors
        .iter()
        .map(|v| {
            let page = v.page.as_ref()?;
            match tower_cors_conformance_adapter::policy(&v.policy) {
                Ok(p) => Some(Target::new(&page.origin, p)),
                Err(why) => {
                    // The adapter gives the builder's message on one line.
                    refused.push(format!("{}: tower-cors refuses the policy: {why}", v.id));
                    None
                }
            }
        })
        .collect()
}

/// Starts `engine`, runs its pass.
fn pass(
    engine: Engine,
    jobs: &[Job<'_>],
    served: &Served,
    proxy: u16,
    rt: &tokio::runtime::Handle,
) -> Pass {
    let began = Instant::now();
    let launched = crate::launch(engine, proxy);
    let launched_in = began.elapsed();
    let result = launched.and_then(|browser| record::run(browser.as_ref(), jobs, served, rt));
    let (result, timing) = match result {
        Ok((seen, timing)) => (Ok(seen), timing),
        Err(e) => (Err(e), Timing::default()),
    };
    Pass {
        engine,
        launched: launched_in,
        took: began.elapsed(),
        timing,
        result,
    }
}

#[test]
fn conformance_vectors_in_three_engines() {
    let dir = vectors::folder();
    let files = vectors::load(&dir).expect("the conformance vectors");
    let all: Vec<&Vector> = files.iter().flat_map(|(_, vs)| vs).collect();
    if all.is_empty() {
        assert!(
            std::env::var_os("CI").is_none(),
            "no vectors in {}",
            dir.display()
        );
        say(&format!(
            "SKIPPED the conformance recorder: no vectors in {}",
            dir.display()
        ));
        return;
    }
    let present = crate::engines::selected("the conformance recorder");
    if present.is_empty() {
        return;
    }
    let _turn = TURN.write().unwrap_or_else(PoisonError::into_inner);
    let started = Instant::now();
    let mut refused = Vec::new();
    let targets = targets(&all, &mut refused);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let servers = crate::servers::Runtime { rt, stop: stop_rx };
    let served = Served::start(&servers, targets.clone()).expect("the vectors' server");
    let proxy = crate::forward::start(crate::forward::Role::Proxy).expect("the proxy");
    let jobs: Vec<Job> = all
        .iter()
        .zip(&targets)
        .enumerate()
        .filter_map(|(n, (v, t))| {
            Some(Job {
                n,
                page: v.page.as_ref()?,
                target: t.as_ref()?,
            })
        })
        .collect();
    let handle = servers.rt.handle();
    let passes: Vec<Pass> = crate::engines::on_each(
        &present,
        |e| pass(e, &jobs, &served, proxy, handle),
        |engine| Pass {
            engine,
            launched: Duration::ZERO,
            took: Duration::ZERO,
            timing: Timing::default(),
            result: Err("the engine's thread panicked".into()),
        },
    );
    let _ = stop_tx.send(true);
    let outcome = Outcome::of(&all, &passes);
    let mut report = outcome.summary(&passes, jobs.len(), started.elapsed());
    report.extend(refused.iter().map(|r| format!("not recorded: {r}")));
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("conformance-vectors.txt");
    let _ = std::fs::write(&scratch, report.join("\n") + "\n");
    say(&report.join("\n"));
    let failed: Vec<String> = passes
        .iter()
        .filter_map(|p| {
            p.result
                .as_ref()
                .err()
                .map(|e| format!("{}: {e}", p.engine))
        })
        .collect();
    assert!(failed.is_empty(), "engine failures: {failed:#?}");
    if std::env::var_os("RECORD_VECTORS").is_some_and(|v| v == "1") {
        outcome.write(&files).expect("writing the vectors");
        say(&format!(
            "recorded the engines' verdicts in {}",
            dir.display()
        ));
    } else {
        assert!(
            outcome.drifts.is_empty(),
            "{} vector verdict(s) differ from the engines (RECORD_VECTORS=1 records them):\n{}",
            outcome.drifts.len(),
            outcome.drifts.join("\n")
        );
    }
}

/// What the passes found, per vector.
struct Outcome {
    /// Each vector's verdicts: recorded ones, with the engines' replacing them.
    browsers: BTreeMap<usize, Browsers>,
    /// `id, engine: recorded …, observed …`.
    drifts: Vec<String>,
    /// Where the model differs from an engine.
    model_gaps: Vec<String>,
}

impl Outcome {
    fn of(all: &[&Vector], passes: &[Pass]) -> Self {
        let mut out = Self {
            browsers: BTreeMap::new(),
            drifts: Vec::new(),
            model_gaps: Vec::new(),
        };
        for p in passes {
            for seen in p.result.iter().flatten() {
                let v = all[seen.n];
                let recorded = v.browsers.as_ref().and_then(|b| b.get(p.engine).as_ref());
                if recorded != Some(&seen.engine) {
                    let was = recorded.map_or("nothing".to_owned(), ToString::to_string);
                    out.drifts.push(format!(
                        "{}, {}: recorded {was}, observed {}",
                        v.id, p.engine, seen.engine
                    ));
                }
                if seen.model != seen.engine {
                    out.model_gaps.push(format!(
                        "{}, {}: the model says {}, the engine {}",
                        v.id, p.engine, seen.model, seen.engine
                    ));
                }
                let entry = out
                    .browsers
                    .entry(seen.n)
                    .or_insert_with(|| v.browsers.clone().unwrap_or_default());
                entry.set(p.engine, Some(seen.engine.clone()));
            }
        }
        out.drifts.sort();
        out.model_gaps.sort();
        out
    }

    fn summary(&self, passes: &[Pass], pages: usize, wall: Duration) -> Vec<String> {
        let mut lines = vec![format!(
            "conformance recorder: {pages} page requests per engine, wall {:.1} s",
            wall.as_secs_f64()
        )];
        for p in passes {
            let status = match &p.result {
                Ok(seen) => format!("{} verdicts", seen.len()),
                Err(e) => format!("failed: {e}"),
            };
            let t = &p.timing;
            lines.push(format!(
                "  {}: {status} in {:.1} s: started in {:.1} s, pages opened in {:.1} s, \
                 requests made in {:.1} s, judged in {:.1} s",
                p.engine,
                p.took.as_secs_f64(),
                p.launched.as_secs_f64(),
                t.open.as_secs_f64(),
                t.fetch.as_secs_f64(),
                t.judge.as_secs_f64()
            ));
        }
        lines.push(format!(
            "drifts from the recorded verdicts: {}",
            self.drifts.len()
        ));
        lines.extend(self.drifts.iter().map(|d| format!("  {d}")));
        lines.push(format!(
            "where the browser model differs from the engine: {}",
            self.model_gaps.len()
        ));
        lines.extend(self.model_gaps.iter().map(|d| format!("  {d}")));
        lines
    }

    /// Writes the verdicts into the vector files (numbered across files in
    /// order, as `all` was).
    fn write(&self, files: &[(PathBuf, Vec<Vector>)]) -> Result<(), String> {
        let mut first = 0;
        for (path, vectors) in files {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let new = vectors::rewrite(&text, |i| self.browsers.get(&(first + i)).cloned())?;
            if new != text {
                std::fs::write(path, new).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            first += vectors.len();
        }
        Ok(())
    }
}
