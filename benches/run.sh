#!/usr/bin/env bash
# Runs every benchmark with short criterion settings, then prints one summary table.
#   bash benches/run.sh            # 10^3..10^5 timers, 10^4..10^5 routes (a few minutes on 2 cores)
#   HC_BENCH_BIG=1 bash benches/run.sh   # adds 10^6
# Extra arguments go to criterion (e.g. a filter: bash benches/run.sh insert_uniform).
set -euo pipefail
cd "$(dirname "$0")/.."
# The release profile is tuned for a small wasm binary (opt-level "z", fat LTO); measure native
# code as a native user would build it, without touching Cargo.toml's profiles.
export CARGO_PROFILE_BENCH_OPT_LEVEL=3 CARGO_PROFILE_BENCH_LTO=false CARGO_PROFILE_BENCH_CODEGEN_UNITS=16
rm -rf target/criterion
ARGS=(--warm-up-time 0.3 --measurement-time 1 --sample-size 10 --noplot "$@")
cargo bench --bench wheels -- "${ARGS[@]}"
cargo bench --bench routes -- "${ARGS[@]}"
node benches/report.js target/criterion
