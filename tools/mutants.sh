#!/usr/bin/env bash
# Mutation testing of the decision logic with cargo-mutants: every mutant of
# the decision, the request-header check, origins (with the URL Standard's
# host parser in src/url/), Vary and validation must make a test fail. Too
# slow for CI (one build and test run per mutant, about 600 mutants, about an
# hour on 2 cores); run it by hand and read
# target/mutants/mutants.out/ (caught, missed, timeout and unviable lists).
#
#   tools/mutants.sh                  # all of them
#   tools/mutants.sh src/vary.rs      # only these files
#   MUTANTS_SHARD=0/4 tools/mutants.sh  # a quarter, for a quick look
#   MUTANTS_ARGS="--in-place --iterate" tools/mutants.sh
#       # on a checkout of its own: only what earlier runs did not catch
#
# Needs cargo-mutants (`cargo install --locked cargo-mutants`).
set -euo pipefail
cd "$(dirname "$0")/.."

files=("$@")
# Extra cargo-mutants arguments, e.g. MUTANTS_ARGS="--in-place" on a checkout
# of its own, which saves copying the tree.
read -r -a MUTANTS_ARGS <<<"${MUTANTS_ARGS:-}"
if [ "${#files[@]}" -eq 0 ]; then
  files=('src/decision/*.rs' src/request_headers.rs 'src/origin/*.rs' 'src/url/*.rs' src/vary.rs src/policy/validate.rs)
fi
args=()
for f in "${files[@]}"; do args+=(-f "$f"); done
if [ -n "${MUTANTS_SHARD:-}" ]; then args+=(--shard "$MUTANTS_SHARD"); fi

# The unit tests and the integration binary judge the mutants (with the
# features they test; `cors-check` is a package of its own, with its own
# tests); the real-browser suites add minutes per mutant and nothing the
# model-judged property tests do not already check. `--cargo-arg` limits the
# build to those two targets too, not only the test run, and debug info is
# left out: each mutant then costs a few seconds of build. mold links faster
# when it is there (`apt-get install -y mold`).
export CARGO_PROFILE_DEV_DEBUG=0
if command -v mold >/dev/null; then
  export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-fuse-ld=mold"
fi
cargo mutants --features serde,tracing "${args[@]}" --timeout 120 \
  --cargo-arg=--lib --cargo-arg=--test=integration -o target/mutants "${MUTANTS_ARGS[@]}"
