#!/usr/bin/env bash
# Wall-clock time per request for chosen cases of benches/cors.rs, robust to
# a shared machine: each case runs ITERS requests in batches of 256 (no
# criterion) and keeps its fastest batch, since other processes only ever
# add time; the cases run in turn, ROUNDS times, and the table shows each
# case's best round and its median round. Requests are built and responses
# dropped outside the timed part, as in the criterion bench.
#
#   tools/bench-min-time.sh                       # the `target` cases of tools/bench-cases.txt
#   ROUNDS=9 tools/bench-min-time.sh 1_preflight_allowed/tower_cors 1_preflight_allowed/tower_http
#
# Instruction counts (tools/bench-instructions.sh) stay the tie-breaker.
set -euo pipefail
cd "$(dirname "$0")/.."

ITERS="${ITERS:-200000}"
ROUNDS="${ROUNDS:-5}"

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
  mapfile -t cases < <(awk '!/^#/ && $2 == "target" {print $1}' tools/bench-cases.txt)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for round in $(seq "$ROUNDS"); do
  for case in "${cases[@]}"; do
    line="$(CORS_BENCH_CASE="$case" CORS_BENCH_ITERS="$ITERS" CORS_BENCH_TIMED=1 timeout 300 "$bin" 2>/dev/null)"
    echo "$case $(awk '{print $2}' <<<"$line")" >>"$work/results"
  done
  echo "round $round of $ROUNDS done" >&2
done

echo "| case | best round, ns / request | median round, ns / request |"
echo "| --- | ---: | ---: |"
for case in "${cases[@]}"; do
  awk -v c="$case" '$1 == c {print $2}' "$work/results" | sort -g |
    awk -v c="$case" '{a[NR]=$1} END {printf "| %s | %.1f | %.1f |\n", c, a[1], a[int((NR+1)/2)]}'
done
