# Shared by tools/load.sh and tools/load-instructions.sh (sourced, not run):
# builds the load server, keeps a scratch folder, stops the server by its PID
# on exit, and writes the wrk scripts for the two workloads.
# Expects ORIGIN to be set; sets SERVER, work, server_pid and stop_server.
# STOP_WAIT_TENTHS: how long (in 0.1 s) to wait after SIGINT before SIGKILL.

# shellcheck source=tools/cargo-paths.sh
. tools/cargo-paths.sh
cargo build --release --quiet -p tower-cors-tools --bin load_server
SERVER="$(cargo_target_dir)/release/load_server"
need_executable "$SERVER" "the load server (cargo build --release -p tower-cors-tools --bin load_server)"

work="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -INT "$server_pid" 2>/dev/null || true
    for _ in $(seq "${STOP_WAIT_TENTHS:-50}"); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap 'stop_server; rm -rf "$work"' EXIT

cat >"$work/actual.lua" <<LUA
wrk.method = "GET"
wrk.headers["Origin"] = "$ORIGIN"
LUA
cat >"$work/preflight.lua" <<LUA
wrk.method = "OPTIONS"
wrk.headers["Origin"] = "$ORIGIN"
wrk.headers["Access-Control-Request-Method"] = "PUT"
wrk.headers["Access-Control-Request-Headers"] = "content-type,x-requested-with"
LUA
