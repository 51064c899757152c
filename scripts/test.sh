#!/usr/bin/env bash
# The README's test command: installs what is missing (scripts/setup.sh), then runs every test:
# formatting and lints, native unit and property tests, browser tests in headless Chromium and
# Firefox, a release `trunk build`, the bundle size, and end-to-end tests of the built page.
# Every part runs even if an earlier one failed; a summary follows and the exit code is non-zero
# if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
hc_setup all || { echo "setup failed"; exit 1; }

WASM=wasm32-unknown-unknown
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-120}
# Property tests: thousands of random scenarios by default (PROPTEST_CASES overrides per run).
results=()
failed=0

part() {
  local name=$1; shift
  local start=$SECONDS
  printf '\n\033[1m=== %s\033[0m\n' "$name"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start)) s)")
  else
    results+=("FAIL  $name ($((SECONDS - start)) s)")
    failed=$((failed + 1))
  fi
}

wasm_tests() {
  local browser=$1
  if [ "$browser" = chrome ]; then
    env -u GECKODRIVER CHROMEDRIVER=/usr/bin/chromedriver cargo test --target $WASM --tests
  else
    env -u CHROMEDRIVER GECKODRIVER="$GECKODRIVER" cargo test --target $WASM --tests
  fi
}


part "cargo fmt --check" cargo fmt --all -- --check
part "clippy (native)" cargo clippy --all-targets -- -D warnings
# Benches are native-only (criterion and the peers do not target wasm32).
part "clippy (wasm32)" cargo clippy --target $WASM --lib --bins --tests -- -D warnings
part "native tests (unit, property, CLI)" cargo test
part "browser tests: headless Chromium" wasm_tests chrome
part "browser tests: headless Firefox" wasm_tests firefox
part "trunk build --release" trunk build --release
part "bundle size" node scripts/bundle-size.mjs dist
# The example course book (issue #20): the pinned mdBook with this repo's preprocessor.
course_book() {
  cargo build --release --bin mdbook-hardclock &&
    PATH="$PWD/target/release:$PATH" mdbook build examples/course-book
}
part "course book (mdBook + mdbook-hardclock)" course_book
part "end-to-end: Chromium, built page" node tests/e2e/run.mjs dist chrome
part "end-to-end: Firefox, built page" node tests/e2e/run.mjs dist firefox

printf '\n\033[1m=== summary\033[0m\n'
printf '%s\n' "${results[@]}"
total=${#results[@]}
echo "summary: $((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
