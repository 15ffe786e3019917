# Where cargo puts build outputs, as cargo itself says: sourced (not run) by
# the scripts in tools/ and fuzz/, so that they find their binaries with
# CARGO_TARGET_DIR set (a shared target folder), with a `build.target-dir`
# in a cargo config, and on any host, not only x86-64 Linux.
#
#   cargo_target_dir    the target directory of the workspace of the current
#                       directory (`target_directory` of `cargo metadata`)
#   host_triple         rustc's host triple (the `host:` line of `rustc -vV`),
#                       under which builds with `--target <host>` land
#   need_executable PATH WHAT
#                       stops the script, saying what it looked for and where,
#                       unless PATH is an executable file
#
# Needs python3 to read cargo's JSON (no jq).

cargo_target_dir() {
  local meta dir
  meta="$(cargo metadata --format-version 1 --no-deps)" || {
    echo "cannot find the target directory: \`cargo metadata\` failed in $PWD" >&2
    return 1
  }
  dir="$(printf '%s' "$meta" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null)" || dir=""
  [ -n "$dir" ] || {
    echo "cannot find the target directory: no target_directory in what" \
      "\`cargo metadata\` printed in $PWD (python3 reads it)" >&2
    return 1
  }
  printf '%s\n' "$dir"
}

host_triple() {
  local triple
  triple="$(rustc -vV | sed -n 's/^host: *//p')"
  [ -n "$triple" ] || { echo "no \`host:\` line in \`rustc -vV\`" >&2; return 1; }
  printf '%s\n' "$triple"
}

need_executable() {
  [ -x "$1" ] && [ -f "$1" ] && return 0
  echo "$2 not found: looked for the executable $1" >&2
  echo "  (target directory from \`cargo metadata\` in $PWD: $(cargo_target_dir 2>/dev/null || echo '?');" \
    "CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-<unset>}; host from \`rustc -vV\`: $(host_triple 2>/dev/null || echo '?'))" >&2
  exit 1
}
