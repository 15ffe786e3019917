//! One MiniBrowser process: its log, the memory of what it started, and
//! its end (dropping it kills its whole process group).

use std::path::PathBuf;
use std::process::Child;

use crate::process::kill_group;

/// A MiniBrowser process; dropping it kills it and what it started.
pub(super) struct MiniBrowser {
    pub(super) child: Child,
    pub(super) log: PathBuf,
}

impl MiniBrowser {
    /// The last lines the process wrote to stderr.
    pub(super) fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines = text.lines().collect::<Vec<_>>();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// The memory this process and what it started (its web and network
    /// processes) use: the sum of their proportional set sizes, in KiB.
    pub(super) fn memory_kib(&self) -> u64 {
        let pss = |pid: u32| -> Option<u64> {
            let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
            let line = text.lines().find(|l| l.starts_with("Pss:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        };
        group_members(self.child.id())
            .into_iter()
            .filter_map(pss)
            .sum()
    }
}

impl Drop for MiniBrowser {
    fn drop(&mut self) {
        kill_group(&mut self.child);
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The processes in process group `group`.
fn group_members(group: u32) -> Vec<u32> {
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    procs
        .flatten()
        .filter_map(|d| d.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // After the parenthesised name: state, ppid, pgrp.
            let pgrp = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(2)?.parse::<u32>().ok());
            pgrp == Some(group)
        })
        .collect()
}
