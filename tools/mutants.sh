#!/usr/bin/env bash
# Mutation testing of the decision logic with cargo-mutants: every mutant of
# the decision, the request-header check, origins, Vary and validation must
# make a test fail. Too slow for CI (one build and test run per mutant, about
# 500 mutants); run it by hand and read mutants.out/ (caught, missed,
# timeout, unviable lists).
#
#   tools/mutants.sh                  # all of them
#   tools/mutants.sh src/vary.rs      # only these files
#   MUTANTS_SHARD=0/4 tools/mutants.sh  # a quarter, for a quick look
#
# Needs cargo-mutants (`cargo install --locked cargo-mutants`).
set -euo pipefail
cd "$(dirname "$0")/.."

files=("$@")
if [ "${#files[@]}" -eq 0 ]; then
  files=('src/decision/*.rs' src/request_headers.rs 'src/origin/*.rs' src/vary.rs src/policy/validate.rs)
fi
args=()
for f in "${files[@]}"; do args+=(-f "$f"); done
if [ -n "${MUTANTS_SHARD:-}" ]; then args+=(--shard "$MUTANTS_SHARD"); fi

# The unit tests and the integration binary judge the mutants; the
# real-browser suites add minutes per mutant and nothing the model-judged
# property tests do not already check.
cargo mutants --all-features "${args[@]}" --timeout 300 -o target/mutants -- --lib --test integration
