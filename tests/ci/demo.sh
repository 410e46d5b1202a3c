#!/usr/bin/env bash
# Installs what is missing, builds the app with its bundled front end and starts it in demo
# mode (the sandbox profile: every provider URL points at the local sandbox emulators).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=setup.sh
source tests/ci/setup.sh

step "building the app"
(cd ui && npm run --silent build)
ui/node_modules/.bin/tauri build --debug --no-bundle --ci

DATA_DIR="${XP_DEMO_DATA_DIR:-$CACHE_DIR/demo-data}"
APP=("$CARGO_TARGET_DIR/debug/xero-partner" --profile sandbox --data-dir "$DATA_DIR" "$@")
step "starting Xero Partner (demo data in $DATA_DIR)"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting a virtual one (Xvfb :42). Set DISPLAY to use your desktop."
  Xvfb :42 -screen 0 1366x860x24 -nolisten tcp >/dev/null 2>&1 &
  export DISPLAY=:42
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  # No desktop session: give the app a private D-Bus with an unlocked keychain.
  exec tests/ci/with-keychain.sh "${APP[@]}"
fi
exec "${APP[@]}"
