#!/usr/bin/env bash
# The server side of the load run, counted in instructions: the app of
# tools/src/bin/load_server.rs runs under valgrind's callgrind; after a warm-up
# the counters are zeroed, wrk sends requests for a few seconds, the counters
# are dumped, and the user-space instructions the whole server (Tokio, hyper,
# axum, the layer) spent are divided by the requests it answered.
#
# Throughput on a shared machine swings by more than the 3% this is about;
# these counts do not. They do not see cache misses or the kernel's work.
#
#   tools/load-instructions.sh
#   SECONDS_PER_RUN=10 tools/load-instructions.sh
#   PROFILES=/tmp/prof tools/load-instructions.sh   # keep each mode's profile,
#       for `callgrind_annotate --inclusive=yes /tmp/prof/actual-tower-cors.out`
#   MODES="noop-layer tower-cors" tools/load-instructions.sh
#
# Needs wrk and valgrind (Debian packages). Loopback only; every child
# process is time-bounded and stopped by its own PID.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_RUN="${SECONDS_PER_RUN:-5}"
PORT="${PORT:-3188}"
read -r -a MODES <<<"${MODES:-none noop-layer floor-headers tower-cors tower-http}"
PROFILES="${PROFILES:-}"
[ -z "$PROFILES" ] || mkdir -p "$PROFILES"
URL="http://127.0.0.1:${PORT}/api/items"
ORIGIN="https://app.example.com"

for tool in wrk valgrind callgrind_control; do
  command -v "$tool" >/dev/null || { echo "$tool not found" >&2; exit 1; }
done
STOP_WAIT_TENTHS=100
# shellcheck source=tools/load-common.sh
. tools/load-common.sh

echo "| workload | mode | requests | instructions / request | vs none |"
echo "| --- | --- | ---: | ---: | ---: |"
for workload in actual preflight; do
  base=""
  for mode in "${MODES[@]}"; do
    out="$work/callgrind.out"
    rm -f "$out"*
    # The server stops itself after 300 s whatever happens here (its last
    # argument); valgrind is started directly so that $! is its PID.
    valgrind --tool=callgrind --callgrind-out-file="$out" \
      "$SERVER" "$mode" "$PORT" 300 1 2>"$work/valgrind.log" &
    server_pid=$!
    for _ in $(seq 300); do
      curl -s -o /dev/null --max-time 2 "$URL" && break
      sleep 0.2
    done
    timeout 60 wrk -t1 -c4 -d2s -s "$work/$workload.lua" "$URL" >/dev/null
    callgrind_control --zero "$server_pid" >/dev/null 2>&1
    result="$(timeout $(( SECONDS_PER_RUN + 60 )) wrk -t1 -c4 -d"${SECONDS_PER_RUN}s" \
      -s "$work/$workload.lua" "$URL")"
    callgrind_control --dump "$server_pid" >/dev/null 2>&1
    requests="$(awk '/ requests in / {print $1}' <<<"$result")"
    stop_server
    # The dump after zeroing is the last numbered part file.
    part="$(ls "$out".* 2>/dev/null | sort -t. -k3 -n | tail -1)"
    total="$(awk '/^summary:/ {print $2}' "${part:-$out}")"
    [ -z "$PROFILES" ] || cp "${part:-$out}" "$PROFILES/$workload-$mode.out"
    per="$(( total / requests ))"
    [ -z "$base" ] && base="$per"
    delta="$(awk -v a="$per" -v b="$base" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')"
    echo "| $workload | $mode | $requests | $per | $delta |"
  done
done
