#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so the vault
# talks to a real Secret Service (shared/PLATFORM.md: an empty password cannot create the
# login collection without a prompter, so a throw-away non-empty one is used).
# The daemon keeps its keyrings in a folder of its own under the build cache, so a login
# keyring someone else made with another password can never leave it locked, and secrets
# (e.g. the demo store's key) persist from one run to the next.
# Usage: tests/ci/with-keychain.sh CMD [ARGS...]
set -euo pipefail
if [ -z "${XP_IN_KEYCHAIN_SESSION:-}" ]; then
  exec env XP_IN_KEYCHAIN_SESSION=1 dbus-run-session -- "$0" "$@"
fi
KEYRING_DATA="${XP_KEYRING_DATA:-$HOME/.cache/xero-partner/keyring-data}"
mkdir -p "$KEYRING_DATA"
eval "$(printf 'xp-ci-keyring' | XDG_DATA_HOME="$KEYRING_DATA" gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
eval "$(XDG_DATA_HOME="$KEYRING_DATA" gnome-keyring-daemon --start --components=secrets 2>/dev/null)" || true
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
exec "$@"
