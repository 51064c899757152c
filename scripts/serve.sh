#!/usr/bin/env bash
# The README's serve command: installs what is missing, then `trunk serve` on http://127.0.0.1:8080/.
# Extra arguments go to trunk (e.g. `--release`, `--port 9000`, `--address 0.0.0.0`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
hc_setup serve
exec trunk serve "$@"
