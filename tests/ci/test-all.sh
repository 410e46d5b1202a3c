#!/usr/bin/env bash
# Every test of the project: formatting, lints, Rust unit and integration tests (nextest, with
# a real Secret Service), the generated-types drift check, UI type check + lint + Vitest, a
# debug bundle, and the end-to-end suite driving the real window under Xvfb.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
started=$(date +%s)
# shellcheck source=setup.sh
source tests/ci/setup.sh

step "rustfmt"
cargo fmt --all --check

step "UI: type check, lint, unit tests, build"
(cd ui && npm run --silent typecheck && npm run --silent lint && npm test --silent && npm run --silent build)

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

# A keyring of this run's own. gnome-keyring rewrites and re-encrypts its whole file on every
# change, and each test leaves keys behind (a store key per temporary data folder): a keyring kept
# from run to run grew by every run (387 KB after a day here) and slowed every keychain call,
# and two runs at once would share one file between two daemons, each writing its own copy.
XP_KEYRING_DATA="$(mktemp -d "${TMPDIR:-/tmp}/xp-keyring.XXXXXX")"
export XP_KEYRING_DATA
trap 'rm -rf "$XP_KEYRING_DATA"' EXIT

step "Rust tests (nextest), keychain tests against gnome-keyring; includes the ts-rs drift check"
XP_REQUIRE_KEYCHAIN=1 tests/ci/with-keychain.sh cargo nextest run --workspace --locked --no-fail-fast

step "building the sandbox for the end-to-end run"
cargo build --locked -p xp-sandbox --bin sandbox

step "tauri build --debug (bundled front end, .deb)"
ui/node_modules/.bin/tauri build --debug --bundles deb --ci
ls -l "$CARGO_TARGET_DIR/debug/xero-partner" "$CARGO_TARGET_DIR"/debug/bundle/deb/*.deb

step "end to end: the real window under Xvfb through tauri-driver + WebKitWebDriver"
rm -rf tests/e2e/artifacts && mkdir -p tests/e2e/artifacts
E2E_LOG=tests/e2e/artifacts/e2e.log
# The private D-Bus session prints portal and accessibility chatter; keep it in the log file.
if ! CI=true tests/ci/with-keychain.sh node tests/e2e/app.e2e.mjs \
  --app "$CARGO_TARGET_DIR/debug/xero-partner" --driver "$TOOLS_DIR/bin/tauri-driver" \
  --sandbox-bin "$CARGO_TARGET_DIR/debug/sandbox" --artifacts tests/e2e/artifacts >"$E2E_LOG" 2>&1; then
  tail -n 80 "$E2E_LOG"
  echo "end-to-end tests failed; screenshots and log in tests/e2e/artifacts"
  exit 1
fi
grep -E '^  (ok|FAIL) |^screenshots' "$E2E_LOG"

echo "all checks passed in $(( $(date +%s) - started )) s"
grep -E '^e2e: ' "$E2E_LOG"
