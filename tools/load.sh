#!/usr/bin/env bash
# End-to-end load run: the axum app of tools/src/bin/load_server.rs,
# bare, behind tower-cors and behind tower-http, under the same wrk load on
# loopback, for actual GETs (with Origin) and for preflights.
#
#   tools/load.sh                       # 7 rounds of 5 s per mode and workload
#   ROUNDS=3 SECONDS_PER_RUN=10 tools/load.sh
#   MODES="noop-layer tower-cors" tools/load.sh
#
# Modes: the app bare (none), behind a layer that does nothing (noop-layer:
# what any layer costs in axum), behind a layer that only appends the three
# headers of an allowed credentialed answer (floor-headers: what writing and
# sending them costs any CORS layer), behind tower-cors, behind tower-http.
# Server CPU per request is compared with none and with noop-layer.
#
# Each round runs every mode once, in turn, so that slow drifts of a shared
# machine hit all modes alike; the table gives each mode's median over the
# rounds. With 2 or more cores the server is pinned to CPU 0 and wrk to
# CPU 1 (taskset), so they do not take turns on one core.
#
# Needs wrk (Debian: apt-get install -y wrk). Loopback only; every child
# process is time-bounded and stopped by its own PID.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-7}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-5}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-3187}"
read -r -a MODES <<<"${MODES:-none noop-layer floor-headers tower-cors tower-http}"
WORKLOADS=(actual preflight)
URL="http://127.0.0.1:${PORT}/api/items"
ORIGIN="https://app.example.com"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }

server_cpu=() wrk_cpu=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  server_cpu=(taskset -c 0) wrk_cpu=(taskset -c 1)
fi

# shellcheck source=tools/load-common.sh
. tools/load-common.sh

HZ="$(getconf CLK_TCK)"
# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_server() {
  local mode="$1"
  # The server stops itself after this long even if this script dies.
  local bound=$(( ROUNDS * SECONDS_PER_RUN * 4 + 60 ))
  "${server_cpu[@]}" "$SERVER" "$mode" "$PORT" "$bound" 1 2>>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 100); do
    curl -s -o /dev/null --max-time 1 "$URL" && return 0
    sleep 0.1
  done
  echo "server ($mode) did not start; see below" >&2
  cat "$work/server.log" >&2
  exit 1
}

# What each mode answers, once, so the table can be read.
status_of() {
  local workload="$1"
  if [ "$workload" = actual ]; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 -H "Origin: $ORIGIN" "$URL"
  else
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X OPTIONS -H "Origin: $ORIGIN" \
      -H "Access-Control-Request-Method: PUT" \
      -H "Access-Control-Request-Headers: content-type,x-requested-with" "$URL"
  fi
}

declare -A statuses
for mode in "${MODES[@]}"; do
  start_server "$mode"
  for workload in "${WORKLOADS[@]}"; do statuses["$mode/$workload"]="$(status_of "$workload")"; done
  stop_server
done

# rounds × modes × workloads runs; results as lines "workload mode req/s".
for round in $(seq "$ROUNDS"); do
  for mode in "${MODES[@]}"; do
    start_server "$mode"
    for workload in "${WORKLOADS[@]}"; do
      # Warm the connections and caches, then measure.
      timeout 10 "${wrk_cpu[@]}" wrk -t1 -c"$CONNECTIONS" -d1s -s "$work/$workload.lua" "$URL" >/dev/null
      before="$(cpu_ticks "$server_pid")"
      out="$(timeout $(( SECONDS_PER_RUN + 20 )) "${wrk_cpu[@]}" wrk -t1 -c"$CONNECTIONS" \
        -d"${SECONDS_PER_RUN}s" -s "$work/$workload.lua" "$URL")"
      after="$(cpu_ticks "$server_pid")"
      rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
      requests="$(awk '/ requests in / {print $1}' <<<"$out")"
      # The server's own CPU time per request, in µs: unlike req/s, it does
      # not drop when other processes take turns on the server's core.
      cpu_us="$(awk -v t=$(( after - before )) -v hz="$HZ" -v n="$requests" \
        'BEGIN { printf "%.2f", t / hz * 1e6 / n }')"
      echo "$workload $mode $rps $round $cpu_us" >>"$work/results"
      echo "round $round: $workload $mode $rps req/s, $cpu_us µs CPU/request" >&2
    done
    stop_server
  done
done

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

cpu="$(awk -F: '/^model name/ {gsub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)"
echo
echo "Machine: ${cpu:-unknown CPU}, $(nproc) cores; server: 1 thread (current-thread Tokio) on CPU 0, wrk -t1 -c${CONNECTIONS} on CPU 1; ${ROUNDS} rounds of ${SECONDS_PER_RUN} s, median of rounds."
echo
echo "| workload | mode | status | req/s (median) | min – max | median vs none | per-round ratio vs none (median) | server CPU µs / request (median) | CPU vs none | CPU vs noop-layer |"
echo "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
for workload in "${WORKLOADS[@]}"; do
  base="$(awk -v w="$workload" '$1 == w && $2 == "none" {print $3}' "$work/results" | median)"
  base_cpu="$(awk -v w="$workload" '$1 == w && $2 == "none" {print $5}' "$work/results" | median)"
  noop_cpu="$(awk -v w="$workload" '$1 == w && $2 == "noop-layer" {print $5}' "$work/results" | median)"
  for mode in "${MODES[@]}"; do
    values="$(awk -v w="$workload" -v m="$mode" '$1 == w && $2 == m {print $3}' "$work/results")"
    med="$(median <<<"$values")"
    lo="$(sort -g <<<"$values" | head -1)"
    hi="$(sort -g <<<"$values" | tail -1)"
    delta="$(awk -v a="$med" -v b="$base" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')"
    # Each round ran every mode back to back: compare within rounds.
    paired="$(awk -v w="$workload" -v m="$mode" '
      $1 == w && $2 == "none" { none[$4] = $3 }
      $1 == w && $2 == m { mine[$4] = $3 }
      END { for (r in mine) if (r in none) print mine[r] / none[r] }' "$work/results" | median)"
    paired="$(awk -v p="$paired" 'BEGIN { printf "%+.1f%%", (p - 1) * 100 }')"
    cpu="$(awk -v w="$workload" -v m="$mode" '$1 == w && $2 == m {print $5}' "$work/results" | median)"
    cpu_delta="$(awk -v a="$cpu" -v b="$base_cpu" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')"
    noop_delta="$(awk -v a="$cpu" -v b="$noop_cpu" 'BEGIN { if (b > 0) printf "%+.1f%%", (a / b - 1) * 100; else print "–" }')"
    echo "| $workload | $mode | ${statuses[$mode/$workload]} | $med | $lo – $hi | $delta | $paired | $cpu | $cpu_delta | $noop_delta |"
  done
done
