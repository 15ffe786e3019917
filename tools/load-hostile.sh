#!/usr/bin/env bash
# Bounded hostile load test on loopback: wrk drives a mix of allowed
# and refused preflights, actual requests and hostile preflights
# (tools/load-hostile.lua) against the axum app of
# tools/src/bin/hostile_load_server.rs, and judges every response; an exact
# checker (the server's `check` mode, every header line) runs before and
# after. Resident memory (VmRSS) is read after warm-up and at the end.
#
#   tools/load-hostile.sh                 # 5 s warm-up + 15 s load, 32 connections
#   DURATION=60 CONNECTIONS=64 tools/load-hostile.sh
#
# Passes (exit 0) when: zero socket errors, zero wrong answers (wrk and the
# exact checker), the request classes follow the mix, and the final RSS is
# within 10% of the RSS after warm-up. Needs wrk. Every child process is
# time-bounded and stopped by its own PID.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
PORT="${PORT:-3190}"
CHECK_ROUNDS="${CHECK_ROUNDS:-250}"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
# shellcheck source=tools/cargo-paths.sh
. tools/cargo-paths.sh
cargo build --release --quiet -p tower-cors-tools --bin hostile_load_server
BIN="$(cargo_target_dir)/release/hostile_load_server"
need_executable "$BIN" "the hostile load server (cargo build --release -p tower-cors-tools --bin hostile_load_server)"
LUA="tools/load-hostile.lua"

server_pid=""
work="$(mktemp -d)"
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The server stops by itself after this long even if this script dies.
lifetime=$((WARMUP + DURATION + 180))
"$BIN" serve "$PORT" "$lifetime" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q listening "$work/server.log" 2>/dev/null && break
  sleep 0.1
done
grep -q listening "$work/server.log" || { echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }
run_wrk() { # seconds, output file
  timeout --kill-after=10 $(($1 + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s --timeout 10s \
    -s "$LUA" "http://127.0.0.1:${PORT}/api" >"$2" 2>&1
}
field() { grep -o "$1=[0-9]*" "$2" | head -1 | cut -d= -f2; }

fail=0
echo "== exact check before the load ($CHECK_ROUNDS rounds of every kind)"
timeout 300 "$BIN" check "$PORT" "$CHECK_ROUNDS" || fail=1

echo "== warm-up ${WARMUP}s"
run_wrk "$WARMUP" "$work/warm.txt"
grep RESULT "$work/warm.txt"
rss_warm=$(rss_kib)

echo "== load ${DURATION}s, ${CONNECTIONS} connections, ${THREADS} threads"
run_wrk "$DURATION" "$work/load.txt"
cat "$work/load.txt"
rss_end=$(rss_kib)

echo "== exact check after the load"
timeout 300 "$BIN" check "$PORT" "$CHECK_ROUNDS" || fail=1
rss_after_check=$(rss_kib)

requests=$(field requests "$work/load.txt")
wrong=$(field wrong "$work/load.txt")
socket_errors=$(field socket_errors "$work/load.txt")
skew=$(grep -o 'MIX_SKEW [0-9]*' "$work/load.txt" | cut -d' ' -f2)
rps=$(awk '/Requests\/sec/ {print $2}' "$work/load.txt")
growth=$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')

echo
echo "== summary"
printf 'requests        %s in %ss (%s req/s)\n' "$requests" "$DURATION" "$rps"
printf 'wrong answers   %s (every response judged), mix skew %s (allowed: %s)\n' "$wrong" "$skew" "$((CONNECTIONS + 8))"
printf 'socket errors   %s\n' "$socket_errors"
printf 'VmRSS           %s KiB after warm-up, %s KiB at the end (%s%%), %s KiB after the final check\n' \
  "$rss_warm" "$rss_end" "$growth" "$rss_after_check"

[ "${wrong:-1}" -eq 0 ] || { echo "FAIL: wrong answers"; fail=1; }
[ "${socket_errors:-1}" -eq 0 ] || { echo "FAIL: socket errors"; fail=1; }
[ "${skew:-999999}" -le $((CONNECTIONS + 8)) ] || { echo "FAIL: class counts do not follow the mix"; fail=1; }
awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN { exit !(b <= a * 1.10) }' || { echo "FAIL: RSS grew over 10%"; fail=1; }
[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
