//! The conformance vectors (`conformance/vectors/*.json`, the shapes of
//! `conformance/README.md`), as far as the recorder reads them: each
//! vector's id, policy, page request and recorded engine verdicts. Other
//! fields are left to the runner.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::case::ByEngine;
use crate::engine::Engine;
use tower_cors_conformance_adapter::Neutral;

/// One vector file.
#[derive(Debug, Deserialize)]
pub struct VectorFile {
    /// The schema's version.
    pub schema: u32,
    /// Its vectors, in file order.
    pub vectors: Vec<Vector>,
}

/// What the recorder reads of one vector.
#[derive(Debug, Clone, Deserialize)]
pub struct Vector {
    /// Unique across all files.
    pub id: String,
    /// The server's policy, in the neutral form, read as tower-cors's
    /// conformance adapter reads it.
    pub policy: Neutral,
    /// The page request the vector stands for, if any.
    pub page: Option<Page>,
    /// The engines' recorded verdicts.
    pub browsers: Option<Browsers>,
}

/// The page request a vector stands for.
#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    /// The page's origin, or `null` (an opaque origin).
    pub origin: String,
    /// As the script writes it (`patch` stays `patch`).
    pub method: String,
    /// Path and query on the server.
    pub path: String,
    /// Author headers, in order.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// `omit`, `include` or `same-origin`.
    #[serde(default = "omit")]
    pub credentials: String,
}

fn omit() -> String {
    "omit".into()
}

/// What one engine made of a vector's page request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// `readable` or `blocked`.
    pub verdict: String,
    /// For `blocked`: the failed check the engine reported first, named by
    /// `tower_cors::browser::CorsError::as_str()` (`network`: never sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Verdict {
    /// The page read the body.
    pub fn readable() -> Self {
        Self {
            verdict: "readable".into(),
            reason: None,
        }
    }

    /// The engine blocked the request for `reason`.
    pub fn blocked(reason: impl Into<String>) -> Self {
        Self {
            verdict: "blocked".into(),
            reason: Some(reason.into()),
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            Some(r) => write!(f, "{} ({r})", self.verdict),
            None => f.write_str(&self.verdict),
        }
    }
}

/// Each engine's verdict (an engine not recorded yet is absent).
pub type Browsers = ByEngine<Option<Verdict>>;

impl Browsers {
    /// The JSON text of the `browsers` field, one engine a line, its
    /// lines after the first indented by `indent` (the key's own).
    pub fn to_json(&self, indent: &str) -> String {
        let lines: Vec<String> = Engine::ALL
            .iter()
            .filter_map(|&e| {
                let v = self.get(e).as_ref()?;
                let reason = v
                    .reason
                    .as_deref()
                    .map(|r| format!(", \"reason\": {}", json_string(r)));
                Some(format!(
                    "{indent}  \"{}\": {{\"verdict\": {}{}}}",
                    e.tag(),
                    json_string(&v.verdict),
                    reason.unwrap_or_default()
                ))
            })
            .collect();
        format!("{{\n{}\n{indent}}}", lines.join(",\n"))
    }
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Where the vectors are: `CONFORMANCE_VECTORS` (a folder), or the
/// repository's `conformance/vectors`.
pub fn folder() -> PathBuf {
    std::env::var_os("CONFORMANCE_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/vectors"))
}

/// Every `*.json` file in `dir` with its vectors, sorted by file name.
pub fn load(dir: &Path) -> Result<Vec<(PathBuf, Vec<Vector>)>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in paths {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: VectorFile =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if file.schema != 1 {
            return Err(format!(
                "{}: schema {}, the recorder reads 1",
                path.display(),
                file.schema
            ));
        }
        for v in &file.vectors {
            if let Some(first) = seen.insert(v.id.clone(), path.clone()) {
                return Err(format!(
                    "vector {} is in {} and {}",
                    v.id,
                    first.display(),
                    path.display()
                ));
            }
        }
        files.push((path, file.vectors));
    }
    Ok(files)
}

/// Where one vector's `page` and `browsers` values are in its file's text.
#[derive(Deserialize)]
struct Spans<'a> {
    #[serde(borrow)]
    page: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow)]
    browsers: Option<&'a serde_json::value::RawValue>,
}

#[derive(Deserialize)]
struct RawFile<'a> {
    #[serde(borrow)]
    vectors: Vec<&'a serde_json::value::RawValue>,
}

/// `text` (a vector file) with the `browsers` field of each vector that has
/// a page replaced by (or, where absent, inserted after `page` as)
/// `browsers(index)`. Every other byte stays as it was.
pub fn rewrite(text: &str, browsers: impl Fn(usize) -> Option<Browsers>) -> Result<String, String> {
    let file: RawFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let offset =
        |raw: &serde_json::value::RawValue| raw.get().as_ptr() as usize - text.as_ptr() as usize;
    // (start, end, replacement), applied from the end.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (i, raw) in file.vectors.iter().enumerate() {
        let spans: Spans = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        let (Some(page), Some(b)) = (spans.page, browsers(i)) else {
            continue;
        };
        let at = offset(page);
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let indent: String = text[line_start..]
            .chars()
            .take_while(|c| *c == ' ')
            .collect();
        let json = b.to_json(&indent);
        match spans.browsers {
            Some(old) => {
                let start = offset(old);
                edits.push((start, start + old.get().len(), json));
            }
            None => {
                let end = at + page.get().len();
                edits.push((end, end, format!(",\n{indent}\"browsers\": {json}")));
            }
        }
    }
    let mut out = text.to_owned();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (start, end, with) in edits {
        out.replace_range(start..end, &with);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{
  "schema": 1,
  "vectors": [
    {
      "id": "a",
      "policy": {"origins": ["https://app.example"], "methods": ["GET"], "headers": []},
      "page": {"origin": "https://app.example", "method": "GET", "path": "/x"},
      "note": "kept"
    },
    {
      "id": "b",
      "policy": {"origins": ["*"], "methods": ["GET"], "headers": []},
      "page": {"origin": "null", "method": "GET", "path": "/y"},
      "browsers": {"chromium": {"verdict": "readable"}}
    },
    {"id": "c", "policy": {"origins": ["*"], "methods": [], "headers": []}}
  ]
}
"#;

    #[test]
    fn rewriting_touches_only_the_browsers_fields() {
        let blocked = Verdict::blocked("MissingAllowOriginHeader");
        let out = rewrite(FILE, |i| {
            let mut b = Browsers::default();
            for e in Engine::ALL {
                b.set(
                    e,
                    Some(if i == 0 {
                        blocked.clone()
                    } else {
                        Verdict::readable()
                    }),
                );
            }
            Some(b)
        })
        .expect("the file is JSON");
        let a = r#"      "page": {"origin": "https://app.example", "method": "GET", "path": "/x"},
      "browsers": {
        "chromium": {"verdict": "blocked", "reason": "MissingAllowOriginHeader"},
        "firefox": {"verdict": "blocked", "reason": "MissingAllowOriginHeader"},
        "webkit": {"verdict": "blocked", "reason": "MissingAllowOriginHeader"}
      },
      "note": "kept""#;
        assert!(out.contains(a), "{out}");
        let b = r#"      "browsers": {
        "chromium": {"verdict": "readable"},
        "firefox": {"verdict": "readable"},
        "webkit": {"verdict": "readable"}
      }
    },"#;
        assert!(out.contains(b), "{out}");
        // Everything else as it was; the result reads back with the verdicts.
        assert!(out.ends_with(&FILE[FILE.find(r#"    {"id": "c""#).unwrap()..]));
        let read: VectorFile = serde_json::from_str(&out).expect("still JSON");
        let got = read.vectors[0]
            .browsers
            .as_ref()
            .and_then(|b| b.get(Engine::WebKit).as_ref());
        assert_eq!(got, Some(&blocked));
        assert!(read.vectors[2].browsers.is_none(), "no page, no verdicts");
        assert_eq!(rewrite(&out, |_| None).expect("JSON"), out);
    }
}
