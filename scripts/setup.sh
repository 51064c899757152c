#!/usr/bin/env bash
# Installs every tool hardclock needs, pinned, and only what is missing or at the wrong version.
# Sourced by scripts/serve.sh and scripts/test.sh; safe to run again (the second run only checks).
#
# Pins (change them here, nowhere else):
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130      # must equal the wasm-bindgen version in Cargo.lock
BINARYEN_VERSION=132              # npm package `binaryen`; Debian's wasm-opt 108 is too old
GECKODRIVER_VERSION=0.37.1
MDBOOK_VERSION=0.5.4              # the end-to-end test builds examples/course-book with it
# Debian's chromium/chromium-driver/firefox-esr come from the bookworm(-security) suite; apt has
# no stable pin for a security-updated browser, so we require chromedriver == chromium major.
# When sourced it sets no shell options of its own.

HC_TOOLS="${HC_TOOLS:-$HOME/.cache/hardclock-tools}"
export PATH="$HOME/.cargo/bin:$HC_TOOLS/binaryen-$BINARYEN_VERSION/node_modules/.bin:$PATH"

say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Each step returns non-zero on failure; steps are chained with && because `set -e` is ignored
# inside functions called from `if`/`||`, which is how scripts/test.sh calls hc_setup.
ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return 0
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
}

ensure_components() {
  local c
  for c in clippy rustfmt; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" && continue
    say "adding rustup component $c"
    rustup component add "$c" || return 1
  done
}

# cargo_tool BIN CRATE VERSION [--locked]
cargo_tool() {
  local bin=$1 crate=$2 version=$3 locked=${4:-}
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -q "$version"; then return 0; fi
  local log="$HC_TOOLS/logs/$crate-$version.log"
  mkdir -p "$HC_TOOLS/logs" || return 1
  say "installing $crate $version (cargo install, several minutes on 2 cores; log: $log)"
  if ! cargo install "$crate" --version "$version" $locked --force >"$log" 2>&1; then
    tail -n 30 "$log" >&2; say "cargo install $crate failed"; return 1
  fi
}

ensure_binaryen() {
  local dir="$HC_TOOLS/binaryen-$BINARYEN_VERSION"
  if "$dir/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then return 0; fi
  say "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm into $dir"
  mkdir -p "$dir" &&
    npm install --no-audit --no-fund --loglevel=error --prefix "$dir" "binaryen@$BINARYEN_VERSION" >/dev/null &&
    "$dir/node_modules/.bin/wasm-opt" --version | grep -q "version $BINARYEN_VERSION"
}

ensure_debian_packages() {
  local missing=() p
  for p in chromium chromium-driver firefox-esr; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  need_root apt-get update -qq &&
    need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

check_browsers() {
  local c d
  c=$(chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -1)
  d=$(chromedriver --version 2>/dev/null | grep -oE '[0-9]+' | head -1)
  if [ -z "$c" ] || [ "$c" != "$d" ]; then
    say "chromium ($c) and chromedriver ($d) major versions differ"; return 1
  fi
}

# hc_setup [all|serve]: `serve` skips the browsers and drivers that only the tests need.
hc_setup() {
  local what=${1:-all}
  ensure_wasm_target && ensure_components && ensure_binaryen &&
    cargo_tool trunk trunk "$TRUNK_VERSION" --locked &&
    cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION" || return 1
  if [ "$what" = all ]; then
    ensure_debian_packages && check_browsers &&
      cargo_tool geckodriver geckodriver "$GECKODRIVER_VERSION" --locked &&
      cargo_tool mdbook mdbook "$MDBOOK_VERSION" --locked || return 1
  fi
  export CHROMEDRIVER=/usr/bin/chromedriver
  export GECKODRIVER="$HOME/.cargo/bin/geckodriver"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  hc_setup "${1:-all}"
  say "all tools present"
fi
