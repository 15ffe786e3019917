//! `--json` (one object: the implementation, the counts per kind and
//! every vector's outcome) and `--results FILE` (the cache-tests shape:
//! `id -> "pass" | ["fail", message] | "unsupported"`).

use std::time::{SystemTime, UNIX_EPOCH};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::report::{Counts, Implementation, Judged, Report};
use super::run::Outcome;
use super::vector::{Kind, SCHEMA as SUITE_SCHEMA};
use crate::output::json::SCHEMA;

/// The `--json` object.
#[derive(Debug, Serialize)]
pub struct ReportJson<'a> {
    schema: u64,
    mode: &'static str,
    implementation: &'a Implementation,
    vectors_dir: &'a str,
    verdict: &'static str,
    counts: CountsJson,
    vectors: Vec<VectorJson<'a>>,
}

#[derive(Debug, Serialize)]
struct CountsJson {
    required: Counts,
    security: Counts,
    optional: Counts,
    total: Counts,
}

#[derive(Debug, Serialize)]
struct VectorJson<'a> {
    id: &'a str,
    file: &'a str,
    kind: Kind,
    title: &'a str,
    spec: &'a str,
    note: Option<&'a str>,
    result: &'static str,
    message: Option<&'a str>,
}

/// The report as the `--json` object.
pub fn report(r: &Report) -> ReportJson<'_> {
    ReportJson {
        schema: SCHEMA,
        mode: "conformance",
        implementation: &r.implementation,
        vectors_dir: &r.dir,
        verdict: r.verdict(),
        counts: CountsJson {
            required: r.counts(Some(Kind::Required)),
            security: r.counts(Some(Kind::Security)),
            optional: r.counts(Some(Kind::Optional)),
            total: r.counts(None),
        },
        vectors: r
            .vectors
            .iter()
            .map(|v| VectorJson {
                id: &v.id,
                file: &v.file,
                kind: v.kind,
                title: &v.title,
                spec: &v.spec,
                note: v.note.as_deref(),
                result: v.outcome.as_str(),
                message: v.outcome.message(),
            })
            .collect(),
    }
}

/// The `--results` file.
#[derive(Debug, Serialize)]
pub struct ResultsFile<'a> {
    implementation: &'a Implementation,
    date: String,
    suite: Suite,
    results: Results<'a>,
}

#[derive(Debug, Serialize)]
struct Suite {
    schema: u64,
    vectors: usize,
}

/// The results in the vectors' order.
#[derive(Debug)]
struct Results<'a>(&'a [Judged]);

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for v in self.0 {
            match &v.outcome {
                Outcome::Pass => map.serialize_entry(&v.id, "pass")?,
                Outcome::Fail(m) => map.serialize_entry(&v.id, &("fail", m))?,
                Outcome::Unsupported(_) => map.serialize_entry(&v.id, "unsupported")?,
            }
        }
        map.end()
    }
}

/// The report as the `--results` file, dated today (UTC).
pub fn results(r: &Report) -> ResultsFile<'_> {
    ResultsFile {
        implementation: &r.implementation,
        date: today(),
        suite: Suite {
            schema: SUITE_SCHEMA,
            vectors: r.vectors.len(),
        },
        results: Results(&r.vectors),
    }
}

/// Today's date, `YYYY-MM-DD`, in UTC (the civil calendar from days since
/// 1970-01-01, Howard Hinnant's `civil_from_days`).
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days(secs / 86_400);
    format!("{y:04}-{m:02}-{d:02}")
}

fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn dates_are_the_civil_calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(civil_from_days(20_794), (2026, 12, 7));
    }
}
