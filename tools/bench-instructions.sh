#!/usr/bin/env bash
# Instructions per request for every case of benches/cors.rs, counted by
# valgrind's callgrind inside the bench's `drive` function only (one
# poll_ready + call + poll, request drop included, request building and
# response drop excluded, as in the timed part of the criterion bench).
#
# Unlike times, these counts do not depend on what else the machine is doing,
# so they back the criterion medians on a shared or noisy machine. They do
# not see cache misses or branch mispredictions.
#
#   tools/bench-instructions.sh            # every case of tools/bench-cases.txt, 2,000 requests each
#   ITERS=500 tools/bench-instructions.sh 1_preflight_allowed/tower_cors
set -euo pipefail
cd "$(dirname "$0")/.."

ITERS="${ITERS:-2000}"
command -v valgrind >/dev/null || { echo "valgrind not found: apt-get install -y valgrind" >&2; exit 1; }

bin="$(cargo bench --bench cors --no-run --message-format=json 2>/dev/null \
  | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)"
[ -x "$bin" ] || {
  echo "cannot find the cors bench binary: looked for the \"executable\" that" \
    "\`cargo bench --bench cors --no-run --message-format=json\` reports, and got '${bin}'" >&2
  exit 1
}

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  # One list of the cases, shared with the other bench scripts.
  mapfile -t cases < <(awk '!/^#/ && NF {print $1}' tools/bench-cases.txt)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "| case | instructions / request |"
echo "| --- | ---: |"
for case in "${cases[@]}"; do
  out="$work/callgrind.out"
  CORS_BENCH_CASE="$case" CORS_BENCH_ITERS="$ITERS" timeout 600 \
    valgrind --tool=callgrind --toggle-collect='cors::drive*' --callgrind-out-file="$out" \
    "$bin" >/dev/null 2>"$work/valgrind.log" || { cat "$work/valgrind.log" >&2; exit 1; }
  total="$(awk '/^summary:/ {print $2}' "$out")"
  [ -n "$total" ] && [ "$total" -gt 0 ] || { echo "no instructions counted for $case" >&2; exit 1; }
  echo "| $case | $(( total / ITERS )) |"
done
