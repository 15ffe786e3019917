//! Reading `conformance/vectors/`: every `*.json` file in name order,
//! parsed by the schema's types ([`super::vector`]), then checked for what
//! the types cannot say (the schema version, unique well-formed ids,
//! `browsers` only with `page`, requests that can be sent). Any error is
//! a usage error naming the file and the vector.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use http::{HeaderName, HeaderValue, Method};

use super::vector::{Readable, Vector, VectorFile, VectorRequest, SCHEMA};

/// The vectors of a directory, in file then vector order, each with the
/// name of its file.
#[derive(Debug)]
pub struct Suite {
    /// The directory read.
    pub dir: PathBuf,
    /// Every vector, with its file's name.
    pub vectors: Vec<(String, Vector)>,
}

/// `conformance/vectors` in the current directory or the nearest parent
/// that has one.
pub fn default_dir() -> Result<PathBuf, String> {
    let here =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    here.ancestors()
        .map(|d| d.join("conformance").join("vectors"))
        .find(|d| d.is_dir())
        .ok_or_else(|| {
            format!(
                "no conformance/vectors directory in {} or above it: give one with --vectors DIR",
                here.display()
            )
        })
}

/// Reads and checks every vector file of `dir`.
pub fn suite(dir: &Path) -> Result<Suite, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the vectors directory {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no *.json vector file", dir.display()));
    }
    let mut vectors = Vec::new();
    let mut ids = HashSet::new();
    for path in &files {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        for vector in file(path)? {
            check(&vector).map_err(|e| format!("{name}: vector '{}': {e}", vector.id))?;
            if !ids.insert(vector.id.clone()) {
                return Err(format!(
                    "{name}: the id '{}' is used twice; ids are unique across all files",
                    vector.id
                ));
            }
            vectors.push((name.clone(), vector));
        }
    }
    Ok(Suite {
        dir: dir.to_owned(),
        vectors,
    })
}

/// One file, parsed; the error names it, and the line and column.
fn file(path: &Path) -> Result<Vec<Vector>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let parsed: VectorFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not a vector file of schema {SCHEMA} (see conformance/README.md): {e}",
            path.display()
        )
    })?;
    if parsed.schema != SCHEMA {
        return Err(format!(
            "{}: schema {} is not one this cors-check reads (it reads schema {SCHEMA})",
            path.display(),
            parsed.schema
        ));
    }
    Ok(parsed.vectors)
}

/// What the types cannot check.
fn check(v: &Vector) -> Result<(), String> {
    let well_formed = !v.id.is_empty()
        && v.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !well_formed {
        return Err("the id must be lower-case letters, digits and '-'".into());
    }
    if v.requests.is_empty() && v.page.is_none() {
        return Err("it has neither requests nor a page: it checks nothing".into());
    }
    for (i, request) in v.requests.iter().enumerate() {
        check_request(request).map_err(|e| format!("request {}: {e}", i + 1))?;
    }
    // A page not recorded yet has no `browsers`: it is not judged.
    if v.page.is_none() && v.browsers.is_some() {
        return Err("it has browsers verdicts but no page".into());
    }
    if let Some(page) = &v.page {
        if !page.path.starts_with('/') {
            return Err(format!("the page's path '{}' must start with /", page.path));
        }
    }
    if let Some(b) = &v.browsers {
        for (engine, verdict) in b.each() {
            let engine = engine.name();
            match (verdict.verdict, &verdict.reason) {
                (Readable::Readable, Some(_)) => {
                    return Err(format!("{engine}: a readable verdict has no reason"))
                }
                (Readable::Blocked, None) => {
                    return Err(format!("{engine}: a blocked verdict needs its reason"))
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Whether the request can be sent as written.
fn check_request(r: &VectorRequest) -> Result<(), String> {
    Method::from_bytes(r.method.as_bytes())
        .map_err(|_| format!("'{}' is not a method token", r.method))?;
    if !r.path.starts_with('/') || r.path.parse::<http::uri::PathAndQuery>().is_err() {
        return Err(format!("'{}' is not a path starting with /", r.path));
    }
    for (name, value) in &r.headers {
        HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("'{name}' is not a header name"))?;
        HeaderValue::from_bytes(value.as_bytes()).map_err(|_| {
            format!("the value of {name} has a byte HTTP forbids (a control character)")
        })?;
    }
    if let Some(status) = &r.expect.status {
        for s in status {
            let class = matches!(s.as_str(), "1xx" | "2xx" | "3xx" | "4xx" | "5xx");
            let code = s.len() == 3 && s.parse::<u16>().is_ok_and(|c| (100..600).contains(&c));
            if !class && !code {
                return Err(format!(
                    "expect.status '{s}': give 2xx, 3xx, 4xx, 5xx or a code such as 403"
                ));
            }
        }
    }
    Ok(())
}
