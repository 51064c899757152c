#!/usr/bin/env bash
# Installs every tool hardclock needs, pinned, and only what is missing or at the wrong version.
# Sourced by scripts/serve.sh and scripts/test.sh; safe to run again (the second run only checks).
#
# Pins (change them here, nowhere else):
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130      # must equal the wasm-bindgen version in Cargo.lock
BINARYEN_VERSION=132              # npm package `binaryen`; Debian's wasm-opt 108 is too old
GECKODRIVER_VERSION=0.37.1
# Debian's chromium/chromium-driver/firefox-esr come from the bookworm(-security) suite; apt has
# no stable pin for a security-updated browser, so we require chromedriver == chromium major.
set -euo pipefail

HC_TOOLS="${HC_TOOLS:-$HOME/.cache/hardclock-tools}"
export PATH="$HOME/.cargo/bin:$HC_TOOLS/binaryen-$BINARYEN_VERSION/node_modules/.bin:$PATH"

say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_wasm_target() {
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then return; fi
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
}

ensure_components() {
  for c in clippy rustfmt; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$c"; then
      say "adding rustup component $c"; rustup component add "$c"
    fi
  done
}

# cargo_tool BIN CRATE VERSION [--locked]
cargo_tool() {
  local bin=$1 crate=$2 version=$3 locked=${4:-}
  if command -v "$bin" >/dev/null 2>&1 && "$bin" --version 2>/dev/null | grep -q "$version"; then return; fi
  say "installing $crate $version (cargo install; several minutes on 2 cores)"
  cargo install "$crate" --version "$version" $locked --force
}

ensure_binaryen() {
  local dir="$HC_TOOLS/binaryen-$BINARYEN_VERSION"
  if [ -x "$dir/node_modules/.bin/wasm-opt" ] && "$dir/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then return; fi
  say "installing binaryen $BINARYEN_VERSION from npm into $dir"
  mkdir -p "$dir"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error --prefix "$dir" "binaryen@$BINARYEN_VERSION" >/dev/null)
}

ensure_debian_packages() {
  local missing=()
  for p in chromium chromium-driver firefox-esr; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing Debian packages: ${missing[*]}"
  need_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive need_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

check_browsers() {
  local c d
  c=$(chromium --version 2>/dev/null | grep -oE '[0-9]+' | head -1 || true)
  d=$(chromedriver --version 2>/dev/null | grep -oE '[0-9]+' | head -1 || true)
  if [ -z "$c" ] || [ "$c" != "$d" ]; then
    say "chromium ($c) and chromedriver ($d) majors differ"; exit 1
  fi
}

hc_setup() {
  local what=${1:-all}
  ensure_wasm_target
  ensure_components
  ensure_binaryen
  cargo_tool trunk trunk "$TRUNK_VERSION" --locked
  cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
  if [ "$what" = all ]; then
    ensure_debian_packages
    check_browsers
    cargo_tool geckodriver geckodriver "$GECKODRIVER_VERSION" --locked
  fi
  export CHROMEDRIVER=/usr/bin/chromedriver
  export GECKODRIVER="$HOME/.cargo/bin/geckodriver"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  hc_setup "${1:-all}"
  say "all tools present"
fi
