#!/usr/bin/env bash
# Builds every cargo-fuzz target in fuzz/ and runs each for N seconds
# (default 30), then prints executions and findings per target.
#
#   fuzz/run.sh            # 30 s per target, one at a time
#   fuzz/run.sh 600        # the long run (10 minutes per target)
#   FUZZ_PARALLEL=2 fuzz/run.sh 600   # two targets at a time
#   FUZZ_TARGETS="service" fuzz/run.sh 60
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and python3 (to read
# `cargo metadata`); the stable toolchain works through RUSTC_BOOTSTRAP=1.
# The binaries are found where cargo puts them (tools/cargo-paths.sh), so a
# shared CARGO_TARGET_DIR and any host triple work. Corpora stay in fuzz/corpus/<target>, findings in
# fuzz/artifacts/<target> (both git-ignored); inputs that once failed are kept
# in fuzz/regressions/<target> and replayed first. Exit status 1 if anything
# was found.
set -euo pipefail
cd "$(dirname "$0")"

secs="${1:-30}"
parallel="${FUZZ_PARALLEL:-1}"
export RUSTC_BOOTSTRAP=1
targets="${FUZZ_TARGETS:-$(cargo fuzz list)}"

# Built for the host, explicitly: cargo-fuzz's own default is the platform
# cargo-fuzz was compiled for. The binaries land where cargo says, in
# <target directory>/<triple>/release (CARGO_TARGET_DIR is honoured).
# shellcheck source=tools/cargo-paths.sh
. ../tools/cargo-paths.sh
triple="$(host_triple)"
cargo fuzz build --target "$triple" >&2
bin="$(cargo_target_dir)/$triple/release"
for t in $targets; do
  need_executable "$bin/$t" "fuzz target $t (cargo fuzz build --target $triple)"
done
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

run_one() {
  local t="$1"
  mkdir -p "corpus/$t" "artifacts/$t"
  local before
  before=$(find "artifacts/$t" -type f | wc -l)
  # Bounded twice: libFuzzer's own clock, and a hard timeout above it.
  timeout --kill-after=10 $((secs + 60)) "$bin/$t" "corpus/$t" \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" >"$logs/$t.log" 2>&1 || true
  local after runs
  after=$(find "artifacts/$t" -type f | wc -l)
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$logs/$t.log" | grep -Eo '[0-9]+$' | tail -1 || true)
  printf '%-16s %6ss %12s execs  %3s findings  corpus %s\n' \
    "$t" "$secs" "${runs:-?}" "$((after - before))" "$(find "corpus/$t" -type f | wc -l)" \
    >"$logs/$t.summary"
  if [ "$after" -gt "$before" ]; then
    grep -E 'panicked|ERROR|SUMMARY' "$logs/$t.log" | head -5 >>"$logs/$t.summary" || true
  fi
}

# Findings kept as regressions must still pass (each file is run once).
for t in $targets; do
  if [ -d "regressions/$t" ] && [ -n "$(ls -A "regressions/$t")" ]; then
    timeout 120 "$bin/$t" "regressions/$t"/* >"$logs/$t.regressions" 2>&1 ||
      { echo "$t: a kept regression fails again:" >&2; tail -20 "$logs/$t.regressions" >&2; exit 1; }
    echo "$t: $(ls "regressions/$t" | wc -l) kept regression input(s) pass" >&2
  fi
done

for t in $targets; do
  # At most $parallel targets at once (polling: `wait -n` misses jobs that
  # ended together in older bash).
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do sleep 1; done
  run_one "$t" &
done
wait

printf '%-16s %7s %12s        %s\n' target time executions findings
found=0
for t in $targets; do
  cat "$logs/$t.summary"
  if grep -q ' [1-9][0-9]* findings' "$logs/$t.summary"; then found=1; fi
done
exit "$found"
