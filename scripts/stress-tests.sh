#!/usr/bin/env bash
# The test command on a busy machine: runs `scripts/test.sh` (or the command given) N times in a
# row while two other processes keep both cores busy, and says how many runs passed. Not part
# of the README's test command; it shows that no test depends on the machine being idle.
#
#   bash scripts/stress-tests.sh [RUNS] [-- COMMAND...]     # RUNS defaults to 5
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || set -- bash scripts/test.sh

# Two busy loops, one per core of the CI machine; they end with this script.
busy=()
for _ in 1 2; do
  ( while :; do :; done ) &
  busy+=($!)
done
trap 'kill "${busy[@]}" 2>/dev/null' EXIT

passed=0
for i in $(seq 1 "$runs"); do
  start=$SECONDS
  log="target/stress-run-$i.log"
  mkdir -p target
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "run $i: PASS ($((SECONDS - start)) s)"
  else
    echo "run $i: FAIL ($((SECONDS - start)) s), see $log:"
    grep -E "^(FAIL|summary)|FAIL|panicked at|waited" "$log" | head -20
  fi
done
echo "stress: $passed of $runs runs passed with both cores busy"
[ "$passed" -eq "$runs" ]
