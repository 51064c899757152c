#!/usr/bin/env bash
# Runs every benchmark with short criterion settings, then prints one summary table.
#   bash benches/run.sh                   # 10^3..10^6 timers, 10^4..10^6 routes, replay, step back
#   HC_BENCH_SMALL=1 bash benches/run.sh  # without the 10^6 sizes (a quick look)
#   HC_BENCH_BROWSER=0 bash benches/run.sh  # without the browser half (release build, Chromium)
#   HC_BENCH_NATIVE=0 bash benches/run.sh   # the browser half only
#   HC_BENCH_LOAD=0 bash benches/run.sh     # the browser half without its loading part (or: paint,notes,routes,long)
# Extra arguments go to criterion (e.g. a filter: bash benches/run.sh insert_uniform).
set -euo pipefail
cd "$(dirname "$0")/.."
# The release profile is tuned for a small wasm binary (opt-level "z", fat LTO); measure native
# code as a native user would build it, without touching Cargo.toml's profiles.
export CARGO_PROFILE_BENCH_OPT_LEVEL=3 CARGO_PROFILE_BENCH_LTO=false CARGO_PROFILE_BENCH_CODEGEN_UNITS=16
ARGS=(--warm-up-time 0.3 --measurement-time 1 --sample-size 10 --noplot "$@")
start=$(date +%s)
if [ "${HC_BENCH_NATIVE:-1}" != 0 ]; then
  rm -rf target/criterion
  for b in wheels routes stepback; do
    cargo bench --bench "$b" -- "${ARGS[@]}"
  done
fi
# The browser half: the release build in headless Chromium (first render; playing 10,000 and
# 16,000 timers at 1,000 ticks/s at 60 Hz and with the frame rate unlocked, where each play
# advance's frame time is measured; then tests/e2e/bench-load.mjs: cold first paints, the course
# page on an emulated slow network, big routing tables through the kit, a long run's memory and
# jumps; bundle size). Its report follows the native table. HC_BENCH_LOAD picks the loading parts.
browser_table=""
if [ "${HC_BENCH_BROWSER:-1}" != 0 ]; then
  source scripts/setup.sh
  hc_setup all
  trunk build --release
  browser_table=$(CHROMEDRIVER=/usr/bin/chromedriver node tests/e2e/bench.mjs dist chrome 5)
fi
echo
echo "hardclock benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores:" \
  "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo unknown CPU)," \
  "$(rustc --version), $(( $(date +%s) - start )) s"
echo
[ "${HC_BENCH_NATIVE:-1}" = 0 ] || node benches/report.js target/criterion
[ -z "$browser_table" ] || printf '\n%s\n' "$browser_table"
