//! Which engines a browser test runs in, and one thread per engine.

use std::io::Write as _;

use crate::engine::Engine;

/// The engines `BROWSERS` selects (`BROWSERS=firefox,webkit`; all by
/// default) that are installed. In CI a missing engine fails the test;
/// elsewhere `test` says which were skipped, so that nobody reads a pass
/// as covering them.
pub fn selected(test: &str) -> Vec<Engine> {
    let chosen = std::env::var("BROWSERS").ok();
    let selected = Engine::ALL.into_iter().filter(|e| {
        chosen
            .as_deref()
            .is_none_or(|list| list.split(',').any(|n| n.trim() == e.tag()))
    });
    let (present, missing): (Vec<Engine>, Vec<Engine>) =
        selected.partition(|e| crate::installed(*e));
    if !missing.is_empty() {
        let names: Vec<String> = missing
            .iter()
            .map(|e| {
                format!(
                    "{e} (apt-get install -y --no-install-recommends {})",
                    e.packages()
                )
            })
            .collect();
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs every engine; missing: {}",
            names.join(", ")
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED in {test}: {}; nothing was checked in {}",
            names.join(", "),
            if missing.len() == 1 {
                "that engine"
            } else {
                "those engines"
            }
        );
    }
    present
}

/// `run` for each engine, each in a thread of its own, all at once; an
/// engine whose thread panicked gets `panicked(engine)`. In `engines`'
/// order.
pub fn on_each<T: Send>(
    engines: &[Engine],
    run: impl Fn(Engine) -> T + Sync,
    panicked: impl Fn(Engine) -> T,
) -> Vec<T> {
    std::thread::scope(|s| {
        let running: Vec<_> = engines
            .iter()
            .map(|&e| {
                let run = &run;
                s.spawn(move || run(e))
            })
            .collect();
        running
            .into_iter()
            .zip(engines)
            .map(|(h, &e)| h.join().unwrap_or_else(|_| panicked(e)))
            .collect()
    })
}
