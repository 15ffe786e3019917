#!/usr/bin/env bash
# The demo's resident memory under many requests, measured as a user would:
# `cargo run -p example-demo` (debug build, stdout to /dev/null), then
# REQUESTS cross-origin GETs to its API (one curl, one kept-alive
# connection, each URL different like the page's `?run=&row=`), VmRSS read
# from /proc before and after. The demo keeps only the latest requests, so
# its memory must level off.
#
#   tools/demo-memory.sh                  # 20,000 requests
#   REQUESTS=100000 tools/demo-memory.sh
#
# Needs curl. Loopback only; the demo is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS="${REQUESTS:-20000}"
WEB_PORT="${WEB_PORT:-3300}"
API_PORT="${API_PORT:-3301}"

# shellcheck source=tools/cargo-paths.sh
. tools/cargo-paths.sh
cargo build --quiet -p example-demo
BIN="$(cargo_target_dir)/debug/example-demo"
need_executable "$BIN" "the demo (cargo build -p example-demo)"

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

RUST_LOG=off "$BIN" --web "127.0.0.1:$WEB_PORT" --api "127.0.0.1:$API_PORT" --wrong off \
  >/dev/null 2>"$work/demo.log" &
pid=$!
api="http://127.0.0.1:$API_PORT/api/data"
origin="http://127.0.0.1:$WEB_PORT"
for _ in $(seq 100); do
  curl -s -o /dev/null --max-time 1 -H "Origin: $origin" "$api" && break
  sleep 0.1
done

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
# A first batch warms the allocator and the runtime, as a user's first
# page loads would.
send() { # count, run name
  timeout 600 curl -s -o /dev/null -H "Origin: $origin" "$api?run=$2&row=[1-$1]"
}
start="$(rss)"
send 500 warm
before="$(rss)"
send "$REQUESTS" load
after="$(rss)"
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }'; }
echo "demo VmRSS: $start KiB at start, $before KiB after 500 warm-up requests," \
  "$after KiB after $REQUESTS more ($(pct "$before" "$after") over the warm-up, $(pct "$start" "$after") over the start)"
