//! The library's modules import one way, so that the decision core can be
//! read, tested and benchmarked without the Tower plumbing above it:
//! `fetch`, `origin`, `request_headers` → `policy` → `decision` → `layer`,
//! `reload`, `diagnostics`, and the browser model beside them on the shared
//! low-level modules only. Read from the sources, so that a new `use` that
//! runs back up fails here rather than in review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each module's level: a module may import modules of a lower level, and
/// modules of its own level as long as no cycle forms.
const LEVELS: &[(&str, u8)] = &[
    ("setting", 0),
    ("error", 0),
    ("fetch", 0),
    ("url", 0),
    ("vary", 0),
    ("origin", 1),
    ("request_headers", 1),
    ("policy", 2),
    ("config", 3),
    ("decision", 3),
    ("layer", 4),
    ("reload", 4),
    ("diagnostics", 4),
    ("browser", 4),
];

/// What the client side may use: the Fetch tables and URL reading it shares
/// with the server side, nothing of the server side itself.
const BROWSER_MAY_USE: &[&str] = &["fetch", "url"];

fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Unit tests (a module's `tests.rs` and what it includes) may use any
/// module to judge theirs: the browser model's tests check that it agrees
/// with the server side. `path` is relative to `src/`.
fn is_unit_test(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "tests") || path.ends_with("tests.rs")
}

/// The top-level module a source file belongs to (`src/policy/render.rs`
/// is `policy`); `None` outside the library's modules.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    // `lib.rs` only re-exports; `bin/` holds programs, not the library.
    (name != "lib" && name != "bin").then(|| name.to_owned())
}

/// The modules a file names as `crate::module`, outside comments.
fn imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            // `crate::CorsPolicy` and the like are the root's re-exports.
            let whole = !rest[name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric());
            if !name.is_empty() && whole {
                found.insert(name);
            }
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let Some(module) = module_of(&src, &file) else {
            continue;
        };
        if file.strip_prefix(&src).is_ok_and(is_unit_test) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a source file is readable");
        let deps = graph.entry(module.clone()).or_default();
        deps.extend(imports(&text).into_iter().filter(|d| *d != module));
    }
    graph
}

fn level(module: &str) -> u8 {
    LEVELS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(_, level)| *level)
        .unwrap_or_else(|| panic!("module `{module}` has no level: add it to LEVELS"))
}

#[test]
fn no_module_imports_one_above_it() {
    let mut upward = Vec::new();
    for (module, deps) in graph() {
        for dep in deps {
            if level(&dep) > level(&module) {
                upward.push(format!("{module} -> {dep}"));
            }
        }
    }
    assert!(upward.is_empty(), "imports running back up: {upward:?}");
}

#[test]
fn no_import_cycle() {
    let graph = graph();
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for dep in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(dep, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        if let Some(cycle) = visit(module, &graph, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn the_browser_model_uses_only_the_shared_modules() {
    let graph = graph();
    let used = graph.get("browser").cloned().unwrap_or_default();
    let other: Vec<_> = used
        .iter()
        .filter(|m| !BROWSER_MAY_USE.contains(&m.as_str()))
        .collect();
    assert!(other.is_empty(), "browser uses {other:?}");
}

#[test]
fn the_reader_sees_real_imports() {
    let found = imports(
        "use crate::policy::{Inner, Origins};\n// crate::layer in a comment\nuse crate::fetch;\n\
         let x = crate::CorsPolicy::builder();",
    );
    assert_eq!(found, BTreeSet::from(["fetch".into(), "policy".into()]));
    let graph = graph();
    assert!(graph["decision"].contains("policy"), "{graph:?}");
    assert!(graph["layer"].contains("decision"), "{graph:?}");
}
