//! Peak memory of the browsers during the run: a sampler thread sums the
//! proportional set size (PSS, so shared pages count once) of every process
//! descended from this test, by engine (from the name of the outermost
//! ancestor below this test that is a browser: chromium, firefox,
//! MiniBrowser or Xvfb; the guarding `sh` above them does not count).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::engine::Engine;

/// Peak PSS in KiB: per engine, and of all browser processes together.
#[derive(Debug, Default, Clone)]
pub struct Peaks {
    pub by_engine: HashMap<Engine, u64>,
    pub total: u64,
    pub samples: usize,
}

/// A running sampler.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Peaks>>,
}

fn stat(pid: u32) -> Option<(u32, String)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (name, rest) = text.split_once(" (")?.1.rsplit_once(") ")?;
    let ppid = rest.split_whitespace().nth(1)?.parse().ok()?;
    Some((ppid, name.to_owned()))
}

fn pss_kib(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with("Pss:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

fn engine_of(name: &str) -> Option<Engine> {
    match name {
        n if n.starts_with("chrom") => Some(Engine::Chromium),
        n if n.starts_with("firefox") => Some(Engine::Firefox),
        n if n.starts_with("MiniBrowser") || n.starts_with("Xvfb") => Some(Engine::WebKit),
        _ => None,
    }
}

/// One sample: PSS per engine.
fn sample(me: u32) -> HashMap<Engine, u64> {
    let mut procs: HashMap<u32, (u32, String)> = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        if let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) {
            if let Some(s) = stat(pid) {
                procs.insert(pid, s);
            }
        }
    }
    let mut by_engine = HashMap::new();
    for &pid in procs.keys() {
        // Walk up to this test, keeping the outermost browser on the way.
        let (mut at, mut engine, mut hops) = (pid, None, 0);
        while let Some((ppid, name)) = procs.get(&at) {
            engine = engine_of(name).or(engine);
            if *ppid == me || hops > 64 {
                break;
            }
            at = *ppid;
            hops += 1;
        }
        let ours = procs.get(&at).is_some_and(|(ppid, _)| *ppid == me);
        if let (true, Some(engine)) = (ours, engine) {
            *by_engine.entry(engine).or_insert(0) += pss_kib(pid);
        }
    }
    by_engine
}

impl Sampler {
    /// Samples every `every` until stopped.
    pub fn start(every: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let me = std::process::id();
            let mut peaks = Peaks::default();
            while !flag.load(Ordering::SeqCst) {
                let now = sample(me);
                for (e, kib) in &now {
                    let peak = peaks.by_engine.entry(*e).or_insert(0);
                    *peak = (*peak).max(*kib);
                }
                peaks.total = peaks.total.max(now.values().sum());
                peaks.samples += 1;
                // A sampling period, not a wait for an event.
                std::thread::sleep(every);
            }
            peaks
        });
        Self {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops and returns the peaks.
    pub fn finish(mut self) -> Peaks {
        self.stop.store(true, Ordering::SeqCst);
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default()
    }
}
