//! Prints the table of `cargo bench --bench cors` as Markdown: the median of
//! each case for tower-cors and tower-http, their ratio, the overhead over
//! the floors, and whether each of the project's performance targets is met
//! (docs/performance.md), with the machine it ran on.
//!
//! ```text
//! cargo bench --bench cors
//! cargo run --release -p tower-cors-tools --bin bench_table          # reads <target dir>/criterion
//! cargo run --release -p tower-cors-tools --bin bench_table -- DIR   # or another criterion dir
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Medians in nanoseconds, by `group/function`.
type Medians = BTreeMap<String, f64>;

fn main() -> ExitCode {
    let dir = match std::env::args().nth(1) {
        Some(dir) => PathBuf::from(dir),
        None => match default_dir() {
            Ok(dir) => dir,
            Err(e) => {
                eprintln!("cannot find criterion's results: {e}; name the folder as an argument");
                return ExitCode::FAILURE;
            }
        },
    };
    let medians = match read_medians(&dir) {
        Ok(m) if !m.is_empty() => m,
        Ok(_) => {
            eprintln!(
                "no criterion results under {}: run `cargo bench --bench cors` first",
                dir.display()
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot read {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    print!("{}", render(&medians));
    ExitCode::SUCCESS
}

/// `criterion/` in the workspace's target directory (this package is tools/
/// of the workspace), as `cargo metadata` names it: `target/`, or wherever
/// `CARGO_TARGET_DIR` or a cargo config's `build.target-dir` puts it.
fn default_dir() -> Result<PathBuf, String> {
    // `cargo run` sets CARGO to the cargo that runs this.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let output = std::process::Command::new(&cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .map_err(|e| format!("cannot run `cargo metadata`: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo metadata --manifest-path {}` failed: {}",
            manifest.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("`cargo metadata` printed no JSON: {e}"))?;
    let target = json["target_directory"]
        .as_str()
        .ok_or("`cargo metadata` names no target_directory")?;
    Ok(Path::new(target).join("criterion"))
}

/// Reads `<group>/<function>/new/estimates.json` for every benchmark.
fn read_medians(dir: &Path) -> std::io::Result<Medians> {
    let mut out = Medians::new();
    for group in std::fs::read_dir(dir)? {
        let group = group?;
        if !group.file_type()?.is_dir() || group.file_name() == "report" {
            continue;
        }
        for function in std::fs::read_dir(group.path())? {
            let function = function?;
            let file = function.path().join("new").join("estimates.json");
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let json: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            if let Some(ns) = json["median"]["point_estimate"].as_f64() {
                let key = format!(
                    "{}/{}",
                    group.file_name().to_string_lossy(),
                    function.file_name().to_string_lossy()
                );
                out.insert(key, ns);
            }
        }
    }
    Ok(out)
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU", |(_, m)| m.trim());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{model}, {cores} cores, {} {}, Linux {}",
        std::env::consts::OS,
        std::env::consts::ARCH,
        kernel.trim()
    )
}

/// One row: a case, both medians, and what to compare them with.
struct Row {
    case: &'static str,
    group: &'static str,
    /// The ratio the target is about, its bound, and how it is formed.
    target: Option<Target>,
}

enum Target {
    /// ours / tower-http <= bound
    VsTowerHttp(f64),
    /// ours / another of our cases <= bound
    VsCase(&'static str, f64),
    /// (ours - floor) / (tower-http - floor) <= bound
    OverheadVsTowerHttp(&'static str, f64),
}

const ROWS: &[Row] = &[
    Row {
        case: "1. allowed preflight",
        group: "1_preflight_allowed",
        target: Some(Target::VsTowerHttp(0.75)),
    },
    Row {
        case: "2. preflight, disallowed origin",
        group: "2_preflight_refused_origin",
        target: Some(Target::VsTowerHttp(0.4)),
    },
    Row {
        case: "3. actual GET, allowed origin",
        group: "3_actual_allowed",
        target: Some(Target::OverheadVsTowerHttp(
            "8_floor_actual/bare_inner",
            0.5,
        )),
    },
    Row {
        case: "4. GET without Origin",
        group: "4_actual_no_origin",
        target: None,
    },
    Row {
        case: "5. allowed preflight, 1,000 origins",
        group: "5_preflight_1000_origins",
        target: Some(Target::VsCase("1_preflight_allowed/tower_cors", 1.2)),
    },
    Row {
        case: "5. allowed preflight, 10,000 origins",
        group: "5_preflight_10000_origins",
        target: Some(Target::VsCase("1_preflight_allowed/tower_cors", 1.2)),
    },
    Row {
        case: "6. preflight, `*.example.com` pattern",
        group: "6_preflight_pattern",
        target: None,
    },
    Row {
        case: "7. hostile: 1 MiB of `a,`",
        group: "7_hostile_1mib_a_comma",
        target: Some(Target::VsCase("2_preflight_refused_origin/tower_cors", 2.0)),
    },
    Row {
        case: "7. hostile: 1 MiB of `, `",
        group: "7_hostile_1mib_commas_spaces",
        target: Some(Target::VsCase("2_preflight_refused_origin/tower_cors", 2.0)),
    },
    Row {
        case: "7. hostile: 1,000 ACRH lines",
        group: "7_hostile_1000_lines",
        target: Some(Target::VsCase("2_preflight_refused_origin/tower_cors", 2.0)),
    },
    Row {
        case: "12. preflight, disallowed origin, narrow policy",
        group: "12_preflight_refused_narrow",
        target: Some(Target::VsTowerHttp(0.4)),
    },
];

fn ns(v: Option<f64>) -> String {
    match v {
        Some(v) if v >= 10_000.0 => format!("{:.1} µs", v / 1000.0),
        Some(v) => format!("{v:.0} ns"),
        None => "–".to_owned(),
    }
}

fn ratio(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}"))
}

fn render(m: &Medians) -> String {
    let get = |key: &str| m.get(key).copied();
    let mut s = String::new();
    let _ = writeln!(s, "Machine: {}\n", machine());
    let _ = writeln!(
        s,
        "| case | tower-cors | tower-http | ours / tower-http | target | met |"
    );
    let _ = writeln!(s, "| --- | ---: | ---: | ---: | --- | --- |");
    for row in ROWS {
        let ours = get(&format!("{}/tower_cors", row.group));
        let theirs = get(&format!("{}/tower_http", row.group));
        let vs = ours.zip(theirs).map(|(a, b)| a / b);
        let (target, value) = match row.target {
            None => ("–".to_owned(), None),
            Some(Target::VsTowerHttp(bound)) => (
                format!("ours / tower-http ≤ {bound}"),
                vs.map(|v| (v, bound)),
            ),
            Some(Target::VsCase(base, bound)) => {
                let base_case = base.split('_').next().unwrap_or(base);
                let v = ours.zip(get(base)).map(|(a, b)| a / b);
                (
                    format!("≤ {bound} × case {base_case} (= {})", ratio(v)),
                    v.map(|v| (v, bound)),
                )
            }
            Some(Target::OverheadVsTowerHttp(floor, bound)) => {
                let v = ours
                    .zip(theirs)
                    .zip(get(floor))
                    .map(|((a, b), f)| (a - f) / (b - f));
                (
                    format!(
                        "overhead over bare inner ≤ {bound} × tower-http's (= {})",
                        ratio(v)
                    ),
                    v.map(|v| (v, bound)),
                )
            }
        };
        let met = value.map_or("", |(v, bound)| if v <= bound { "yes" } else { "**no**" });
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {target} | {met} |",
            row.case,
            ns(ours),
            ns(theirs),
            ratio(vs)
        );
    }

    let clone_floor = get("9_floor_preflight/floor_clone");
    let insert_floor = get("9_floor_preflight/floor_insert");
    let bare = get("8_floor_actual/bare_inner");
    let preflight = get("1_preflight_allowed/tower_cors");
    let _ = writeln!(s, "\nFloors and overheads:\n");
    let _ = writeln!(s, "| measure | median | ratio |");
    let _ = writeln!(s, "| --- | ---: | --- |");
    let _ = writeln!(s, "| 8. bare inner service (actual GET) | {} | |", ns(bare));
    let _ = writeln!(
        s,
        "| 9. preflight floor, fresh map, each header inserted | {} | |",
        ns(insert_floor)
    );
    let _ = writeln!(
        s,
        "| 9. preflight floor, prebuilt map cloned, Origin inserted | {} | |",
        ns(clone_floor)
    );
    let v = preflight.zip(clone_floor).map(|(a, b)| a / b);
    let met = v.map_or("", |v| if v <= 1.15 { "yes" } else { "**no**" });
    let _ = writeln!(
        s,
        "| allowed preflight / cloned-map floor (target ≤ 1.15) | | {} {met} |",
        ratio(v)
    );
    let v = preflight.zip(insert_floor).map(|(a, b)| a / b);
    let _ = writeln!(
        s,
        "| allowed preflight / fresh-map floor | | {} |",
        ratio(v)
    );
    for (what, group) in [
        ("actual GET", "3_actual_allowed"),
        ("GET without Origin", "4_actual_no_origin"),
    ] {
        let ours = get(&format!("{group}/tower_cors"));
        let theirs = get(&format!("{group}/tower_http"));
        let over = |v: Option<f64>| v.zip(bare).map(|(a, f)| a - f);
        let _ = writeln!(
            s,
            "| {what}: overhead over bare inner, tower-cors / tower-http | {} / {} | {} |",
            ns(over(ours)),
            ns(over(theirs)),
            ratio(over(ours).zip(over(theirs)).map(|(a, b)| a / b))
        );
    }
    let refused = "2_preflight_refused_origin";
    let over_refuse = |group: &str| {
        get(&format!("{group}/tower_cors"))
            .zip(get(&format!("{group}/floor_refuse")))
            .map(|(a, f)| a - f)
    };
    for group in [
        "7_hostile_1mib_a_comma",
        "7_hostile_1mib_commas_spaces",
        "7_hostile_1000_lines",
    ] {
        let v = over_refuse(group)
            .zip(over_refuse(refused))
            .map(|(a, b)| a / b);
        let _ = writeln!(
            s,
            "| {group}: tower-cors over a bare 403 (dropping the request) / the same for case 2 | {} / {} | {} |",
            ns(over_refuse(group)),
            ns(over_refuse(refused)),
            ratio(v)
        );
    }
    for group in ["1_preflight_allowed", "3_actual_allowed"] {
        let a = get(&format!("{group}/tower_cors_reloadable"));
        let b = get(&format!("{group}/tower_cors"));
        let _ = writeln!(
            s,
            "| {group}: ReloadableCorsLayer / CorsLayer | {} / {} | {} |",
            ns(a),
            ns(b),
            ratio(a.zip(b).map(|(a, b)| a / b))
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{Target, ROWS};

    /// The bench's cases, one list: tools/bench-cases.txt (the bench
    /// itself refuses a name it does not define).
    const CASES: &str = include_str!("../../bench-cases.txt");

    fn listed(case: &str) -> bool {
        CASES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_whitespace().next())
            .any(|c| c == case)
    }

    #[test]
    fn every_case_the_table_reads_is_in_the_one_list() {
        for row in ROWS {
            for function in ["tower_cors", "tower_http"] {
                let case = format!("{}/{function}", row.group);
                assert!(listed(&case), "{case} is not in tools/bench-cases.txt");
            }
            let other = match row.target {
                Some(Target::VsCase(case, _)) | Some(Target::OverheadVsTowerHttp(case, _)) => {
                    Some(case)
                }
                _ => None,
            };
            if let Some(case) = other {
                assert!(listed(case), "{case} is not in tools/bench-cases.txt");
            }
        }
    }
}
