//! One run's result, as every output presents it: the implementation,
//! each vector's outcome, the counts per kind, and the exit status.

use serde::Serialize;

use super::adapter::About;
use super::run::Outcome;
use super::vector::{Kind, Vector};

/// The implementation run, as the results name it.
#[derive(Debug, Clone, Serialize)]
pub struct Implementation {
    /// Its name (`serve --about`, or `--name`).
    pub name: String,
    /// Its version (`serve --about`, or `--version`).
    pub version: String,
    /// Its language, when the adapter says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The adapter's folder (or command), or the deployment's URL.
    pub adapter: String,
}

impl Implementation {
    /// From `--about` if the adapter answered, else from the options.
    pub fn new(
        about: Option<About>,
        name: Option<&str>,
        version: Option<&str>,
        adapter: String,
    ) -> Self {
        let about = about.unwrap_or_default();
        let pick = |given: Option<&str>, said: String| match given {
            Some(g) => g.to_owned(),
            None if !said.is_empty() => said,
            None => "unknown".to_owned(),
        };
        Self {
            name: pick(name, about.name),
            version: pick(version, about.version),
            language: about.language,
            adapter,
        }
    }
}

/// One vector and its outcome.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The file it is in.
    pub file: String,
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its kind.
    pub kind: Kind,
    /// The step it tests.
    pub spec: String,
    /// Its note, if any.
    pub note: Option<String>,
    /// What it gave.
    pub outcome: Outcome,
}

impl Judged {
    /// `vector` with its outcome.
    pub fn new(file: &str, vector: &Vector, outcome: Outcome) -> Self {
        Self {
            file: file.to_owned(),
            id: vector.id.clone(),
            title: vector.title.clone(),
            kind: vector.kind,
            spec: vector.spec.clone(),
            note: vector.note.clone(),
            outcome,
        }
    }
}

/// Everything one run found.
#[derive(Debug)]
pub struct Report {
    /// What ran.
    pub implementation: Implementation,
    /// The vectors' directory.
    pub dir: String,
    /// Every vector run, in file order.
    pub vectors: Vec<Judged>,
}

/// Passes, failures and unsupported vectors of one kind.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Passed.
    pub pass: usize,
    /// Failed.
    pub fail: usize,
    /// Unsupported.
    pub unsupported: usize,
}

impl Report {
    /// The counts of one kind, or of all (`None`).
    pub fn counts(&self, kind: Option<Kind>) -> Counts {
        let mut c = Counts::default();
        for v in self
            .vectors
            .iter()
            .filter(|v| kind.is_none_or(|k| v.kind == k))
        {
            match v.outcome {
                Outcome::Pass => c.pass += 1,
                Outcome::Fail(_) => c.fail += 1,
                Outcome::Unsupported(_) => c.unsupported += 1,
            }
        }
        c
    }

    /// The failed vectors whose kind fails the run.
    pub fn gating_failures(&self) -> usize {
        self.vectors
            .iter()
            .filter(|v| v.kind.gates() && matches!(v.outcome, Outcome::Fail(_)))
            .count()
    }

    /// `conforms` (every required and security vector passes or is
    /// unsupported) or `fails`.
    pub fn verdict(&self) -> &'static str {
        if self.gating_failures() == 0 {
            "conforms"
        } else {
            "fails"
        }
    }

    /// 0 conforms, 1 fails.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.gating_failures() > 0)
    }
}
