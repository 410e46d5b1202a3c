#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so the vault
# talks to a real Secret Service (shared/PLATFORM.md: an empty password cannot create the
# login collection without a prompter, so a throw-away non-empty one is used).
# The daemon keeps its keyrings in a folder of its own under the build cache, so a login
# keyring someone else made with another password can never leave it locked, and secrets
# (e.g. the demo store's key) persist from one run to the next.
#
# Why it waits for the bus name: `--unlock` forks a daemon that claims org.freedesktop.secrets
# a moment later. A client that asks before then makes dbus *activate* a second daemon
# (`--start --foreground`, from the service file) with the default data folder and no
# unlocked login collection; whichever claims the name first serves every test, and when it
# is the activated one each keychain call asks for a prompter that cannot open a display.
# A CI run failed exactly so ("Activating service name='org.gnome.keyring.SystemPrompter'
# requested by … comm=gnome-keyring-daemon --start"). So: one daemon, wait until it owns the
# name, then prove a store/lookup/clear round trip before running anything.
# Usage: tests/ci/with-keychain.sh CMD [ARGS...]
set -euo pipefail
if [ -z "${XP_IN_KEYCHAIN_SESSION:-}" ]; then
  exec env XP_IN_KEYCHAIN_SESSION=1 dbus-run-session -- "$0" "$@"
fi
KEYRING_DATA="${XP_KEYRING_DATA:-$HOME/.cache/xero-partner/keyring-data}"
mkdir -p "$KEYRING_DATA"

name_has_owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}

daemon_env="$(printf 'xp-ci-keyring' | XDG_DATA_HOME="$KEYRING_DATA" gnome-keyring-daemon --unlock --components=secrets)" || {
  echo "with-keychain: gnome-keyring-daemon --unlock failed" >&2
  exit 1
}
eval "$daemon_env"
export GNOME_KEYRING_CONTROL
for _ in $(seq 1 100); do
  name_has_owner && break
  sleep 0.1
done
if ! name_has_owner; then
  echo "with-keychain: no daemon claimed org.freedesktop.secrets within 10 s" >&2
  exit 1
fi
probe="xp-ci-probe-$$"
if ! { printf 'probe' | timeout 10 secret-tool store --label="$probe" xp-ci-probe "$probe" \
  && [ "$(timeout 10 secret-tool lookup xp-ci-probe "$probe")" = probe ] \
  && timeout 10 secret-tool clear xp-ci-probe "$probe"; }; then
  echo "with-keychain: the keyring does not store and return a secret (is $KEYRING_DATA/keyrings/login.keyring locked with another password?)" >&2
  exit 1
fi
exec "$@"
