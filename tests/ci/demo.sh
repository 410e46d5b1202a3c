#!/usr/bin/env bash
# Installs what is missing, builds the app (with its bundled front end) and the sandbox, starts
# the sandbox's provider emulators with the demo business, then the app pointed at them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=setup.sh
source tests/ci/setup.sh

step "building the app and the sandbox"
(cd ui && npm run --silent build)
ui/node_modules/.bin/tauri build --debug --no-bundle --ci
cargo build --locked -p xp-sandbox --bin sandbox

DATA_DIR="${XP_DEMO_DATA_DIR:-$CACHE_DIR/demo-sandbox}"
SANDBOX_FILE="$CACHE_DIR/sandbox.json"
step "starting the sandbox (demo seed)"
rm -f "$SANDBOX_FILE"
"$CARGO_TARGET_DIR/debug/sandbox" --listen 127.0.0.1:0 --seed demo >"$SANDBOX_FILE" &
SANDBOX_PID=$!
trap 'kill $SANDBOX_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$SANDBOX_FILE" ] && break
  kill -0 $SANDBOX_PID 2>/dev/null || { echo "the sandbox did not start" >&2; exit 1; }
  sleep 0.1
done
echo "sandbox: $(head -c 200 "$SANDBOX_FILE")…"
# Okta sign-in: the sandbox's sign-in page opens in the browser; these are its demo people.
node -e '
  const info = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0]);
  console.log("Sign in with one of the sandbox Okta users (the group gives the role):");
  for (const u of info.credentials.okta.users) console.log(`  ${u.username}  password ${u.password}  (${u.groups.filter((g) => g !== "Everyone").join(", ")})`);
' "$SANDBOX_FILE"

APP=("$CARGO_TARGET_DIR/debug/xero-partner" --sandbox "$SANDBOX_FILE" --data-dir "$DATA_DIR" "$@")
step "starting Xero Partner (demo data in $DATA_DIR)"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting a virtual one (Xvfb :42). Set DISPLAY to use your desktop."
  Xvfb :42 -screen 0 1366x860x24 -nolisten tcp >/dev/null 2>&1 &
  export DISPLAY=:42
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  # No desktop session: give the app a private D-Bus with an unlocked keychain.
  tests/ci/with-keychain.sh "${APP[@]}"
else
  "${APP[@]}"
fi
